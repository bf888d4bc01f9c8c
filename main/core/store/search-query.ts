/**
 * What a person typed in the search box as an FTS5 MATCH expression that cannot break. FTS5
 * has its own query language (`OR`, `NOT`, `NEAR(…)`, `*`, `^`, `"`, column filters), and a
 * user's `"` or `NEAR(` would either throw or mean something they did not ask for. So every
 * word becomes a quoted string (inner `"` doubled), which FTS5 reads as plain text, with `*`
 * after it so a word still being typed finds its completions; the strings side by side mean
 * every word must match.
 */

/** More words than this add nothing a person would notice, only work for the index. */
const MAX_WORDS = 32;

/**
 * The MATCH expression, or undefined when the text holds no word at all (empty, spaces,
 * only punctuation): then there is nothing to search for and every job matches.
 */
export function matchExpression(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const words = text
    .split(/\s+/u)
    // The index keeps letters and digits only (unicode61); a "word" without one finds nothing.
    .filter((word) => /[\p{L}\p{N}\p{Co}]/u.test(word))
    .slice(0, MAX_WORDS);
  if (words.length === 0) return undefined;
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}
