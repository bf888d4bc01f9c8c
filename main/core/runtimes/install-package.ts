/**
 * One build package into the builds folder: its npm tarball downloaded with the model downloads'
 * transfer (models/download.ts: a `.part` with a sidecar, Range resumes, stall retries, disk
 * space), checked against the sha512 package-lock.json records, unpacked into a temporary
 * folder beside its place and renamed into place, so the worker never finds half a build.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { extract } from 'tar';
import { messageOf } from '../../../common/errors.js';
import type { HearthError } from '../../../common/protocol.js';
import { buildFolderName } from '../../../common/runtimes.js';
import { isDiskFull } from '../models/disk-space.js';
import { runTransfer, type TransferOptions } from '../models/download.js';
import { lockPart } from '../models/part-file.js';
import type { BuildPackage } from './cuda-builds.js';

export type InstallEnd =
  | { state: 'done'; path: string }
  | { state: 'failed'; error: HearthError }
  | { state: 'cancelled' }
  /** Hearth is quitting: the tarball's `.part` stays, and the next pull resumes it. */
  | { state: 'stopped' };

export interface InstallOptions extends Omit<TransferOptions, 'onProgress' | 'leftOver' | 'expectedSha256'> {
  /** `<data-dir>/runtimes/node-llama-cpp/<version>`: each package in a folder named by buildFolderName. */
  buildsDir: string;
  /** Where the tarballs are downloaded to (and deleted from once unpacked). */
  downloadsDir: string;
  url: string;
  onProgress(phase: 'downloading' | 'installing', receivedBytes: number): void;
}

/** The package's folder when it is installed as this version, else undefined. */
export async function installedPath(buildsDir: string, pkg: Pick<BuildPackage, 'name' | 'version'>): Promise<string | undefined> {
  const folder = join(buildsDir, buildFolderName(pkg.name));
  try {
    const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return manifest.name === pkg.name && manifest.version === pkg.version ? folder : undefined;
  } catch {
    return undefined;
  }
}

export async function installPackage(pkg: BuildPackage, opts: InstallOptions): Promise<InstallEnd> {
  const fileName = `${buildFolderName(pkg.name)}-${pkg.version}.tgz`;
  const tarball = join(opts.downloadsDir, fileName);
  // The desktop app and `hearth runtimes pull` may share a data folder: one writer per `.part`.
  let locked: ReturnType<typeof lockPart>;
  try {
    locked = lockPart(tarball);
  } catch (error) {
    return failed(
      `Could not start downloading ${pkg.name}: ${messageOf(error)} — check that ${opts.downloadsDir} can be written`,
    );
  }
  if (!locked.ok) {
    const by = locked.pid === undefined ? 'another Hearth' : `another Hearth (pid ${locked.pid})`;
    return failed(`${pkg.name} is already being downloaded by ${by} — wait for it to finish`);
  }
  try {
    return await downloadAndUnpack(pkg, tarball, fileName, opts);
  } finally {
    locked.lock.release();
  }
}

async function downloadAndUnpack(
  pkg: BuildPackage,
  tarball: string,
  fileName: string,
  opts: InstallOptions,
): Promise<InstallEnd> {
  const end = await runTransfer(
    { url: opts.url, name: fileName, target: tarball },
    { ...opts, onProgress: (p) => opts.onProgress('downloading', p.receivedBytes) },
  );
  if (end.state !== 'done') return end;
  opts.onProgress('installing', end.bytes);
  try {
    const got = await sha512Of(tarball);
    if (`sha512-${got}` !== pkg.integrity) {
      return failed(
        `The download of ${pkg.name} ${pkg.version} did not match the checksum Hearth expects (${pkg.integrity.slice(0, 24)}…, got sha512-${got.slice(0, 17)}…) — it was deleted; try again, and if it fails again, check whether a proxy changes downloads`,
      );
    }
    return await unpack(pkg, tarball, opts.buildsDir, opts.signal);
  } catch (error) {
    if (opts.signal.aborted) return { state: 'cancelled' };
    return failed(
      isDiskFull(error)
        ? `There is not enough disk space to unpack ${pkg.name} in ${opts.buildsDir} — free some space and try again`
        : `Could not unpack ${pkg.name}: ${messageOf(error)} — check that ${opts.buildsDir} can be written, then try again`,
    );
  } finally {
    await rm(tarball, { force: true });
  }
}

async function unpack(pkg: BuildPackage, tarball: string, buildsDir: string, signal: AbortSignal): Promise<InstallEnd> {
  await mkdir(buildsDir, { recursive: true });
  const place = join(buildsDir, buildFolderName(pkg.name));
  // Beside its place, so the rename stays on one file system; the dot keeps it from ever being resolved.
  const incoming = await mkdtemp(join(buildsDir, `.incoming-${buildFolderName(pkg.name)}-`));
  try {
    // npm tarballs hold everything under `package/`. tar refuses absolute paths, `..` and links
    // that lead outside the folder (preservePaths is off).
    await extract({ file: tarball, cwd: incoming, strip: 1 });
    if (signal.aborted) return { state: 'cancelled' };
    const manifest = JSON.parse(await readFile(join(incoming, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (manifest.name !== pkg.name || manifest.version !== pkg.version) {
      return failed(
        `The download of ${pkg.name} held ${String(manifest.name)} ${String(manifest.version)} instead — it was not installed; try again later`,
      );
    }
    await rm(place, { recursive: true, force: true });
    await rename(incoming, place);
    return { state: 'done', path: place };
  } finally {
    await rm(incoming, { recursive: true, force: true });
  }
}

function sha512Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('base64')));
  });
}

function failed(message: string): InstallEnd {
  return { state: 'failed', error: { code: 'DOWNLOAD_FAILED', message } };
}
