// Folders are process boundaries (design.md, house style 1). These checks keep them honest:
// code that imports electron cannot run here, and contract files are shared by two processes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const SOURCE_DIRS = ['common', 'main', 'worker', 'preload', 'renderer', 'bench', 'test', 'scripts', 'e2e'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts|mjs|js|cjs)$/.test(name)) out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) specs.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
  return specs;
}

const files = SOURCE_DIRS.flatMap((d) => {
  try {
    return sourceFiles(join(root, d));
  } catch {
    return [];
  }
}).map((f) => relative(root, f).split(sep).join('/'));

describe('process boundaries', () => {
  it('finds the source tree', () => {
    expect(files).toContain('common/protocol.ts');
    expect(files.length).toBeGreaterThan(20);
  });

  it('only main/electron/ and preload/ import electron', () => {
    const offenders = files
      .filter((f) => !f.startsWith('main/electron/') && !f.startsWith('preload/'))
      .filter((f) => importsOf(join(root, f)).some((s) => s === 'electron' || s.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('contract files import nothing but zod and other contract files', () => {
    const contracts = files.filter((f) => f.startsWith('common/') && !f.endsWith('.test.ts'));
    expect(contracts).toContain('common/protocol.ts');
    for (const c of contracts) {
      const bad = importsOf(join(root, c)).filter((s) => s !== 'zod' && !/^\.\/[\w-]+\.js$/.test(s));
      expect({ file: c, bad }).toEqual({ file: c, bad: [] });
    }
  });

  it('nothing under main/core/ or worker/ reaches into the Electron or browser faces', () => {
    const offenders = files
      .filter((f) => f.startsWith('main/core/') || f.startsWith('worker/'))
      .filter((f) => importsOf(join(root, f)).some((s) => /(^|\/)(electron|renderer|serve)\//.test(s)));
    expect(offenders).toEqual([]);
  });
});
