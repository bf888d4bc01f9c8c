/**
 * Where Hearth keeps its data: `--data-dir`, else HEARTH_DATA_DIR, else the per-user
 * folder the platform expects. The Electron app passes its userData folder instead.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirInputs {
  flag?: string | undefined;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

export function resolveDataDir(inputs: DataDirInputs = {}): string {
  const env = inputs.env ?? process.env;
  if (inputs.flag) return resolve(inputs.flag);
  const fromEnv = env.HEARTH_DATA_DIR;
  if (fromEnv) return resolve(fromEnv);
  return defaultDataDir(inputs.platform ?? process.platform, env, inputs.home ?? homedir());
}

export function defaultDataDir(platform: NodeJS.Platform, env: Record<string, string | undefined>, home: string): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Hearth');
    case 'win32': {
      const appData = env.APPDATA;
      return appData ? join(appData, 'Hearth') : join(home, 'AppData', 'Roaming', 'Hearth');
    }
    default: {
      const xdg = env.XDG_DATA_HOME;
      return xdg ? join(xdg, 'hearth') : join(home, '.local', 'share', 'hearth');
    }
  }
}
