/** A CliIo that keeps what a command wrote, for in-process CLI tests. */
import type { CliIo } from '../../main/cli/io.js';

export interface CapturedIo extends CliIo {
  stdout(): string;
  stderr(): string;
}

export function capturedIo(): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stdout: () => out,
    stderr: () => err,
  };
}
