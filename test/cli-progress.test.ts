/**
 * `hearth run`'s progress on stderr: on a terminal one line redrawn with \r (engine loading is
 * one counting line, not nine); in a pipe or log only the stage changes, one line each.
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../common/model.js';
import { RunPrinter } from '../main/cli/run-printer.js';

function io(tty: boolean, columns?: number) {
  let out = '';
  let err = '';
  return {
    io: {
      out: (t: string) => void (out += t),
      err: (t: string) => void (err += t),
      errIsTTY: tty,
      ...(columns === undefined ? {} : { errColumns: columns }),
    },
    out: () => out,
    err: () => err,
  };
}

/** A running job with this progress (only the fields the printer reads matter). */
function at(fraction: number | null, message?: string): Job {
  return {
    id: 'j1',
    state: 'running',
    progress: message === undefined ? { fraction } : { fraction, message },
  } as unknown as Job;
}

/** What engine loading sends: a stage message, then bare fractions, nine of them. */
const loading = [at(0.1, 'loading model'), ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => at(n / 10)), at(null, 'thinking')];

describe('progress of a job', () => {
  it('on a TTY redraws one line and clears it before the result', () => {
    const t = io(true);
    const printer = new RunPrinter(t.io, false);
    printer.expect(['j1']);
    for (const job of loading) printer.progress(job, 'a.txt');
    printer.result({ jobId: 'j1', file: 'a.txt', ok: true, data: { text: 'hi' }, chunks: 0, ms: 1500 });
    printer.tally();
    const err = t.err();
    const lines = err.split('\n');
    // No newline until the result: the progress was one line, cleared before the ✓ line.
    expect(lines).toHaveLength(3);
    expect(lines[0]?.endsWith('thinking\x1b[K\r\x1b[K✓ a.txt in 1.5 s')).toBe(true);
    expect(lines[1]).toBe('1 file: 1 succeeded, 0 failed');
    // Every progress update was a redraw of the same line.
    const draws = err.split('\r').filter((s) => s.startsWith('a.txt: '));
    expect(draws).toHaveLength(10);
    expect(draws[0]).toBe('a.txt: 10% loading model\x1b[K');
    expect(draws[8]).toBe('a.txt: 90% loading model\x1b[K');
    expect(draws[9]).toBe('a.txt: thinking\x1b[K');
    expect(t.out()).toBe('hi\n');
  });

  it('on a TTY never draws a line wider than the terminal', () => {
    const t = io(true, 20);
    const printer = new RunPrinter(t.io, false);
    printer.progress(at(0.5, 'loading a very long model name indeed'), 'some/long/path/a.txt');
    const drawn = t.err().replace('\r', '').replace('\x1b[K', '');
    expect(drawn.length).toBeLessThan(20);
    expect(drawn.endsWith('…')).toBe(true);
  });

  it('without a TTY prints only the stage changes', () => {
    const t = io(false);
    const printer = new RunPrinter(t.io, false);
    for (const job of loading) printer.progress(job, 'a.txt');
    expect(t.err()).toBe('a.txt: 10% loading model\na.txt: thinking\n');
  });

  it('with --json keeps one progress line per update on stdout and the tally on stderr', () => {
    const t = io(true);
    const printer = new RunPrinter(t.io, true);
    for (const job of loading) printer.progress(job, 'a.txt');
    printer.result({ jobId: 'j1', file: 'a.txt', ok: false, error: { code: 'TIMEOUT', message: 'too slow' } });
    printer.tally();
    expect(t.out().trim().split('\n')).toHaveLength(11);
    expect(t.err()).toBe('1 file: 0 succeeded, 1 failed\n');
  });
});
