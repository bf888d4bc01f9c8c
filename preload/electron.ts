/**
 * The preload: exposes the HearthApi to the sandboxed renderer through contextBridge.
 * Only these functions cross; the renderer never sees ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  ApiOutcome,
  COMMAND_CHANNELS,
  Commands,
  EVENT_CHANNEL,
  isCommandName,
  parseEventBatch,
  type ApiEvent,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
  type HearthApi,
} from '../common/api.js';

async function invoke<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<ApiOutcome<CommandResponse<N>>> {
  if (!isCommandName(name)) return { ok: false, error: { code: 'PROTOCOL', message: `Unknown command: ${String(name)}` } };
  const raw: unknown = await ipcRenderer.invoke(COMMAND_CHANNELS[name], request);
  const parsed = ApiOutcome(Commands[name].response).safeParse(raw);
  if (parsed.success) return parsed.data as ApiOutcome<CommandResponse<N>>;
  return {
    ok: false,
    error: { code: 'PROTOCOL', message: `Main's answer to ${name} did not match the contract.`, detail: parsed.error.message },
  };
}

const api = {
  kind: 'electron',
  invoke,
  subscribe(listener: (events: ApiEvent[]) => void): () => void {
    const handler = (_event: IpcRendererEvent, raw: unknown) => {
      const events = parseEventBatch(raw, (issue) => console.warn(`[hearth] ${issue}`));
      if (events.length) listener(events);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
} satisfies HearthApi;

contextBridge.exposeInMainWorld('hearth', api);
