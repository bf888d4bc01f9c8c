/**
 * One build package into the builds folder: its npm tarball downloaded with the model downloads'
 * transfer (models/download.ts: a `.part` with a sidecar, Range resumes, stall retries, disk
 * space), checked against the sha512 package-lock.json records, unpacked into a temporary
 * folder beside its place and renamed into place, so the worker never finds half a build. A
 * quit while checking or unpacking keeps the finished tarball, and the next pull starts there.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
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
  /** Hearth is quitting: the tarball's `.part` stays (or the tarball, once downloaded), and the next pull resumes there. */
  | { state: 'stopped' };

export interface InstallOptions extends Omit<TransferOptions, 'onProgress' | 'leftOver' | 'expectedSha256'> {
  /** `<data-dir>/runtimes/node-llama-cpp/<version>`: each package in a folder named by buildFolderName. */
  buildsDir: string;
  /** Where the tarballs are downloaded to (and deleted from once unpacked, refused or cancelled). */
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
  // The desktop app and `hearth runtimes pull` may share a data folder: one writer per `.part`,
  // and so one installer per package (the lock is held until the unpack ends).
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
    // The other Hearth may have installed it between our look and the lock.
    const already = await installedPath(opts.buildsDir, pkg);
    if (already !== undefined) return { state: 'done', path: already };
    await sweepLeftOvers(opts.buildsDir, pkg);
    return await downloadAndUnpack(pkg, tarball, fileName, opts, true);
  } finally {
    locked.lock.release();
  }
}

/**
 * Temporary folders of this package an unpack that crashed left beside its place (hundreds of MB
 * each). Only this package's: the lock we hold covers no other, and another Hearth may be
 * unpacking one of those now. mkdtemp's six characters end the name, so "linux-x64-cuda" never
 * matches "linux-x64-cuda-ext"'s.
 */
