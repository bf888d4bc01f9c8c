/**
 * A real HTTP server on loopback that serves a generated model the way download hosts do and
 * the way they fail: `http://127.0.0.1:<port>/<behaviour>/<name>`. It honours Range (206 with
 * Content-Range, 416 past the end) and If-Range against its ETag, and records the Range headers
 * it receives so a test can assert that a resume asked for the rest instead of starting over.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tinyLlamaGguf } from './gguf/tiny-llama.js';

export type Behaviour =
  /** The file, with Range support. */
  | 'normal'
  /** 302 → /hop/… → 302 → /cdn/<hash>, like a Hugging Face `resolve/` link ending at its CDN. */
  | 'redirect'
  /** 404. */
  | 'missing'
  /** The first response that reaches `cutAt` is cut there (socket destroyed); later ones are whole. */
  | 'cut-once'
  /** Every response is cut at the same byte `cutAt`, so resuming never gets past it. */
  | 'cut-always'
  /** Every response stops sending at `stallAt` and holds the connection open. */
  | 'stall'
  /** Throttled to `bytesPerSecond`, so a download can be cancelled or killed half-way. */
  | 'slow'
  /** Other bytes of the same length than the ones `sha256` describes. */
  | 'wrong'
  /** Ignores Range and If-Range: always 200 with the whole file. */
  | 'no-range'
  /**
   * Honours Range but ignores If-Range, as many servers do: a `.part` of an older version of the
   * file (other bytes, ETag, Last-Modified or size) gets a 206 with the rest of the new one.
   */
  | 'changed';

export interface ServedRequest {
  behaviour: string;
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
}

export interface ModelServerOptions {
  /** The model served; default `modelBytes()`. */
  bytes?: Buffer;
  /** Where 'cut-once' and 'cut-always' cut; default half the file. */
  cutAt?: number;
  /** Where 'stall' stops; default half the file. */
  stallAt?: number;
  /** The 'slow' route's speed; default 1 MB/s. */
  bytesPerSecond?: number;
  /** Default: any free one. A test that closes a server and starts it again on the same port sees it come back. */
  port?: number;
}

export interface ModelServer {
  bytes: Buffer;
  /** Of `bytes`: what a correct download hashes to. */
  sha256: string;
  etag: string;
  lastModified: string;
  port: number;
  url(behaviour: Behaviour, name?: string): string;
  /** Every request, in order. */
  requests: ServedRequest[];
  /** The Range headers the requests of one behaviour carried (undefined for none). */
  rangesOf(behaviour: Behaviour): (string | undefined)[];
  close(): Promise<void>;
}

/** A real GGUF (llama architecture, seeded weights) of about 4.6 MB: big enough for progress and cut-offs. */
export function modelBytes(): Buffer {
  return tinyLlamaGguf({ nEmbd: 128, nFf: 512, nLayer: 4, seed: 3 });
}

const CHUNK = 64 * 1024;
const LAST_MODIFIED = 'Wed, 01 Jan 2025 00:00:00 GMT';

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const bytes = options.bytes ?? modelBytes();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const etag = `"${sha256.slice(0, 16)}"`;
  const wrong = Buffer.from(bytes.map((b) => b ^ 0x5a));
  const cutAt = options.cutAt ?? Math.floor(bytes.length / 2);
  const stallAt = options.stallAt ?? Math.floor(bytes.length / 2);
  const bytesPerSecond = options.bytesPerSecond ?? 1_000_000;
  const requests: ServedRequest[] = [];
  let cutOnceDone = false;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, behaviour = '', ...rest] = url.pathname.split('/');
    const name = rest.join('/');
    requests.push({ behaviour, path: url.pathname, range: header(req, 'range'), ifRange: header(req, 'if-range') });
    switch (behaviour) {
      case 'redirect':
        return redirect(res, `/hop/${name}`);
      case 'hop':
        // The CDN's address ends in a hash and carries the real name in its query, as Hugging Face's does.
        return redirect(
          res,
          `/cdn/${sha256}?response-content-disposition=${encodeURIComponent(`attachment; filename="${name}"`)}`,
        );
      case 'missing':
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
        return;
      case 'normal':
      case 'cdn':
        return serve(req, res, bytes, {});
      case 'no-range':
        return serve(req, res, bytes, { ignoreRange: true });
      case 'changed':
        return serve(req, res, bytes, { ignoreIfRange: true });
      case 'wrong':
        return serve(req, res, wrong, {});
      case 'cut-once': {
        const cut = !cutOnceDone;
        return serve(req, res, bytes, {
          cutAt: cut ? cutAt : undefined,
          onCut: () => void (cutOnceDone = true),
        });
      }
      case 'cut-always':
        return serve(req, res, bytes, { cutAt });
      case 'stall':
        return serve(req, res, bytes, { stallAt });
      case 'slow':
        return serve(req, res, bytes, { bytesPerSecond });
      default:
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`No behaviour "${behaviour}"`);
    }
  });

  function serve(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    how: {
      ignoreRange?: boolean;
      ignoreIfRange?: boolean;
      cutAt?: number | undefined;
      stallAt?: number;
      bytesPerSecond?: number;
      onCut?: () => void;
    },
  ) {
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': how.ignoreRange ? 'none' : 'bytes',
      etag,
      'last-modified': LAST_MODIFIED,
    };
    let start = 0;
    const range = how.ignoreRange ? undefined : /^bytes=(\d+)-$/.exec(header(req, 'range') ?? '');
    const ifRange = header(req, 'if-range');
    if (range && (how.ignoreIfRange || ifRange === undefined || ifRange === etag || ifRange === LAST_MODIFIED)) {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'content-length': String(body.length - start),
      });
    } else {
      res.writeHead(200, { ...headers, 'content-length': String(body.length) });
    }
    if (req.method === 'HEAD') return void res.end();

    const stopAt = how.cutAt ?? how.stallAt;
    if (stopAt !== undefined) {
      const part = body.subarray(start, Math.max(start, stopAt));
      res.flushHeaders();
      res.write(part, () => {
        if (how.cutAt === undefined) return; // a stall: hold the connection open, send nothing more
        how.onCut?.();
        res.socket?.destroy();
      });
      return;
    }
    if (how.bytesPerSecond === undefined) return void res.end(body.subarray(start));
    let offset = start;
    const pause = Math.max(1, Math.round((CHUNK / how.bytesPerSecond) * 1000));
    const next = () => {
      if (res.destroyed) return;
      if (offset >= body.length) return void res.end();
      const chunk = body.subarray(offset, offset + CHUNK);
      offset += chunk.length;
      res.write(chunk, () => void setTimeout(next, pause));
    };
    next();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    bytes,
    sha256,
    etag,
    lastModified: LAST_MODIFIED,
    port,
    url: (behaviour, name = 'tiny-model.gguf') => `http://127.0.0.1:${port}/${behaviour}/${encodeURIComponent(name)}`,
    requests,
    rangesOf: (behaviour) => requests.filter((r) => r.behaviour === behaviour).map((r) => r.range),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(302, { location }).end();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
