/**
 * At most one run per key every `ms`: the first call runs at once, calls during the wait fold into
 * one more run at its end. For queries refreshed on events (a batch's counter while its jobs finish).
 */
export function keyedThrottle(ms: number, run: (key: string) => void): (key: string) => void {
  const waiting = new Map<string, { again: boolean }>();
  function start(key: string): void {
    const entry = { again: false };
    waiting.set(key, entry);
    run(key);
    setTimeout(() => {
      waiting.delete(key);
      if (entry.again) start(key);
    }, ms);
  }
  return (key) => {
    const entry = waiting.get(key);
    if (entry) entry.again = true;
    else start(key);
  };
}
