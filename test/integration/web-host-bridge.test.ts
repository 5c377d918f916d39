// The WebSocket bridge over real loopback sockets. The router behind it is a small one made
// here to the Router interface: this file tests the transport (who may connect, how frames
// travel, what a bad client gets); the real router is tested by its own files and end to end.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { BRIDGE_MAX_FRAME_BYTES, BRIDGE_PATH, ROUTER_ERROR_CODES, type Result, type TillEvent } from '../../preload/contract';
import type { ConnectionInfo, Router, RouterConnection } from '../../main/ipc/router-types';
import { startWebHost, type WebHost, type WebHostOptions } from '../../main/web/web-host';

type Handler = (channel: unknown, request: unknown) => Promise<Result<unknown>>;

class TestConnection implements RouterConnection {
  readonly calls: Array<{ channel: unknown; request: unknown }> = [];
  readonly listeners = new Set<(event: TillEvent) => void>();
  closed = false;
  constructor(
    readonly info: ConnectionInfo,
    private readonly handler: Handler,
  ) {}
  invoke(channel: unknown, request: unknown): Promise<Result<unknown>> {
    this.calls.push({ channel, request });
    return this.handler(channel, request);
  }
  subscribe(listener: (event: TillEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  close(): void {
    this.closed = true;
    this.listeners.clear();
  }
}

class TestRouter implements Router {
  readonly connections: TestConnection[] = [];
  handler: Handler = async (channel, request) => ({ ok: true, value: { echo: { channel, request } } });
  connect(info: ConnectionInfo): TestConnection {
    const connection = new TestConnection(info, (channel, request) => this.handler(channel, request));
    this.connections.push(connection);
    return connection;
  }
  emit(event: TillEvent): void {
    for (const connection of this.connections) for (const listener of connection.listeners) listener(event);
  }
  statusChanged(): void {}
  close(): void {}
}

interface Closed {
  code: number;
  reason: string;
}

/** A bridge client that queues what it receives, so a test awaits frames in order. */
class Client {
  private readonly frames: unknown[] = [];
  private readonly waiting: Array<(frame: unknown) => void> = [];
  readonly closed: Promise<Closed>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame: unknown = JSON.parse(String(data));
      const waiter = this.waiting.shift();
      if (waiter) waiter(frame);
      else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }
  next(timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const queued = this.frames.shift();
    if (queued !== undefined) return Promise.resolve(queued as Record<string, unknown>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame arrived')), timeoutMs);
      this.waiting.push((frame) => {
        clearTimeout(timer);
        resolve(frame as Record<string, unknown>);
      });
    });
  }
  call(id: number, channel: unknown, request: unknown): void {
    this.ws.send(JSON.stringify({ id, channel, request }));
  }
}

interface Attempt {
  token?: string | null;
  origin?: string | null;
  host?: string;
  path?: string;
  query?: string;
}

