/**
 * The `hearth` command (bin/hearth.mjs imports the bundle of this file and calls main).
 * Dispatch only: each command lives in its own file.
 */
import { messageOf } from '../../common/errors.js';
import { closest } from './did-you-mean.js';
import { splitArgs } from './global-args.js';
import { processIo, type CliIo } from './io.js';
import { devicesCommand } from './devices-command.js';
import { modelsCommand } from './models-command.js';
import { pluginsCommand } from './plugins-command.js';
import { runtimesCommand } from './runtimes-command.js';
import { runCommand } from './run-command.js';
import { watchCommand } from './watch-command.js';
import { USAGE } from './usage.js';
import { hearthVersion } from './version.js';

/** The command words, for "did you mean …?". */
export const COMMANDS = ['plugins', 'devices', 'models', 'runtimes', 'run', 'watch', 'serve', 'help'] as const;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const { command, rest, help, version } = splitArgs(argv);
  if (version) {
    io.out(`hearth ${hearthVersion()}\n`);
    return 0;
  }
  if (command === 'serve') {
    const { serveCommand } = await import('../serve/command.js');
    return serveCommand(rest);
  }
  if (help || command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    switch (command) {
      case 'plugins':
        return await pluginsCommand(rest, io);
      case 'devices':
        return await devicesCommand(rest, io);
      case 'models':
        return await modelsCommand(rest, io);
      case 'runtimes':
        return await runtimesCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'watch':
        return await watchCommand(rest, io);
      case undefined:
        io.err(`${USAGE}\n`);
        return 2;
      default:
        io.err(unknownCommand(command));
        return 2;
    }
  } catch (error) {
    // A crash of the CLI itself: the stack is what a bug report needs.
    io.err(`hearth: ${error instanceof Error && error.stack ? error.stack : messageOf(error)}\n`);
    return 1;
  }
}

function unknownCommand(command: string): string {
  const guess = closest(command, COMMANDS);
  return guess === undefined
    ? `hearth: unknown command "${command}"\n\n${USAGE}\n`
    : `hearth: unknown command "${command}" — did you mean "${guess}"?\n`;
}
