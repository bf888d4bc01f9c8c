/**
 * The bookkeeping of an unfinished download: `<name>.part` holds the bytes received so far,
 * next to where the finished file will be, and `<name>.part.json` (the sidecar) says where they
 * came from, so a later attempt, a later run of `hearth models pull` or the next start of the
 * app can resume with a Range request instead of starting over.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const PART_SUFFIX = '.part';
export const SIDECAR_SUFFIX = '.part.json';

export const PartSidecar = z
  .object({
    url: z.string().min(1),
    name: z.string().min(1),
    sha256: z.string().optional(),
    totalBytes: z.number().int().nonnegative().optional(),
    /** Sent back as If-Range, so a file that changed on the server is not stitched onto the old bytes. */
    etag: z.string().optional(),
    lastModified: z.string().optional(),
  })
  .strict();
export type PartSidecar = z.infer<typeof PartSidecar>;

export function partPathOf(target: string): string {
  return `${target}${PART_SUFFIX}`;
}

export function sidecarPathOf(target: string): string {
  return `${target}${SIDECAR_SUFFIX}`;
}

/** The sidecar of `target`, or undefined when there is none or it cannot be read as one. */
export async function readSidecar(target: string): Promise<PartSidecar | undefined> {
  let text: string;
  try {
    text = await readFile(sidecarPathOf(target), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = PartSidecar.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written through a temporary file and a rename, so a crash never leaves half a sidecar. */
export async function writeSidecar(target: string, sidecar: PartSidecar): Promise<void> {
  const path = sidecarPathOf(target);
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(sidecar)}\n`);
  await rename(temporary, path);
}

/** Bytes already in the `.part`; 0 when there is none. */
export async function partSize(target: string): Promise<number> {
  try {
    const info = await stat(partPathOf(target));
    return info.isFile() ? info.size : 0;
  } catch {
    return 0;
  }
}

/** Removes the `.part` and its sidecar; nothing happens for the ones already gone. */
export async function removePart(target: string): Promise<void> {
  await rm(partPathOf(target), { force: true });
  await rm(sidecarPathOf(target), { force: true });
  await rm(`${sidecarPathOf(target)}.tmp`, { force: true });
}

/** The sidecars an earlier run left in `folder`, each with the target it belongs to. */
export async function leftOverParts(folder: string): Promise<{ target: string; sidecar: PartSidecar }[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const found: { target: string; sidecar: PartSidecar }[] = [];
  for (const name of names.filter((n) => n.endsWith(SIDECAR_SUFFIX)).sort()) {
    const target = join(folder, name.slice(0, -SIDECAR_SUFFIX.length));
    const sidecar = await readSidecar(target);
    if (sidecar) found.push({ target, sidecar });
  }
  return found;
}

/** A sha256 fed with the bytes already in the `.part`, read once, so a resume hashes only what is new. */
export async function hashOfPart(target: string): Promise<{ hash: Hash; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(partPathOf(target)) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { hash, bytes };
}
