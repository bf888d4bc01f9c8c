/** `--out DIR [--format FMT]` of `hearth run` and `hearth watch`: checked before anything runs. */
import { resolve } from 'node:path';
import { formatsOf, prepareFolder } from '../core/outputs/index.js';

/** A --format the plugin does not write, or an --out folder that cannot be written; undefined when both are fine. */
export async function checkOutputArgs(a: {
  plugin: string;
  out?: string | undefined;
  format?: string | undefined;
}): Promise<string | undefined> {
  if (a.format !== undefined) {
    const { formats } = formatsOf(a.plugin);
    if (!formats.includes(a.format)) return `${a.plugin} writes ${formats.join(', ')} — not ${a.format} (--format)`;
    if (a.out === undefined) return '--format needs --out DIR: the folder the files go to';
  }
  if (a.out !== undefined) {
    const folder = await prepareFolder(resolve(a.out));
    if (!folder.ok) return `--out: ${folder.error.message}`;
  }
  return undefined;
}
