import { describe, expect, it } from 'vitest';
import type { HearthError, PluginInfo } from '../../common/model.js';
import { fakePlugin } from '../../test/support/fake-core.js';
import { groupByPlugin, holdBlocked, isPluginRefusal, mergeBlocked } from './hold-blocked.js';
import { planDrop } from './plan.js';
import { isModelRefusal, readinessOf, wayOut } from './readiness.js';

const needsModel: HearthError = { code: 'NEEDS_MODEL', message: 'Text generation needs a model — choose one in its settings.' };
const loadFailed: HearthError = { code: 'LOAD_FAILED', message: 'OCR failed to load: no language data.' };

function plugin(id: string, accepts: string[], over: Partial<PluginInfo> = {}): PluginInfo {
  return { ...fakePlugin(id, accepts), ...over };
}

const llm = plugin('llm', ['txt', 'md'], { blocked: needsModel, modelSettings: { modelPath: 'gguf' } });
const ocr = plugin('ocr', ['png']);
const vad = plugin('vad', ['wav']);

describe('holdBlocked', () => {
  it('holds back the files of a blocked plugin, one entry per plugin, and passes the rest on', () => {
    const plan = planDrop([{ name: 'a.txt' }, { name: 'b.png' }, { name: 'c.md' }, { name: 'd.wav' }], [llm, ocr, vad], {});
    const { ready, blocked } = holdBlocked(plan.assigned, [llm, ocr, vad]);
    expect(ready.map((a) => a.file.name)).toEqual(['b.png', 'd.wav']);
    expect(blocked).toEqual([{ pluginId: 'llm', error: needsModel, files: [{ name: 'a.txt' }, { name: 'c.md' }] }]);
  });

  it('holds nothing when every plugin can run', () => {
    const assigned = [{ file: { name: 'b.png' }, pluginId: 'ocr' }];
    expect(holdBlocked(assigned, [ocr])).toEqual({ ready: assigned, blocked: [] });
  });

  it('passes a plugin it does not know on to main, which answers for it', () => {
    const assigned = [{ file: { name: 'x.y' }, pluginId: 'gone' }];
    expect(holdBlocked(assigned, [ocr]).ready).toEqual(assigned);
  });
});

describe('mergeBlocked', () => {
  it('puts new entries first and folds a plugin listed again into one, with its latest reason', () => {
    const old = [
      { pluginId: 'llm', error: needsModel, files: [{ name: 'old.txt' }] },
      { pluginId: 'ocr', error: loadFailed, files: [{ name: 'old.png' }] },
    ];
    const fresh = { code: 'INVALID_CONFIG' as const, message: 'Model file not found', field: 'modelPath' };
    const merged = mergeBlocked(old, [{ pluginId: 'llm', error: fresh, files: [{ name: 'new.txt' }] }]);
    expect(merged).toEqual([
      { pluginId: 'llm', error: fresh, files: [{ name: 'new.txt' }, { name: 'old.txt' }] },
      { pluginId: 'ocr', error: loadFailed, files: [{ name: 'old.png' }] },
    ]);
    expect(old[0]?.files).toHaveLength(1);
  });
});

describe('groupByPlugin', () => {
  it('groups in first-seen order, keeping each group in submit order', () => {
    const items = [
      { pluginId: 'ocr', path: '1' },
      { pluginId: 'vad', path: '2' },
      { pluginId: 'ocr', path: '3' },
    ];
    expect(groupByPlugin(items).map((g) => g.map((i) => i.path))).toEqual([['1', '3'], ['2']]);
    expect(groupByPlugin([])).toEqual([]);
  });
});

describe('readiness', () => {
  it('is ready without a blocked error, needs a model for NEEDS_MODEL or a model setting refused, failed otherwise', () => {
    expect(readinessOf(ocr)).toEqual({ kind: 'ready' });
    expect(readinessOf(llm)).toEqual({ kind: 'needs-model', error: needsModel });
    const badFile = { code: 'INVALID_CONFIG' as const, message: 'Not a GGUF file', field: 'modelPath' };
    expect(readinessOf({ ...llm, blocked: badFile }).kind).toBe('needs-model');
    expect(readinessOf({ ...ocr, blocked: loadFailed }).kind).toBe('failed');
    // A field that is not a model setting is a settings problem, not a model one.
    expect(isModelRefusal({ code: 'INVALID_CONFIG', message: 'x', field: 'threads' }, llm)).toBe(false);
    expect(isModelRefusal({ code: 'INVALID_CONFIG', message: 'x', field: 'toString' }, llm)).toBe(false);
  });

  it('offers "Choose one…" for a model and the settings otherwise', () => {
    expect(wayOut('needs-model')).toBe('Choose one…');
    expect(wayOut('failed')).toBe('Open settings');
  });

  it('lists a submit refused for the plugin like a held-back drop; other refusals per file', () => {
    expect(isPluginRefusal(needsModel)).toBe(true);
    expect(isPluginRefusal(loadFailed)).toBe(true);
    expect(isPluginRefusal({ code: 'INVALID_INPUT', message: 'bad path' })).toBe(false);
    expect(isPluginRefusal({ code: 'WORKER_UNAVAILABLE', message: 'down' })).toBe(false);
  });
});
