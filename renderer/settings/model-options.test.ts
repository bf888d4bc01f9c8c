import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../common/models.js';
import { modelOptionLabel, modelOptions } from './model-options.js';

function model(name: string, over: Partial<ModelInfo> = {}): ModelInfo {
  return {
    name,
    path: `/data/models/${name}`,
    format: 'gguf',
    architecture: 'llama',
    label: null,
    parameterCount: 1_100_000,
    fileType: 'F16',
    contextLength: 2048,
    hasChatTemplate: false,
    sizeBytes: 3 * 1024 * 1024,
    plugins: ['llm'],
    problem: null,
    ...over,
  };
}

const llama = model('tiny-llama.gguf', { label: '1.1M' });
const qwen = model('qwen.gguf', { architecture: 'qwen2' });
const whisper = model('ggml-tiny.bin', {
  format: 'whisper-ggml',
  architecture: 'whisper',
  label: 'tiny',
  plugins: ['transcribe'],
});
const broken = model('f32-whisper.bin', {
  format: 'whisper-ggml',
  plugins: [],
  problem: 'f32 whisper weights are not supported',
});
const library = [llama, qwen, whisper, broken];

describe('modelOptions', () => {
  it('offers (none) and the models this plugin can run, labelled name · size · label', () => {
    expect(modelOptions(library, 'llm', '')).toEqual([
      { value: '', label: '(none)' },
      { value: '/data/models/tiny-llama.gguf', label: 'tiny-llama.gguf · 3.1 MB · 1.1M' },
      { value: '/data/models/qwen.gguf', label: 'qwen.gguf · 3.1 MB · qwen2' },
    ]);
    expect(modelOptions(library, 'transcribe', '').map((o) => o.label)).toEqual(['(none)', 'ggml-tiny.bin · 3.1 MB · tiny']);
  });

  it('keeps the current value when the library lacks it, shown as its path', () => {
    const options = modelOptions(library, 'llm', 'models/elsewhere.gguf');
    expect(options).toHaveLength(4);
    expect(options.at(-1)).toEqual({ value: 'models/elsewhere.gguf', label: 'models/elsewhere.gguf (not in the library)' });
  });

  it('names a library file this plugin cannot run with the reason, instead of hiding the choice', () => {
    expect(modelOptions(library, 'transcribe', broken.path).at(-1)).toEqual({
      value: broken.path,
      label: `${broken.path} (f32 whisper weights are not supported)`,
    });
    expect(modelOptions(library, 'llm', whisper.path).at(-1)?.label).toBe(`${whisper.path} (not a model this plugin runs)`);
  });

  it('does not list a current value twice when it is in the library', () => {
    expect(modelOptions(library, 'llm', llama.path)).toHaveLength(3);
  });

  it('offers only (none) for an empty library or a plugin no model fits', () => {
    expect(modelOptions([], 'llm', '')).toEqual([{ value: '', label: '(none)' }]);
    expect(modelOptions(library, 'ocr', '')).toEqual([{ value: '', label: '(none)' }]);
  });

  it('leaves out a tag the header does not give', () => {
    expect(modelOptionLabel({ name: 'x.gguf', sizeBytes: 10, label: null, architecture: null })).toBe('x.gguf · 10 B');
  });
});
