/**
 * A generator that returns nothing: its result is its chunks while they are few and small, and
 * a count with the first of them after that — the worker never holds every chunk of a job
 * (issue 10, item 5). In process for the runner itself (with V8's collector to show chunks are
 * let go while the job still runs), and through a real worker process built from this source.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { WorkerToMain, WorkerToMainSingle, type MainToWorker } from '../../common/protocol.js';
import type { PluginInstance, RunContext } from '../sdk/index.js';
import { RESULT_CHUNKS_MAX, RESULT_CHUNKS_MAX_BYTES, runJob, type ChunkSummary } from './job-runner.js';

const input = { kind: 'text', text: '' } as const;
const context = () => ({ signal: new AbortController().signal, params: {}, jobId: 'j' }) as unknown as RunContext;

function generatorPlugin(gen: () => AsyncGenerator<unknown, unknown, void>): PluginInstance {
  return { run: () => gen(), unload() {} };
}

async function run(gen: () => AsyncGenerator<unknown, unknown, void>, stream = true) {
  let chunks = 0;
  let finals = 0;
  const result = await runJob(generatorPlugin(gen), input, context(), {
    jobId: 'j',
    stream,
    toMain: (m) => {
      if (m.type !== 'STREAM_CHUNK') return;
      if (m.final) finals += 1;
      else chunks += 1;
    },
  });
  return { result, chunks, finals };
}

function yields(n: number, chunk: (i: number) => unknown = (i) => ({ i })) {
  return async function* () {
    for (let i = 0; i < n; i++) yield chunk(i);
  };
}

describe('the result of a generator that returns nothing', () => {
  it('is the list of its chunks while they fit', async () => {
    expect(await run(yields(3))).toEqual({ result: [{ i: 0 }, { i: 1 }, { i: 2 }], chunks: 3, finals: 1 });
    expect((await run(yields(RESULT_CHUNKS_MAX))).result).toHaveLength(RESULT_CHUNKS_MAX);
    expect((await run(yields(0))).result).toEqual([]);
  });

  it('is a count and the first chunks past RESULT_CHUNKS_MAX chunks', async () => {
    const { result } = await run(yields(RESULT_CHUNKS_MAX + 1));
    expect(result).toEqual({
      chunkCount: RESULT_CHUNKS_MAX + 1,
      firstChunks: [...Array(RESULT_CHUNKS_MAX).keys()].map((i) => ({ i })),
    } satisfies ChunkSummary);
  });

  it('is a count and the first chunks past RESULT_CHUNKS_MAX_BYTES of JSON', async () => {
    const line = 'x'.repeat(1000);
    const { result } = await run(
      yields(100, () => line),
      false,
    );
    const summary = result as ChunkSummary;
    expect(summary.chunkCount).toBe(100);
    expect(summary.firstChunks.length).toBe(Math.floor(RESULT_CHUNKS_MAX_BYTES / 1002));
    expect(JSON.stringify(summary.firstChunks).length).toBeLessThanOrEqual(RESULT_CHUNKS_MAX_BYTES);
  });

  it('is what the generator returns, when it returns something', async () => {
    async function* counted() {
      for (let i = 0; i < 5000; i++) yield { i };
      return { count: 5000 };
    }
    expect(await run(counted)).toEqual({ result: { count: 5000 }, chunks: 5000, finals: 1 });
  });

  it('200 000 chunks: all are sent, the result stays small, and chunks are let go while the job runs', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const total = 200_000;
    const sampled: Array<WeakRef<object>> = [];
    let collectedMidJob = -1;
    async function* many() {
      for (let i = 0; i < total; i++) {
        const chunk = { i, text: `chunk ${i}\n` };
        // Chunks past what a result keeps: nothing in the worker should hold on to these.
        if (i >= 2 * RESULT_CHUNKS_MAX && i % 10_000 === 0) sampled.push(new WeakRef(chunk));
        yield chunk;
      }
      // Still inside the job: a later macrotask (WeakRefs keep their target for the current one), then a full collection.
      await new Promise<void>((resolve) => setImmediate(resolve));
      gc();
      collectedMidJob = sampled.filter((r) => r.deref() === undefined).length;
    }
    const { result, chunks, finals } = await run(many);
    expect(chunks).toBe(total);
    expect(finals).toBe(1);
    expect(sampled.length).toBeGreaterThan(10);
    expect(collectedMidJob).toBe(sampled.length);
    const summary = result as ChunkSummary;
    expect(summary.chunkCount).toBe(total);
    expect(summary.firstChunks[0]).toEqual({ i: 0, text: 'chunk 0\n' });
    expect(JSON.stringify(result).length).toBeLessThan(RESULT_CHUNKS_MAX_BYTES + 100);
  });
});

describe('through a real worker process', () => {
  const root = resolve(__dirname, '../..');
  // The bundle `npm run build` makes, or a private one (HEARTH_WORKER_ENTRY, main/core/worker-entry-path.ts).
  const entry = process.env.HEARTH_WORKER_ENTRY || join(root, 'dist/worker/entry.js');

  it('a testkit job of 200 000 chunks that returns nothing sends every chunk and a small RESULT', async () => {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      let chunks = 0;
      let finals = 0;
      const result = new Promise<Extract<WorkerToMainSingle, { type: 'RESULT' }>>((resolveResult, reject) => {
        child.once('exit', (code) => reject(new Error(`the worker exited (${code}): ${stderr}`)));
        child.on('message', (raw: unknown) => {
          const parsed = WorkerToMain.parse(raw);
          for (const m of parsed.type === 'BATCH' ? parsed.messages.map((x) => WorkerToMainSingle.parse(x)) : [parsed]) {
            if (m.type === 'READY') {
              child.send({
                type: 'EXECUTE',
                jobId: 'many',
                pluginId: 'testkit',
                input,
                params: { mode: 'stream-list', count: 200_000 },
                stream: true,
              } satisfies MainToWorker);
            }
            if (m.type === 'STREAM_CHUNK' && m.jobId === 'many') {
              if (m.final) finals += 1;
              else chunks += 1;
            }
            if (m.type === 'RESULT' && m.jobId === 'many') resolveResult(m);
          }
        });
      });
      child.send({
        type: 'INIT',
        configs: {},
        userPluginDir: join(root, 'test/fixtures/plugins'),
        dataDir: root,
        memoryPolicy: { kind: 'exclusive' },
      } satisfies MainToWorker);
      const done = await result;
      expect(done.ok).toBe(true);
      expect(chunks).toBe(200_000);
      expect(finals).toBe(1);
      const summary = done.data as ChunkSummary;
      expect(summary.chunkCount).toBe(200_000);
      expect(summary.firstChunks.slice(0, 2)).toEqual([{ i: 0 }, { i: 1 }]);
      expect(JSON.stringify(done.data).length).toBeLessThan(RESULT_CHUNKS_MAX_BYTES + 100);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
