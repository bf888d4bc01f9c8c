/**
 * `hearth serve` against a page that means harm (issue 14, items 4 and 5): the real serve
 * command in this process, with the real core and worker, driven over loopback HTTP and its
 * WebSocket as a browser would. Upload names too long in bytes, model settings that probe
 * which files exist outside the data folder, and deep, wide and huge payloads for every
 * command: the server keeps answering, nothing is queued, stored or journaled, and a new
 * tab's snapshot still loads.
 */
import { request as http } from 'node:http';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../common/api.js';
import { BRIDGE } from '../common/bridge.js';
import type { Outcome } from '../common/outcome.js';
import { serveCommand } from '../main/serve/command.js';
import { PARAMS_MAX_DEPTH, REQUEST_MAX_BYTES } from '../main/api/payload-limits.js';
import { makeDataDir, removeDir } from './core-harness.js';
import { writeTinyLlama } from './support/gguf/tiny-llama.js';

interface Serving {
  base: string;
  token: string;
  stderr: string[];
  stop: () => Promise<number>;
}

async function serve(dataDir: string): Promise<Serving> {
  const out: string[] = [];
  const stderr: string[] = [];
  let release = () => {};
  const until = new Promise<void>((resolve) => (release = resolve));
  const done = serveCommand(['--port', '0', '--data-dir', dataDir, '--cpu-workers', '1'], {
    out: (line) => out.push(line),
    err: (line) => stderr.push(line),
    untilStopped: () => until,
  });
  const line = await Promise.race([
    new Promise<string>((resolve) => {
      const look = () => (out[0] === undefined ? setTimeout(look, 20) : resolve(out[0]));
      look();
    }),
    done.then((code) => {
      throw new Error(`hearth serve ended (${code}): ${stderr.join('\n')}`);
    }),
  ]);
  const url = new URL(line.replace(/^Hearth is serving at /, ''));
  return {
    base: url.origin,
    token: url.searchParams.get(BRIDGE.tokenQuery) ?? '',
    stderr,
    stop: () => (release(), done),
  };
}

/** A tab: one socket, requests answered by id. */
class Tab {
  private next = 1;
  private readonly waiting = new Map<number, (outcome: Outcome<unknown>) => void>();
  closed: Promise<number>;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { kind: string; id?: number; outcome?: Outcome<unknown> };
      if (message.kind !== 'reply' || message.id === undefined || message.outcome === undefined) return;
      this.waiting.get(message.id)?.(message.outcome);
      this.waiting.delete(message.id);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  static open(s: Serving): Promise<Tab> {
    const ws = new WebSocket(`${s.base.replace('http', 'ws')}${BRIDGE.socketPath}?${BRIDGE.tokenQuery}=${s.token}`, {
      headers: { Origin: s.base },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Tab(ws)));
      ws.once('error', reject);
    });
  }

  /** Sends a frame as written (so a test can send what no client library would) and waits for its reply. */
  sendRaw(id: number, text: string): Promise<Outcome<unknown>> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(text);
    });
  }

  /** `payload` as a value, or as JSON text already (too deep for JSON.stringify here). */
  call(name: string, payload: unknown): Promise<Outcome<unknown>> {
    const id = this.next++;
    const text = payload instanceof Encoded ? payload.text : JSON.stringify(payload);
    return this.sendRaw(id, `{"id":${id},"name":${JSON.stringify(name)},"payload":${text}}`);
  }

  close(): void {
    this.ws.close();
  }
}

