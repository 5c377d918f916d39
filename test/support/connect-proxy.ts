import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * A tiny HTTP CONNECT proxy on loopback for tests: it opens byte tunnels (it never sees
 * inside TLS) to loopback targets only, and counts them, so a test can prove that a request
 * went through the proxy, or bypassed it, while the TLS check stays end to end.
 */

export interface ConnectProxy {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** CONNECT requests received (including refused ones). */
  readonly connects: number;
  /** Tunnels established to their target. */
  readonly tunnels: number;
  /** host:port of every CONNECT request, in arrival order. */
  readonly targets: readonly string[];
  /** Requests that were not CONNECT (answered 405). */
  readonly plainRequests: number;
  close(): Promise<void>;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * `names` maps host names to loopback addresses, as a proxy's own resolver would: the till
 * never sends a loopback gateway through a proxy, so a tunnel test names the gateway by a
 * name of its own (e.g. gateway.test) that only the proxy knows.
 */
export async function startConnectProxy(names: Readonly<Record<string, string>> = {}): Promise<ConnectProxy> {
  let connects = 0;
  let tunnels = 0;
  let plainRequests = 0;
  const targets: string[] = [];
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };

  const server = http.createServer((_req, res) => {
    plainRequests += 1;
    res.writeHead(405, { 'content-type': 'text/plain', connection: 'close' });
    res.end('this test proxy only tunnels (CONNECT)\n');
  });

  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    connects += 1;
    track(client);
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    targets.push(target);
    let host: string;
    let port: number;
    try {
      const parsed = new URL(`http://${target}`);
      host = parsed.hostname;
      port = Number(parsed.port);
    } catch {
      client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    host = names[host.toLowerCase()] ?? host;
    if (!LOOPBACK.test(host) || !Number.isInteger(port) || port <= 0) {
      client.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    track(upstream);
    let established = false;
    upstream.once('connect', () => {
      established = true;
      tunnels += 1;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => {
      if (!established && client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connects() {
      return connects;
    },
    get tunnels() {
      return tunnels;
    },
    get targets() {
      return [...targets];
    },
    get plainRequests() {
      return plainRequests;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
