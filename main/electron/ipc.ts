/**
 * HearthApi over Electron IPC: one ipcMain.handle per command channel, each checking the
 * sender before the router validates the payload. Returns a disposer that removes them.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { COMMAND_CHANNELS, COMMAND_NAMES } from '../../common/api.js';
import type { Outcome } from '../core/hearth-core.js';
import { handleApiCall, type ApiContext } from '../api/router.js';

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  ctx: ApiContext,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
  log: (message: string) => void,
): () => void {
  for (const name of COMMAND_NAMES) {
    const channel = COMMAND_CHANNELS[name];
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Outcome<unknown>> => {
      if (!isTrusted(event)) {
        log(`refused ${name} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
        return { ok: false, error: { code: 'PROTOCOL', message: 'This window may not talk to Hearth.' } };
      }
      return handleApiCall(ctx, name, payload);
    });
  }
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(COMMAND_CHANNELS[name]);
  };
}
