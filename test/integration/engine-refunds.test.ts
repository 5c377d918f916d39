// Refunds through the checkout engine: full and partial up to the paid amount, refused
// before sending when too large, an unknown outcome retried with the same merchantRefundId
// and body so the gateway refunds once. Real SQLite, real client, real sandbox.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTillError } from '../../main/errors';
import type { RefundRecord } from '../../main/journal/types';
import { EngineHarness, statePath, waitUntil, type Till } from '../support/engine-harness';

async function paidOrder(h: EngineHarness, till: Till, amountMinor: number) {
  const order = await till.create({ amountMinor });
  await till.waitState(order.id, 'AWAITING_PAYMENT');
  h.sandbox.pay(order.merchantTransId);
  return till.waitState(order.id, 'PAID');
}

async function settled(till: Till, refund: RefundRecord): Promise<RefundRecord> {
  await waitUntil(`refund ${refund.merchantRefundId} settles`, () => till.journal.getRefund(refund.id)?.state !== 'PENDING');
  return till.journal.getRefund(refund.id)!;
}

describe('checkout engine: refunds', { concurrency: 4 }, () => {
  test('a full refund: journaled PENDING with its frozen body, SUCCEEDED, the order REFUNDED (and announced)', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await paidOrder(h, till, 1500);
    const refund = await till.engine.refund(order.id, 1500, 'Customer changed mind');
    assert.equal(refund.state, 'PENDING');
    assert.equal(refund.merchantRefundId, `${order.merchantTransId}R01`);
    // A screen waiting on 'order' events learns that the order is refunded.
    const refunded = await till.waitState(order.id, 'REFUNDED');
    assert.equal(refunded.refundedMinor, 1500);
    const done = till.journal.getRefund(refund.id)!;
    assert.equal(done.state, 'SUCCEEDED');
    assert.ok(done.refundId);
    assert.deepEqual(till.refundEvents.filter((r) => r.id === refund.id).map((r) => r.state), ['PENDING', 'SUCCEEDED']);
    const gateway = h.sandboxOrder(order.merchantTransId)!;
    assert.equal(gateway.refunded, '1500');
    assert.equal(gateway.refunds[0]?.refundId, done.refundId);
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'PAID', 'REFUNDED']);
    await assert.rejects(till.engine.refund(order.id, 1, undefined), (e) => isTillError(e, 'ORDER_NOT_REFUNDABLE'));
    h.assertConsistent(till.journal);
  });

  test('partial refunds up to the paid amount; one over what is left is refused before anything is sent', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await paidOrder(h, till, 1000);
    const r1 = await settled(till, await till.engine.refund(order.id, 300, 'Damaged'));
    const r2 = await settled(till, await till.engine.refund(order.id, 500, undefined));
    assert.deepEqual([r1.state, r2.state], ['SUCCEEDED', 'SUCCEEDED']);
    assert.deepEqual([r1.merchantRefundId, r2.merchantRefundId], [`${order.merchantTransId}R01`, `${order.merchantTransId}R02`]);
    let now = till.journal.getOrder(order.id)!;
    assert.equal(now.state, 'PAID');
    assert.equal(now.refundedMinor, 800);

    const refundsSent = h.sent.filter((r) => r.api === 'refund').length;
    await assert.rejects(till.engine.refund(order.id, 201, 'too much'), (e) => isTillError(e, 'REFUND_TOO_LARGE'));
    assert.equal(h.sent.filter((r) => r.api === 'refund').length, refundsSent, 'nothing sent');
    assert.equal(till.journal.refunds(order.id).length, 2, 'nothing journaled');

    const r3 = await settled(till, await till.engine.refund(order.id, 200, 'the rest'));
    assert.equal(r3.merchantRefundId, `${order.merchantTransId}R03`);
    now = await till.waitState(order.id, 'REFUNDED');
    assert.equal(now.refundedMinor, 1000);
    assert.equal(h.sandboxOrder(order.merchantTransId)?.refunded, '1000');
    h.assertConsistent(till.journal);
  });

  test('a pending refund counts against what is left: two refunds racing cannot exceed the paid amount', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.setFaults({ latencyMs: 300, apis: ['refund'] });
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await paidOrder(h, till, 1000);
    const results = await Promise.allSettled([till.engine.refund(order.id, 600, 'a'), till.engine.refund(order.id, 600, 'b')]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected && isTillError(rejected.reason, 'REFUND_TOO_LARGE'));
    const fulfilled = results.find((r) => r.status === 'fulfilled')!;
    assert.equal((await settled(till, fulfilled.value)).state, 'SUCCEEDED');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.refunded, '600');
  });

  for (const processFirst of [0, 1] as const) {
    test(`an unknown refund outcome (processFirst ${processFirst}) is retried with the same merchantRefundId and body; the gateway refunds once`, async (t) => {
      const h = await EngineHarness.start();
      t.after(() => h.close());
      const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
      const order = await paidOrder(h, till, 900);
      h.setFaults({ unknown: 1, processFirst, apis: ['refund'] });
      const refund = await till.engine.refund(order.id, 400, 'Wrong size');
      await waitUntil('three unknown refund attempts', () => till.journal.attempts(order.id).filter((a) => a.api === 'refund' && a.outcome === 'U').length >= 3);
      assert.equal(till.journal.getRefund(refund.id)?.state, 'PENDING');
      assert.equal(till.journal.getOrder(order.id)?.refundedMinor, 0, 'nothing counted as refunded on a U');
      h.setFaults({});
      const done = await settled(till, refund);
      assert.equal(done.state, 'SUCCEEDED');
      const sends = h.sentFor(refund.merchantRefundId, 'refund');
      assert.ok(sends.length >= 4);
      assert.equal(new Set(sends.map((s) => s.bodyText)).size, 1, 'byte-identical on every retry');
      assert.equal(sends[0]!.bodyText, refund.bodyText);
      const gateway = h.sandboxOrder(order.merchantTransId)!;
      assert.equal(gateway.refunded, '400', 'refunded exactly the intended amount');
      assert.equal(gateway.refunds.length, 1);
      assert.equal(gateway.refunds[0]!.refundId, done.refundId);
      if (processFirst) assert.ok(h.sandbox.stats().replays >= 1);
      assert.equal(till.journal.getOrder(order.id)?.refundedMinor, 400);
      h.assertConsistent(till.journal);
    });
  }

  test('a refund the gateway refuses (F) is FAILED; the order stays PAID with nothing refunded', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await paidOrder(h, till, 700);
    h.setFaults({ forceResult: { refund: 'PROCESS_FAIL' } });
    const refund = await settled(till, await till.engine.refund(order.id, 700, undefined));
    assert.equal(refund.state, 'FAILED');
    assert.equal(refund.resultCode, 'PROCESS_FAIL');
    const now = till.journal.getOrder(order.id)!;
    assert.equal(now.state, 'PAID');
    assert.equal(now.refundedMinor, 0);
    assert.equal(h.sandboxOrder(order.merchantTransId)?.refunded, '0');
    assert.equal(h.sentFor(refund.merchantRefundId).length, 1);
  });

  test('an order that is not paid cannot be refunded', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    await assert.rejects(till.engine.refund(order.id, 100, undefined), (e) => isTillError(e, 'ORDER_NOT_REFUNDABLE'));
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    await assert.rejects(till.engine.refund(order.id, 100, undefined), (e) => isTillError(e, 'ORDER_NOT_REFUNDABLE'));
    assert.equal(h.sent.filter((r) => r.api === 'refund').length, 0);
  });
});
