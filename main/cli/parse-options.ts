/**
 * node:util parseArgs for a command's options, with an unknown option answered "did you mean
 * --plugin?" instead of Node's own message (which talks about positionals and `node --`).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '../../common/errors.js';
import { fail, succeed, type Outcome } from '../../common/outcome.js';
import { closest } from './did-you-mean.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `hearth models list` and `catalogue`: what they print and where the library is. */
export const LIBRARY_OPTIONS = {
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export interface ParsedOptions {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

export function parseOptions(argv: readonly string[], options: Options, allowPositionals: boolean): Outcome<ParsedOptions> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals, strict: true });
    return succeed({ values, positionals });
  } catch (error) {
    const unknown = unknownOption(argv, options);
    return fail('INVALID_INPUT', unknown === undefined ? messageOf(error) : unknownOptionMessage(unknown, options));
  }
}

/** "unknown option --plugn — did you mean --plugin?" */
export function unknownOptionMessage(rawName: string, options: Options): string {
  const known = Object.keys(options).map((name) => `--${name}`);
  const guess = rawName.startsWith('--') ? closest(rawName, known) : undefined;
  return guess === undefined
    ? `unknown option ${rawName} — see \`hearth --help\``
    : `unknown option ${rawName} — did you mean ${guess}?`;
}

/** The first option the config does not know, as typed (`--plugn`), found with a lenient parse. */
function unknownOption(argv: readonly string[], options: Options): string | undefined {
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && !Object.hasOwn(options, token.name)) return token.rawName;
  }
  return undefined;
}
