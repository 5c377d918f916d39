// Recovery: an order left in each unresolved state (NEW, SENDING, AWAITING_PAYMENT,
// CANCELLING) and a pending refund, by a till that was stopped or that lost power in the
// middle of a step; a new engine on the same SQLite file carries each one on from its
// journaled state and resolves it, never sending a body that differs from the journaled one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineHarness, statePath, waitUntil } from '../support/engine-harness';

describe('checkout engine: recovery on the same file', { concurrency: 4 }, () => {
  test('NEW (journaled, never sent): the next engine sends it and it is paid', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const before = h.openTill({ start: false });
    const order = await before.create({ amountMinor: 420 });
    await before.crash();
    assert.equal(h.sent.length, 0);
    assert.equal(h.observer().getOrder(order.id)?.state, 'NEW');

    const after = h.openTill();
    assert.equal(after.engine.connectivity().unresolved, 1);
    await after.waitState(order.id, 'AWAITING_PAYMENT');
    h.sandbox.pay(order.merchantTransId);
    await after.waitState(order.id, 'PAID');
    assert.deepEqual(statePath(after.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'PAID']);
    assert.ok(h.sent.every((r) => r.till === after.index));
    h.assertConsistent(after.journal);
  });

  test('SENDING, power lost while the preCreate was at the gateway: the resend gets the original answer and the same QR', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.setFaults({ latencyMs: 400, apis: ['preCreate'] });
    const before = h.openTill();
    const order = await before.create();
    await waitUntil('the preCreate reached the gateway', () => h.sandbox.stats().byApi.preCreate.requests === 1);
    await before.crash();
    const gateway = h.sandboxOrder(order.merchantTransId);
    assert.ok(gateway, 'the gateway processed it after the till went down');
    h.setFaults({});

    const journaled = h.observer().getOrder(order.id)!;
    assert.equal(journaled.state, 'SENDING');
    assert.equal(h.observer().attempts(order.id).length, 0, 'the answer never made it to disk');

    const after = h.openTill();
    const awaiting = await after.waitState(order.id, 'AWAITING_PAYMENT');
    assert.equal(awaiting.qrCode, gateway.orderQrCode, 'the same QR: the gateway answered the resend from the original');
    assert.equal(h.sandbox.stats().replays, 1);
    const sends = h.sentFor(order.merchantTransId, 'preCreate');
    assert.deepEqual(sends.map((s) => s.till), [before.index, after.index]);
    assert.equal(sends[0]!.bodyText, sends[1]!.bodyText);
    assert.notEqual(sends[0]!.reqMsgId, sends[1]!.reqMsgId);
    h.assertConsistent(after.journal);
  });

  test('SENDING after unknown outcomes, engine stopped: the next engine resolves it', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.setFaults({ unknown: 1, processFirst: 1, apis: ['preCreate'] });
    const before = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await before.create();
    await waitUntil('two unknown outcomes', () => before.journal.attempts(order.id).length >= 2);
    await before.stop();
    const left = h.observer().getOrder(order.id)!;
    assert.equal(left.state, 'SENDING');
    assert.ok(left.unknownCount >= 2);
    h.setFaults({});

    const after = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const awaiting = await after.waitState(order.id, 'AWAITING_PAYMENT');
    assert.equal(awaiting.qrCode, h.sandboxOrder(order.merchantTransId)?.orderQrCode);
    assert.equal(new Set(h.sentFor(order.merchantTransId, 'preCreate').map((s) => s.bodyText)).size, 1);
    h.assertConsistent(after.journal);
  });

  test('AWAITING_PAYMENT, engine stopped: the next engine goes on polling and sees the payment', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const before = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await before.create();
    await before.waitState(order.id, 'AWAITING_PAYMENT');
    await before.stop();

    const after = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    await waitUntil('the new engine polls', () => h.sentFor(order.merchantTransId, 'payQuery').some((r) => r.till === after.index));
    h.sandbox.pay(order.merchantTransId);
    const paid = await after.waitState(order.id, 'PAID');
    assert.equal(paid.alarm, null);
    assert.equal(h.sentFor(order.merchantTransId, 'preCreate').length, 1, 'not re-created');
    h.assertConsistent(after.journal);
  });

  test('AWAITING_PAYMENT whose window ended while the till was off: the next engine cancels it by the journaled deadline', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const before = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const unpaid = await before.create({ title: 'Walked away' });
    const paidMeanwhile = await before.create({ title: 'Paid while the till was off' });
    for (const o of [unpaid, paidMeanwhile]) await before.waitState(o.id, 'AWAITING_PAYMENT');
    await before.crash();
    h.sandbox.pay(paidMeanwhile.merchantTransId);

    // Switched on again ten minutes later.
    const later = () => Date.now() + 10 * 60_000;
    const after = h.openTill({ now: later, settings: { paymentWindowMs: 30_000 } });
    const cancelled = await after.waitState(unpaid.id, ['CANCELLED', 'PAID']);
    assert.equal(cancelled.state, 'CANCELLED');
    assert.equal(h.sandboxOrder(unpaid.merchantTransId)?.status, 'CANCELLED');
    // The last look before cancelling finds the payment: taken as paid, never cancelled.
    const paid = await after.waitState(paidMeanwhile.id, ['CANCELLED', 'PAID']);
    assert.equal(paid.state, 'PAID');
    assert.equal(paid.alarm, null);
    assert.equal(h.sentFor(paidMeanwhile.merchantTransId, 'payCancel').length, 0, 'a paid order is not cancelled');
    assert.equal(h.sandboxOrder(paidMeanwhile.merchantTransId)?.status, 'SUCCESS');
    h.assertConsistent(after.journal);
  });

  test('CANCELLING with the payCancel outcome unknown, engine stopped: the next engine cancels it', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const before = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await before.create();
    await before.waitState(order.id, 'AWAITING_PAYMENT');
    h.setFaults({ unknown: 1, processFirst: 0, apis: ['payCancel'] });
    before.engine.cancel(order.id);
    await waitUntil('a payCancel came back unknown', () => before.journal.attempts(order.id).some((a) => a.api === 'payCancel' && a.outcome === 'U'));
    await before.stop();
    assert.equal(h.observer().getOrder(order.id)?.state, 'CANCELLING');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'INIT');
    h.setFaults({});

    const after = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    await after.waitState(order.id, 'CANCELLED');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
    assert.deepEqual(statePath(after.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED']);
    h.assertConsistent(after.journal);
  });

  test('a pending refund whose answer was lost, power lost: the next engine re-sends it as it was and the gateway refunds once', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const before = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await before.create({ amountMinor: 800 });
    await before.waitState(order.id, 'AWAITING_PAYMENT');
    h.sandbox.pay(order.merchantTransId);
    await before.waitState(order.id, 'PAID');
    h.setFaults({ unknown: 1, processFirst: 1, apis: ['refund'] });
    const refund = await before.engine.refund(order.id, 800, 'Returned');
    await waitUntil('the refund was processed, its answer lost', () => before.journal.attempts(order.id).some((a) => a.api === 'refund'));
    await before.crash();
    assert.equal(h.sandboxOrder(order.merchantTransId)?.refunded, '800');
    h.setFaults({});

    const after = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const refunded = await after.waitState(order.id, 'REFUNDED');
    assert.equal(refunded.refundedMinor, 800);
    assert.equal(after.journal.getRefund(refund.id)?.state, 'SUCCEEDED');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.refunded, '800', 'refunded once');
    assert.equal(new Set(h.sentFor(refund.merchantRefundId, 'refund').map((s) => s.bodyText)).size, 1);
    h.assertConsistent(after.journal);
  });

  test('several orders in different states at once, two crashes in a row: every one resolves', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const settings = { paymentWindowMs: 30_000 };
    const first = h.openTill({ settings });
    const awaiting = await first.create({ title: 'awaiting' });
    await first.waitState(awaiting.id, 'AWAITING_PAYMENT');
    h.setFaults({ unknown: 1, processFirst: 1, apis: ['preCreate'] });
    const sending = await first.create({ title: 'sending' });
    await waitUntil('an unknown outcome', () => first.journal.attempts(sending.id).length >= 1);
    await first.crash();
    const second = h.openTill({ settings, start: false });
    const fresh = await second.create({ title: 'new' });
    await second.crash();

    h.setFaults({});
    const third = h.openTill({ settings });
    for (const o of [awaiting, sending, fresh]) await third.waitState(o.id, 'AWAITING_PAYMENT');
    for (const o of [awaiting, sending, fresh]) h.sandbox.pay(o.merchantTransId);
    for (const o of [awaiting, sending, fresh]) await third.waitState(o.id, 'PAID');
    assert.equal(third.journal.countUnresolved(), 0);
    assert.equal(h.sandbox.orders().length, 3);
    h.assertConsistent(third.journal);
  });
});