async function sweepLeftOvers(buildsDir: string, pkg: Pick<BuildPackage, 'name'>): Promise<void> {
  const folder = buildFolderName(pkg.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ours = new RegExp(`^\\.(incoming|replaced)-${folder}-[A-Za-z0-9]{6}$`);
  let names: string[];
  try {
    names = await readdir(buildsDir);
  } catch {
    return;
  }
  for (const name of names.filter((n) => ours.test(n))) {
    await rm(join(buildsDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

async function downloadAndUnpack(
  pkg: BuildPackage,
  tarball: string,
  fileName: string,
  opts: InstallOptions,
  reuse: boolean,
): Promise<InstallEnd> {
  // A finished tarball a quit (or a failed unpack) kept: only the check and the unpack are left.
  const kept = reuse ? await fileBytes(tarball) : undefined;
  let bytes: number;
  if (kept === undefined) {
    const end = await runTransfer(
      { url: opts.url, name: fileName, target: tarball },
      { ...opts, onProgress: (p) => opts.onProgress('downloading', p.receivedBytes) },
    );
    if (end.state !== 'done') return end;
    bytes = end.bytes;
  } else {
    bytes = kept;
  }
  opts.onProgress('installing', bytes);
  // Deleted once installed, when it is not the package, or on a cancel; a quit keeps it for the
  // next pull, and so does a failed unpack (disk full), which the next pull retries from it.
  let keep = false;
  try {
    const got = await sha512Of(tarball, opts.signal);
    if (`sha512-${got}` !== pkg.integrity) {
      // A kept one may be from an interrupted write of an earlier Hearth: fetch it afresh once.
      if (kept !== undefined) {
        // The fresh attempt decides what becomes of the tarball.
        keep = true;
        await rm(tarball, { force: true });
        return await downloadAndUnpack(pkg, tarball, fileName, opts, false);
      }
      return failed(
        `The download of ${pkg.name} ${pkg.version} did not match the checksum Hearth expects (${pkg.integrity.slice(0, 24)}…, got sha512-${got.slice(0, 17)}…) — it was deleted; try again, and if it fails again, check whether a proxy changes downloads`,
      );
    }
    return await unpack(pkg, tarball, opts.buildsDir, opts.signal);
  } catch (error) {
    if (opts.signal.aborted) {
      if (opts.signal.reason !== 'stop') return { state: 'cancelled' };
      keep = true;
      return { state: 'stopped' };
    }
    keep = true;
    return failed(
      isDiskFull(error)
        ? `There is not enough disk space to unpack ${pkg.name} in ${opts.buildsDir} — free some space and try again`
        : `Could not unpack ${pkg.name}: ${messageOf(error)} — check that ${opts.buildsDir} can be written, then try again`,
    );
  } finally {
    if (!keep) await rm(tarball, { force: true });
  }
}

async function fileBytes(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

async function unpack(pkg: BuildPackage, tarball: string, buildsDir: string, signal: AbortSignal): Promise<InstallEnd> {
  await mkdir(buildsDir, { recursive: true });
  const folder = buildFolderName(pkg.name);
  const place = join(buildsDir, folder);
  // Beside its place, so the rename stays on one file system; the dot keeps it from ever being resolved.
  const incoming = await mkdtemp(join(buildsDir, `.incoming-${folder}-`));
  try {
    await extractTarball(createReadStream(tarball, { signal }), incoming, signal);
    signal.throwIfAborted();
    const manifest = JSON.parse(await readFile(join(incoming, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (manifest.name !== pkg.name || manifest.version !== pkg.version) {
      return failed(
        `The download of ${pkg.name} held ${String(manifest.name)} ${String(manifest.version)} instead — it was not installed; try again later`,
      );
    }
    await replaceFolder(place, incoming, join(buildsDir, `.replaced-${folder}-`));
    return { state: 'done', path: place };
  } finally {
    await rm(incoming, { recursive: true, force: true });
  }
}

/**
 * Puts `incoming` at `place` with renames only, so `place` is never a half-deleted build: an
 * older build there is renamed aside first (a worker that has it open keeps reading it), and put
 * back if the second rename fails. What is aside is deleted last; a crash leaves it to the sweep.
 */
async function replaceFolder(place: string, incoming: string, asidePrefix: string): Promise<void> {
  const aside = `${asidePrefix}${randomBytes(3).toString('hex')}`;
  let moved = true;
  try {
    await rename(place, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    moved = false;
  }
  try {
    await rename(incoming, place);
  } catch (error) {
    if (moved) await rename(aside, place).catch(() => undefined);
    throw error;
  }
  if (moved) await rm(aside, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Unpacks an npm tarball (everything under `package/`) from `source` into `cwd`, ending early when
 * `signal` aborts: quitting must not wait for hundreds of MB to be written. The gzip layer is
 * ours, not tar's, so an abort can end tar's input between blocks: tar then closes the file it
 * was writing and ends (a gzip stream cut short would leave that file open). tar refuses
 * absolute paths, `..` and links that lead outside the folder (preservePaths is off).
 */
export function extractTarball(source: Readable, cwd: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const untar = extract({ cwd, strip: 1 });
    let failure: { error: unknown } | undefined;
    let inflated = false;
    let cut = false;
    const end = (error: unknown) => {
      failure ??= { error };
      if (cut) return;
      cut = true;
      source.unpipe(gunzip);
      source.destroy();
      gunzip.unpipe(untar);
      gunzip.destroy();
      // Once gunzip has ended, its pipe has ended tar's input already.
      if (!inflated) untar.end();
    };
    const onAbort = () => end(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    source.on('error', end);
    gunzip.on('error', end);
    gunzip.on('end', () => {
      inflated = true;
    });
    untar.on('error', (error: unknown) => {
      failure ??= { error };
    });
    untar.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      if (!failure) resolve();
      else if (signal.aborted) reject(new Error('The unpack was stopped', { cause: signal.reason }));
      else reject(failure.error instanceof Error ? failure.error : new Error(String(failure.error)));
    });
    if (!cut) source.pipe(gunzip).pipe(untar);
  });
}

function sha512Of(path: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    // The stream's own signal closes the file as soon as the abort comes, also mid-read.
    createReadStream(path, { signal })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('base64')));
  });
}

function failed(message: string): InstallEnd {
  return { state: 'failed', error: { code: 'DOWNLOAD_FAILED', message } };
}
