/**
 * Reads what a packaged app holds: the entries of app.asar (with @electron/asar, the reader
 * electron-builder itself uses), the files on disk, and what kind of binary a file is.
 */
import asar from '@electron/asar';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface ArchiveEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  path: string;
  size: number;
  /** True when the bytes live in app.asar.unpacked beside the archive. */
  unpacked: boolean;
  /** Set for a symbolic link: its target. */
  link?: string;
}

type HeaderNode = { files?: Record<string, HeaderNode>; size?: number; unpacked?: boolean; link?: string };

/** Every file and link in an asar archive, from its header. */
export function archiveEntries(archive: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  const walk = (node: HeaderNode, prefix: string): void => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (child.files) walk(child, path);
      else
        entries.push({
          path,
          size: child.size ?? 0,
          unpacked: child.unpacked === true,
          ...(child.link !== undefined ? { link: child.link } : {}),
        });
    }
  };
  walk(asar.getRawHeader(archive).header, '');
  return entries;
}

export interface DiskFile {
  /** Relative to the folder walked, `/`-separated. */
  path: string;
  size: number;
}

/** Every regular file under `dir` (links are not followed), with its size in bytes. */
export async function filesUnder(dir: string): Promise<DiskFile[]> {
  const found: DiskFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push({ path, size: (await lstat(join(dir, path))).size });
    }
  };
  await walk('');
  return found;
}

/** An executable or library format, by its magic bytes; the CPU for ELF files. */
export type BinaryKind = { format: 'elf'; machine: string } | { format: 'mach-o' } | { format: 'pe' };

// ELF e_machine values (System V ABI): the ones a Node add-on may be built for.
const ELF_MACHINES: Record<number, string> = { 0x03: 'x86', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64', 0xf3: 'riscv' };
const MACH_O_MAGICS = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca]);

/** What binary `file` is, or null for anything else (scripts, data, WASM). */
export async function binaryKind(file: string): Promise<BinaryKind | null> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(20);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
      const little = head[5] === 1;
      const machine = little ? head.readUInt16LE(18) : head.readUInt16BE(18);
      return { format: 'elf', machine: ELF_MACHINES[machine] ?? `e_machine 0x${machine.toString(16)}` };
    }
    if (bytesRead >= 4 && MACH_O_MAGICS.has(head.readUInt32BE(0))) return { format: 'mach-o' };
    if (bytesRead >= 2 && head[0] === 0x4d && head[1] === 0x5a) return { format: 'pe' };
    return null;
  } finally {
    await handle.close();
  }
}
