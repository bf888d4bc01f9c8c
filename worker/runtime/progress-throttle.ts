/**
 * A job's progress, at most one report per interval: a plugin that reports every 1 % of a
 * short file would otherwise send a hundred messages, each one an update main applies and
 * forwards to every window. A new stage (its text changed) and the first report go at once;
 * in between only the latest fraction is kept, and it goes when the interval is over.
 * Whatever is still held when the job ends is dropped: its result says more.
 */
export interface ProgressThrottle {
  report(fraction: number | null, message: string | undefined): void;
  dispose(): void;
}

export function createProgressThrottle(
  send: (fraction: number | null, message: string | undefined) => void,
  intervalMs: number,
  now: () => number = () => performance.now(),
): ProgressThrottle {
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastMessage: string | undefined;
  let held: { fraction: number | null; message: string | undefined } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  const sendNow = (fraction: number | null, message: string | undefined): void => {
    lastAt = now();
    lastMessage = message;
    send(fraction, message);
  };
  const release = (): void => {
    timer = undefined;
    if (disposed || !held) return;
    const { fraction, message } = held;
    held = undefined;
    sendNow(fraction, message);
  };
  return {
    report(fraction, message) {
      if (disposed) return;
      const due = lastAt + intervalMs - now();
      if (due <= 0 || message !== lastMessage) {
        held = undefined;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        sendNow(fraction, message);
        return;
      }
      held = { fraction, message };
      timer ??= setTimeout(release, due);
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      held = undefined;
    },
  };
}
