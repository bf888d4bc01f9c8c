/** `hearth --version`: the version in Hearth's package.json, read when asked so it never goes stale. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from '../core/worker-entry-path.js';

export function hearthVersion(root: string = findPackageRoot()): string {
  const parsed: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}
