/** Where the CLI writes: stdout for output (what a pipe consumes), stderr for everything else. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
  };
}
