/**
 * The model library's parts as create-core wires them: reading headers (inspect.ts), the
 * folders scanned (library.ts) and downloads into `<data-dir>/models` (downloads.ts).
 */
import type { ModelFormat } from '../../../common/model-format.js';
import type { ModelDownload, ModelInfo, ModelLibrary } from '../../../common/models.js';
import type { HearthError } from '../../../common/protocol.js';
import type { Outcome } from '../../../common/outcome.js';

/** `<data-dir>/models`: where downloads go and the first folder scanned. */
export const MODELS_FOLDER = 'models';

export interface ModelLibraryService {
  /** Every model file in the folders, read from its header (cached by path, size and mtime). */
  list(): Promise<ModelLibrary>;
  /** The header of one file, wherever it is; an error that says what the file is instead. */
  inspect(path: string): Promise<Outcome<ModelInfo>>;
  /**
   * Whether `path` is a model `format` that a plugin can run: undefined when it is, else an
   * INVALID_CONFIG error with a sentence that says what to do (missing, a folder, another
   * format, f32 whisper weights, a vocabulary without weights). `pluginName` (default: the
   * built-in plugin of that format) goes into the error's detail.
   */
  check(path: string, format: ModelFormat, pluginName?: string): Promise<HearthError | undefined>;
}

export interface PullRequest {
  url: string;
  /** The file name in the models folder; default: the URL's last path segment. */
  name?: string;
  /** Lower- or upper-case hex; the file is deleted when the bytes do not match. */
  sha256?: string;
}

export interface DownloadsService {
  /** Starts (or joins, for the same target) a download; refused at once for a bad URL or name. */
  pull(request: PullRequest): Outcome<ModelDownload>;
  /** Resolves when the download ends, in whatever state. */
  settled(id: string): Promise<ModelDownload>;
  cancel(id: string): Outcome<ModelDownload>;
  /** Newest first. */
  list(): ModelDownload[];
  /** Picks up every `.part` an earlier run left with its sidecar, resuming it with a Range request. */
  resumeLeftOver(): Promise<void>;
  /** Stops every download, keeping the `.part` files for the next start. */
  stop(): Promise<void>;
  on(event: 'change', listener: (download: ModelDownload) => void): () => void;
}
