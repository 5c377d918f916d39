// The gateway transport's bounds (issue 11 §5, §6): a proxy that accepts the connection and
// never answers CONNECT cannot hold a call past gateway.timeoutMs, and this machine is
// never reached through a proxy, whichever loopback address names it. Real sockets on
// loopback: a stalling TCP server, a counting CONNECT proxy, a plain HTTP server.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { GatewayTransport, TransportError, isLoopbackUrl } from '../../main/alipay/transport';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy';

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

describe('gateway transport: every call is bounded, loopback never goes through a proxy', () => {
  const sockets = new Set<net.Socket>();
  // Accepts, reads, never writes a byte: what a hung corporate proxy looks like.
  const stalling = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const served: string[] = [];
  const gateways = ['127.0.0.1', '127.0.0.2'].map(() =>
    http.createServer((req, res) => {
      served.push(`${req.headers.host ?? ''} ${req.url ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }),
  );
  let stallPort = 0;
  const ports: number[] = [];
  let proxy: ConnectProxy;

  before(async () => {
    stallPort = await listen(stalling, '127.0.0.1');
    ports.push(await listen(gateways[0]!, '127.0.0.1'), await listen(gateways[1]!, '127.0.0.2'));
    proxy = await startConnectProxy();
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => stalling.close(r));
    for (const g of gateways) await new Promise((r) => g.close(r));
    await proxy.close();
  });

  test('a proxy that never answers CONNECT: GATEWAY_TIMEOUT after timeoutMs, not minutes', async () => {
    const stalled = `http://127.0.0.1:${stallPort}`;
    const transport = new GatewayTransport({ baseUrl: 'https://gateway.invalid', timeoutMs: 600, connectTimeoutMs: 10_000, proxyEnv: { httpsProxy: stalled, httpProxy: stalled } });
    try {
      const started = performance.now();
      await assert.rejects(transport.post('/api/x', '{}'), (e) => e instanceof TransportError && e.code === 'GATEWAY_TIMEOUT' && e.phase === 'exchange');
      const took = performance.now() - started;
      assert.ok(took >= 550 && took < 3_000, `gave up after ${Math.round(took)} ms (timeoutMs 600)`);
      assert.ok(sockets.size >= 1, 'the call did reach the stalling proxy');
    } finally {
      await Promise.race([transport.close(), new Promise((r) => setTimeout(r, 1_000))]);
    }
  });

  test('every 127.0.0.0/8 address, ::ffff:127.x and localhost are loopback; other names are not', () => {
    for (const url of ['http://127.0.0.1:1', 'http://127.0.0.2:1', 'http://127.255.255.254/', 'http://localhost:8787', 'http://[::1]:1', 'http://[::ffff:127.0.0.2]:1', 'http://127.1:1']) {
      assert.ok(isLoopbackUrl(new URL(url)), url);
    }
    for (const url of ['http://128.0.0.1/', 'http://localhost.example/', 'http://[::2]/', 'http://10.0.0.1/', 'http://127.0.0.1.nip.io/']) {
      assert.ok(!isLoopbackUrl(new URL(url)), url);
    }
  });

  test('127.0.0.2 and localhost go straight to this machine even with a proxy set and NO_PROXY empty', async () => {
    const env = { httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: '' };
    for (const [baseUrl, port] of [
      [`http://127.0.0.2:${ports[1]}`, ports[1]],
      [`http://localhost:${ports[0]}`, ports[0]],
    ] as const) {
      const transport = new GatewayTransport({ baseUrl, timeoutMs: 5_000, proxyEnv: env });
      try {
        const answer = await transport.post('/api/probe', '{}');
        assert.equal(answer.status, 200, baseUrl);
        assert.ok(served.some((line) => line.endsWith(`:${port} /api/probe`)), `${baseUrl} reached the server directly: ${served.join('; ')}`);
      } finally {
        await transport.close();
      }
    }
    assert.equal(proxy.connects, 0, 'no CONNECT');
    assert.equal(proxy.plainRequests, 0, 'no proxied plain request');
  });

  test('the proxy is still used for a gateway elsewhere (the counting proxy sees the CONNECT)', async () => {
    const transport = new GatewayTransport({ baseUrl: 'https://gateway.invalid', timeoutMs: 2_000, proxyEnv: { httpsProxy: proxy.url, httpProxy: proxy.url } });
    try {
      await assert.rejects(transport.post('/api/x', '{}'), TransportError);
      assert.ok(proxy.connects >= 1);
      assert.ok(proxy.targets.includes('gateway.invalid:443'), proxy.targets.join(', '));
    } finally {
      await transport.close();
    }
  });
});
