/**
 * The model library's folder scan on a real data folder: which files count, one level of
 * subfolders, extra folders (missing ones included), the header cache, and a folder of 200
 * models read a few at a time.
 */
import { copyFile, mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../common/models.js';
import type { Outcome } from '../../../common/outcome.js';
import { NO_WEIGHTS_MESSAGE } from '../../../common/whisper-header.js';
import { writeTinyLlama } from '../../../test/support/gguf/tiny-llama.js';
import { writeTinyWhisper } from '../../../test/support/whisper/tiny-whisper.js';
import { inspectModel } from './inspect.js';
import { createModelLibrary } from './library.js';

let dir: string;
let models: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-library-'));
  models = join(dir, 'models');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** inspectModel, counting calls and how many run at once. */
function countingInspect() {
  const seen: string[] = [];
  let running = 0;
  let most = 0;
  const inspect = async (path: string): Promise<Outcome<ModelInfo>> => {
    seen.push(path);
    running++;
    most = Math.max(most, running);
    try {
      return await inspectModel(path);
    } finally {
      running--;
    }
  };
  return { inspect, seen, most: () => most };
}

describe('createModelLibrary', () => {
  it('creates <data-dir>/models and lists nothing in it', async () => {
    const library = createModelLibrary({ dataDir: dir, extraFolders: () => [] });
    expect(await library.list()).toEqual({ folders: [models], models: [] });
    expect((await stat(models)).isDirectory()).toBe(true);
  });

  it('lists .gguf and .bin model files, one subfolder deep, sorted by name, skipping downloads, hidden files and non-models', async () => {
    await mkdir(join(models, 'TheBloke', 'deeper'), { recursive: true });
    await writeTinyLlama(join(models, 'b-tiny.gguf'), { nLayer: 1, nEmbd: 32 });
    await writeTinyWhisper(join(models, 'TheBloke', 'a-whisper.bin'));
    await writeTinyLlama(join(models, 'TheBloke', 'deeper', 'too-deep.gguf'), { nLayer: 1, nEmbd: 32 });
    await writeTinyLlama(join(models, '.hidden.gguf'), { nLayer: 1, nEmbd: 32 });
    await writeTinyLlama(join(models, 'c-download.gguf.part'), { nLayer: 1, nEmbd: 32 });
    await writeFile(join(models, 'pytorch_model.bin'), Buffer.alloc(4096, 0x80));
    await writeFile(join(models, 'README.md'), '# models');
    await writeTinyLlama(join(dir, 'elsewhere.gguf'), { nLayer: 1, nEmbd: 32 });
    await symlink(join(dir, 'elsewhere.gguf'), join(models, 'd-linked.gguf'));

    const library = createModelLibrary({ dataDir: dir, extraFolders: () => [] });
    const listed = await library.list();
    expect(listed.models.map((m) => [m.name, m.path])).toEqual([
      ['a-whisper.bin', join(models, 'TheBloke', 'a-whisper.bin')],
      ['b-tiny.gguf', join(models, 'b-tiny.gguf')],
      ['d-linked.gguf', join(models, 'd-linked.gguf')],
    ]);
    expect(listed.models.map((m) => m.plugins)).toEqual([['transcribe'], ['llm'], ['llm']]);
  });

  it('scans extra folders, relative ones against the data folder; a missing one is listed and adds nothing', async () => {
    const extra = join(dir, 'extra');
    await mkdir(extra);
    await writeTinyWhisper(join(extra, 'for-tests-ggml-tiny.bin'), { weights: false });
    await mkdir(join(dir, 'relative'));
    await writeTinyLlama(join(dir, 'relative', 'rel.gguf'), { nLayer: 1, nEmbd: 32 });
    const missing = join(dir, 'not-there');
    let folders: string[] = [extra, missing, 'relative'];
    const library = createModelLibrary({ dataDir: dir, extraFolders: () => folders });

    const listed = await library.list();
    expect(listed.folders).toEqual([models, extra, missing, join(dir, 'relative')]);
    expect(listed.models.map((m) => m.name)).toEqual(['for-tests-ggml-tiny.bin', 'rel.gguf']);
    expect(listed.models[0]).toMatchObject({ plugins: [], problem: NO_WEIGHTS_MESSAGE });

    // Read again at every list: a folder removed in the settings is gone at once.
    folders = [];
    expect((await library.list()).models).toEqual([]);
  });

  it('reads a header again only when the file changed (size or mtime), and forgets removed files', async () => {
    const path = join(models, 'tiny.gguf');
    await mkdir(models);
    await writeTinyLlama(path, { nLayer: 1, nEmbd: 32, contextLength: 512 });
    const counting = countingInspect();
    const library = createModelLibrary({ dataDir: dir, extraFolders: () => [], inspect: counting.inspect });

    expect((await library.list()).models[0]?.contextLength).toBe(512);
    await library.list();
    expect(counting.seen).toHaveLength(1);

    await writeTinyLlama(path, { nLayer: 1, nEmbd: 32, contextLength: 4096 });
    // Same size, new mtime: still read again.
    await utimes(path, new Date(), new Date(Date.now() + 60_000));
    expect((await library.list()).models[0]?.contextLength).toBe(4096);
    expect(counting.seen).toHaveLength(2);

    await rm(path);
    expect((await library.list()).models).toEqual([]);
  });

  it('checks and inspects from the same cache: a model used by a setting is parsed once, outside the folders too', async () => {
    const inside = join(models, 'tiny.gguf');
    const outside = join(dir, 'elsewhere.gguf');
    await mkdir(models);
    await writeTinyLlama(inside, { nLayer: 1, nEmbd: 32 });
    await writeTinyLlama(outside, { nLayer: 1, nEmbd: 32 });
    const counting = countingInspect();
    const library = createModelLibrary({ dataDir: dir, extraFolders: () => [], inspect: counting.inspect });
    await library.list();
    for (let i = 0; i < 5; i++) {
      expect(await library.check(inside, 'gguf')).toBeUndefined();
      expect(await library.check(outside, 'gguf')).toBeUndefined();
      expect((await library.inspect(outside)).ok).toBe(true);
      await library.list();
    }
    expect(counting.seen.sort()).toEqual([outside, inside].sort());
  });

  it('lists 200 models, reading a few headers at a time', async () => {
    await mkdir(models);
    const gguf = await writeTinyLlama(join(dir, 'template.gguf'), { nLayer: 1, nEmbd: 32 });
    const bin = await writeTinyWhisper(join(dir, 'template.bin'), { weights: false });
    const names = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0 ? `m${String(i).padStart(3, '0')}.gguf` : `m${String(i).padStart(3, '0')}.bin`,
    );
    await Promise.all(names.map((name) => copyFile(name.endsWith('.gguf') ? gguf : bin, join(models, name))));
    const counting = countingInspect();
    const library = createModelLibrary({ dataDir: dir, extraFolders: () => [], inspect: counting.inspect, concurrency: 6 });

    const listed = await library.list();
    expect(listed.models.map((m) => m.name)).toEqual(names);
    expect(listed.models.filter((m) => m.format === 'gguf' && m.plugins[0] === 'llm')).toHaveLength(100);
    expect(counting.most()).toBeGreaterThan(1);
    expect(counting.most()).toBeLessThanOrEqual(6);
  });

  it('inspects and checks a path as a setting holds it, relative to the data folder', async () => {
    await mkdir(models);
    await writeTinyWhisper(join(models, 'ggml-tiny.bin'));
    const library = createModelLibrary({ dataDir: dir, extraFolders: () => [] });
    const inspected = await library.inspect('models/ggml-tiny.bin');
    expect(inspected).toMatchObject({ ok: true, value: { path: join(models, 'ggml-tiny.bin'), format: 'whisper-ggml' } });
    expect(await library.check('models/ggml-tiny.bin', 'whisper-ggml')).toBeUndefined();
    const wrong = await library.check('models/ggml-tiny.bin', 'gguf');
    expect(wrong).toMatchObject({ code: 'INVALID_CONFIG', detail: 'it is a whisper-ggml model; llm reads gguf models' });
  });
});
