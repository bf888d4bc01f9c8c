/** The scroll rule of renderer/output/follow.ts on an element: a ref and the onScroll to put on it. */
import { useLayoutEffect, useRef } from 'react';
import { isAtEnd, scrollMove } from './follow.js';

export function useFollow<E extends HTMLElement>(live: boolean, content: unknown) {
  const ref = useRef<E>(null);
  const opened = useRef(false);
  const atEnd = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const move = scrollMove({ opening: !opened.current, live, atEnd: atEnd.current });
    opened.current = true;
    if (move === 'top') el.scrollTop = 0;
    else if (move === 'bottom') el.scrollTop = el.scrollHeight;
  }, [live, content]);
  const onScroll = (e: { currentTarget: HTMLElement }) => {
    atEnd.current = isAtEnd(e.currentTarget);
  };
  return { ref, onScroll };
}
