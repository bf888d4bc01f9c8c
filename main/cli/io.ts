/** Where the CLI writes: stdout for output (what a pipe consumes), stderr for everything else. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress may redraw one line with \r instead of adding lines. */
  errIsTTY?: boolean;
  /** The terminal's width, so a redrawn line never wraps (a wrapped line cannot be redrawn). */
  errColumns?: number;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTTY: process.stderr.isTTY === true,
    ...(process.stderr.columns ? { errColumns: process.stderr.columns } : {}),
  };
}
