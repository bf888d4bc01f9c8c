/** Starts a real `hearth serve` for one test, in its own data folder, and stops it afterwards. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
const SERVE_LINE = /^Hearth is serving at (http:\/\/\S+\/\?token=(\S+))$/m;

export interface Served {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

export interface ModelFile {
  name: string;
  bytes: Buffer;
}

/** `journal`: lines to pre-write to jobs.jsonl, as a previous session of Hearth would have left them. */
/** `env`: variables to set for the server (a fake nvidia-smi's folder first on PATH, say). */
/** `models`: files to put in the data folder's models/ before start, as a user would have. */
export async function startServe(
  opts: { plugins?: string[]; journal?: string; env?: Record<string, string>; models?: ModelFile[] } = {},
): Promise<Served> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-e2e-'));
  if (opts.journal !== undefined) await writeFile(join(dataDir, 'jobs.jsonl'), opts.journal);
  if (opts.models?.length) {
    await mkdir(join(dataDir, 'models'), { recursive: true });
    for (const m of opts.models) await writeFile(join(dataDir, 'models', m.name), m.bytes);
  }
  for (const name of opts.plugins ?? []) {
    await cp(join(import.meta.dirname, 'fixtures', 'plugins', name), join(dataDir, 'plugins', name), { recursive: true });
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'hearth.mjs'), 'serve', '--port', '0', '--data-dir', dataDir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = SERVE_LINE.exec(out);
      if (m) resolve(m);
    });
    void exited.then((code) => reject(new Error(`hearth serve exited (${code}) before printing its URL:\n${err}`)));
  });
  const url = match[1] ?? '';
  return {
    url,
    origin: new URL(url).origin,
    token: match[2] ?? '',
    dataDir,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
