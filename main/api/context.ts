/** What every HearthApi handler is given: the core and what the face it runs in can do. */
import type { DevicesReport } from '../../common/devices.js';
import type { HearthCore } from '../core/hearth-core.js';
import type { PrefsStore } from './prefs.js';

export interface ApiContext {
  core: HearthCore;
  prefs: PrefsStore;
  dataDir: string;
  /**
   * Which paths a job may read. Electron allows any file the user dropped; `hearth serve`
   * allows only its uploads folder, so a browser cannot make the server read arbitrary files.
   */
  allowPath(path: string): boolean;
  /** Opens a file with the system's default app (Electron); absent elsewhere. Resolves to an error text or ''. */
  openPath?(path: string): Promise<string>;
  /** The device list (main/core/devices/monitor.ts); absent where nothing probes. */
  devices?(): Promise<DevicesReport>;
  /** A native file dialog (Electron); absent elsewhere. */
  pickPath?(title: string | undefined, folder: boolean): Promise<string | null>;
  /**
   * Whether this face may add model folders and see models outside the data folder (the
   * desktop app). `hearth serve` may not: it reveals nothing outside its data folder.
   */
  modelFoldersAllowed?: boolean;
  /** Shows a file in the system's file manager (Electron `shell.showItemInFolder`); absent elsewhere. */
  showItem?(path: string): void;
  /**
   * Whether outputs may be written anywhere the user names (the desktop app). `hearth serve`
   * writes exports only inside `<data-dir>/exports`: a browser must not write files elsewhere.
   */
  outputsAnywhere?: boolean;
  /** The URL this face's page loads a job's input from (handlers/preview.ts); absent: no preview. */
  inputUrl?(jobId: string): string;
}
