/**
 * A stand-in for an unpacked Electron download (no Electron binary can be had here), for
 * electron-builder's `electronDist` option. electron-builder copies such a folder as it is into
 * the package, renames `electron` to the product's executable, moves `LICENSE` beside it as
 * `LICENSE.electron.txt` and flips the fuses (electron-builder.yml `electronFuses`) in the
 * executable: so the stand-in carries what a real Linux zip holds at those places, including
 * the fuse wire @electron/fuses looks for.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** @electron/fuses' marker: the fuse wire (version, length, one byte per fuse) follows it. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_WIRE_VERSION = 1;

/**
 * The fuses Electron 45 ships, in @electron/fuses' FuseV1Options order, as Electron sets
 * them: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity
 * off, only-load-from-asar off, browser-specific snapshot off, file:// privileges on.
 */
const SHIPPED_FUSES = [true, false, true, true, false, false, false, true];

/** The fuse names, in wire order, for readable test failures. */
export const FUSE_NAMES = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;

function fuseWire(): Buffer {
  const states = SHIPPED_FUSES.map((on) => (on ? '1' : '0')).join('');
  return Buffer.concat([
    Buffer.from(FUSE_SENTINEL, 'latin1'),
    Buffer.from([FUSE_WIRE_VERSION, SHIPPED_FUSES.length]),
    Buffer.from(states, 'latin1'),
    Buffer.from('\n', 'latin1'),
  ]);
}

/**
 * Writes the stand-in into `folder` (replacing it) and gives the folder. Its `electron` is a
 * shell script that says what it is and exits non-zero, so nothing mistakes it for the app.
 */
export async function writeStandInElectron(folder: string, electronVersion: string): Promise<string> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, 'resources'), { recursive: true });
  await mkdir(join(folder, 'locales'), { recursive: true });
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron for packaging tests: not a real app" >&2\nexit 3\n# ', 'latin1'),
    fuseWire(),
  ]);
  await writeFile(join(folder, 'electron'), script);
  await chmod(join(folder, 'electron'), 0o755);
  await writeFile(join(folder, 'version'), electronVersion);
  await writeFile(join(folder, 'LICENSE'), 'Stand-in for the MIT licence Electron ships.\n');
  await writeFile(join(folder, 'LICENSES.chromium.html'), '<p>Stand-in for Chromium licences.</p>\n');
  await writeFile(join(folder, 'locales', 'en-US.pak'), 'stand-in locale\n');
  // No resources/default_app.asar: electron-builder keeps a custom dist's files, hashes every
  // .asar in resources/ for the integrity fuse, and a stand-in is not a valid archive.
  return folder;
}

/** The fuse states in an executable (by FUSE_NAMES), as @electron/fuses left them. */
export async function readFuses(executable: string): Promise<Record<string, boolean>> {
  const bytes = await readFile(executable);
  const at = bytes.indexOf(FUSE_SENTINEL, 0, 'latin1');
  if (at === -1) throw new Error(`${executable} holds no fuse wire`);
  const wire = at + FUSE_SENTINEL.length;
  const length = bytes[wire + 1] ?? 0;
  const fuses: Record<string, boolean> = {};
  for (let i = 0; i < length; i++) {
    fuses[FUSE_NAMES[i] ?? `fuse${i}`] = bytes[wire + 2 + i] === '1'.charCodeAt(0);
  }
  return fuses;
}
