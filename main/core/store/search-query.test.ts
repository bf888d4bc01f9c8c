/** The search box's text as an FTS5 expression: every word quoted, nothing read as syntax. */
import { describe, expect, it } from 'vitest';
import { matchExpression } from './search-query.js';

describe('matchExpression', () => {
  it.each([
    { text: undefined, want: undefined },
    { text: '', want: undefined },
    { text: '  \t ', want: undefined },
    { text: '* " () - ^', want: undefined },
    { text: 'fox', want: '"fox"*' },
    { text: '  quick   brown fox ', want: '"quick"* "brown"* "fox"*' },
    { text: 'say "hi"', want: '"say"* """hi"""*' },
    { text: 'NEAR(a b)', want: '"NEAR(a"* "b)"*' },
    { text: 'a OR b', want: '"a"* "OR"* "b"*' },
    { text: 'label:x', want: '"label:x"*' },
    { text: 'Café 東京', want: '"Café"* "東京"*' },
  ])('$text → $want', ({ text, want }) => {
    expect(matchExpression(text)).toBe(want);
  });

  it('keeps at most 32 words', () => {
    expect(matchExpression(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))?.split(' ')).toHaveLength(32);
  });
});
