/**
 * Opens a model file for reading only if it is a regular file. Non-blocking, so a named pipe
 * put where the stat saw a file (or named directly) answers at once instead of waiting for a
 * writer that never comes; what it opened is checked on the handle, not by the path again.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

// O_NONBLOCK does not exist on Windows, where a pipe is no path in a folder.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export async function openRegular(path: string): Promise<FileHandle> {
  const handle = await open(path, FLAGS);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${path} is not a regular file`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
