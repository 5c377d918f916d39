// The renderer's WebSocket client of TillApi (renderer/src/api/bridge-client.ts), over a
// tiny fake socket and fake timers: replies are matched by id, events reach subscribers,
// a dropped connection fails every pending call with a typed error and is reopened with
// backoff, and nothing bad is ever sent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BRIDGE_MAX_FRAME_BYTES, type OrderView, type Result, type TillEvent } from '../../preload/contract';
import { createBridgeClient, reconnectDelay, type OpenSocket, type SocketHandlers, type Timers } from '../../renderer/src/api/bridge-client';
import { CLIENT_ERROR_CODES } from '../../renderer/src/api/client-errors';
import { fromPreload } from '../../renderer/src/api/preload-client';

class FakeSocket {
  sent: string[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}
  send(text: string): void {
    if (this.closed) throw new Error('socket closed');
    this.sent.push(text);
  }
  close(): void {
    this.closed = true;
  }
  calls(): Array<{ id: number; channel: string; request: unknown }> {
    return this.sent.map((text) => JSON.parse(text) as { id: number; channel: string; request: unknown });
  }
  reply(id: number, result: Result<unknown>): void {
    this.handlers.message(JSON.stringify({ id, result }));
  }
  drop(code = 1006): void {
    this.closed = true;
    this.handlers.close(code);
  }
}

class FakeTimers implements Timers {
  pending: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  set(fn: () => void, ms: number): unknown {
    const timer = { fn, ms, cleared: false };
    this.pending.push(timer);
    return timer;
  }
  clear(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }
  /** Runs the next timer and returns its delay. */
  fire(): number {
    const timer = this.pending.shift();
    assert.ok(timer !== undefined, 'a timer is due');
    if (!timer.cleared) timer.fn();
    return timer.ms;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const openSocket: OpenSocket = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    sockets.push(socket);
    return socket;
  };
  const client = createBridgeClient({ url: 'ws://127.0.0.1:1/bridge?token=T', openSocket, timers, backoff: { initialMs: 100, maxMs: 800 } });
  const last = () => sockets[sockets.length - 1]!;
  return { client, sockets, timers, last };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function order(id: number): OrderView {
  return { id, merchantTransId: `T${id}`, state: 'PAID' } as OrderView;
}

describe('bridge client', () => {
  test('opens the given URL and sends calls made while connecting once it is open', async () => {
    const { client, last } = setup();
    assert.equal(last().url, 'ws://127.0.0.1:1/bridge?token=T');
    assert.equal(client.getState().status, 'connecting');
    const reply = client.invoke('till.status', {});
    assert.deepEqual(last().sent, [], 'nothing is sent before the socket is open');
    last().handlers.open();
    assert.equal(client.getState().status, 'open');
    assert.deepEqual(last().calls(), [{ id: 1, channel: 'till.status', request: {} }]);
    last().reply(1, { ok: true, value: { sandbox: true } });
    assert.deepEqual(await reply, { ok: true, value: { sandbox: true } });
  });

  test('replies are matched by id, in whatever order they come', async () => {
    const { client, last } = setup();
    last().handlers.open();
    const a = client.invoke('order.get', { orderId: 1 });
    const b = client.invoke('order.get', { orderId: 2 });
    const [callA, callB] = last().calls();
    last().reply(callB!.id, { ok: true, value: order(2) });
    last().reply(callA!.id, { ok: false, error: { code: 'ORDER_NOT_FOUND', message: 'no order 1' } });
    assert.deepEqual(await b, { ok: true, value: order(2) });
    assert.deepEqual(await a, { ok: false, error: { code: 'ORDER_NOT_FOUND', message: 'no order 1' } });
  });

  test('a reply for no pending call, or a frame that is not JSON, changes nothing', async () => {
    const { client, last } = setup();
    last().handlers.open();
    const pending = client.invoke('orders.recent', {});
    last().handlers.message('not json');
    last().handlers.message(JSON.stringify({ id: 99, result: { ok: true, value: 1 } }));
    last().handlers.message(JSON.stringify([1, 2]));
    last().handlers.message(new Uint8Array([1, 2]));
    last().reply(1, { ok: true, value: [] });
    assert.deepEqual(await pending, { ok: true, value: [] });
  });

  test('a reply that is not a Result becomes a BAD_REPLY error', async () => {
    const { client, last } = setup();
    last().handlers.open();
    const pending = client.invoke('till.status', {});
    last().handlers.message(JSON.stringify({ id: 1, result: { value: 'no ok flag' } }));
    const result = await pending;
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, CLIENT_ERROR_CODES.badReply);
  });

  test('events go to every subscriber until it unsubscribes; unknown event types are dropped', () => {
    const { client, last } = setup();
    last().handlers.open();
    const seenA: TillEvent[] = [];
    const seenB: TillEvent[] = [];
    const stopA = client.subscribe((e) => seenA.push(e));
    client.subscribe(() => {
      throw new Error('a broken screen handler');
    });
    client.subscribe((e) => seenB.push(e));
    const event: TillEvent = { type: 'order', order: order(3) };
    last().handlers.message(JSON.stringify({ event }));
    last().handlers.message(JSON.stringify({ event: { type: 'secret-dump', key: 'x' } }));
    stopA();
    last().handlers.message(JSON.stringify({ event: { type: 'status' } }));
    assert.deepEqual(seenA, [event]);
    assert.deepEqual(seenB, [event, { type: 'status' }], 'a throwing subscriber does not starve the others');
  });

  test('a dropped connection fails every pending call with DISCONNECTED', async () => {
    const { client, last } = setup();
    last().handlers.open();
    const a = client.invoke('order.create', { amountMinor: 100, cartId: 'cart-1' });
    const b = client.invoke('orders.recent', {});
    last().drop();
    for (const result of await Promise.all([a, b])) {
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, CLIENT_ERROR_CODES.disconnected);
    }
    assert.equal(client.getState().status, 'reconnecting');
  });

