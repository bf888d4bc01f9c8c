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
    // Electron's utilityProcess: no signal, only a code and the child-process-gone reason.
    ['kill -9 from outside (Electron: code 9, reason killed)', { code: 9, hostReason: 'killed' }, 'killed'],
    ['the OS said out of memory', { code: 9, hostReason: 'oom' }, 'oom'],
    ['the OS evicted it to free memory', { code: 9, hostReason: 'memory-eviction' }, 'oom'],
    ['a native crash', { code: 11, hostReason: 'crashed' }, 'crashed'],
    ['a plain non-zero exit', { code: 3, hostReason: 'abnormal-exit' }, 'crashed'],
    ['a code-integrity refusal', { code: 1, hostReason: 'integrity-failure' }, 'launch-failed'],
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
    expect(describeExit('killed', { code: 9, signal: null, hostReason: 'killed', killedByUs: false })).toMatch(
      /from outside Hearth/,
    );
    expect(describeExit('killed', { code: 0, signal: null, hostReason: 'killed', killedByUs: true })).toBe(
      'The worker process was killed.',
    );
    expect(describeExit('oom', { code: 9, signal: null, hostReason: 'memory-eviction' })).toMatch(/free memory/);
  });
});
