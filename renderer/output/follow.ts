/**
 * Where a scrolling output goes as its text changes: a live one follows the stream while the
 * reader stays at its end; a finished one opens at its top, where a person starts reading
 * (issue 11, item 5), and then stays where the reader puts it.
 */
export type ScrollMove = 'top' | 'bottom' | 'stay';

export function scrollMove({ opening, live, atEnd }: { opening: boolean; live: boolean; atEnd: boolean }): ScrollMove {
  if (opening) return live ? 'bottom' : 'top';
  return live && atEnd ? 'bottom' : 'stay';
}

/** Within a line of the end counts as at the end: a reader who scrolled back up is left alone. */
export function isAtEnd(el: { scrollHeight: number; scrollTop: number; clientHeight: number }): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 24;
}
