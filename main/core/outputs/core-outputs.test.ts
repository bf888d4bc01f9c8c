/**
 * Outputs you keep and being told, in the real core on the real worker (the testkit fixture
 * plugin): a finished job's file is written by its plugin's setting and the job says where,
 * and a batch ending is one notice saying what succeeded and what failed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Notice } from '../../../common/api.js';
import type { HearthCore } from '../hearth-core.js';
import { makeDataDir, removeDir, submit, testCore, text, whenFinished, whenJob } from '../../../test/core-harness.js';

const cores: HearthCore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.stop();
  for (const d of dirs.splice(0)) await removeDir(d);
});

it(
  'writes each succeeded job’s output where its plugin’s setting says, and tells the batch’s end once',
  { timeout: 60_000 },
  async () => {
    const dataDir = await makeDataDir(['testkit']);
    dirs.push(dataDir);
    const { core } = testCore(dataDir);
    cores.push(core);
    const notices: Notice[] = [];
    core.on('notice', (n) => notices.push(n));
    await core.start();

    const out = join(dataDir, 'out');
    const set = await core.outputs.set('testkit', { where: 'folder', folder: out, format: 'txt' });
    expect(set.ok).toBe(true);

    const [good, bad] = await submit(core, [
      text('alpha words', {}, { label: 'alpha' }),
      text('x', { mode: 'throw' }, { label: 'beta' }),
    ]);
    if (!good || !bad) throw new Error('two jobs expected');
    await whenFinished(core, [good.id, bad.id]);
    const written = await whenJob(core, (j) => j.id === good.id && j.outputPath !== undefined);
    expect(written.outputPath).toBe(join(out, 'alpha.testkit.txt'));
    expect(await readFile(join(out, 'alpha.testkit.txt'), 'utf8')).toBe('alpha words\n');
    expect(await readdir(out)).toEqual(['alpha.testkit.txt']);
    expect(core.getJob(bad.id)?.state).toBe('failed');

    expect(notices).toEqual([
      {
        tag: good.batchId,
        title: '2 files done',
        body: '1 failed, 1 succeeded — failed: beta',
        failed: true,
        batchId: good.batchId,
      },
    ]);

    // Retried in place: its batch is told again when the retry ends.
    const retried = await core.retry(bad.id);
    expect(retried.ok).toBe(true);
    await whenJob(core, (j) => j.id === bad.id && j.state === 'failed' && (j.earlierRuns?.length ?? 0) > 0);
    expect(notices.map((n) => n.title)).toEqual(['2 files done', '1 file done']);
  },
);
