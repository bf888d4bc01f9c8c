/** A job's small print, folded away: where its output file went (or why it could not be written) and how its earlier runs ended. */
import type { Job } from '../../common/model.js';
import '../styles/results.css';
import { earlierRunText } from './details.js';

export function JobDetails({ job }: { job: Pick<Job, 'outputPath' | 'outputError' | 'earlierRuns'> }) {
  const runs = job.earlierRuns ?? [];
  if (!job.outputPath && !job.outputError && runs.length === 0) return null;
  return (
    <details className="job-details">
      <summary>Details</summary>
      <dl>
        {job.outputPath && (
          <>
            <dt>Output file</dt>
            <dd className="job-details-path" data-testid="output-path">
              {job.outputPath}
            </dd>
          </>
        )}
        {job.outputError && (
          <>
            <dt>Output file</dt>
            <dd className="job-details-error" data-testid="output-error">
              Not written: {job.outputError.message}
            </dd>
          </>
        )}
        {runs.length > 0 && (
          <>
            <dt>Earlier runs</dt>
            <dd>
              <ol className="earlier-runs" data-testid="earlier-runs">
                {runs.map((run, i) => (
                  <li key={i}>{earlierRunText(run)}</li>
                ))}
              </ol>
            </dd>
          </>
        )}
      </dl>
    </details>
  );
}
