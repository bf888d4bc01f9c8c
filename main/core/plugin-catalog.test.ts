import { describe, expect, it } from 'vitest';
import type { PluginInfo, PluginState } from '../../common/protocol.js';
import { PluginCatalog } from './plugin-catalog.js';

const info = (state: Omit<PluginState, 'pluginId'>): PluginInfo => ({
  id: 'ocr',
  name: 'OCR',
  version: '1',
  description: '',
  accepts: ['png'],
  wantsGpu: false,
  source: 'builtin',
  configSchema: {},
  state: { pluginId: 'ocr', ...state },
});

describe('PluginCatalog over lanes', () => {
  it('shows the liveliest lane’s state and counts the loads of every lane', () => {
    const catalog = new PluginCatalog();
    const seen: string[] = [];
    catalog.on('plugin', (p) => seen.push(`${p.state.status}/${p.state.loadCount}`));
    catalog.replace('cpu-1', [info({ status: 'discovered', loadCount: 0 })]);
    catalog.replace('cpu-2', [info({ status: 'discovered', loadCount: 0 })]);
    catalog.updateState('cpu-1', { pluginId: 'ocr', status: 'ready', loadCount: 1, device: 'cpu' });
    catalog.updateState('cpu-2', { pluginId: 'ocr', status: 'busy', loadCount: 1, device: 'cpu' });
    expect(catalog.get('ocr')?.state).toMatchObject({ status: 'busy', loadCount: 2 });
    // One lane's worker dies: the other lane still has it ready.
    catalog.workerGone('cpu-2');
    expect(catalog.get('ocr')?.state).toMatchObject({ status: 'ready', loadCount: 2 });
    catalog.workerGone('cpu-1');
    expect(catalog.get('ocr')?.state.status).toBe('unloaded');
    expect(seen).toEqual(['discovered/0', 'discovered/0', 'ready/1', 'busy/2', 'ready/2', 'unloaded/2']);
  });

  it('drops a plugin a lane’s new READY no longer lists, and ignores states of unknown plugins', () => {
    const catalog = new PluginCatalog();
    catalog.replace('cpu-1', [info({ status: 'discovered', loadCount: 0 })]);
    catalog.replace('cpu-1', []);
    catalog.updateState('cpu-1', { pluginId: 'ocr', status: 'ready', loadCount: 1 });
    expect(catalog.list()).toEqual([]);
  });
});
