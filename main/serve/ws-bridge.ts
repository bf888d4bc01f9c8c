/**
 * The HearthApi over a WebSocket: requests `{id, name, payload}` go through the same router
 * as Electron IPC; replies and event batches come back as BridgeMessage JSON.
 */
import type { RawData, WebSocket } from 'ws';
import { BridgeRequest, type BridgeMessage } from '../../common/bridge.js';
import { messageOf } from '../../common/errors.js';
import { handleApiCall, visibleLibrary, type ApiContext } from '../api/router.js';
import { streamEvents } from '../api/event-stream.js';
import { visibleWatches } from '../api/handlers/watch.js';

/** A socket this far behind on reading is dropped rather than letting main buffer without bound. */
const MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

export function bridgeSocket(ws: WebSocket, ctx: ApiContext, log: (message: string) => void): () => void {
  const toSocket = (message: BridgeMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('a browser stopped reading its socket; closing it');
      ws.close(1008, 'too far behind');
      return;
    }
    const text = encode(message, log);
    if (text !== undefined) ws.send(text);
  };

  const stopEvents = streamEvents(ctx.core, ctx.prefs, (events) => toSocket({ kind: 'events', events }), {
    library: (library) => visibleLibrary(ctx, library),
    watches: (watches) => visibleWatches(ctx, watches),
  });

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      log('socket: binary message rejected');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawDataText(data));
    } catch {
      log('socket: a message that is not JSON was rejected');
      return;
    }
    const req = BridgeRequest.safeParse(raw);
    if (!req.success) {
      log(`socket: malformed request rejected: ${req.error.issues[0]?.message ?? ''}`);
      return;
    }
    void handleApiCall(ctx, req.data.name, req.data.payload).then((outcome) =>
      toSocket({ kind: 'reply', id: req.data.id, outcome }),
    );
  });

  // ws reports a bad frame (invalid UTF-8, over maxPayload) as an 'error' event; unheard, it
  // would end the whole server.
  ws.on('error', (err) => {
    log(`socket: closed after a protocol error: ${err.message}`);
    ws.terminate();
  });
  const dispose = (): void => stopEvents();
  ws.on('close', dispose);
  return dispose;
}

/**
 * The message as JSON, or undefined. The worker refuses non-JSON results and the router
 * refuses payloads too deep to encode (payload-limits.ts); this is the last guard, so main
 * never dies of one — and one job that cannot be encoded (one stored before those limits)
 * costs only its own events, not every batch sent after it.
 */
function encode(message: BridgeMessage, log: (message: string) => void): string | undefined {
  try {
    return JSON.stringify(message);
  } catch (err) {
    if (message.kind !== 'events') {
      log(`socket: could not encode a ${message.kind} message: ${messageOf(err)}`);
      return undefined;
    }
    const events = message.events.filter((event) => {
      try {
        JSON.stringify(event);
        return true;
      } catch (one) {
        log(`socket: left out an event that could not be encoded: ${messageOf(one)}`);
        return false;
      }
    });
    return events.length === 0 ? undefined : JSON.stringify({ kind: 'events', events } satisfies BridgeMessage);
  }
}

/** A socket message as text: ws hands over a Buffer, an ArrayBuffer or fragments by binaryType. */
export function rawDataText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