/** Opens a socket; resolves with the client, or with the HTTP status of the refusal. */
function connect(web: WebHost, attempt: Attempt = {}): Promise<Client | number> {
  const token = attempt.token === undefined ? web.token : attempt.token;
  const query = attempt.query ?? (token === null ? '' : `?token=${encodeURIComponent(token)}`);
  const origin = attempt.origin === undefined ? web.origin : attempt.origin;
  const headers: Record<string, string> = attempt.host ? { host: attempt.host } : {};
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}${attempt.path ?? BRIDGE_PATH}${query}`, {
    headers,
    ...(origin === null ? {} : { origin }),
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(new Client(ws)));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

async function connected(web: WebHost, attempt: Attempt = {}): Promise<Client> {
  const client = await connect(web, attempt);
  assert.ok(client instanceof Client, `expected the bridge to accept, got HTTP ${String(client)}`);
  return client;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const STATUS_EVENT: TillEvent = { type: 'status' };

describe('web host: the WebSocket bridge', () => {
  let staticDir: string;
  let router: TestRouter;
  let web: WebHost;
  const extraHosts: WebHost[] = [];
  const clients: Client[] = [];

  async function startHost(options: Partial<WebHostOptions> = {}): Promise<WebHost> {
    const host = await startWebHost({ router, staticDir, port: 0, ...options });
    extraHosts.push(host);
    return host;
  }

  async function client(host: WebHost = web, attempt: Attempt = {}): Promise<Client> {
    const opened = await connected(host, attempt);
    clients.push(opened);
    return opened;
  }

  before(async () => {
    staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-web-bridge-'));
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
  });
  after(() => fs.rmSync(staticDir, { recursive: true, force: true }));

  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    for (const host of extraHosts.splice(0)) await host.close();
  });

  async function fresh(options: Partial<WebHostOptions> = {}): Promise<void> {
    router = new TestRouter();
    web = await startHost(options);
  }

  test('with our token, Origin and Host: one router connection per socket, labelled as web', async () => {
    await fresh();
    await client();
    await client(web, { origin: `http://localhost:${web.port}`, host: `localhost:${web.port}` });
    assert.equal(router.connections.length, 2);
    for (const connection of router.connections) {
      assert.equal(connection.info.host, 'web');
      assert.match(connection.info.label, /^ws#\d+ 127\.0\.0\.1:\d+$/);
    }
    assert.equal(web.connections(), 2);
  });

  test('a missing or wrong token is refused before the router sees anything', async () => {
    await fresh();
    const wrongSameLength = web.token.slice(0, -1) + (web.token.endsWith('A') ? 'B' : 'A');
    const cases: Attempt[] = [
      { token: null },
      { token: '' },
      { token: wrongSameLength },
      { token: `${web.token}x` },
      { query: `?token=${web.token}&token=${web.token}` },
      { query: `?Token=${web.token}` },
      { query: `?tokens=${web.token}` },
    ];
    const other = await startHost();
    cases.push({ token: other.token });
    for (const attempt of cases) assert.equal(await connect(web, attempt), 401, JSON.stringify(attempt));
    assert.equal(router.connections.length, 0);
  });

  test('an Origin that is not one of our pages is refused, even with the token', async () => {
    await fresh();
    for (const origin of [null, 'null', 'http://evil.example', `http://evil.example:${web.port}`, `http://127.0.0.1:${web.port + 1}`, `https://127.0.0.1:${web.port}`, `http://127.0.0.1:${web.port}/`, 'file://']) {
      assert.equal(await connect(web, { origin }), 403, String(origin));
    }
    assert.equal(router.connections.length, 0);
  });

  test('a Host that is not ours is refused (DNS rebinding), even with the token and Origin', async () => {
    await fresh();
    for (const host of ['evil.example', `evil.example:${web.port}`, `127.0.0.1:${web.port + 1}`]) {
      assert.equal(await connect(web, { host }), 403, host);
    }
    assert.equal(router.connections.length, 0);
  });

  test('only BRIDGE_PATH upgrades', async () => {
    await fresh();
    for (const p of ['/', '/bridge/', '/bridge/x', '/Bridge', '/index.html']) assert.equal(await connect(web, { path: p }), 404, p);
    assert.equal(router.connections.length, 0);
  });

  test('a call reaches the router and its reply comes back with the same id, out of order when it finishes so', async () => {
    await fresh();
    const release: Array<() => void> = [];
    router.handler = (channel, request) =>
      new Promise((resolve) => release.push(() => resolve({ ok: true, value: { channel, request } })));
    const c = await client();
    c.call(1, 'order.get', { orderId: 11 });
    c.call(2, 'order.get', { orderId: 22 });
    await waitFor('both calls at the router', () => release.length === 2);
    assert.deepEqual(router.connections[0]!.calls, [
      { channel: 'order.get', request: { orderId: 11 } },
      { channel: 'order.get', request: { orderId: 22 } },
    ]);
    release[1]!();
    assert.deepEqual(await c.next(), { id: 2, result: { ok: true, value: { channel: 'order.get', request: { orderId: 22 } } } });
    release[0]!();
    assert.deepEqual(await c.next(), { id: 1, result: { ok: true, value: { channel: 'order.get', request: { orderId: 11 } } } });
  });

  test("the router's typed errors travel back as data", async () => {
    await fresh();
    router.handler = async () => ({ ok: false, error: { code: 'SUPERVISOR_REQUIRED', message: 'log in first' } });
    const c = await client();
    c.call(9, 'day.close', {});
    assert.deepEqual(await c.next(), { id: 9, result: { ok: false, error: { code: 'SUPERVISOR_REQUIRED', message: 'log in first' } } });
  });

  test('a router that throws still answers, with INTERNAL and nothing of the exception', async () => {
    await fresh();
    router.handler = async () => {
      throw new Error('/home/till/secret path');
    };
    const c = await client();
    c.call(3, 'till.status', {});
    const reply = await c.next();
    assert.deepEqual(reply, { id: 3, result: { ok: false, error: { code: ROUTER_ERROR_CODES.internal, message: 'the call failed' } } });
  });

  test('events reach every subscribed socket', async () => {
    await fresh();
    const a = await client();
    const b = await client();
    const event: TillEvent = { type: 'alarm', alarm: { id: 1 } as never };
    router.emit(event);
    assert.deepEqual(await a.next(), { event });
    assert.deepEqual(await b.next(), { event });
  });

  test('closing the socket closes its router connection and its subscription', async () => {
    await fresh();
    const c = await client();
    const connection = router.connections[0]!;
    assert.equal(connection.listeners.size, 1);
    c.ws.close();
    await waitFor('the router connection to close', () => connection.closed);
    assert.equal(connection.listeners.size, 0);
    assert.equal(web.connections(), 0);
  });

  test('a frame over BRIDGE_MAX_FRAME_BYTES closes the socket; the host keeps serving others', async () => {
    await fresh();
    const c = await client();
    c.ws.send(JSON.stringify({ id: 1, channel: 'order.create', request: { title: 'x'.repeat(BRIDGE_MAX_FRAME_BYTES) } }));
    const closed = await c.closed;
    assert.equal(closed.code, 1009);
    await waitFor('the router connection to close', () => router.connections[0]!.closed);
    assert.equal(router.connections[0]!.calls.length, 0);
    const d = await client();
    d.call(2, 'till.status', {});
    assert.equal((await d.next())['id'], 2);
  });

  test('frames that cannot be answered (not JSON, no id, binary) close with 1008; the host keeps serving', async () => {
    await fresh();
    for (const send of ['{not json', '[]', '{"channel":"till.status"}', '{"id":"1","channel":"till.status"}', Buffer.from([1, 2, 3])]) {
      const c = await client();
      c.ws.send(send, { binary: Buffer.isBuffer(send) });
      const closed = await c.closed;
      assert.equal(closed.code, 1008, String(send));
    }
    await waitFor('every router connection to close', () => router.connections.every((connection) => connection.closed));
    assert.ok(router.connections.every((connection) => connection.calls.length === 0));
    const ok = await client();
    ok.call(5, 'till.status', {});
    assert.equal((await ok.next())['id'], 5);
  });

  test('a frame with an id but a bad shape gets BAD_REQUEST and the socket stays open', async () => {
    await fresh();
    const c = await client();
    c.call(4, 42, {});
    assert.deepEqual(await c.next(), {
      id: 4,
      result: { ok: false, error: { code: ROUTER_ERROR_CODES.badRequest, message: 'channel must be a string', field: 'channel' } },
    });
    c.ws.send(JSON.stringify({ id: 5, channel: 'till.status', request: {}, extra: true }));
    const refused = await c.next();
    assert.equal((refused['result'] as { error: { field: string } }).error.field, 'frame');
    c.call(6, 'till.status', {});
    assert.equal((await c.next())['id'], 6);
    assert.equal(router.connections[0]!.calls.length, 1);
  });

  test('a client that stops reading is dropped once too much waits for it', async () => {
    await fresh({ bridge: { maxBufferedBytes: 256 * 1024 } });
    const c = await client();
    const connection = router.connections[0]!;
    c.ws.pause();
    const big: TillEvent = { type: 'alarm', alarm: { message: 'x'.repeat(128 * 1024) } as never };
    let sent = 0;
    // Loopback sockets absorb a few MB in kernel buffers before the host has to queue.
    while (!connection.closed && sent < 64 * 1024 * 1024) {
      router.emit(big);
      sent += 128 * 1024;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(connection.closed, `still connected after ${sent} bytes of events`);
    assert.equal(web.connections(), 0);
  });

  test('a client that stops answering pings is dropped', async () => {
    await fresh({ bridge: { heartbeatMs: 50 } });
    const c = await client();
    c.ws.pause();
    await waitFor('the silent socket to be dropped', () => router.connections[0]!.closed, 3_000);
  });

  test('too many calls in flight on one socket closes it', async () => {
    await fresh({ bridge: { maxCallsInFlight: 3 } });
    router.handler = () => new Promise(() => {});
    const c = await client();
    for (let id = 1; id <= 4; id++) c.call(id, 'till.status', {});
    assert.equal((await c.closed).code, 1008);
    assert.equal(router.connections[0]!.calls.length, 3);
  });

  test('more sockets than allowed are refused with 503', async () => {
    await fresh({ bridge: { maxConnections: 2 } });
    await client();
    await client();
    assert.equal(await connect(web), 503);
    assert.equal(router.connections.length, 2);
  });

  test('closing the host closes every socket (1001) and every router connection, and refuses new ones', async () => {
    await fresh();
    const a = await client();
    const b = await client();
    router.handler = () => new Promise(() => {});
    a.call(1, 'till.status', {});
    await web.close();
    assert.equal((await a.closed).code, 1001);
    assert.equal((await b.closed).code, 1001);
    assert.ok(router.connections.every((connection) => connection.closed));
    await assert.rejects(connect(web), /ECONNREFUSED/);
  });

  test('events after a socket closed go nowhere and do not throw', async () => {
    await fresh();
    const c = await client();
    c.ws.terminate();
    await waitFor('the router connection to close', () => router.connections[0]!.closed);
    router.emit(STATUS_EVENT);
    const d = await client();
    router.emit(STATUS_EVENT);
    assert.deepEqual(await d.next(), { event: STATUS_EVENT });
  });
});
