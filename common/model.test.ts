// isFinished over every job state: a state added to JobState must be sorted into it here.
import { describe, expect, it } from 'vitest';
import { FINISHED_STATES, isFinished, JobState } from './model.js';

const expected: Record<JobState, boolean> = {
  queued: false,
  running: false,
  succeeded: true,
  failed: true,
  cancelled: true,
};

describe('isFinished', () => {
  it.each(JobState.options)('%s', (state) => expect(isFinished(state)).toBe(expected[state]));

  it('agrees with FINISHED_STATES, which the queue uses', () => {
    expect(JobState.options.filter(isFinished)).toEqual([...FINISHED_STATES]);
    expect(Object.keys(expected).sort()).toEqual([...JobState.options].sort());
  });
});
