// The process boundaries are enforced by lint (eslint.config.ts), not by promise. Each
// forbidden import below was once added by a probe and passed every check; here each is
// planted in a scratch copy of the tree and `eslint` must fail on it, naming the rule.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
/** The module only main/electron/ and preload/ may import; the plants below import it elsewhere. */
const ELECTRON = 'electron';
const COPIED = ['common', 'main', 'preload', 'renderer', 'worker', 'test', 'e2e', 'bench', 'scripts'];
const CONFIGS = ['eslint.config.ts', 'tsconfig.json', 'tsconfig.base.json', 'package.json', 'vitest.config.ts'];

interface Plant {
  file: string;
  code: string;
  rule: string;
  /** A word the message must contain, so the failure says what is wrong. */
  says: RegExp;
}

const PLANTS: Plant[] = [
  {
    file: 'renderer/planted-core.ts',
    code: "import { JobQueue } from '../main/core/job-queue.js';\nexport const q = JobQueue;\n",
    rule: 'import-x/no-restricted-paths',
    says: /renderer\/ and common\//,
  },
  {
    file: 'renderer/planted-fs.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    rule: 'import-x/no-nodejs-modules',
    says: /node:fs/,
  },
  {
    file: 'main/core/planted-dom.ts',
    code: 'export const title = (): string => document.title;\n',
    rule: 'no-restricted-globals',
    says: /browser global/,
  },
  {
    file: 'worker/planted-settings.ts',
    code: "import { Settings } from '../main/core/settings.js';\nexport const s = Settings;\n",
    rule: 'import-x/no-restricted-paths',
    says: /worker\/ and common\//,
  },
  {
    file: 'preload/planted-queue.ts',
    code: "import { JobQueue } from '../main/core/job-queue.js';\nexport const q = JobQueue;\n",
    rule: 'import-x/no-restricted-paths',
    says: /common\/ and electron/,
  },
  {
    file: 'main/api/planted-store.ts',
    code: "import { useApp } from '../../renderer/store/store.js';\nexport const u = useApp;\n",
    rule: 'import-x/no-restricted-paths',
    says: /main\/ and common\//,
  },
  {
    file: 'main/core/planted-electron.ts',
    code: `import { app } from '${ELECTRON}';\nexport const a = app;\n`,
    rule: 'no-restricted-imports',
    says: /main\/electron\/ and preload\//,
  },
  {
    file: 'main/core/planted-serve.ts',
    code: "import { startServer } from '../serve/server.js';\nexport const s = startServer;\n",
    rule: 'import-x/no-restricted-paths',
    says: /Electron-free core/,
  },
  {
    file: 'main/core/planted-dynamic-electron.ts',
    code: "export const load = (): Promise<unknown> => import('electron');\n",
    rule: 'no-restricted-syntax',
    says: /main\/electron\/ and preload\//,
  },
  {
    file: 'worker/planted-require-electron.ts',
    code: "declare const require: (id: string) => unknown;\nexport const e = require('electron/main');\n",
    rule: 'no-restricted-syntax',
    says: /main\/electron\/ and preload\//,
  },
  {
    file: 'common/planted-dynamic.ts',
    code: "export const load = (): Promise<unknown> => import('ws');\n",
    rule: 'no-restricted-syntax',
    says: /never at run time/,
  },
  {
    file: 'preload/planted-fs.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    rule: 'import-x/no-nodejs-modules',
    says: /node:fs/,
  },
  {
    file: 'renderer/planted-root.ts',
    code: "import config from '../vitest.config.js';\nexport const c = config;\n",
    rule: 'import-x/no-restricted-paths',
    says: /renderer\/ and common\//,
  },
  {
    file: 'common/planted-fs.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    rule: 'no-restricted-imports',
    says: /only zod/,
  },
];

let scratch = '';
let eslint: ESLint;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'hearth-lint-'));
  for (const dir of COPIED) cpSync(join(root, dir), join(scratch, dir), { recursive: true });
  for (const file of CONFIGS) cpSync(join(root, file), join(scratch, file));
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  for (const plant of PLANTS) writeFileSync(join(scratch, plant.file), plant.code);
  eslint = new ESLint({ cwd: scratch });
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('lint enforces the process boundaries', () => {
  it.each(PLANTS)('refuses $file ($rule)', async (plant) => {
    const [result] = await eslint.lintFiles([join(scratch, plant.file)]);
    const hits = (result?.messages ?? []).filter((m) => m.ruleId === plant.rule);
    expect(hits.length, JSON.stringify(result?.messages)).toBeGreaterThan(0);
    expect(hits.map((m) => m.message).join('\n')).toMatch(plant.says);
    expect(hits.every((m) => m.severity === 2)).toBe(true);
  });

  it("type-checks page code without Node's types: `process` in the renderer is an error", () => {
    // The other plants import Node code, which would bring Node's types in with it.
    for (const plant of PLANTS) rmSync(join(scratch, plant.file), { force: true });
    writeFileSync(join(scratch, 'renderer/planted-process.ts'), 'export const home = process.env.HOME;\n');
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'renderer/tsconfig.json'], {
      cwd: scratch,
      encoding: 'utf8',
    });
    expect(tsc.status).not.toBe(0);
    expect(tsc.stdout).toMatch(/planted-process\.ts\(1,\d+\): error TS\d+: Cannot find name 'process'/);
  });

  it('passes the same folders without the planted files', async () => {
    rmSync(join(scratch, 'renderer/planted-process.ts'), { force: true });
    const results = await eslint.lintFiles(
      [
        'renderer/store/store.ts',
        'main/core/job-queue.ts',
        'worker/runtime/plugin-manager.ts',
        'preload/electron.ts',
        'common/api.ts',
      ].map((f) => join(scratch, f)),
    );
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.ruleId ?? ''} ${m.message}`));
    expect(problems).toEqual([]);
  });
});
