/**
 * Before package.json named the product "Hearth", Electron named the userData folder after the
 * package, "hearth" (~/.config/hearth on Linux). On a case-sensitive file system that is
 * another folder: the first start under the new name moves it over, so no history, settings or
 * model is left behind. Runs before anything (the single-instance lock, Chromium's profile)
 * creates the new folder.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../common/errors.js';

/** A folder is Hearth's if it holds one of the files only Hearth writes there. */
const MARKERS = ['settings.json', 'hearth.db', 'jobs.jsonl', 'prefs.json'];

export function adoptLegacyDataFolder(userData: string, legacy: string, log: (message: string) => void): void {
  // On a case-insensitive file system the two names are one folder, and it exists.
  if (existsSync(userData) || !existsSync(legacy)) return;
  if (!MARKERS.some((name) => existsSync(join(legacy, name)))) return;
  try {
    renameSync(legacy, userData);
    log(`moved Hearth's data from ${legacy} to ${userData}`);
  } catch (error) {
    log(`could not move Hearth's data from ${legacy} to ${userData} (${messageOf(error)}); starting with a new data folder`);
  }
}
