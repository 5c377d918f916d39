// The checkout engine through every transition of docs/architecture.md's "Order lifecycle", with real
// parts: a SQLite file in a temp dir, the real client over loopback HTTP, the real sandbox.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTillError } from '../../main/errors';
import type { OrderRecord } from '../../main/journal/types';
import { EngineHarness, statePath, waitUntil } from '../support/engine-harness';

describe('checkout engine: order lifecycle against the sandbox', { concurrency: 4 }, () => {
  test('happy path: journaled (durably, frozen body) before the first byte, QR after a verified S, paid', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const atSend: Array<OrderRecord | undefined> = [];
    const till = h.openTill({
      beforeSend: (r) => {
        if (r.api === 'preCreate') atSend.push(h.observer().getByTransId(r.key));
      },
    });

    const order = await till.create({ amountMinor: 1234, title: 'Flat white', cartId: 'cart-happy' });
    // Online and free to send: journaled NEW and SENDING in one commit (both events kept).
    assert.equal(order.state, 'SENDING');
    assert.equal(order.amountMinor, 1234);
    assert.match(order.merchantTransId, /^TILL-1\d{8}\d{6}$/);
    const awaiting = await till.waitState(order.id, 'AWAITING_PAYMENT');

    // What a second connection read off the file the moment the preCreate was handed over.
    const preCreates = h.sentFor(order.merchantTransId, 'preCreate');
    assert.equal(preCreates.length, 1);
    assert.equal(atSend.length, 1);
    assert.ok(atSend[0], 'the order was committed to the file before the preCreate left');
    assert.equal(atSend[0].bodyText, preCreates[0]!.bodyText, 'the sent body is the journaled one, byte for byte');
    assert.equal(atSend[0].state, 'SENDING', 'SENDING is journaled before the send');

    const gateway = h.sandboxOrder(order.merchantTransId);
    assert.ok(gateway);
    assert.equal(awaiting.qrCode, gateway.orderQrCode);
    assert.equal(awaiting.acquirementId, gateway.acquirementId);
    assert.equal(awaiting.resultCode, 'SUCCESS');
    assert.ok(awaiting.payDeadline !== null && awaiting.payDeadline > Date.now());

    await waitUntil('the engine polled a few times', () => (till.journal.attempts(order.id).find((a) => a.status === 'INIT')?.repeats ?? 0) >= 2);
    h.sandbox.pay(order.merchantTransId);
    const paid = await till.waitState(order.id, 'PAID');
    assert.equal(paid.qrCode, gateway.orderQrCode);
    assert.match(paid.paidAt ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(paid.alarm, null);

    // Event log and emitted events, in order.
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'PAID']);
    const kinds = till.journal.events(order.id).map((e) => `${e.actor}:${e.kind}`);
    assert.deepEqual(kinds, ['cashier:created', 'engine:sending', 'engine:qr_ready', 'engine:paid']);
    const emitted = till.orderEvents.filter((o) => o.id === order.id).map((o) => o.state);
    assert.deepEqual(emitted, ['SENDING', 'AWAITING_PAYMENT', 'PAID']);

    // Attempts: the preCreate, the INIT polls (folded into one row), the SUCCESS poll.
    const attempts = till.journal.attempts(order.id);
    assert.deepEqual(
      attempts.map((a) => `${a.api}:${a.outcome}:${a.status ?? a.resultCode}`),
      ['preCreate:S:SUCCESS', 'payQuery:S:INIT', 'payQuery:S:SUCCESS'],
    );
    assert.equal(attempts[1]!.repeats, h.sent.filter((r) => r.api === 'payQuery').length - 1, 'every INIT poll is counted in the folded row');
    assert.ok(attempts[1]!.repeats >= 2);
    assert.equal(attempts[0]!.reqMsgId, preCreates[0]!.reqMsgId);
    assert.ok(attempts[0]!.rawResponse?.includes(gateway.orderQrCode), 'the raw answer is kept for audit');
    const qrEvent = till.journal.events(order.id).find((e) => e.kind === 'qr_ready');
    assert.deepEqual(qrEvent?.detail, { outcome: 'S', resultCode: 'SUCCESS' });
    assert.equal(attempts[1]!.rawResponse, null, 'a "not paid yet" poll keeps its row, not its text');
    h.assertConsistent(till.journal);
  });

  test('the payment window ends: AWAITING_PAYMENT → CANCELLING → CANCELLED, and the QR is void at the gateway', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 1_500 } });
    const order = await till.create();
    await till.waitState(order.id, ['AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED']);
    const shownAt = performance.now();
    const cancelled = await till.waitState(order.id, 'CANCELLED');
    assert.ok(performance.now() - shownAt >= till.engine.settings.paymentWindowMs - 50, 'not cancelled before the window ended');
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED']);
    assert.equal(till.journal.events(order.id).find((e) => e.kind === 'cancelling')?.detail?.why, 'payment window over');
    assert.equal(cancelled.alarm, null);
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
    assert.throws(() => h.sandbox.pay(order.merchantTransId), (e) => isTillError(e, 'SANDBOX_ORDER_NOT_PAYABLE'));
    assert.throws(() => till.engine.cancel(order.id), (e) => isTillError(e, 'ORDER_FINAL'));
    h.assertConsistent(till.journal);
  });

  test('the cashier cancels while the QR is shown: CANCELLED at once, well inside the window', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    const requested = till.engine.cancel(order.id);
    assert.equal(requested.cancelRequested, true);
    assert.equal(till.engine.cancel(order.id).cancelRequested, true, 'a second click is harmless');
    await till.waitState(order.id, 'CANCELLED');
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED']);
    const events = till.journal.events(order.id);
    assert.equal(events.filter((e) => e.kind === 'cancel_requested').length, 1);
    assert.equal(events.find((e) => e.kind === 'cancel_requested')?.actor, 'cashier');
    assert.equal(events.find((e) => e.kind === 'cancelling')?.detail?.why, 'requested');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
    assert.equal(h.sentFor(order.merchantTransId, 'payCancel').length, 1);
    h.assertConsistent(till.journal);
  });

  for (const processFirst of [0, 1] as const) {
    test(`cancel while SENDING with an unknown outcome (processFirst ${processFirst}): SENDING → CANCELLING → CANCELLED; a late resend cannot revive it`, async (t) => {
      const h = await EngineHarness.start();
      t.after(() => h.close());
      h.setFaults({ unknown: 1, processFirst, apis: ['preCreate'] });
      const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
      const order = await till.create();
      await waitUntil('an unknown outcome is journaled', () => till.journal.events(order.id).some((e) => e.kind === 'outcome_unknown'));
      till.engine.cancel(order.id);
      const cancelled = await till.waitState(order.id, 'CANCELLED');
      assert.equal(cancelled.qrCode, null, 'no QR was ever shown');
      assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'CANCELLING', 'CANCELLED']);

      if (processFirst === 1) {
        assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
      } else {
        // Like Alipay, the gateway answers "not found" to the cancel and the query; a second
        // query confirms it, and the order ends as never having reached Alipay.
        assert.equal(h.sandboxOrder(order.merchantTransId), undefined);
        assert.equal(cancelled.resultMessage, 'never reached Alipay');
        const calls = h.sentFor(order.merchantTransId).filter((r) => r.api !== 'preCreate').map((r) => r.api);
        assert.deepEqual(calls, ['payCancel', 'payQuery', 'payCancel', 'payQuery'], 'one cancel and one query, then one more of each to confirm');
      }

      // The frozen body arrives late (a resend stuck in some queue): it must not bring the order back.
      h.setFaults({});
      await till.client.preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: { currency: 'USD', value: '239' } });
      if (processFirst === 1) {
        assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
        assert.throws(() => h.sandbox.pay(order.merchantTransId), (e) => isTillError(e) && /^SANDBOX_ORDER_NOT_(PAYABLE|FOUND)$/.test(e.code));
      }
      // processFirst 0: a gateway that never had the order may create it now (Alipay does not
      // promise otherwise), but its QR reached nobody: the till never shows or prints it.
      await till.engine.resolveNow();
      assert.equal(till.journal.getOrder(order.id)?.state, 'CANCELLED');
      assert.ok(till.orderEvents.filter((o) => o.id === order.id).every((o) => o.state !== 'AWAITING_PAYMENT'), 'never waiting with a QR');
      h.assertConsistent(till.journal);
    });
  }

  test('paid just before the cancel lands: cancel refused → query → PAID with a PAID_AFTER_CANCEL alarm', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    // No poll between the QR and the cancel: the engine learns of the payment only through the cancel.
    const till = h.openTill({ settings: { paymentWindowMs: 30_000, pollIntervalMs: 30_000 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    h.sandbox.pay(order.merchantTransId);
    till.engine.cancel(order.id);
    const paid = await till.waitState(order.id, ['PAID', 'CANCELLED']);
    assert.equal(paid.state, 'PAID');
    assert.equal(paid.alarm, 'PAID_AFTER_CANCEL');
    assert.ok(paid.paidAt);
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'PAID']);
    assert.ok(till.journal.events(order.id).some((e) => e.kind === 'paid_after_cancel'));
    const calls = till.journal.attempts(order.id).map((a) => `${a.api}:${a.outcome}:${a.status ?? a.resultCode}`);
    assert.deepEqual(calls.slice(-2), ['payCancel:F:ORDER_STATUS_INVALID', 'payQuery:S:SUCCESS']);
    const alarms = till.engine.openAlarms().filter((a) => a.orderId === order.id);
    assert.deepEqual(alarms.map((a) => a.kind), ['PAID_AFTER_CANCEL']);
    assert.deepEqual(till.alarms.map((a) => a.kind), ['PAID_AFTER_CANCEL'], 'the alarm was emitted');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'SUCCESS');
    // Not a configuration problem: sales go on.
    const next = await till.create();
    await till.waitState(next.id, 'AWAITING_PAYMENT');
    h.assertConsistent(till.journal);
  });

  test('after a refused cancel, a query that reports the payment for another amount is not taken: unknown until a matching answer', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000, pollIntervalMs: 30_000 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    h.sandbox.pay(order.merchantTransId);
    // A gateway (or whatever stands in its place) that signs a payment of 1 cent more.
    h.rewrite = (api, body) => (api === 'payQuery' ? { ...body, payAmount: { currency: 'USD', value: '240' } } : undefined);
    till.engine.cancel(order.id);
    await waitUntil('the lying query was answered', () => till.journal.attempts(order.id).some((a) => a.api === 'payQuery' && a.outcome === 'U'));
    assert.equal(till.journal.getOrder(order.id)?.state, 'CANCELLING', 'a payment of another amount is not a payment of this order');
    assert.match(till.journal.attempts(order.id).find((a) => a.api === 'payQuery' && a.outcome === 'U')!.unknownReason ?? '', /payAmount/);
    h.rewrite = undefined;
    const paid = await till.waitState(order.id, ['PAID', 'CANCELLED']);
    assert.equal(paid.state, 'PAID');
    assert.equal(paid.alarm, 'PAID_AFTER_CANCEL');
  });

  test("paid just before the cancel lands, on a gateway that reverses paid orders: CANCELLED (reversed), no alarm", async (t) => {
    const h = await EngineHarness.start({ sandbox: { cancelPaid: 'reverse' } });
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000, pollIntervalMs: 30_000 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    h.sandbox.pay(order.merchantTransId);
    till.engine.cancel(order.id);
    const done = await till.waitState(order.id, ['PAID', 'CANCELLED']);
    assert.equal(done.state, 'CANCELLED');
    assert.equal(done.alarm, null);
    const gateway = h.sandboxOrder(order.merchantTransId);
    assert.equal(gateway?.status, 'CANCELLED');
    assert.equal(gateway?.reversed, true);
    assert.deepEqual(till.engine.openAlarms(), []);
    h.assertConsistent(till.journal);
  });

  test('SENDING → PAID: the preCreate answer was lost, the customer paid anyway; after resendsBeforeQuery unknowns the query finds it', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.setFaults({ unknown: 1, processFirst: 1, apis: ['preCreate'] });
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    await waitUntil('the gateway holds the order', () => h.sandboxOrder(order.merchantTransId) !== undefined);
    h.sandbox.pay(order.merchantTransId);
    const paid = await till.waitState(order.id, 'PAID');
    assert.equal(paid.qrCode, null);
    assert.equal(paid.acquirementId, h.sandboxOrder(order.merchantTransId)?.acquirementId);
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'PAID']);
    const calls = till.journal.attempts(order.id).map((a) => `${a.api}:${a.outcome}`);
    const n = till.engine.settings.resendsBeforeQuery;
    assert.deepEqual(calls.slice(0, n + 1), [...Array<string>(n).fill('preCreate:U'), 'payQuery:S']);
    h.assertConsistent(till.journal);
  });

  test('SENDING → CANCELLED: the lost preCreate created an order the gateway has since closed', async (t) => {
    const h = await EngineHarness.start({ sandbox: { orderLifetimeMs: 50 } });
    t.after(() => h.close());
    h.setFaults({ unknown: 1, processFirst: 1, apis: ['preCreate'] });
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    const done = await till.waitState(order.id, ['CANCELLED', 'FAILED', 'AWAITING_PAYMENT', 'PAID']);
    assert.equal(done.state, 'CANCELLED');
    assert.equal(done.resultCode, 'CLOSED');
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'CANCELLED']);
    assert.ok(till.journal.events(order.id).some((e) => e.kind === 'closed_by_gateway'));
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CLOSED');
    h.assertConsistent(till.journal);
  });

  test('AWAITING_PAYMENT → CANCELLED: the gateway closes the QR before the window ends', async (t) => {
    const h = await EngineHarness.start({ sandbox: { orderLifetimeMs: 400 } });
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    const done = await till.waitState(order.id, ['CANCELLED', 'CANCELLING', 'FAILED', 'PAID']);
    assert.equal(done.state, 'CANCELLED');
    assert.equal(done.resultCode, 'CLOSED');
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLED']);
    assert.equal(h.sentFor(order.merchantTransId, 'payCancel').length, 0, 'nothing left to cancel');
    h.assertConsistent(till.journal);
  });

  test('double-click: two concurrent create() with one cartId make one order and one gateway order', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill();
    const [a, b] = await Promise.all([till.create({ cartId: 'cart-42' }), till.create({ cartId: 'cart-42' })]);
    assert.equal(a.id, b.id);
    assert.equal(a.merchantTransId, b.merchantTransId);
    await till.waitState(a.id, 'AWAITING_PAYMENT');
    assert.equal(till.journal.listOrders().length, 1);
    assert.equal(h.sandbox.orders().length, 1);
    assert.equal(h.sent.filter((r) => r.api === 'preCreate').length, 1);
    assert.equal(till.orderEvents.filter((o) => o.state === 'SENDING').length, 1, 'one order announced (journaled SENDING at once: the engine is online)');
    // Another cart is another order.
    const c = await till.create({ cartId: 'cart-43' });
    assert.notEqual(c.id, a.id);
    await till.waitState(c.id, 'AWAITING_PAYMENT');
    h.assertConsistent(till.journal);
  });

  test('the wall clock jumps back an hour mid-run: ids stay unique, the QR is still cancelled when the monotonic window ends', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    let offset = 0;
    const now = () => Date.now() + offset;
    const till = h.openTill({ now, settings: { paymentWindowMs: 1_500 } });
    const first = await till.create();
    await till.waitState(first.id, 'AWAITING_PAYMENT');
    const shownAt = performance.now();
    offset = -3_600_000;
    const second = await till.create();
    offset = -25 * 3_600_000; // and back past midnight: yesterday's sequence
    const third = await till.create();
    const ids = [first, second, third].map((o) => o.merchantTransId);
    assert.equal(new Set(ids).size, 3, ids.join(' '));

    const cancelled = await till.waitState(first.id, 'CANCELLED');
    const elapsed = performance.now() - shownAt;
    assert.ok(elapsed >= till.engine.settings.paymentWindowMs - 50 && elapsed < 10_000, `cancelled after ${elapsed} ms, not an hour later`);
    assert.ok(cancelled.payDeadline! - now() > 3_000_000, 'by the wall clock the window had an hour left');
    assert.equal(till.journal.events(first.id).find((e) => e.kind === 'cancelling')?.detail?.why, 'payment window over');
    assert.equal(h.sandboxOrder(first.merchantTransId)?.status, 'CANCELLED');
    for (const o of [second, third]) await till.waitState(o.id, 'CANCELLED');
    assert.equal(new Set(h.sandbox.orders().map((o) => o.merchantTransId)).size, 3);
    h.assertConsistent(till.journal);
  });
});
