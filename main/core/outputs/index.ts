/** Outputs you keep (issue 11): a finished job's result as files named after its source. */
export { formatsOf, render, type PluginFormats } from './formats.js';
export { outputName, safeName } from './naming.js';
export { numbered, prepareFolder, writeOutput, type WriteOutputRequest } from './write-output.js';
export { exportJobs, saveJobOutput, type ExportReport, type OutputJob, type SaveOptions } from './export-jobs.js';
export { cueTime, toSrt, toVtt } from './subtitles.js';