  test('a late reply after the drop does not resolve anything twice', async () => {
    const { client, sockets, last } = setup();
    last().handlers.open();
    const a = client.invoke('till.status', {});
    const first = sockets[0]!;
    first.drop();
    first.handlers.message(JSON.stringify({ id: 1, result: { ok: true, value: 'late' } }));
    const result = await a;
    assert.equal(!result.ok && result.error.code, CLIENT_ERROR_CODES.disconnected);
  });

  test('calls while no socket is up fail at once instead of waiting', async () => {
    const { client, last } = setup();
    last().handlers.open();
    last().drop();
    const result = await client.invoke('till.status', {});
    assert.equal(!result.ok && result.error.code, CLIENT_ERROR_CODES.disconnected);
  });

  test('reconnects with doubling delays up to the maximum, and starts over once open', () => {
    const { client, sockets, timers, last } = setup();
    const states: string[] = [];
    client.onState((s) => states.push(`${s.status}:${s.attempt}`));
    last().drop();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      delays.push(timers.fire());
      last().drop();
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 800]);
    assert.equal(sockets.length, 6);
    timers.fire();
    last().handlers.open();
    assert.deepEqual(client.getState(), { status: 'open', attempt: 0, opened: 1 });
    last().drop();
    assert.equal(timers.fire(), 100, 'backoff starts over after a good connection');
    assert.equal(states[0], 'reconnecting:1');
    assert.ok(states.includes('open:0'));
  });

  test('reconnectDelay doubles and stops at the maximum', () => {
    assert.deepEqual([0, 1, 2, 3, 10, 1000].map((n) => reconnectDelay(n, { initialMs: 250, maxMs: 5000 })), [250, 500, 1000, 2000, 5000, 5000]);
  });

  test('a request over the frame limit, or one that cannot be encoded, is refused without sending', async () => {
    const { client, last } = setup();
    last().handlers.open();
    const big = await client.invoke('keys.importAlipay', { pem: 'A'.repeat(BRIDGE_MAX_FRAME_BYTES) });
    assert.equal(!big.ok && big.error.code, CLIENT_ERROR_CODES.requestInvalid);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const bad = await client.invoke('settings.set', { values: cyclic as Record<string, string> });
    assert.equal(!bad.ok && bad.error.code, CLIENT_ERROR_CODES.requestInvalid);
    assert.deepEqual(last().sent, []);
  });

  test('close() fails pending calls, closes the socket and does not reconnect', async () => {
    const { client, sockets, timers, last } = setup();
    last().handlers.open();
    const pending = client.invoke('till.status', {});
    client.close();
    const result = await pending;
    assert.equal(!result.ok && result.error.code, CLIENT_ERROR_CODES.closed);
    assert.equal(last().closed, true);
    last().handlers.close(1000);
    await flush();
    assert.equal(timers.pending.length, 0, 'no reconnect is scheduled');
    assert.equal(sockets.length, 1);
    const after = await client.invoke('till.status', {});
    assert.equal(!after.ok && after.error.code, CLIENT_ERROR_CODES.closed);
  });

  test('an openSocket that throws counts as a failed try and is retried', () => {
    let tries = 0;
    const timers = new FakeTimers();
    const client = createBridgeClient({
      url: 'ws://x/bridge',
      timers,
      openSocket: (url, handlers) => {
        tries++;
        if (tries === 1) throw new Error('refused');
        return new FakeSocket(url, handlers);
      },
    });
    assert.equal(client.getState().status, 'reconnecting');
    timers.fire();
    assert.equal(tries, 2);
  });
});

describe('preload client', () => {
  test('passes calls and events through, and turns a rejected invoke into DISCONNECTED', async () => {
    const listeners: Array<(e: TillEvent) => void> = [];
    let fail = false;
    const connection = fromPreload({
      invoke: async (channel, request) => {
        if (fail) throw new Error('main process gone');
        return { ok: true, value: { channel, request } } as never;
      },
      subscribe: (listener) => {
        listeners.push(listener);
        return () => {};
      },
    });
    assert.equal(connection.getState().status, 'open');
    assert.deepEqual(await connection.invoke('order.get', { orderId: 7 }), { ok: true, value: { channel: 'order.get', request: { orderId: 7 } } });
    const seen: TillEvent[] = [];
    connection.subscribe((e) => seen.push(e));
    listeners[0]!({ type: 'status' });
    assert.deepEqual(seen, [{ type: 'status' }]);
    fail = true;
    const result = await connection.invoke('till.status', {});
    assert.equal(!result.ok && result.error.code, CLIENT_ERROR_CODES.disconnected);
  });
});
