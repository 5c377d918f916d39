import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Journal } from '../../main/journal/journal';
import type { OrderRecord } from '../../main/journal/types';
import { count, errorOf, localMs, openJournal, orderIn } from './journal-kit';

function refundOf(journal: Journal, order: OrderRecord, amountMinor: number, seq = journal.nextRefundSeq(order.id)) {
  const merchantRefundId = `${order.merchantTransId}R${String(seq).padStart(2, '0')}`;
  return journal.createRefund({
    orderId: order.id,
    merchantRefundId,
    amountMinor,
    currency: order.currency,
    reason: 'customer changed mind',
    bodyText: JSON.stringify({ merchantRefundId, refundAmount: { currency: order.currency, value: String(amountMinor) } }),
    actor: 'supervisor',
  });
}

describe('refunds', () => {
  test('partial refunds up to the paid amount; the last one makes the order REFUNDED', () => {
    const { journal, clock } = openJournal();
    const order = orderIn(journal, 'PAID', { amountMinor: 1000 });
    assert.equal(journal.nextRefundSeq(order.id), 1);
    const first = refundOf(journal, order, 300);
    assert.deepEqual([first.state, first.amountMinor, first.businessDay, first.merchantRefundId], ['PENDING', 300, '2025-03-14', `${order.merchantTransId}R01`]);
    assert.equal(journal.nextRefundSeq(order.id), 2);
    assert.deepEqual(journal.pendingRefunds().map((r) => r.id), [first.id]);

    // 300 pending: 700 left, whatever has settled.
    assert.equal(errorOf(() => refundOf(journal, order, 701)).code, 'REFUND_TOO_LARGE');
    const second = refundOf(journal, order, 700);
    assert.equal(errorOf(() => refundOf(journal, order, 1)).code, 'REFUND_TOO_LARGE');

    clock.advance(1000);
    const settled = journal.settleRefund(first.id, 'SUCCEEDED', { refundId: 'RF1', resultCode: 'SUCCESS' }, 'engine');
    assert.deepEqual([settled.state, settled.refundId, settled.resultCode, settled.updatedAt], ['SUCCEEDED', 'RF1', 'SUCCESS', clock.ms]);
    assert.deepEqual([journal.getOrder(order.id)?.state, journal.getOrder(order.id)?.refundedMinor], ['PAID', 300]);

    journal.settleRefund(second.id, 'SUCCEEDED', { refundId: 'RF2', resultCode: 'SUCCESS' }, 'engine');
    const after = journal.getOrder(order.id)!;
    assert.deepEqual([after.state, after.refundedMinor], ['REFUNDED', 1000]);
    assert.deepEqual(journal.pendingRefunds(), []);
    assert.deepEqual(journal.refunds(order.id).map((r) => [r.merchantRefundId.slice(-3), r.state]), [
      ['R01', 'SUCCEEDED'],
      ['R02', 'SUCCEEDED'],
    ]);
    assert.deepEqual(
      journal.events(order.id).slice(-4).map((e) => [e.kind, e.fromState, e.toState, e.detail]),
      [
        ['refund_requested', 'PAID', 'PAID', { refund: first.merchantRefundId, amount: 300 }],
        ['refund_requested', 'PAID', 'PAID', { refund: second.merchantRefundId, amount: 700 }],
        ['refund_succeeded', 'PAID', 'PAID', { refund: first.merchantRefundId, amount: 300 }],
        ['refunded', 'PAID', 'REFUNDED', { refund: second.merchantRefundId, amount: 700 }],
      ],
    );
    assert.equal(errorOf(() => refundOf(journal, after, 1)).code, 'ORDER_NOT_REFUNDABLE');
  });

  test('a failed refund frees its amount', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'PAID', { amountMinor: 500 });
    const r = refundOf(journal, order, 500);
    assert.equal(errorOf(() => refundOf(journal, order, 1)).code, 'REFUND_TOO_LARGE');
    const failed = journal.settleRefund(r.id, 'FAILED', { resultCode: 'REFUND_AMOUNT_EXCEED' }, 'engine');
    assert.deepEqual([failed.state, failed.resultCode, failed.refundId], ['FAILED', 'REFUND_AMOUNT_EXCEED', null]);
    assert.deepEqual([journal.getOrder(order.id)?.state, journal.getOrder(order.id)?.refundedMinor], ['PAID', 0]);
    assert.equal(journal.events(order.id).at(-1)?.kind, 'refund_failed');
    assert.equal(refundOf(journal, order, 500).state, 'PENDING');
  });

  test('full refund in one go', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'PAID', { amountMinor: 12345, currency: 'JPY' });
    const r = refundOf(journal, order, 12345);
    journal.settleRefund(r.id, 'SUCCEEDED', {}, 'engine');
    assert.equal(journal.getOrder(order.id)?.state, 'REFUNDED');
  });

  test('only PAID orders, in their currency, with a positive whole amount', () => {
    const { journal } = openJournal();
    for (const state of ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED', 'FAILED'] as const) {
      const order = orderIn(journal, state);
      const error = errorOf(() => refundOf(journal, order, 1));
      assert.equal(error.code, 'ORDER_NOT_REFUNDABLE', state);
      assert.match(error.message, new RegExp(state));
    }
    const paid = orderIn(journal, 'PAID');
    assert.equal(errorOf(() => journal.createRefund({ orderId: paid.id, merchantRefundId: 'R1', amountMinor: 1, currency: 'EUR', reason: null, bodyText: '{}', actor: 'supervisor' })).code, 'REFUND_CURRENCY_MISMATCH');
    assert.equal(errorOf(() => refundOf(journal, paid, 0)).code, 'AMOUNT_INVALID');
    assert.equal(errorOf(() => refundOf(journal, paid, 1.5)).code, 'AMOUNT_INVALID');
    assert.equal(errorOf(() => journal.createRefund({ orderId: 999, merchantRefundId: 'R9', amountMinor: 1, currency: 'USD', reason: null, bodyText: '{}', actor: 'supervisor' })).code, 'ORDER_NOT_FOUND');
    const tooBig = errorOf(() => refundOf(journal, paid, 240));
    assert.equal(tooBig.code, 'REFUND_TOO_LARGE');
    assert.match(tooBig.message, /USD 2\.40 is more than the USD 2\.39 left/);
  });

  test('the same merchantRefundId is a retry (same refund back), or refused if it differs', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'PAID', { amountMinor: 1000 });
    const input = { orderId: order.id, merchantRefundId: `${order.merchantTransId}R01`, amountMinor: 400, currency: 'USD', reason: null, bodyText: '{"a":1}', actor: 'supervisor' as const };
    const first = journal.createRefund(input);
    assert.deepEqual(journal.createRefund(input), first);
    assert.equal(count(db, 'refunds'), 1);
    assert.equal(errorOf(() => journal.createRefund({ ...input, amountMinor: 401 })).code, 'REFUND_ID_TAKEN');
  });

  test('settling twice the same way is a no-op; the other way is refused', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'PAID', { amountMinor: 1000 });
    const r = refundOf(journal, order, 100);
    journal.settleRefund(r.id, 'SUCCEEDED', { refundId: 'X' }, 'engine');
    const events = count(db, 'events');
    assert.equal(journal.settleRefund(r.id, 'SUCCEEDED', { refundId: 'X' }, 'engine').state, 'SUCCEEDED');
    assert.equal(journal.getOrder(order.id)?.refundedMinor, 100, 'not added twice');
    assert.equal(count(db, 'events'), events);
    assert.equal(errorOf(() => journal.settleRefund(r.id, 'FAILED', {}, 'engine')).code, 'REFUND_SETTLED');
    assert.equal(errorOf(() => journal.settleRefund(777, 'FAILED', {}, 'engine')).code, 'REFUND_NOT_FOUND');
  });

  test("a refund belongs to the day it is journaled, not the order's day", () => {
    const { journal, clock } = openJournal();
    const order = orderIn(journal, 'PAID');
    clock.set(localMs(2025, 3, 16, 9));
    const r = refundOf(journal, order, 100);
    assert.equal(r.businessDay, '2025-03-16');
    assert.equal(journal.getRefund(r.id)?.orderId, order.id);
    assert.equal(journal.getRefund(9999), undefined);
  });
});
