/** Whether anything is at `path` (a file, a folder, a link that resolves): fs.access, as a boolean. */
import { access } from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
