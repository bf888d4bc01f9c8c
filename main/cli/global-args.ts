/**
 * Finds the command word wherever the global options put it (`hearth --data-dir D run …`
 * and `hearth run --data-dir D …` both work) and hands the rest to the command.
 */
export interface SplitArgs {
  command: string | undefined;
  /** Everything but the command word, in order. */
  rest: string[];
  help: boolean;
  /** `--version` before or after the command word. */
  version: boolean;
}

/** Options whose value is the next argument, so that value is not taken for the command. */
const TAKES_VALUE = new Set([
  '--data-dir',
  '--plugin',
  '--set',
  '--timeout',
  '--host',
  '--port',
  '--out',
  '--format',
  '--cpu-workers',
  '--max-upload-mb',
  '--name',
  '--sha256',
]);

export function splitArgs(argv: readonly string[]): SplitArgs {
  let command: string | undefined;
  const rest: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (command === undefined && !arg.startsWith('-')) {
      command = arg;
      continue;
    }
    if (arg === '-h' || arg === '--help') help = true;
    if (arg === '--version') version = true;
    rest.push(arg);
    if (TAKES_VALUE.has(arg) && i + 1 < argv.length) rest.push(argv[++i] ?? '');
  }
  return { command, rest, help, version };
}
