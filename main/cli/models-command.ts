/** `hearth models list|catalogue|pull`: the model library without starting a worker (dispatch only). */
import { closest } from './did-you-mean.js';
import type { CliIo } from './io.js';
import { modelsCatalogue } from './models-catalogue.js';
import { modelsList } from './models-list.js';
import { modelsPull } from './models-pull.js';

export async function modelsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      return modelsList(rest, io);
    case 'pull':
      return modelsPull(rest, io);
    case 'catalogue':
    case 'catalog':
      return modelsCatalogue(rest, io);
    default: {
      const guess = sub === undefined ? undefined : closest(sub, ['list', 'pull', 'catalogue']);
      io.err(
        guess !== undefined
          ? `hearth models: unknown subcommand "${sub ?? ''}" — did you mean "${guess}"?\n`
          : `hearth models: ${sub === undefined ? 'say what to do' : `unknown subcommand "${sub}"`} — use \`hearth models list\` or \`hearth models pull URL\`\n`,
      );
      return 2;
    }
  }
}
