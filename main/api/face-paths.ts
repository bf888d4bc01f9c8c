/**
 * Where a face may make Hearth read and write. The desktop app takes any full path the user
 * chose. `hearth serve` reveals nothing outside its data folder and lets a page write nothing
 * outside it (main/api/context.ts): there a watched folder must be inside the data folder and
 * an output folder inside `<data-dir>/exports` — after symbolic links are followed, since a
 * link inside the data folder may lead anywhere — and "beside the source" and "replace files"
 * are the desktop app's to choose: both write where the page cannot see.
 */
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import type { OutputSetting } from '../../common/outputs.js';
import type { ApiContext } from './context.js';

/** Where a browser's exports (and a browser's "In a folder" setting) go, inside the data folder. */
export const EXPORTS_FOLDER = 'exports';

type Face = Pick<ApiContext, 'dataDir' | 'outputsAnywhere'>;

/** `path` is strictly inside `folder`, as written (no link followed). */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * `path` is inside `folder` once links are followed (for a path not made yet, its nearest
 * existing parent). A link that leads nowhere (its target missing, or a loop) is outside: where
 * it leads is decided by whoever makes its target later, and a link to a missing file outside
 * must answer as a link to an existing one does.
 */
export async function isReallyInside(folder: string, path: string): Promise<boolean> {
  if (!isInside(folder, path)) return false;
  const [realFolder, realPath] = await Promise.all([realOrSelf(folder), realOfNearest(resolve(path))]);
  if (realPath === undefined) return false;
  return realPath === realFolder || isInside(realFolder, realPath);
}

/** A folder for this face to write outputs into: any full path in the desktop app, else inside exports. */
export async function outputFolderFor(face: Face, folder: string): Promise<Outcome<string>> {
  if (face.outputsAnywhere === true) {
    return isAbsolute(folder) ? succeed(folder) : fail('INVALID_INPUT', `${folder} is not a full path — choose a folder`);
  }
  const exportsDir = join(face.dataDir, EXPORTS_FOLDER);
  const path = resolve(exportsDir, folder);
  if (!(await isReallyInside(exportsDir, path))) {
    return fail(
      'INVALID_INPUT',
      `Here outputs can only be written inside ${exportsDir} — give a folder name, and Hearth makes it there`,
    );
  }
  return succeed(path);
}

/** An output setting as this face may save it: its folder placed (or dropped when unused), what it may not choose refused. */
export async function outputSettingFor(face: Face, setting: OutputSetting): Promise<Outcome<OutputSetting>> {
  if (face.outputsAnywhere !== true) {
    if (setting.where === 'beside') {
      return fail(
        'INVALID_INPUT',
        'Beside the source file is chosen in the desktop app — from a browser, keep outputs in Hearth or write them into a folder in exports',
      );
    }
    if (setting.overwrite === true) {
      return fail('INVALID_INPUT', 'Replacing files of the same name is chosen in the desktop app — here new files are numbered');
    }
  }
  if (setting.where !== 'folder') {
    // Not used by this setting: dropped rather than checked, so switching back to "only in Hearth" always works.
    const rest = { ...setting };
    delete rest.folder;
    return succeed(rest);
  }
  if (setting.folder === undefined) return fail('INVALID_INPUT', 'Choose the folder the outputs go into');
  const folder = await outputFolderFor(face, setting.folder);
  return folder.ok ? succeed({ ...setting, folder: folder.value }) : folder;
}

/** What a face that may not see outside its data folder is shown of a setting: a folder elsewhere is not named. */
export function shownSetting(face: Pick<ApiContext, 'dataDir' | 'outputsAnywhere'>, setting: OutputSetting): OutputSetting {
  if (face.outputsAnywhere === true || setting.folder === undefined) return setting;
  if (isInside(face.dataDir, setting.folder)) return setting;
  const rest = { ...setting };
  delete rest.folder;
  return rest;
}

async function realOrSelf(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

/**
 * The real path of `path`, or of its nearest existing parent with the rest appended; undefined
 * when the walk meets a name that is there but cannot be resolved (a dangling or looping link).
 */
async function realOfNearest(path: string): Promise<string | undefined> {
  let tail = '';
  let at = path;
  for (;;) {
    const real = await realpath(at).catch(() => undefined);
    if (real !== undefined) return tail === '' ? real : join(real, tail);
    // Only a name that is not there at all lets the walk go up to its parent.
    if (
      await lstat(at).then(
        () => true,
        () => false,
      )
    )
      return undefined;
    const up = dirname(at);
    if (up === at) return path;
    tail = tail === '' ? relative(up, at) : join(relative(up, at), tail);
    at = up;
  }
}
