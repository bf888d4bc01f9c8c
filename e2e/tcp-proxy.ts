/**
 * A plain TCP forwarder on a loopback port of its own, for the connection tests: the page talks
 * to the proxy, the proxy to a real `hearth serve`. It passes bytes untouched (Host and Origin
 * are the proxy's, which the server accepts as its own loopback), so `cut()` is a network outage
 * and `retarget()` swaps in a restarted server behind the same address.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  origin: string;
  /** Drops every connection and refuses new ones until `resume`. */
  cut(): Promise<void>;
  resume(): Promise<void>;
  /** Sends new connections to another backend port. */
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startProxy(backendPort: number): Promise<TcpProxy> {
  let target = backendPort;
  const open = new Set<Socket>();
  const onConnection = (client: Socket) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => open.delete(s));
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  };
  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    });
  const port = await listen(0);
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    cut: stop,
    async resume() {
      server = createServer(onConnection);
      await listen(port);
    },
    retarget(p) {
      target = p;
    },
    close: stop,
  };
}
