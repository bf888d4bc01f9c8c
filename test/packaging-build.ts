/**
 * Runs electron-builder on a throw-away copy of the project, so a packaging test never touches
 * the repository's dist/ or release/ (other tests read dist/). The copy holds the real
 * package.json, package-lock.json and electron-builder.yml, builds its own dist/ with
 * scripts/build.mjs, links the sources and hard-links node_modules instead of copying them.
 */
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

const LINKED = ['main', 'worker', 'common', 'preload', 'renderer'];

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, keeping what it wrote. */
export function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => void (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => void (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function failed(what: string, ran: Ran): Error {
  return new Error(
    `${what} exited with ${ran.code}\n--- stdout\n${ran.stdout.slice(-6000)}\n--- stderr\n${ran.stderr.slice(-6000)}`,
  );
}

/** Makes the copy in `into` and builds its dist/; gives the copy's folder. */
export async function stageProject(into: string): Promise<string> {
  await mkdir(join(into, 'scripts'), { recursive: true });
  for (const file of ['package.json', 'electron-builder.yml']) await cp(join(REPO, file), join(into, file));
  // build.mjs finds the project from its own path, so this copy builds into the copy's dist/.
  await cp(join(REPO, 'scripts', 'build.mjs'), join(into, 'scripts', 'build.mjs'));
  // Copied, not linked: files the archive holds must be real files in the project.
  await cp(join(REPO, 'assets'), join(into, 'assets'), { recursive: true });
  for (const name of LINKED) await symlink(join(REPO, name), join(into, name), 'dir');
  await cp(join(REPO, 'package-lock.json'), join(into, 'package-lock.json'));
  await stageNodeModules(into);
  const built = await runCommand(process.execPath, [join(into, 'scripts', 'build.mjs')], { cwd: into });
  if (built.code !== 0) throw failed('scripts/build.mjs', built);
  return into;
}

/**
 * node_modules as a tree of the copy's own, hard-linked (no bytes copied): electron-builder
 * finds the packages to pack with `npm list`, and npm reads a symlinked node_modules as links
 * to another project (every package "extraneous", none packed) unless it trusts the hidden
 * lockfile — which it stops doing as soon as anything (vitest's .vite cache) touches
 * node_modules. Where hard links cannot be made (another file system), the link is the fallback.
 */
async function stageNodeModules(into: string): Promise<void> {
  const linked = await runCommand('cp', ['-al', join(REPO, 'node_modules'), join(into, 'node_modules')], { cwd: into });
  if (linked.code === 0) return;
  await rm(join(into, 'node_modules'), { recursive: true, force: true });
  await symlink(join(REPO, 'node_modules'), join(into, 'node_modules'), 'dir');
}

/** Runs electron-builder's CLI in the copy with `args`; throws with its output when it fails. */
export async function electronBuilder(project: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const cli = join(REPO, 'node_modules', 'electron-builder', 'cli.js');
  const ran = await runCommand(
    process.execPath,
    [cli, '--config', 'electron-builder.yml', '--projectDir', project, '--publish', 'never', ...args],
    { cwd: project, env: { ...process.env, ...env } },
  );
  if (ran.code !== 0) throw failed(`electron-builder ${args.join(' ')}`, ran);
  return ran;
}

/**
 * A stand-in for fpm (the tool electron-builder hands a deb's contents and metadata to, which it
 * would otherwise download): it records its arguments and writes a placeholder package.
 * electron-builder runs it when CUSTOM_FPM_PATH names it.
 */
export async function writeStandInFpm(dir: string): Promise<{ path: string; args: () => Promise<string[]> }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'fpm');
  const argsFile = join(dir, 'fpm-args');
  await writeFile(
    path,
    `#!/bin/sh
out=""
prev=""
: > '${argsFile}'
for a in "$@"; do
  printf '%s\\0' "$a" >> '${argsFile}'
  [ "$prev" = "--package" ] && out="$a"
  prev="$a"
done
[ -n "$out" ] && echo "stand-in package" > "$out"
exit 0
`,
  );
  await chmod(path, 0o755);
  const args = async () => (await readFile(argsFile, 'utf8')).split('\0').slice(0, -1);
  return { path, args };
}

/** The Electron version electron-builder packs for: the installed `electron` package's. */
export async function electronVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
