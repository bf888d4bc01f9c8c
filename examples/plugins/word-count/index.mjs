// An example Hearth plugin: counts the words of a text file and streams one chunk per line.
// Copy this folder into <data-dir>/plugins/ and it appears in the plugin list.
// It needs no dependencies: Hearth hands the SDK (definePlugin, z, PluginError) to this function.
import { readFile } from 'node:fs/promises';

export default ({ definePlugin, z, PluginError }) =>
  definePlugin({
    id: 'word-count',
    name: 'Word count',
    version: '1.0.0',
    description: 'Counts the words in a text file, line by line.',
    accepts: ['txt', 'md'],
    wantsGpu: false,

    // The settings panel is generated from this schema. Give every field a default.
    configSchema: z.object({
      minLength: z.number().int().min(1).default(1).describe('Ignore words shorter than this many letters.'),
      skipEmptyLines: z.boolean().default(true).describe('Send no chunk for empty lines.'),
    }),

    // load() runs once; the instance it returns serves every job until Hearth unloads it.
    // A real plugin loads its model here (and imports heavy libraries with `await import()`).
    async load(config, ctx) {
      ctx.reportDevice('cpu');
      ctx.log.info(`word-count ready (minLength ${config.minLength})`);

      return {
        // An async generator streams: each `yield` is a chunk, the `return` value is the result.
        async *run(input, job) {
          const text =
            input.kind === 'text'
              ? input.text
              : input.kind === 'path'
                ? await readFile(input.path, 'utf8')
                : new TextDecoder().decode(input.bytes);
          if (text.includes('\u0000')) {
            throw new PluginError('INVALID_INPUT', 'This file is not plain text — word-count reads .txt and .md files');
          }

          const minLength = typeof job.params.minLength === 'number' ? job.params.minLength : config.minLength;
          const lines = text.split(/\r?\n/);
          if (lines.at(-1) === '') lines.pop(); // the newline at the end of the file ends the last line
          let words = 0;
          for (const [i, line] of lines.entries()) {
            // Cancelling a job aborts this signal: stop promptly.
            if (job.signal.aborted) throw new PluginError('CANCELLED', 'Word count cancelled');
            const count = line.split(/\s+/).filter((w) => w.length >= minLength).length;
            words += count;
            job.progress((i + 1) / lines.length);
            if (count === 0 && config.skipEmptyLines && line.trim() === '') continue;
            yield { line: i + 1, words: count };
          }
          return { words, lines: lines.length };
        },

        // Free what load() took. Nothing here; a GPU plugin frees its GPU memory first.
        unload() {},
      };
    },
  });
