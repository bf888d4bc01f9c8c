/**
 * Replaces a file so that a crash leaves either the old contents or the new, never half:
 * write a temp file beside it, fsync it, then rename it over the original.
 */
import { open, rename } from 'node:fs/promises';

/** The temp file a write to `path` goes through (one per process, so two Hearths never share one). */
export function atomicTempPath(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = atomicTempPath(path);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}
