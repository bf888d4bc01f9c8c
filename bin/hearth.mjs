#!/usr/bin/env node
// The `hearth` command. dist/ is built by `npm ci` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 11)) {
  console.error(
    `Hearth needs Node.js 24.11 or later (the Node inside its desktop app); this is ${process.version}. ` +
      'Run `source scripts/node24.sh` in the Hearth folder to use Node 24 in this shell, then try again.',
  );
  process.exit(1);
}
const cli = fileURLToPath(new URL('../dist/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('Hearth is not built yet: run `npm run build` in the Hearth folder, then try again.');
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
