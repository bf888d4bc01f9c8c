/**
 * Serves the built renderer from one folder. The URL path is decoded once, must not climb
 * out (`..`, encoded or not, backslashes, NUL), and must land on a file inside the folder.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The file a URL path names inside `root`, or undefined when the path is not allowed. */
export function safeRelativePath(urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.' || p.startsWith('.'))) return undefined;
  return parts.length === 0 ? 'index.html' : parts.join('/');
}

export interface StaticFile {
  path: string;
  size: number;
  type: string;
  open(): NodeJS.ReadableStream;
}

export async function findStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  const rel = safeRelativePath(urlPath);
  if (rel === undefined) return undefined;
  try {
    const realRoot = await realpath(root);
    // realpath also resolves symlinks, so a link inside the folder cannot point out of it.
    const full = await realpath(join(realRoot, rel));
    if (!full.startsWith(realRoot + sep)) return undefined;
    const info = await stat(full);
    if (!info.isFile()) return undefined;
    return {
      path: full,
      size: info.size,
      type: TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream',
      open: () => createReadStream(full),
    };
  } catch {
    return undefined;
  }
}
