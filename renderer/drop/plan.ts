/**
 * Which plugin each dropped file goes to: the only one that accepts its extension, the one
 * remembered for that extension, or a question to the user. A file nobody accepts is listed
 * with the reason — never dropped silently.
 */
import { extensionList, extensionOf, filesOfType, pluginsForFile } from '../../common/file-types.js';
import type { PluginInfo } from '../../common/model.js';
import type { DroppedFile, PendingChoice, RejectedFile } from '../store/types.js';

export interface Assignment {
  file: DroppedFile;
  pluginId: string;
}

export interface DropPlan {
  assigned: Assignment[];
  choices: PendingChoice[];
  rejected: RejectedFile[];
}

export function planDrop(files: DroppedFile[], plugins: PluginInfo[], remembered: Record<string, string>): DropPlan {
  const assigned: Assignment[] = [];
  const rejected: RejectedFile[] = [];
  const choices = new Map<string, PendingChoice>();
  const known = extensionList(
    plugins.flatMap((p) => p.accepts),
    'sorted',
  );

  for (const file of files) {
    const ext = extensionOf(file.name);
    // The remembered plugin comes first when it still reads the type (common/file-types.ts).
    const candidates = pluginsForFile(plugins, file.name, remembered);
    const [first] = candidates;
    if (first === undefined) {
      const hint = known ? ` Installed plugins read: ${known}.` : ' No plugins are installed.';
      rejected.push({ name: file.name, reason: `No plugin reads ${filesOfType(ext)}.${hint}` });
    } else if (candidates.length === 1 || (ext !== '' && Object.hasOwn(remembered, ext) && remembered[ext] === first)) {
      assigned.push({ file, pluginId: first });
    } else {
      const pending = choices.get(ext) ?? { extension: ext, candidates, files: [] };
      pending.files.push(file);
      choices.set(ext, pending);
    }
  }
  return { assigned, choices: [...choices.values()], rejected };
}
