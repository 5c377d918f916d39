import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { ConnectivityStatus, EngineEvents } from '../../main/checkout/engine-types';
import { OrderWatch } from '../../main/checkout/order-watch';
import type { OrderRecord } from '../../main/journal/types';

/** The one way to wait for an order: events of this process, re-reads for another's, a bounded wait. */

function rig() {
  const events = new EventEmitter<EngineEvents>();
  const rows = new Map<number, OrderRecord>();
  let status: ConnectivityStatus = { state: 'online', unresolved: 0, since: 0, detail: null };
  const watch = new OrderWatch(events, { getOrder: (id: number) => rows.get(id) }, () => status);
  const put = (id: number, state: OrderRecord['state']) => {
    const order = { id, state, qrCode: null, unknownCount: 0 } as unknown as OrderRecord;
    rows.set(id, order);
    return order;
  };
  return { events, watch, put, offline: () => ((status = { ...status, state: 'offline' }), events.emit('connectivity', status)) };
}

const paid = (o: OrderRecord) => o.state === 'PAID';

describe('order watch', () => {
  test('an event of this process ends the wait; the engine keeps no listener afterwards', async () => {
    const { events, watch, put } = rig();
    put(1, 'SENDING');
    const waiting = watch.wait(1, { done: paid, timeoutMs: 5_000 });
    assert.equal(events.listenerCount('order'), 1);
    events.emit('order', put(1, 'PAID'));
    assert.equal((await waiting).state, 'PAID');
    assert.equal(events.listenerCount('order'), 0);
    assert.equal(events.listenerCount('connectivity'), 0);
  });

  test('many waits share one listener', async () => {
    const { events, watch, put } = rig();
    const waits = [1, 2, 3, 4, 5].map((id) => (put(id, 'SENDING'), watch.wait(id, { done: paid, timeoutMs: 5_000 })));
    assert.equal(events.listenerCount('order'), 1);
    for (const id of [1, 2, 3, 4, 5]) events.emit('order', put(id, 'PAID'));
    assert.equal((await Promise.all(waits)).length, 5);
  });

  test('a move made by another process (no event here) is found by the re-read', async () => {
    const { watch, put } = rig();
    put(1, 'SENDING');
    const waiting = watch.wait(1, { done: paid, timeoutMs: 5_000, rereadMs: 10 });
    put(1, 'PAID');
    assert.equal((await waiting).state, 'PAID');
  });

  test('the timeout resolves with the order as journaled, or rejects with WAIT_TIMEOUT', async () => {
    const { watch, put } = rig();
    put(1, 'SENDING');
    assert.equal((await watch.wait(1, { done: paid, timeoutMs: 20 })).state, 'SENDING');
    await assert.rejects(watch.wait(1, { done: paid, timeoutMs: 20, rejectOnTimeout: true }), (e: Error & { code?: string }) => e.code === 'WAIT_TIMEOUT');
  });

  test('offline ends a wait that asked for it, and no other', async () => {
    const { watch, put, offline } = rig();
    put(1, 'SENDING');
    const asked = watch.wait(1, { done: paid, timeoutMs: 5_000, endWhenOffline: true });
    let other = false;
    const notAsked = watch.wait(1, { done: paid, timeoutMs: 50 }).then(() => (other = true));
    offline();
    assert.equal((await asked).state, 'SENDING');
    assert.equal(other, false);
    await notAsked;
  });

  test('an abort signal (the router closing) ends the wait with the order as it is', async () => {
    const { watch, put } = rig();
    put(1, 'SENDING');
    const closing = new AbortController();
    const waiting = watch.wait(1, { done: paid, timeoutMs: 5_000, signal: closing.signal });
    closing.abort();
    assert.equal((await waiting).state, 'SENDING');
  });

  test('an order that does not exist is ORDER_NOT_FOUND at once', async () => {
    const { watch } = rig();
    await assert.rejects(watch.wait(9, { done: paid, timeoutMs: 5_000 }), (e: Error & { code?: string }) => e.code === 'ORDER_NOT_FOUND');
  });
});
