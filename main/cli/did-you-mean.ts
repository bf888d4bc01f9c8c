/** "did you mean …?" for a mistyped command or flag: the closest known word within two edits. */

export const MAX_SUGGESTION_DISTANCE = 2;

/** Levenshtein distance: insertions, deletions and substitutions each count one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known word nearest to `word` (the first of equals), or undefined when none is within reach. */
export function closest(word: string, known: readonly string[], max = MAX_SUGGESTION_DISTANCE): string | undefined {
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of known) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
