// Table-driven checks of the protocol's schemas: every message the seed names parses, and
// hostile or malformed ones are refused rather than half-accepted.
import { describe, expect, it } from 'vitest';
import { MainToWorker, WorkerToMain, WorkerToMainSingle } from './protocol.js';

const plugin = {
  pluginId: 'ocr',
  status: 'ready',
  loadCount: 1,
} as const;

const goodMainToWorker: unknown[] = [
  { type: 'INIT', configs: { ocr: { model: 'fast' } }, dataDir: '/d', memoryPolicy: { kind: 'exclusive' } },
  {
    type: 'INIT',
    configs: {},
    dataDir: '/d',
    userPluginDir: '/d/plugins',
    memoryPolicy: { kind: 'lru', maxLoaded: 2, idleUnloadMs: 60_000 },
  },
  { type: 'EXECUTE', jobId: 'j1', pluginId: 'ocr', input: { kind: 'path', path: '/a.png' }, params: {}, stream: true },
  { type: 'EXECUTE', jobId: 'j2', pluginId: 'llm', input: { kind: 'text', text: 'hi' }, params: { maxTokens: 3 }, stream: false },
  {
    type: 'EXECUTE',
    jobId: 'j3',
    pluginId: 'vad',
    input: { kind: 'bytes', bytes: new Uint8Array([1, 2]), name: 'a.wav' },
    params: {},
    stream: true,
  },
  { type: 'CANCEL', jobId: 'j1' },
  { type: 'RELOAD', requestId: 'r1', pluginId: 'ocr', config: { model: 'best' }, load: false },
  { type: 'RELOAD', requestId: 'r2', pluginId: 'ocr', load: true },
  { type: 'UNLOAD', requestId: 'r3', pluginId: 'ocr' },
  { type: 'GET_STATE', requestId: 'r4' },
  { type: 'STOP' },
];

const badMainToWorker: Array<[string, unknown]> = [
  ['not an object', 'EXECUTE'],
  ['null', null],
  ['unknown type', { type: 'EXPLODE' }],
  ['lower-case type', { type: 'stop' }],
  ['extra key (strict)', { type: 'STOP', now: true }],
  [
    'EXECUTE without job id',
    { type: 'EXECUTE', jobId: '', pluginId: 'ocr', input: { kind: 'text', text: '' }, params: {}, stream: true },
  ],
  [
    'EXECUTE with empty path',
    { type: 'EXECUTE', jobId: 'j', pluginId: 'ocr', input: { kind: 'path', path: '' }, params: {}, stream: true },
  ],
  [
    'EXECUTE with bytes as array',
    {
      type: 'EXECUTE',
      jobId: 'j',
      pluginId: 'ocr',
      input: { kind: 'bytes', bytes: [1, 2], name: 'x' },
      params: {},
      stream: true,
    },
  ],
  [
    'EXECUTE with stream as string',
    { type: 'EXECUTE', jobId: 'j', pluginId: 'ocr', input: { kind: 'text', text: '' }, params: {}, stream: 'yes' },
  ],
  ['RELOAD without load flag', { type: 'RELOAD', requestId: 'r', pluginId: 'ocr' }],
  ['GET_STATE without request id', { type: 'GET_STATE' }],
  ['INIT with unknown policy', { type: 'INIT', configs: {}, dataDir: '/d', memoryPolicy: { kind: 'yolo' } }],
  ['INIT with lru and no budget', { type: 'INIT', configs: {}, dataDir: '/d', memoryPolicy: { kind: 'lru' } }],
  ['prototype pollution key', JSON.parse('{"type":"CANCEL","jobId":"j","__proto__":{"polluted":1}}')],
];

const goodWorkerToMain: unknown[] = [
  {
    type: 'READY',
    pid: 12,
    plugins: [
      {
        id: 'ocr',
        name: 'OCR',
        version: '1.0.0',
        description: 'd',
        accepts: ['png'],
        wantsGpu: false,
        source: 'builtin',
        configSchema: { type: 'object' },
        state: plugin,
      },
    ],
  },
  { type: 'RESULT', jobId: 'j', ok: true, data: { text: 'x' } },
  { type: 'RESULT', jobId: 'j', ok: false, error: { code: 'CANCELLED', message: 'Cancelled' } },
  { type: 'STREAM_CHUNK', jobId: 'j', seq: 0, data: { text: 'a' }, final: false },
  { type: 'STREAM_CHUNK', jobId: 'j', seq: 1, data: null, final: true },
  { type: 'PROGRESS', jobId: 'j', fraction: 0.5 },
  { type: 'PROGRESS', jobId: 'j', fraction: null, message: 'loading' },
  { type: 'ERROR', error: { code: 'INTERNAL', message: 'x', detail: 'stack' } },
  { type: 'RESPONSE', requestId: 'r', ok: true, plugin },
  {
    type: 'STATE',
    requestId: 'r',
    pid: 1,
    plugins: [plugin],
    loaded: ['ocr'],
    currentJob: null,
    memory: { rss: 1, heapUsed: 1, external: 0 },
    uptimeMs: 5,
  },
  { type: 'PLUGIN_STATE', state: { ...plugin, status: 'failed', error: { code: 'LOAD_FAILED', message: 'no' } } },
  { type: 'LOG', level: 'info', message: 'hi', pluginId: 'ocr' },
  { type: 'BATCH', messages: [{ type: 'LOG', level: 'info', message: 'hi' }] },
];

const badWorkerToMain: Array<[string, unknown]> = [
  ['negative seq', { type: 'STREAM_CHUNK', jobId: 'j', seq: -1, data: 1, final: false }],
  ['fractional seq', { type: 'STREAM_CHUNK', jobId: 'j', seq: 1.5, data: 1, final: false }],
  ['progress above 1', { type: 'PROGRESS', jobId: 'j', fraction: 1.5 }],
  ['unknown error code', { type: 'RESULT', jobId: 'j', ok: false, error: { code: 'OOPS', message: 'x' } }],
  ['error as a string', { type: 'RESULT', jobId: 'j', ok: false, error: 'boom' }],
  ['unknown plugin status', { type: 'PLUGIN_STATE', state: { ...plugin, status: 'happy' } }],
  ['empty batch', { type: 'BATCH', messages: [] }],
  ['STATE without memory', { type: 'STATE', requestId: 'r', pid: 1, plugins: [], loaded: [], currentJob: null, uptimeMs: 1 }],
];

describe('protocol: main → worker', () => {
  it.each(goodMainToWorker.map((m) => [(m as { type: string }).type, m]))('accepts %s', (_t, msg) => {
    expect(MainToWorker.safeParse(msg).success).toBe(true);
  });
  it.each(badMainToWorker)('refuses %s', (_why, msg) => {
    expect(MainToWorker.safeParse(msg).success).toBe(false);
  });
});

describe('protocol: worker → main', () => {
  it.each(goodWorkerToMain.map((m) => [(m as { type: string }).type, m]))('accepts %s', (_t, msg) => {
    expect(WorkerToMain.safeParse(msg).success).toBe(true);
  });
  it.each(badWorkerToMain)('refuses %s', (_why, msg) => {
    expect(WorkerToMain.safeParse(msg).success).toBe(false);
  });
  it('a BATCH is not itself a single message: its members are checked one by one', () => {
    expect(WorkerToMainSingle.safeParse({ type: 'BATCH', messages: [{}] }).success).toBe(false);
  });
});
