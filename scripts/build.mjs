// Builds every process's bundle into dist/. esbuild, because one tool covers Node, the
// sandboxed preload (CommonJS, everything but electron inlined) and the browser renderer.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The one CSP (main/api/csp.ts imports nothing, so Node loads the .ts as it is).
import { withCspMeta } from '../main/api/csp.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const at = (p) => join(root, p);

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  // Bundled ESM has no require(); some transitive CommonJS code expects one.
  banner: {
    js: "import { createRequire as __hearthCreateRequire } from 'node:module'; const require = __hearthCreateRequire(import.meta.url);",
  },
};

const jobs = [
  build({ ...node, entryPoints: { 'main/cli': at('main/cli/hearth.ts') }, outdir: out, outExtension: { '.js': '.js' } }),
  build({ ...node, entryPoints: { 'worker/entry': at('worker/entry.ts') }, outdir: out }),
  build({ ...node, entryPoints: { 'worker/gpu-probe': at('worker/probe/gpu-probe.ts') }, outdir: out }),
];
if (existsSync(at('main/electron/main.ts'))) {
  jobs.push(
    build({ ...node, entryPoints: { 'main/electron/main': at('main/electron/main.ts') }, outdir: out, external: ['electron'] }),
  );
}
if (existsSync(at('preload/electron.ts'))) {
  // A sandboxed preload may require only 'electron' and a few built-ins: inline the rest.
  jobs.push(
    build({
      entryPoints: { 'preload/preload': at('preload/electron.ts') },
      outdir: out,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
      sourcemap: true,
      logLevel: 'warning',
    }),
  );
}
if (existsSync(at('renderer/main.tsx'))) {
  jobs.push(
    build({
      entryPoints: { 'renderer/app': at('renderer/main.tsx') },
      outdir: out,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'chrome120',
      jsx: 'automatic',
      minify: true,
      sourcemap: true,
      loader: { '.css': 'css', '.svg': 'file', '.png': 'file' },
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    }).then(async () => {
      const page = await readFile(at('renderer/index.html'), 'utf8');
      await writeFile(join(out, 'renderer/index.html'), withCspMeta(page));
    }),
  );
}
await Promise.all(jobs);
console.log('built dist/');
