/**
 * A new user's first text-generation job, as the README tells it: a fresh data folder,
 * `hearth models pull` of a model (served here from loopback), then `hearth run --plugin llm`
 * with no settings edited by hand. And before the pull, the same run is refused at once.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsPull } from '../main/cli/models-pull.js';
import { runCommand } from '../main/cli/run-command.js';
import { capturedIo } from './support/captured-io.js';
import { startModelServer, type ModelServer } from './support/model-server.js';

let dataDir: string;
let prompt: string;
let server: ModelServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-new-user-'));
  prompt = join(dataDir, 'prompt.txt');
  await writeFile(prompt, 'Once upon a time');
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

const run = (io = capturedIo()) =>
  runCommand(['--plugin', 'llm', '--data-dir', dataDir, '--cpu-workers', '1', '--set', 'maxTokens=8', prompt], io).then(
    (code) => ({ code, io }),
  );

describe('from a fresh install to a text-generation job', () => {
  it('refuses the job before any model is there, saying what to do, and starts no worker', async () => {
    const { code, io } = await run();
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/The llm plugin needs a model — choose one in its settings .*hearth models pull URL/);
    const json = capturedIo();
    const args = ['--plugin', 'llm', '--data-dir', dataDir, '--json', '--set', `modelPath=${join(dataDir, 'gone.gguf')}`, prompt];
    expect(await runCommand(args, json)).toBe(1);
    const lines = json
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; error?: { code: string; message: string } });
    expect(lines.map((l) => l.type)).toEqual(['result']);
    expect(lines[0]?.error).toMatchObject({ code: 'NEEDS_MODEL', message: expect.stringMatching(/No file at .*gone\.gguf/) });
  });

  it('pulls a model, which llm then uses, and the job runs', async () => {
    const pulled = capturedIo();
    expect(await modelsPull([server.url('redirect', 'first.gguf'), '--data-dir', dataDir], pulled)).toBe(0);
    expect(pulled.stdout()).toMatch(/The llm plugin had no model and will use this one/);
    const settings = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as {
      plugins: { llm: { modelPath: string } };
    };
    expect(settings.plugins.llm.modelPath).toBe(join(dataDir, 'models', 'first.gguf'));

    const { code, io } = await run();
    expect(io.stderr()).toMatch(/✓ .*prompt\.txt in/);
    expect(code).toBe(0);
    expect(io.stdout().trim().length).toBeGreaterThan(0);
  });

  it('a second model pulled leaves the first one chosen', async () => {
    const pulled = capturedIo();
    expect(await modelsPull([server.url('normal', 'second.gguf'), '--data-dir', dataDir, '--json'], pulled)).toBe(0);
    expect(JSON.parse(pulled.stdout().trim().split('\n').at(-1) ?? '{}')).toMatchObject({ ok: true, usedBy: null });
    const settings = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as {
      plugins: { llm: { modelPath: string } };
    };
    expect(settings.plugins.llm.modelPath).toBe(join(dataDir, 'models', 'first.gguf'));
  });
});
