/**
 * Which plugin each dropped file goes to: the only one that accepts its extension, the one
 * remembered for that extension, or a question to the user. A file nobody accepts is listed
 * with the reason — never dropped silently.
 */
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

export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function planDrop(files: DroppedFile[], plugins: PluginInfo[], remembered: Record<string, string>): DropPlan {
  const assigned: Assignment[] = [];
  const rejected: RejectedFile[] = [];
  const choices = new Map<string, PendingChoice>();
  const known = [...new Set(plugins.flatMap((p) => p.accepts))].sort();

  for (const file of files) {
    const ext = extensionOf(file.name);
    const candidates = plugins.filter((p) => p.accepts.includes(ext)).map((p) => p.id);
    if (candidates.length === 0) {
      const what = ext ? `.${ext} files` : 'files without an extension';
      const hint = known.length ? ` Installed plugins read: ${known.map((e) => `.${e}`).join(', ')}.` : ' No plugins are installed.';
      rejected.push({ name: file.name, reason: `No plugin reads ${what}.${hint}` });
    } else if (candidates.length === 1) {
      assigned.push({ file, pluginId: candidates[0] as string });
    } else {
      const pick = remembered[ext];
      if (pick && candidates.includes(pick)) assigned.push({ file, pluginId: pick });
      else {
        const pending = choices.get(ext) ?? { extension: ext, candidates, files: [] };
        pending.files.push(file);
        choices.set(ext, pending);
      }
    }
  }
  return { assigned, choices: [...choices.values()], rejected };
}
