/**
 * The HearthApi in a browser: a WebSocket to `hearth serve`, requests matched to replies by id,
 * reconnecting with backoff when the server goes away. Files are uploaded over HTTP first.
 */
import { BRIDGE, BridgeMessage, UploadReply } from '../../common/bridge.js';
import { messageOf } from '../../common/errors.js';
import { Outcome } from '../../common/outcome.js';
import {
  Commands,
  parseEventBatch,
  type ApiEvent,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
  type HearthApi,
} from '../../common/api.js';

export interface WebApi extends HearthApi {
  readonly kind: 'web';
  upload(file: File, name: string): Promise<Outcome<UploadReply>>;
  outputUrl(jobId: string): string;
  onConnection(listener: (connected: boolean) => void): () => void;
}

type Pending = { name: CommandName; resolve: (o: Outcome<unknown>) => void };

export function createWebApi(token: string, log: (message: string) => void): WebApi {
  const listeners = new Set<(events: ApiEvent[]) => void>();
  const connectionListeners = new Set<(c: boolean) => void>();
  const pending = new Map<number, Pending>();
  const queued: string[] = [];
  let nextId = 1;
  let socket: WebSocket | undefined;
  let open = false;
  let retryMs = 250;

  const socketUrl = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}${BRIDGE.socketPath}?${BRIDGE.tokenQuery}=${encodeURIComponent(token)}`;
  };

  function setOpen(value: boolean): void {
    open = value;
    for (const l of connectionListeners) l(value);
  }

  function connect(): void {
    const ws = new WebSocket(socketUrl());
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      setOpen(true);
      for (const m of queued.splice(0)) ws.send(m);
    };
    ws.onmessage = (ev: MessageEvent) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(ev.data));
      } catch {
        log('socket: a message that is not JSON was ignored');
        return;
      }
      const msg = BridgeMessage.safeParse(raw);
      if (!msg.success) return log(`socket: malformed message ignored: ${msg.error.issues[0]?.message ?? ''}`);
      if (msg.data.kind === 'events') {
        const events = parseEventBatch(msg.data.events, log);
        if (events.length) for (const l of listeners) l(events);
        return;
      }
      const waiting = pending.get(msg.data.id);
      if (!waiting) return;
      pending.delete(msg.data.id);
      const parsed = Outcome(Commands[waiting.name].response).safeParse(msg.data.outcome);
      waiting.resolve(
        parsed.success
          ? parsed.data
          : {
              ok: false,
              error: {
                code: 'PROTOCOL',
                message: `The server's answer to ${waiting.name} did not match the contract.`,
                detail: parsed.error.message,
              },
            },
      );
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      setOpen(false);
      // Requests in flight will never be answered by this socket: fail them now, as data.
      for (const [id, p] of pending) {
        pending.delete(id);
        p.resolve({
          ok: false,
          error: { code: 'WORKER_UNAVAILABLE', message: 'Lost the connection to hearth serve — is it still running?' },
        });
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }
  connect();

  return {
    kind: 'web',
    invoke<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<Outcome<CommandResponse<N>>> {
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, { name, resolve: resolve as (o: Outcome<unknown>) => void });
        const text = JSON.stringify({ id, name, payload: request });
        if (open && socket) socket.send(text);
        else queued.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(open);
      return () => connectionListeners.delete(listener);
    },
    async upload(file, name) {
      try {
        const res = await fetch(`${BRIDGE.uploadPath}?name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { [BRIDGE.tokenHeader]: token, 'Content-Type': 'application/octet-stream' },
          body: file,
        });
        if (!res.ok) {
          const code = res.status === 413 ? 'INVALID_INPUT' : 'INTERNAL';
          return {
            ok: false,
            error: { code, message: (await res.text()).trim() || `Upload of ${name} failed (${res.status}).` },
          };
        }
        const reply = UploadReply.safeParse(await res.json());
        if (!reply.success)
          return {
            ok: false,
            error: { code: 'PROTOCOL', message: `The server's answer to the upload of ${name} was malformed.` },
          };
        return { ok: true, value: reply.data };
      } catch (e) {
        return { ok: false, error: { code: 'INTERNAL', message: `Upload of ${name} failed: ${messageOf(e)}` } };
      }
    },
    outputUrl(jobId) {
      return `${BRIDGE.outputPath}${encodeURIComponent(jobId)}`;
    },
  };
}
