import { describe, expect, it } from 'vitest';
import { splitArgs } from './global-args.js';

describe('splitArgs', () => {
  it.each([
    [['--out', 'results', 'watch', 'inbox'], 'watch', ['--out', 'results', 'inbox']],
    [['--format', 'srt', 'run', 'a.wav'], 'run', ['--format', 'srt', 'a.wav']],
    [['--data-dir', 'run', 'plugins'], 'plugins', ['--data-dir', 'run']],
    [['run', '--out', 'watch', 'a.png'], 'run', ['--out', 'watch', 'a.png']],
  ])('finds the command in %j whatever values come first', (argv, command, rest) => {
    expect(splitArgs(argv)).toMatchObject({ command, rest });
  });
});
