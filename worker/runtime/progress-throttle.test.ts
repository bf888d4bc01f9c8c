import { describe, expect, it } from 'vitest';
import { createProgressThrottle } from './progress-throttle.js';

describe('createProgressThrottle', () => {
  it('sends the first report and each new stage at once, then the latest fraction once per interval', async () => {
    const sent: Array<[number | null, string | undefined]> = [];
    let now = 0;
    const p = createProgressThrottle(
      (f, m) => sent.push([f, m]),
      30,
      () => now,
    );
    p.report(0, 'detecting speech');
    for (let i = 1; i <= 50; i++) p.report(i / 100, 'detecting speech');
    expect(sent).toEqual([[0, 'detecting speech']]);
    now = 30;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sent).toEqual([
      [0, 'detecting speech'],
      [0.5, 'detecting speech'],
    ]);
    p.report(0.6, 'writing');
    expect(sent.at(-1)).toEqual([0.6, 'writing']);
  });

  it('drops what it holds when the job ends', async () => {
    const sent: unknown[] = [];
    // A clock that stands still: the second report is always within the interval, however slow the machine.
    const p = createProgressThrottle(
      (f) => sent.push(f),
      20,
      () => 0,
    );
    p.report(0.1, undefined);
    p.report(0.2, undefined);
    p.dispose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toEqual([0.1]);
  });
});
