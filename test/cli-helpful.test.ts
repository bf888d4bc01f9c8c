/**
 * The CLI that helps (issue 11 item 7): --version, "did you mean …?", picking the plugin from
 * the files' types, folders walked like a drop, and the final tally — main() in process, the
 * real core and a real worker from dist/.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main/cli/hearth.js';
import type { PluginInfo } from '../common/protocol.js';
import { closest, editDistance } from '../main/cli/did-you-mean.js';
import { pickPlugin } from '../main/cli/pick-plugin.js';
import { findPackageRoot } from '../main/core/worker-entry-path.js';
import { makeDataDir, removeDir } from './core-harness.js';
import { capturedIo } from './support/captured-io.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await makeDataDir(['testkit']);
  await writeFile(join(dataDir, 'a.txt'), 'alpha');
  await writeFile(join(dataDir, 'c.json'), '{"c":1}');
  await mkdir(join(dataDir, 'tree', 'deeper'), { recursive: true });
  await writeFile(join(dataDir, 'tree', 'one.json'), '{"n":1}');
  await writeFile(join(dataDir, 'tree', 'deeper', 'two.json'), '{"n":2}');
  await writeFile(join(dataDir, 'tree', '.hidden.json'), '{"hidden":true}');
  await writeFile(join(dataDir, 'tree', 'deeper', 'odd.xyz'), 'no plugin reads this');
  await mkdir(join(dataDir, 'empty'));
});
afterAll(() => removeDir(dataDir));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capturedIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('hearth --version', () => {
  it("prints package.json's version, before or after a command word", async () => {
    const { version } = JSON.parse(await readFile(join(findPackageRoot(), 'package.json'), 'utf8')) as { version: string };
    for (const argv of [['--version'], ['run', '--version']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`hearth ${version}\n`);
    }
  });
});

describe('did you mean', () => {
  it('measures edits and suggests only within two', () => {
    expect(editDistance('rnu', 'run')).toBe(2);
    expect(editDistance('--plugn', '--plugin')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closest('modles', ['plugins', 'models', 'run'])).toBe('models');
    expect(closest('frobnicate', ['plugins', 'models', 'run'])).toBeUndefined();
  });

  it.each([
    [['rnu', 'x.txt'], 'hearth: unknown command "rnu" — did you mean "run"?'],
    [['plugin'], 'hearth: unknown command "plugin" — did you mean "plugins"?'],
    [['run', '--plugn', 'testkit', 'x.txt'], 'hearth run: unknown option --plugn — did you mean --plugin?'],
    [['run', '--jsno', 'x.txt'], 'hearth run: unknown option --jsno — did you mean --json?'],
    [['run', '--zzzzzz', 'x.txt'], 'hearth run: unknown option --zzzzzz — see `hearth --help`'],
    [['plugins', '--jsn'], 'hearth plugins: unknown option --jsn — did you mean --json?'],
    [['devices', '--data-dri', 'x'], 'hearth devices: unknown option --data-dri — did you mean --data-dir?'],
    [['models', 'lsit'], 'hearth models: unknown subcommand "lsit" — did you mean "list"?'],
    [['models', 'list', '--jsno'], 'hearth models list: unknown option --jsno — did you mean --json?'],
    [['models', 'catalogue', '--data-dri', 'x'], 'hearth models catalogue: unknown option --data-dri — did you mean --data-dir?'],
    [['models', 'pull', '--sha265', 'x', 'y'], 'hearth models pull: unknown option --sha265 — did you mean --sha256?'],
  ])('%j exits 2 and says so', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(message);
  });
});

describe('hearth run without --plugin', () => {
  it('uses the only plugin that reads the type, says which on stderr, and tallies', async () => {
    const r = await cli('run', '--data-dir', dataDir, '--json', join(dataDir, 'c.json'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^hearth: using the testkit plugin \(Test kit\) — the only one that reads these files$/m);
    expect(r.out).toMatch(/"type":"result".*"ok":true/);
    expect(lastLine(r.err)).toBe('1 file: 1 succeeded, 0 failed');
  });

  it('refuses a type several plugins read, naming them', async () => {
    // llm (built in) and testkit both read .txt.
    const r = await cli('run', '--data-dir', dataDir, join(dataDir, 'a.txt'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/several plugins read \.txt files — pass --plugin: llm or testkit/);
  });

  it('refuses a type no plugin reads, saying which types they read', async () => {
    const r = await cli('run', '--data-dir', dataDir, join(dataDir, 'tree', 'deeper', 'odd.xyz'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no installed plugin reads \.xyz files — the installed plugins read .*\.json.*\.png.*\.wav/);
  });
});

describe('hearth run with folders', () => {
  it('walks folders recursively like a drop (hidden files skipped), one result per file, and tallies', async () => {
    const r = await cli('run', '--data-dir', dataDir, '--plugin', 'testkit', '--json', join(dataDir, 'tree'));
    expect(r.code).toBe(1);
    const results = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; file?: string; ok?: boolean })
      .filter((l) => l.type === 'result');
    const t = (...p: string[]) => join(dataDir, 'tree', ...p);
    expect(results.map((l) => [l.file, l.ok]).sort()).toEqual(
      [
        [t('deeper', 'odd.xyz'), false],
        [t('deeper', 'two.json'), true],
        [t('one.json'), true],
      ].sort(),
    );
    expect(lastLine(r.err)).toBe('3 files: 2 succeeded, 1 failed');
  });

  it('a folder with no files is a usage error', async () => {
    const r = await cli('run', '--data-dir', dataDir, '--plugin', 'testkit', join(dataDir, 'empty'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no files in the folders given/);
  });

  it('text output ends with the tally too, missing files counted as failed', async () => {
    const r = await cli('run', '--data-dir', dataDir, '--plugin', 'testkit', join(dataDir, 'a.txt'), join(dataDir, 'nope.txt'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('alpha\n');
    expect(lastLine(r.err)).toBe('2 files: 1 succeeded, 1 failed');
  });
});

describe('hearth run progress from a real worker', () => {
  it('on a terminal is one redrawn line, gone before the ✓ line; in a pipe one line per stage', async () => {
    const run = async (tty: boolean) => {
      let err = '';
      const io = { out: () => undefined, err: (t: string) => void (err += t), errIsTTY: tty };
      const args = ['run', '--data-dir', dataDir, '--plugin', 'testkit', '--set', 'mode=progress', join(dataDir, 'a.txt')];
      expect(await main(args, io)).toBe(0);
      return err;
    };
    const tty = await run(true);
    const lines = tty.split('\n');
    const drawn = lines.find((l) => l.includes('a.txt: 25% a quarter'));
    expect(drawn).toBeDefined();
    // Each draw starts with \r and ends with ESC [K (erase the rest); the last clears the line for ✓.
    const file = join(dataDir, 'a.txt');
    const el = '\x1b[K';
    expect(drawn).toBe(
      `\r${file}: 25% a quarter${el}\r${file}: 50% half${el}\r${file}: 100% done${el}\r${el}${drawn?.slice(drawn.indexOf('✓'))}`,
    );
    expect(drawn?.slice(drawn.indexOf('✓'))).toMatch(/^✓ .*a\.txt in \d/);
    expect(lastLine(tty)).toBe('1 file: 1 succeeded, 0 failed');

    const piped = await run(false);
    expect(piped).not.toContain('\r');
    expect(
      piped.split('\n').filter((l) => l.includes(': 25% a quarter') || l.includes(': 50% half') || l.includes(': 100% done')),
    ).toHaveLength(3);
  });
});

describe('picking feeds the model precheck', () => {
  it('a .md file picks llm (the only reader), which without a model fails before any job runs', async () => {
    await writeFile(join(dataDir, 'notes.md'), '# hi');
    const r = await cli('run', '--data-dir', dataDir, '--json', join(dataDir, 'notes.md'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/using the llm plugin/);
    expect(r.out).toMatch(/"type":"result".*"ok":false.*"code":"NEEDS_MODEL"/);
    expect(lastLine(r.err)).toBe('1 file: 0 succeeded, 1 failed');
  });
});

describe('pickPlugin', () => {
  const plugin = (id: string, accepts: string[]) => ({ id, name: id.toUpperCase(), accepts }) as unknown as PluginInfo;
  const plugins = [plugin('ocr', ['png']), plugin('vad', ['wav']), plugin('transcribe', ['wav']), plugin('x', ['wav'])];

  it('names every candidate, and says when no one plugin reads a mix of types', () => {
    const several = pickPlugin(plugins, ['a.wav']);
    expect(several.ok || several.error.message).toBe('several plugins read .wav files — pass --plugin: vad, transcribe or x');
    const mixed = pickPlugin(plugins, ['a.png', 'b.wav']);
    expect(mixed.ok || mixed.error.message).toBe(
      'no one plugin reads all these files — pass --plugin, or run each type on its own (.png files: ocr; .wav files: vad, transcribe or x)',
    );
    const one = pickPlugin(plugins, ['a.png', 'B.PNG']);
    expect(one.ok && one.value.id).toBe('ocr');
    const none = pickPlugin(plugins, ['README']);
    expect(none.ok || none.error.message).toBe(
      'no installed plugin reads files without an extension — the installed plugins read .png, .wav',
    );
  });
});
