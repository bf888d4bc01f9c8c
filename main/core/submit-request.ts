/** One job to queue, as every face asks for it (HearthCore.submit). */
import type { OutputSetting } from '../../common/outputs.js';

export interface SubmitRequest {
  pluginId: string;
  source: { kind: 'path'; path: string } | { kind: 'text'; text: string };
  label?: string;
  params?: Record<string, unknown>;
  /** A time limit for this job; it fails with TIMEOUT (and the worker restarts) when exceeded. */
  timeoutMs?: number;
  /** Where this job's output goes, instead of its plugin's setting (a watched folder's, `--out`). */
  output?: OutputSetting;
}
