/** `hearth serve` arguments: parsed strictly, so a typo is an error, not a silent default. */
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import { parseCpuWorkers } from '../cli/cpu-workers.js';
import { unknownOptionMessage } from '../cli/parse-options.js';

export interface ServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataDir: string | undefined;
  maxUploadBytes: number;
  /** CPU lanes; undefined = the saved setting, else half the cores. */
  cpuWorkers: number | undefined;
  /** Whether --host was given explicitly (needed to bind anything but loopback). */
  hostGiven: boolean;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

export const SERVE_USAGE = `Usage: hearth serve [--host 127.0.0.1] [--port N] [--data-dir DIR] [--max-upload-mb N]
                   [--cpu-workers N]

Serves the Hearth app to a browser. Prints one line with the URL to open; the URL
carries a random token, and nothing works without it. Binds to 127.0.0.1 unless
--host says otherwise. --cpu-workers sets how many jobs of CPU plugins (OCR,
speech detection) run at once, one worker process each.`;

const SIZE = /^(\d+)$/;

/** The flags, for "did you mean …?" (parsed by hand below: each value has its own message). */
const SERVE_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'max-upload-mb': { type: 'string' },
  'cpu-workers': { type: 'string' },
} as const;

export function parseServeArgs(argv: string[]): Outcome<ServeOptions> {
  const options: ServeOptions = {
    host: '127.0.0.1',
    port: 0,
    dataDir: undefined,
    maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
    cpuWorkers: undefined,
    hostGiven: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--host': {
        const v = value();
        if (!v) return fail('INVALID_INPUT', '--host needs an address, e.g. --host 127.0.0.1');
        options.host = v;
        options.hostGiven = true;
        break;
      }
      case '--port': {
        const v = value() ?? '';
        const n = SIZE.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          return fail('INVALID_INPUT', `--port needs a number from 0 to 65535, not “${v}”`);
        options.port = n;
        break;
      }
      case '--data-dir': {
        const v = value();
        if (!v) return fail('INVALID_INPUT', '--data-dir needs a folder');
        options.dataDir = v;
        break;
      }
      case '--max-upload-mb': {
        const v = value() ?? '';
        if (!SIZE.test(v) || Number(v) < 1)
          return fail('INVALID_INPUT', `--max-upload-mb needs a whole number of megabytes, not “${v}”`);
        options.maxUploadBytes = Number(v) * 1024 * 1024;
        break;
      }
      case '--cpu-workers': {
        const n = parseCpuWorkers(value());
        if (!n.ok) return n;
        options.cpuWorkers = n.value;
        break;
      }
      default:
        return fail('INVALID_INPUT', `hearth serve: ${unknownOptionMessage(flag, SERVE_FLAGS)}\n\n${SERVE_USAGE}`);
    }
  }
  return succeed(options);
}
