import { describe, expect, it } from 'vitest';
import { fakePlugin } from '../../test/support/fake-core.js';
import { planDrop } from './plan.js';

const plugins = [fakePlugin('ocr', ['png', 'jpg']), fakePlugin('vad', ['wav']), fakePlugin('transcribe', ['wav'])];

describe('planDrop', () => {
  it('assigns single matches, asks for shared types, rejects the rest with a reason', () => {
    const plan = planDrop(
      [{ name: 'a.png' }, { name: 'b.wav' }, { name: 'c.wav' }, { name: 'd.xyz' }, { name: 'README' }],
      plugins,
      {},
    );
    expect(plan.assigned.map((a) => [a.file.name, a.pluginId])).toEqual([['a.png', 'ocr']]);
    expect(plan.choices).toEqual([
      { extension: 'wav', candidates: ['vad', 'transcribe'], files: [{ name: 'b.wav' }, { name: 'c.wav' }] },
    ]);
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

  // The same rule as main and the worker (common/file-types.ts), so a drop never plans what they refuse.
  it.each([
    ['a Windows path whose folder has a dot', 'C:\\v1.2\\README', 'rejected', undefined],
    ['a Windows path to an image', 'C:\\Users\\me\\Scan.PNG', 'assigned', 'ocr'],
    ['a dotfile', '.png', 'rejected', undefined],
    ['a trailing dot', 'photo.png.', 'rejected', undefined],
    ['a trailing space', 'photo.png ', 'rejected', undefined],
    ['a name with spaces', 'my holiday photo.jpg', 'assigned', 'ocr'],
  ] as const)('%s (%j) is %s', (_why, name, verdict, pluginId) => {
    const plan = planDrop([{ name }], plugins, {});
    if (verdict === 'assigned') expect(plan.assigned).toEqual([{ file: { name }, pluginId }]);
    else expect(plan.rejected.map((r) => r.name)).toEqual([name]);
  });

  it('gives a plugin that reads "*" every file, extension or not', () => {
    const any = fakePlugin('any', ['*']);
    const plan = planDrop([{ name: 'README' }, { name: 'x.zzz' }], [any], {});
    expect(plan.assigned.map((a) => a.pluginId)).toEqual(['any', 'any']);
    expect(plan.rejected).toEqual([]);
  });

  it('asks about files without an extension each time: there is no extension to remember', () => {
    const plan = planDrop([{ name: 'README' }], [fakePlugin('a', ['*']), fakePlugin('b', ['*'])], { '': 'a' });
    expect(plan.assigned).toEqual([]);
    expect(plan.choices).toEqual([{ extension: '', candidates: ['a', 'b'], files: [{ name: 'README' }] }]);
  });

  it('matches remembered choices case-folded, and ignores keys inherited from Object', () => {
    expect(planDrop([{ name: 'B.WAV' }], plugins, { wav: 'transcribe' }).assigned[0]?.pluginId).toBe('transcribe');
    const proto = planDrop([{ name: 'x.constructor' }], [fakePlugin('a', ['constructor']), fakePlugin('b', ['constructor'])], {});
    expect(proto.choices).toHaveLength(1);
  });
});
