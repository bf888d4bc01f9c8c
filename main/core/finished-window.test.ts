import { describe, expect, it } from 'vitest';
import { FinishedWindow } from './finished-window.js';

describe('FinishedWindow', () => {
  it('lets the oldest finished jobs go beyond the kept number', () => {
    const w = new FinishedWindow(2);
    expect(w.note('a')).toEqual([]);
    expect(w.note('b')).toEqual([]);
    expect(w.note('c')).toEqual(['a']);
    expect(w.size).toBe(2);
  });

  it('counts a job that finished again from its new finish, not its first', () => {
    const w = new FinishedWindow(2);
    w.note('a');
    w.note('b');
    w.drop('a'); // retried
    expect(w.note('a')).toEqual([]);
    // b is now the oldest: the stale first place of a is passed over.
    expect(w.note('c')).toEqual(['b']);
    expect(w.note('d')).toEqual(['a']);
  });

  it('stays bounded over a long run', () => {
    const w = new FinishedWindow(3);
    for (let i = 0; i < 20_000; i++) w.note(`j${i}`);
    expect(w.size).toBe(3);
    expect(w.note('last')).toEqual(['j19997']);
  });
});
