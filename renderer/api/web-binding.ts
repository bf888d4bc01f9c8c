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

/**
 * Where the socket stands. `lost`: the server went away; `attempt` counts the tries since and the
 * next one is `retryInMs` away. `refused`: the server answers again but no longer takes this
 * page's token (it was restarted and made a new one), so no retry can succeed.
 */
export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'lost'; attempt: number; retryInMs: number }
  | { state: 'refused'; httpStatus: number };

export interface WebApi extends HearthApi {
  readonly kind: 'web';
  upload(file: File, name: string): Promise<Outcome<UploadReply>>;
  outputUrl(jobId: string): string;
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Called at once with the current status, then on every change; returns a disposer. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * Whether the server takes our token now: a browser hides why a WebSocket upgrade was refused,
 * so a plain HTTP request asks. Undefined when nothing answers (the server is still down).
 */
async function probeToken(token: string): Promise<number | undefined> {
  try {
    const res = await fetch('/', { method: 'HEAD', headers: { [BRIDGE.tokenHeader]: token }, credentials: 'omit' });
    return res.status;
  } catch {
    return undefined;
  }
}

type Pending = { name: CommandName; resolve: (o: Outcome<unknown>) => void };

/** A request over the server's frame limit, answered here: the server would close the socket and say nothing. */
export function tooLargeToSend(name: string, text: string): Outcome<never> | undefined {
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes <= BRIDGE.requestMaxBytes) return undefined;
  const mb = (n: number) => `${Math.round(n / 1024 / 102.4) / 10} MB`;
  return {
    ok: false,
    error: {
      code: 'INVALID_INPUT',
      message: `This ${name} request is ${mb(bytes)}, more than hearth serve takes at once (${mb(BRIDGE.requestMaxBytes)}) — add fewer files at a time.`,
    },
  };
}

export function createWebApi(token: string, log: (message: string) => void): WebApi {
  const listeners = new Set<(events: ApiEvent[]) => void>();
  const connectionListeners = new Set<(c: boolean) => void>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  let status: ConnectionStatus = { state: 'connecting' };
  let everOpen = false;
  let attempt = 0;
  const pending = new Map<number, Pending>();
  const queued: string[] = [];
  let nextId = 1;
  let socket: WebSocket | undefined;
  let open = false;
  let retryMs = FIRST_RETRY_MS;

  const socketUrl = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}${BRIDGE.socketPath}?${BRIDGE.tokenQuery}=${encodeURIComponent(token)}`;
  };

  function setOpen(value: boolean): void {
    open = value;
    for (const l of connectionListeners) l(value);
  }

  function failRequest(id: number, message: string): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.resolve({ ok: false, error: { code: 'WORKER_UNAVAILABLE', message } });
  }

  function setStatus(value: ConnectionStatus): void {
    status = value;
    for (const l of statusListeners) l(value);
  }

  /** After a close: ask whether the token still works, then retry with backoff, or stop for good. */
  async function scheduleRetry(): Promise<void> {
    const answer = await probeToken(token);
    if (answer === 401 || answer === 403) {
      setStatus({ state: 'refused', httpStatus: answer });
      return;
    }
    // The server answers and takes the token: it is back, so do not wait the whole backoff.
    const wait = answer === undefined ? retryMs : Math.min(retryMs, 1000);
    attempt += 1;
    if (everOpen || attempt > 1) setStatus({ state: 'lost', attempt, retryInMs: wait });
    setTimeout(connect, wait);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  function connect(): void {
    const ws = new WebSocket(socketUrl());
    socket = ws;
    ws.onopen = () => {
      retryMs = FIRST_RETRY_MS;
      attempt = 0;
      everOpen = true;
      setOpen(true);
      setStatus({ state: 'open' });
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
      const wasOpen = open;
      setOpen(false);
      if (wasOpen) setStatus({ state: 'lost', attempt: 0, retryInMs: 0 });
      // Requests in flight will never be answered by this socket: fail them now, as data.
      for (const [id, p] of pending) {
        pending.delete(id);
        p.resolve({
          ok: false,
          error: { code: 'WORKER_UNAVAILABLE', message: 'Lost the connection to hearth serve — is it still running?' },
        });
      }
      void scheduleRetry();
    };
  }
  connect();

  return {
    kind: 'web',
    invoke<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<Outcome<CommandResponse<N>>> {
      return new Promise((resolve) => {
        const id = nextId++;
        const text = JSON.stringify({ id, name, payload: request });
        // The server closes a socket whose frame is over its limit, and says nothing more: say it here.
        const tooLarge = tooLargeToSend(name, text);
        if (tooLarge) return resolve(tooLarge);
        pending.set(id, { name, resolve: resolve as (o: Outcome<unknown>) => void });
        if (open && socket) socket.send(text);
        // Before the first open, requests wait for it (the page asks for its snapshot at once).
        else if (!everOpen) queued.push(text);
        // Once it was lost, requests fail at once rather than pile up to run on reconnect, long after the click.
        else failRequest(id, 'Not connected to hearth serve — wait for the page to reconnect, then try again.');
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
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
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
