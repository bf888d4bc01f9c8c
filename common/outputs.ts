/**
 * Outputs you keep (issue 11, item 2): where a plugin's finished jobs write their output file.
 * The files themselves are made in main/core/outputs/ (names after the source, formats per
 * plugin, never replacing a file silently).
 */
import { z } from 'zod';

export const OutputWhere = z.enum([
  /** Only inside Hearth (the output view, Copy, Export batch): no file is written. */
  'hearth',
  /** Next to the source file (`scan-004.png` → `scan-004.ocr.txt` in the same folder). */
  'beside',
  /** Into `folder`. */
  'folder',
]);
export type OutputWhere = z.infer<typeof OutputWhere>;

export const OutputSetting = z
  .object({
    where: OutputWhere,
    /** The folder for `where: 'folder'`; an absolute path. */
    folder: z.string().min(1).max(4096).optional(),
    /** One of the plugin's formats (PluginOutputs.formats); its default when absent. */
    format: z.string().min(1).max(20).optional(),
    /** Replace a file of the same name instead of numbering the new one (`x (2).srt`). */
    overwrite: z.boolean().optional(),
  })
  .strict();
export type OutputSetting = z.infer<typeof OutputSetting>;

/** The default for every plugin: nothing is written outside Hearth unless the user asks. */
export const DEFAULT_OUTPUT_SETTING: OutputSetting = { where: 'hearth' };

/** What a plugin can write and what it is set to write. */
export const PluginOutputs = z
  .object({
    pluginId: z.string().min(1),
    /** In menu order. */
    formats: z.array(z.string()),
    defaultFormat: z.string(),
    setting: OutputSetting,
  })
  .strict();
export type PluginOutputs = z.infer<typeof PluginOutputs>;

/** What "Export batch" did: the files written and the jobs that had nothing to write, with why. */
export const ExportReport = z
  .object({
    folder: z.string(),
    written: z.array(z.string()),
    skipped: z.array(z.object({ label: z.string(), reason: z.string() }).strict()),
  })
  .strict();
export type ExportReport = z.infer<typeof ExportReport>;
