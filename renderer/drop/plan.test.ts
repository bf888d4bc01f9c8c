import { describe, expect, it } from 'vitest';
import { fakePlugin } from '../../test/support/fake-core.js';
import { extensionOf, planDrop } from './plan.js';

const plugins = [fakePlugin('ocr', ['png', 'jpg']), fakePlugin('vad', ['wav']), fakePlugin('transcribe', ['wav'])];

describe('extensionOf', () => {
  it.each([
    ['a.PNG', 'png'],
    ['dir/x.tar.gz', 'gz'],
    ['.bashrc', ''],
    ['noext', ''],
    ['dir.d/noext', ''],
  ])('%s → %s', (name, ext) => expect(extensionOf(name)).toBe(ext));
});

describe('planDrop', () => {
  it('assigns single matches, asks for shared types, rejects the rest with a reason', () => {
    const plan = planDrop(
      [{ name: 'a.png' }, { name: 'b.wav' }, { name: 'c.wav' }, { name: 'd.xyz' }, { name: 'README' }],
      plugins,
      {},
    );
    expect(plan.assigned.map((a) => [a.file.name, a.pluginId])).toEqual([['a.png', 'ocr']]);
    expect(plan.choices).toEqual([{ extension: 'wav', candidates: ['vad', 'transcribe'], files: [{ name: 'b.wav' }, { name: 'c.wav' }] }]);
    expect(plan.rejected.map((r) => r.name)).toEqual(['d.xyz', 'README']);
    expect(plan.rejected[0]?.reason).toMatch(/No plugin reads \.xyz files\. Installed plugins read: \.jpg, \.png, \.wav\./);
    expect(plan.rejected[1]?.reason).toMatch(/files without an extension/);
  });

  it('uses the remembered plugin, but only if it still reads the type', () => {
    expect(planDrop([{ name: 'b.wav' }], plugins, { wav: 'transcribe' }).assigned[0]?.pluginId).toBe('transcribe');
    expect(planDrop([{ name: 'b.wav' }], plugins, { wav: 'gone' }).choices).toHaveLength(1);
  });

  it('rejects everything when no plugins are installed, saying so', () => {
    expect(planDrop([{ name: 'a.png' }], [], {}).rejected[0]?.reason).toMatch(/No plugins are installed/);
  });
});
