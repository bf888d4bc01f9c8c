/**
 * The HTTP + WebSocket host of `hearth serve`: the built renderer, uploads, output downloads
 * and the API socket, all behind the token and the origin check.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { BRIDGE } from '../../common/bridge.js';
import { messageOf } from '../../common/errors.js';
import type { ApiContext } from '../api/context.js';
import { outputFileBody, outputFileName } from '../api/output-file.js';
import { authorize, cookieName } from './auth.js';
import { isLoopbackHost, urlHost } from './loopback.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { findStaticFile } from './static-files.js';
import { INPUT_PATH, serveInput } from './input-route.js';
import { receiveUpload } from './upload.js';
import { bridgeSocket } from './ws-bridge.js';

export interface ServerOptions {
  ctx: ApiContext;
  host: string;
  port: number;
  token: string;
  rendererDir: string;
  maxUploadBytes: number;
  log: (message: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function plain(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
  res.end(`${message}\n`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { ctx, token, log } = opts;
  const loopback = isLoopbackHost(opts.host);
  let port = opts.port;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: BRIDGE.requestMaxBytes + BRIDGE.frameSlackBytes });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hearth.invalid');
    const verdict = authorize(req, url, token, port, loopback);
    if (verdict.status !== 200) return plain(res, verdict.status, verdict.reason);
    // Once the token was seen, a cookie carries it for the page's own assets and reloads.
    const cookie = `${cookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;

    if (url.pathname === BRIDGE.uploadPath) {
      if (req.method !== 'POST') return plain(res, 405, 'Uploads are POSTed.', { Allow: 'POST' });
      const outcome = await receiveUpload(req, url, ctx.dataDir, opts.maxUploadBytes);
      if (outcome.ok) return json(res, 200, outcome.reply);
      res.on('finish', () => req.destroy());
      return plain(res, outcome.status, outcome.message, { Connection: 'close' });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });

    if (url.pathname.startsWith(INPUT_PATH)) return serveInput(req, res, url, ctx);

    if (url.pathname.startsWith(BRIDGE.outputPath)) {
      const jobId = decodeURIComponent(url.pathname.slice(BRIDGE.outputPath.length));
      const job = ctx.core.getJob(jobId);
      if (!job || job.state !== 'succeeded') return plain(res, 404, 'That job has no output.');
      // Sent from memory, not through a file in outputs/: two downloads of one job would
      // rewrite that file under each other's streams and cut each other short.
      const body = Buffer.from(outputFileBody(job));
      const name = outputFileName(job);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': name.endsWith('.json') ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
        'Content-Length': String(body.length),
        // The name is made safe for every OS (main/core/outputs/naming.ts); the UTF-8 form keeps non-ASCII names whole.
        'Content-Disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      });
      if (req.method === 'HEAD') return void res.end();
      return void res.end(body);
    }

    const file = await findStaticFile(opts.rendererDir, url.pathname);
    if (!file) return plain(res, 404, 'Not found.');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.type,
      'Content-Length': String(file.size),
      ...(verdict.source === 'query' ? { 'Set-Cookie': cookie } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    file.open().pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`request failed: ${messageOf(err)}`);
      if (!res.headersSent) plain(res, 500, 'Hearth could not answer this request.');
      else res.destroy();
    });
  });

  // The upgrade handler is synchronous and runs before any token check: nothing a client
  // sends here (a request target that is no URL, a reset mid-refusal) may throw out of it.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: 400 | 401 | 403 | 404, reason: string): void => {
      const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hearth.invalid');
    } catch {
      return refuse(400, 'That is not a valid address.');
    }
    const verdict =
      url.pathname === BRIDGE.socketPath
        ? authorize(req, url, token, port, loopback)
        : { status: 404 as const, reason: 'Not found.' };
    if (verdict.status !== 200) return refuse(verdict.status, verdict.reason);
    sockets.handleUpgrade(req, socket, head, (ws) => bridgeSocket(ws, ctx, log));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${urlHost(opts.host)}:${port}/?${BRIDGE.tokenQuery}=${token}`,
    port,
    async close() {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
