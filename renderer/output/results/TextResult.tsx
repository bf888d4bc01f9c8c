/** Any output as text: the stream as it arrives, or a result with no view of its own. */
import { useFollow } from '../use-follow.js';

export function TextResult({ text, live }: { text: string; live: boolean }) {
  const { ref, onScroll } = useFollow<HTMLPreElement>(live, text);
  return (
    <pre
      ref={ref}
      className="output-text"
      data-testid="output-text"
      aria-live={live ? 'polite' : 'off'}
      tabIndex={0}
      onScroll={onScroll}
    >
      {text}
      {live && <span className="cursor" aria-hidden="true" />}
    </pre>
  );
}
