import { describe, expect, it } from 'vitest';
import { classifyExit, describeExit, stderrSaysOutOfMemory, type ExitEvidence } from './exit-reason.js';
import type { ExitReason } from '../../common/model.js';

const base: ExitEvidence = { code: 0, signal: null, outOfMemory: false, killedAsHung: false, killedByUs: false, wasReady: true };

describe('classifyExit', () => {
  it.each<[string, Partial<ExitEvidence>, ExitReason]>([
    ['exit 0', {}, 'clean-exit'],
    ['exit 3', { code: 3 }, 'crashed'],
    ['SIGKILL from outside', { code: null, signal: 'SIGKILL' }, 'killed'],
    ['killed by us (utilityProcess gives a code only)', { code: 1, killedByUs: true }, 'killed'],
    ['heap OOM beats the abort signal', { code: null, signal: 'SIGABRT', outOfMemory: true }, 'oom'],
    ['killed as hung', { signal: 'SIGKILL', killedAsHung: true, killedByUs: true }, 'hung'],
    ['died before READY', { code: 1, wasReady: false }, 'launch-failed'],
    ['start timeout kill', { signal: 'SIGKILL', wasReady: false, killedByUs: true, launchProblem: 'no READY' }, 'launch-failed'],
  ])('%s', (_name, evidence, reason) => {
    expect(classifyExit({ ...base, ...evidence })).toBe(reason);
  });

  it('recognises V8 out-of-memory lines', () => {
    expect(stderrSaysOutOfMemory('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory')).toBe(true);
    expect(stderrSaysOutOfMemory('all good')).toBe(false);
  });

  it('writes messages a user can read', () => {
    expect(describeExit('crashed', { code: 3, signal: null })).toBe('The worker process crashed (exit code 3).');
    expect(describeExit('killed', { code: null, signal: 'SIGKILL' })).toBe('The worker process was killed (signal SIGKILL).');
    expect(describeExit('launch-failed', { code: null, signal: null, launchProblem: 'spawn ENOENT' })).toMatch(
      /could not start: spawn ENOENT/,
    );
  });
});
