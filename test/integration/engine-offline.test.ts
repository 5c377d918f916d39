// The gateway out of reach: the till says so at once, keeps journaling sales, and resolves
// them by itself, oldest first, when the gateway is back on the same address. Real SQLite,
// real client, real sandbox; the outage is a real TCP link going down, or the sandbox
// process itself going away.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineHarness, gatewaySequence, statePath, waitUntil } from '../support/engine-harness';

describe('checkout engine: offline and back', { concurrency: 4 }, () => {
  test('a lost answer now and then is not an outage: offline only after three lost answers in a row (issue 16 §4)', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 20_000, concurrency: 1 } });
    // Every answer dropped on the way back: the gateway is reached, the answers are lost.
    h.setFaults({ drop: 1 });
    const a = await till.create({ title: 'Lost answers' });
    await waitUntil('one lost answer', () => till.journal.attempts(a.id).length >= 1);
    assert.equal(till.engine.connectivity().state, 'online', 'one dropped connection is not an outage');
    assert.equal(till.connectivity.length, 0);
    await waitUntil('three lost answers', () => till.journal.attempts(a.id).length >= 3);
    await waitUntil('the till reports offline', () => till.connectivity.some((c) => c.state === 'offline'));
    assert.ok(till.journal.attempts(a.id).every((x) => /^dropped/.test(x.unknownReason ?? '')));
    h.setFaults({});
    await till.waitState(a.id, 'AWAITING_PAYMENT');
    assert.equal(till.connectivity.at(-1)?.state, 'online');
  });

  test('the link goes down: offline at once with the unresolved count; sales are journaled; when it is back they resolve oldest first, untouched', async (t) => {
    const h = await EngineHarness.start({ link: true });
    t.after(() => h.close());
    // One step at a time, so "oldest first" is the order the gateway sees them in.
    const till = h.openTill({ settings: { paymentWindowMs: 20_000, concurrency: 1 } });
    const shown = await till.create({ title: 'Before the outage' });
    await till.waitState(shown.id, 'AWAITING_PAYMENT');
    assert.equal(till.connectivity.length, 0, 'online from the start: nothing to announce');

    const cutAt = performance.now();
    await h.link!.down();
    await waitUntil('the till reports offline', () => till.connectivity.length > 0);
    const offline = till.connectivity[0]!;
    assert.equal(offline.state, 'offline');
    assert.equal(offline.unresolved, 1, 'the order on screen is unresolved');
    assert.ok(offline.detail);
    assert.ok(performance.now() - cutAt < 5_000, 'reported within a poll or two, not after the window');

    const during = [];
    for (let i = 0; i < 3; i++) during.push(await till.create({ title: `During the outage ${i}`, amountMinor: 100 + i }));
    const observer = h.observer();
    for (const o of during) assert.ok(observer.getOrder(o.id), 'journaled on disk while offline');
    // The outage lasts a few more failed probes.
    await waitUntil('a few failed probes', () => h.sent.length >= h.sandbox.stats().requests + 4);
    assert.equal(till.engine.connectivity().state, 'offline');
    assert.equal(till.engine.connectivity().unresolved, 4);
    assert.equal(till.connectivity.filter((c) => c.state === 'offline').length, 1, 'said once, not on every failed try');
    for (const o of during) assert.equal(till.journal.getOrder(o.id)?.qrCode, null);

    await h.link!.up();
    // Nothing is called: the engine finds out by itself.
    for (const o of during) await till.waitState(o.id, 'AWAITING_PAYMENT');
    assert.equal(till.connectivity.at(-1)?.state, 'online');
    const sequence = during.map((o) => gatewaySequence(h.sandboxOrder(o.merchantTransId)!.acquirementId));
    assert.deepEqual([...sequence].sort((a, b) => a - b), sequence, 'the gateway got them oldest first');
    for (const o of during) assert.deepEqual(statePath(till.journal, o.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT']);

    // The order shown before the outage is still payable and is seen paid.
    h.sandbox.pay(shown.merchantTransId);
    await till.waitState(shown.id, 'PAID');
    h.assertConsistent(till.journal);
  });

  test('the sandbox process goes away and comes back on the same port: orders made meanwhile resolve by themselves', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 20_000, concurrency: 1 } });
    await h.closeSandbox();
    const a = await till.create({ title: 'First' });
    await waitUntil('the till reports offline', () => till.connectivity.some((c) => c.state === 'offline'));
    const offline = till.connectivity.find((c) => c.state === 'offline')!;
    assert.equal(offline.unresolved, 1);
    const b = await till.create({ title: 'Second' });
    assert.equal(till.engine.connectivity().unresolved, 2);
    // The oldest order probes the gateway; the newer one waits its turn without trying.
    await waitUntil('the oldest tried several times', () => till.journal.attempts(a.id).length >= 3);
    const reasons = till.journal.attempts(a.id).map((x) => x.unknownReason ?? '');
    assert.ok(reasons.every((r) => /^(unreachable|dropped):/.test(r)), reasons.join('; '));
    assert.equal(till.journal.attempts(b.id).length, 0);
    assert.equal(till.journal.getOrder(b.id)?.state, 'NEW', 'journaled, waiting');

    const sentBefore = h.sent.length;
    await h.restartSandbox();
    for (const o of [a, b]) await till.waitState(o.id, 'AWAITING_PAYMENT');
    const afterReturn = h.sent.slice(sentBefore);
    const firstTouch = (key: string) => afterReturn.findIndex((r) => r.key === key);
    assert.ok(firstTouch(a.merchantTransId) >= 0 && firstTouch(a.merchantTransId) < firstTouch(b.merchantTransId), 'the oldest was taken up first');
    assert.equal(till.engine.connectivity().state, 'online');
    assert.ok(gatewaySequence(h.sandboxOrder(a.merchantTransId)!.acquirementId) < gatewaySequence(h.sandboxOrder(b.merchantTransId)!.acquirementId), 'oldest first');
    h.sandbox.pay(a.merchantTransId);
    await till.waitState(a.id, 'PAID');
    h.assertConsistent(till.journal);
  });
});
