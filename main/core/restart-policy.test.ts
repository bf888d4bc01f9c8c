import { describe, expect, it } from 'vitest';
import { decideRestart, type RestartInput, type RestartPolicy } from './restart-policy.js';

const backoff: RestartPolicy = { kind: 'backoff', maxAttempts: 3, baseMs: 100, capMs: 250 };
const crash = (attempts = 0): RestartInput => ({ reason: 'crashed', killCause: null, attempts });
const cancelKill: RestartInput = { reason: 'killed', killCause: 'cancel', attempts: 0 };
const timeoutKill: RestartInput = { reason: 'killed', killCause: 'timeout', attempts: 9 };
const stopKill: RestartInput = { reason: 'killed', killCause: 'stop', attempts: 0 };

describe('decideRestart', () => {
  it.each<[string, RestartPolicy, RestartInput, boolean, number?]>([
    ['never after a crash', { kind: 'never' }, crash(), false],
    ['never after a cancel kill', { kind: 'never' }, cancelKill, false],
    ['on-cancel after a crash', { kind: 'on-cancel' }, crash(), false],
    ['on-cancel after a cancel kill', { kind: 'on-cancel' }, cancelKill, true, 0],
    ['on-cancel after a timeout kill', { kind: 'on-cancel' }, timeoutKill, true, 0],
    ['always after a crash', { kind: 'always' }, crash(50), true, 0],
    [
      'always after a launch failure waits',
      { kind: 'always' },
      { reason: 'launch-failed', killCause: null, attempts: 0 },
      true,
      1000,
    ],
    ['backoff first crash', backoff, crash(0), true, 100],
    ['backoff second crash doubles', backoff, crash(1), true, 200],
    ['backoff third crash is capped', backoff, crash(2), true, 250],
    ['backoff gives up after maxAttempts', backoff, crash(3), false],
    ['backoff: a timeout kill restarts at once whatever the count', backoff, timeoutKill, true, 0],
    ['no policy restarts after stop', { kind: 'always' }, stopKill, false],
    [
      'backoff: a load past its limit restarts at once',
      backoff,
      { reason: 'killed', killCause: 'load-timeout', attempts: 9 },
      true,
      0,
    ],
    [
      'backoff: a quarantined culprit restarts at once, even past maxAttempts',
      backoff,
      { ...crash(3), quarantined: true },
      true,
      0,
    ],
    [
      'always: a quarantined culprit of a launch failure restarts at once',
      { kind: 'always' },
      { reason: 'launch-failed', killCause: null, attempts: 0, quarantined: true },
      true,
      0,
    ],
    ['never stays never, quarantine or not', { kind: 'never' }, { ...crash(), quarantined: true }, false],
  ])('%s', (_name, policy, input, restart, delay) => {
    const d = decideRestart(policy, input);
    expect(d.restart).toBe(restart);
    if (d.restart) expect(d.delayMs).toBe(delay);
  });

  it('backoff counts crashes but not deliberate kills', () => {
    const a = decideRestart(backoff, crash());
    const b = decideRestart(backoff, cancelKill);
    expect(a.restart && a.counts).toBe(true);
    expect(b.restart && b.counts).toBe(false);
  });

  it('a quarantined culprit does not count: the next worker starts without it', () => {
    const d = decideRestart(backoff, { ...crash(1), quarantined: true });
    expect(d.restart && d.counts).toBe(false);
  });
});
