/** Search in labels and output: sent once typing pauses; Esc clears it. */
import { useEffect, useRef, useState } from 'react';
import { setFilter } from '../store/list-actions.js';
import { useApp } from '../store/store.js';

const TYPING_MS = 250;

export function SearchBox() {
  const applied = useApp((s) => s.list.filter.text);
  const [text, setText] = useState(applied);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The filter may be reset from elsewhere; the box shows what the list uses.
  useEffect(() => {
    setText(applied);
  }, [applied]);
  useEffect(() => () => clearTimeout(timer.current), []);

  function apply(value: string, delay: number) {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setFilter({ text: value }), delay);
  }

  return (
    <input
      type="search"
      className="input search-box"
      aria-label="Search jobs"
      placeholder="Search labels and output…"
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        apply(e.currentTarget.value, TYPING_MS);
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || (!text && !applied)) return;
        e.preventDefault();
        setText('');
        apply('', 0);
      }}
    />
  );
}
