// Settling by hand (issue 10 §2): the end of an order the gateway's answers do not end.
// The engine stops asking, the event says who and why, the NEEDS_REVIEW alarm is cleared,
// and the day's report keeps it as an exception. Real SQLite, the real client and sandbox
// over loopback HTTP.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTillError } from '../../main/errors';
import { reconcileDay } from '../../main/journal/reconcile';
import { EngineHarness, statePath, waitUntil } from '../support/engine-harness';

describe('checkout engine: settle by hand', { concurrency: 2 }, () => {
  test('a stuck order (cancel refused, NEEDS_REVIEW) settled as cancelled: final, alarm cleared, no more requests, an exception in the day', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 300, stalledBackoff: { baseMs: 100, maxMs: 400 }, reviewAfter: 3 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    h.setFaults({ forceResult: { payCancel: 'PROCESS_FAIL' } });
    await waitUntil('NEEDS_REVIEW', () => till.engine.openAlarms().some((a) => a.kind === 'NEEDS_REVIEW' && a.orderId === order.id), 15_000);

    const settled = till.engine.settle(order.id, 'CANCELLED', '  Alipay portal: not paid,   closed by support ', 'supervisor', 'Mei (supervisor)');
    assert.equal(settled.state, 'CANCELLED');
    assert.equal(settled.alarm, 'SETTLED_BY_HAND');
    assert.deepEqual(statePath(till.journal, order.id).slice(-2), ['CANCELLING', 'CANCELLED']);
    const event = till.journal.events(order.id).find((e) => e.kind === 'settled_by_hand')!;
    assert.equal(event.actor, 'supervisor');
    assert.deepEqual(event.detail, { as: 'CANCELLED', reason: 'Alipay portal: not paid, closed by support', by: 'Mei (supervisor)' });
    assert.ok(!till.engine.openAlarms().some((a) => a.kind === 'NEEDS_REVIEW'), 'the review alarm is cleared');

    const sent = h.sentFor(order.merchantTransId).length;
    await new Promise((r) => setTimeout(r, 1_000));
    await till.engine.resolveNow();
    assert.equal(h.sentFor(order.merchantTransId).length, sent, 'the engine asks no more');

    const report = reconcileDay(till.journal, order.businessDay);
    const exception = report.exceptions.find((e) => e.orderId === order.id)!;
    assert.equal(exception.kind, 'ORDER_ALARM');
    assert.equal(exception.code, 'SETTLED_BY_HAND');
    assert.match(exception.message, /settled by hand as CANCELLED by Mei \(supervisor\): Alipay portal: not paid/);
  });

  test('settled as paid: PAID with a time; a final order, an empty reason or a wrong "as" is refused and changes nothing', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000, pollIntervalMs: 30_000 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    assert.throws(() => till.engine.settle(order.id, 'PAID', '   ', 'cli', 'cli:root'), (e) => isTillError(e, 'FIELD_MISSING') && e.field === 'reason');
    assert.throws(() => till.engine.settle(order.id, 'REFUNDED' as 'PAID', 'x', 'cli', 'cli:root'), (e) => isTillError(e, 'FIELD_INVALID') && e.field === 'as');
    assert.equal(till.journal.getOrder(order.id)?.state, 'AWAITING_PAYMENT');
    const paid = till.engine.settle(order.id, 'PAID', 'paid in cash at the counter after the app froze', 'cli', 'cli:root');
    assert.equal(paid.state, 'PAID');
    assert.ok(paid.paidAt);
    assert.throws(() => till.engine.settle(order.id, 'CANCELLED', 'again', 'cli', 'cli:root'), (e) => isTillError(e, 'ORDER_FINAL'));
    assert.equal(till.journal.getOrder(order.id)?.state, 'PAID');
  });
});