function upload(s: Serving, name: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http(
      `${s.base}${BRIDGE.uploadPath}?name=${encodeURIComponent(name)}`,
      { method: 'POST', headers: { [BRIDGE.tokenHeader]: s.token, origin: s.base } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A payload written as JSON text. */
class Encoded {
  constructor(readonly text: string) {}
}

/** `{"a":{"a":…{}}}`, `depth` objects deep, as text: a browser can send what JSON.stringify here cannot write. */
function deepText(depth: number, open = '{"a":', empty = '{}', close = '}'): Encoded {
  return new Encoded(`${open.repeat(depth - 1)}${empty}${close.repeat(depth - 1)}`);
}

/** `{files: [{…, params}]}` with params given as text. */
function filesText(path: string, params: Encoded): Encoded {
  return new Encoded(`{"files":[{"path":${JSON.stringify(path)},"pluginId":"testkit","params":${params.text}}]}`);
}

/** `{a: {a: … {}}}`, `depth` objects deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

async function settledCounts(t: Tab): Promise<unknown> {
  for (;;) {
    const counts = (await t.call('jobCounts', {})) as { ok: boolean; value?: { queued: number; running: number } };
    if (!counts.ok || (counts.value?.queued === 0 && counts.value.running === 0)) return counts;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function wide(keys: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i]));
}

let dataDir: string;
let s: Serving;
let tab: Tab;
let uploaded: string;

beforeAll(async () => {
  dataDir = await makeDataDir(['testkit']);
  s = await serve(dataDir);
  tab = await Tab.open(s);
  // The URL is printed before the worker is up: wait until it has listed the plugins.
  for (;;) {
    const snapshot = await tab.call('snapshot', {});
    if (snapshot.ok && (snapshot.value as { plugins: unknown[] }).plugins.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sent = await upload(s, 'note.txt', 'hello');
  uploaded = (JSON.parse(sent.body) as { path: string }).path;
}, 120_000);
afterAll(async () => {
  tab.close();
  expect(await s.stop()).toBe(0);
  await removeDir(dataDir);
}, 60_000);

describe('upload names', () => {
  it('stores a name too long in bytes (150 × “é”, 300 bytes) under a shorter one, cut between characters', async () => {
    const sent = await upload(s, 'é'.repeat(150), 'x');
    expect(sent.status).toBe(200);
    const reply = JSON.parse(sent.body) as { path: string; name: string };
    expect(Buffer.byteLength(reply.name)).toBeLessThanOrEqual(200);
    expect(reply.name).toMatch(/^é+$/);
    expect(await readFile(reply.path, 'utf8')).toBe('x');
  });

  it('keeps the extension of a long name, so the plugin that reads it takes the job', async () => {
    for (const name of [`${'a'.repeat(296)}.txt`, `${'é'.repeat(150)}.txt`, `${'語'.repeat(100)}.txt`]) {
      const sent = await upload(s, name, 'words');
      expect(sent.status, sent.body).toBe(200);
      const reply = JSON.parse(sent.body) as { path: string; name: string };
      expect(reply.name.endsWith('.txt')).toBe(true);
      expect(Buffer.byteLength(basename(reply.path))).toBeLessThanOrEqual(200);
      const submitted = await tab.call('submit', { files: [{ path: reply.path, pluginId: 'testkit' }] });
      expect(submitted, name).toMatchObject({ ok: true });
    }
  });
});

describe('model settings from the browser name only files in the model folders', () => {
  it('answers one and the same refusal for a file, a missing file and a folder outside, and saves nothing', async () => {
    const outside = join(dataDir, '..', `${basename(dataDir)}-outside`);
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'real.gguf'), 'not a model');
    await mkdir(join(dataDir, 'models'), { recursive: true });
    // A link inside the models folder to a file outside is outside too.
    await symlink('/etc/passwd', join(dataDir, 'models', 'link.gguf'));
    const before = await tab.call('getSettings', { pluginId: 'llm' });
    const answers = [];
    for (const modelPath of [
      '/etc/passwd',
      '/no/such/file.gguf',
      '/root',
      '/',
      join(outside, 'real.gguf'),
      outside,
      '~/x.gguf',
      '../../etc/passwd',
      join(dataDir, 'models', 'link.gguf'),
      join(dataDir, 'uploads'),
    ]) {
      const out = await tab.call('saveSettings', { pluginId: 'llm', config: { modelPath } });
      expect(out, modelPath).toMatchObject({ ok: false, error: { code: 'INVALID_CONFIG', field: 'modelPath' } });
      answers.push(JSON.stringify(out));
    }
    expect(new Set(answers).size).toBe(1);
    expect(await tab.call('getSettings', { pluginId: 'llm' })).toEqual(before);
    const saved = await readFile(join(dataDir, 'settings.json'), 'utf8').catch(() => '');
    expect(saved).not.toContain('passwd');
    expect(saved).not.toContain('outside');
  });

  it('takes a model in the data folder’s models, and tells what is wrong with a file there', async () => {
    await mkdir(join(dataDir, 'models'), { recursive: true });
    const junk = join(dataDir, 'models', 'junk.gguf');
    await writeFile(junk, 'not a model');
    expect(await tab.call('saveSettings', { pluginId: 'llm', config: { modelPath: junk } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CONFIG', message: expect.stringContaining('not a GGUF') },
    });
    const model = await writeTinyLlama(join(dataDir, 'models', 'tiny.gguf'));
    expect(await tab.call('saveSettings', { pluginId: 'llm', config: { modelPath: model } })).toMatchObject({ ok: true });
    // Relative to the data folder, as a setting may be written.
    expect(await tab.call('saveSettings', { pluginId: 'llm', config: { modelPath: 'models/tiny.gguf' } })).toMatchObject({
      ok: true,
    });
  }, 60_000);
});

describe('deep, wide and huge payloads for every command', () => {
  const files = (params: unknown) => ({ files: [{ path: uploaded, pluginId: 'testkit', params }] });

  it('refuses params nested past the limit and params over 64 KB, naming the limit', async () => {
    for (const params of [deepText(PARAMS_MAX_DEPTH + 1), deepText(4000), deepText(4500)]) {
      expect(await tab.call('submit', filesText(uploaded, params))).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: expect.stringMatching(/nests deeper than \d+ levels/) },
      });
    }
    for (const params of [wide(10_000), { text: 'x'.repeat(70 * 1024) }]) {
      expect(await tab.call('submit', files(params))).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: expect.stringContaining('larger than 64 KB') },
      });
      expect(await tab.call('saveSettings', { pluginId: 'testkit', config: params })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: expect.stringContaining('larger than 64 KB') },
      });
    }
    expect(await tab.call('saveSettings', { pluginId: 'testkit', config: nested(40) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // Params within the limits still go in.
    expect(await tab.call('submit', files(nested(PARAMS_MAX_DEPTH)))).toMatchObject({ ok: true });
  }, 120_000);

  it('answers every command, queues and journals nothing, and a new tab still loads', async () => {
    // The test before submits a job; let it finish so the counts below can only move if a refused payload queued one.
    const before = await settledCounts(tab);
    const deep = deepText(4500);
    const payloads: Array<[string, (name: string) => unknown]> = [
      [
        'deep',
        (name) =>
          name === 'submit'
            ? filesText(uploaded, deep)
            : name === 'saveSettings'
              ? new Encoded(`{"pluginId":"testkit","config":${deep.text}}`)
              : deep,
      ],
      ['deep array', () => deepText(4500, '[', '[]', ']')],
      ['wide', (name) => (name === 'submit' ? files(wide(20_000)) : wide(30_000))],
      ['huge', () => ({ pad: 'x'.repeat(REQUEST_MAX_BYTES + 1024) })],
    ];
    for (const [kind, payloadOf] of payloads) {
      for (const name of COMMAND_NAMES) {
        const out = await tab.call(name, payloadOf(name));
        if (kind !== 'wide') expect(out, `${kind} ${name}`).toMatchObject({ ok: false });
      }
    }
    expect(await tab.call('jobCounts', {})).toEqual(before);
    const fresh = await Tab.open(s);
    const snapshot = await fresh.call('snapshot', {});
    expect(snapshot).toMatchObject({ ok: true });
    fresh.close();
  }, 300_000);

  it('closes only the socket that sends a frame larger than any request may be; the server goes on', async () => {
    const rogue = await Tab.open(s);
    void rogue.call('submit', { pad: 'x'.repeat(REQUEST_MAX_BYTES + 128 * 1024) });
    expect(await rogue.closed).toBe(1009);
    expect(await tab.call('jobCounts', {})).toMatchObject({ ok: true });
    const fresh = await Tab.open(s);
    expect(await fresh.call('snapshot', {})).toMatchObject({ ok: true });
    fresh.close();
  }, 60_000);

  it('keeps serving the page', async () => {
    const page = await new Promise<number>((resolve, reject) =>
      http(`${s.base}/?${BRIDGE.tokenQuery}=${s.token}`, (res) => (res.resume(), resolve(res.statusCode ?? 0)))
        .on('error', reject)
        .end(),
    );
    expect(page).toBe(200);
    expect((await stat(join(dataDir, 'hearth.db'))).size).toBeLessThan(10 * 1024 * 1024);
  });
});
