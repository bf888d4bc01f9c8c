/**
 * Where an Electron binary is, without importing the `electron` package (which would try
 * to download one): ELECTRON_OVERRIDE_DIST_PATH, or the path.txt an installed binary leaves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function findElectronBinary(root: string): { path: string } | { missing: string } {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const p = join(override, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p) ? { path: p } : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set but ${p} does not exist` };
  }
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) {
    return {
      missing:
        'no Electron binary is installed (node_modules/electron/path.txt is absent: the electron package downloads its binary on first use, and this machine cannot reach the download server)',
    };
  }
  const p = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(p) ? { path: p } : { missing: `the Electron binary ${p} named by path.txt does not exist` };
}
