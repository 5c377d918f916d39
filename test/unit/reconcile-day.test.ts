import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Journal } from '../../main/journal/journal';
import { reconcileDay, type CurrencyTotals } from '../../main/journal/reconcile';
import type { OrderState } from '../../main/journal/types';
import { errorOf, localMs, openJournal, orderIn } from './journal-kit';

function refund(journal: Journal, orderId: number, amountMinor: number, settle: 'SUCCEEDED' | 'FAILED' | null) {
  const order = journal.getOrder(orderId)!;
  const r = journal.createRefund({
    orderId,
    merchantRefundId: `${order.merchantTransId}R${String(journal.nextRefundSeq(orderId)).padStart(2, '0')}`,
    amountMinor,
    currency: order.currency,
    reason: null,
    bodyText: '{}',
    actor: 'supervisor',
  });
  if (settle) journal.settleRefund(r.id, settle, {}, 'engine');
  return r;
}

function byCurrency(list: CurrencyTotals[]): Record<string, CurrencyTotals> {
  return Object.fromEntries(list.map((c) => [c.currency, c]));
}

describe('reconcileDay', () => {
  test('per currency, exact integer sums: USD (2 decimals), JPY (0), KWD (3)', () => {
    const { journal } = openJournal();
    const plan: Array<[OrderState, string, number]> = [
      ['PAID', 'USD', 239],
      ['PAID', 'USD', 1001],
      ['PAID', 'USD', 1],
      ['CANCELLED', 'USD', 500],
      ['FAILED', 'USD', 700],
      ['SENDING', 'USD', 999],
      ['PAID', 'JPY', 1500],
      ['PAID', 'JPY', 98_765],
      ['AWAITING_PAYMENT', 'JPY', 300],
      ['PAID', 'KWD', 1_234_567_890_123],
      ['PAID', 'KWD', 1_234_567_890_123],
      ['PAID', 'KWD', 1],
      ['CANCELLING', 'KWD', 5],
    ];
    const orders = plan.map(([state, currency, amountMinor]) => orderIn(journal, state, { currency, amountMinor }));
    // USD: refund the 1001 order in full and 39 of the 239; JPY: 500 of 1500 pending, 100 failed.
    refund(journal, orders[1]!.id, 1001, 'SUCCEEDED');
    refund(journal, orders[0]!.id, 39, 'SUCCEEDED');
    const pending = refund(journal, orders[6]!.id, 500, null);
    refund(journal, orders[6]!.id, 100, 'FAILED');

    const report = reconcileDay(journal, '2025-03-14');
    assert.equal(report.day, '2025-03-14');
    assert.equal(report.closed, false);
    assert.equal(report.closedAt, null);
    assert.equal(report.orderCount, plan.length);
    assert.deepEqual(report.currencies.map((c) => c.currency), ['JPY', 'KWD', 'USD']);
    const t = byCurrency(report.currencies);
    assert.deepEqual(t.USD, {
      currency: 'USD',
      paid: { count: 3, amountMinor: 1241 },
      refunded: { count: 2, amountMinor: 1040 },
      netMinor: 201,
      cancelled: { count: 1, amountMinor: 500 },
      failed: { count: 1, amountMinor: 700 },
      unresolved: { count: 1, amountMinor: 999 },
    });
    assert.deepEqual(t.JPY, {
      currency: 'JPY',
      paid: { count: 2, amountMinor: 100_265 },
      refunded: { count: 0, amountMinor: 0 },
      netMinor: 100_265,
      cancelled: { count: 0, amountMinor: 0 },
      failed: { count: 0, amountMinor: 0 },
      unresolved: { count: 1, amountMinor: 300 },
    });
    assert.deepEqual(t.KWD?.paid, { count: 3, amountMinor: 2_469_135_780_247 });
    assert.deepEqual(t.KWD?.unresolved, { count: 1, amountMinor: 5 });
    // A fully refunded order still counts in paid (gross); the refund in refunded.
    assert.equal(journal.getOrder(orders[1]!.id)?.state, 'REFUNDED');

    assert.deepEqual(
      report.exceptions.map((e) => [e.kind, e.merchantTransId ?? null, e.code]),
      [
        ['UNRESOLVED', orders[5]!.merchantTransId, 'SENDING'],
        ['UNRESOLVED', orders[8]!.merchantTransId, 'AWAITING_PAYMENT'],
        ['UNRESOLVED', orders[12]!.merchantTransId, 'CANCELLING'],
        ['PENDING_REFUND', orders[6]!.merchantTransId, pending.merchantRefundId],
      ],
    );
    assert.match(report.exceptions[0]!.message, /USD 9\.99\) is still SENDING/);
    assert.match(report.exceptions[2]!.message, /KWD 0\.005\)/);
  });

  test("refunds count on the day they were journaled; other days' orders are not mixed in", () => {
    const { journal, clock } = openJournal();
    const monday = orderIn(journal, 'PAID', { amountMinor: 1000 });
    clock.set(localMs(2025, 3, 15, 10));
    orderIn(journal, 'PAID', { amountMinor: 50 });
    refund(journal, monday.id, 400, 'SUCCEEDED');
    const fri = byCurrency(reconcileDay(journal, '2025-03-14').currencies).USD!;
    const sat = byCurrency(reconcileDay(journal, '2025-03-15').currencies).USD!;
    assert.deepEqual([fri.paid.amountMinor, fri.refunded.amountMinor, fri.netMinor], [1000, 0, 1000]);
    assert.deepEqual([sat.paid.amountMinor, sat.refunded.amountMinor, sat.netMinor], [50, 400, -350]);
    const empty = reconcileDay(journal, '2025-03-16');
    assert.deepEqual([empty.orderCount, empty.currencies, empty.exceptions], [0, [], []]);
  });

  test('exceptions: order alarms (kept after clearing), open alarms of the day or of no order, once each', () => {
    const { journal, clock } = openJournal();
    const paidAfterCancel = orderIn(journal, 'CANCELLING');
    journal.transition(paidAfterCancel.id, 'CANCELLING', { state: 'PAID', paidAt: 't', alarm: 'PAID_AFTER_CANCEL' }, { actor: 'engine', kind: 'paid_after_cancel' });
    journal.raiseAlarm({ kind: 'PAID_AFTER_CANCEL', code: 'ORDER_STATUS_INVALID', orderId: paidAfterCancel.id, message: 'paid while cancelling' });
    const mismatch = orderIn(journal, 'SENDING');
    const mismatchAlarm = journal.raiseAlarm({ kind: 'AMOUNT_MISMATCH', orderId: mismatch.id, message: 'amount differs' });
    journal.transition(mismatch.id, 'SENDING', { state: 'FAILED' }, { actor: 'engine', kind: 'failed' });
    const config = journal.raiseAlarm({ kind: 'CONFIG', code: 'KEY_NO_FOUND', message: 'merchant key unknown to the gateway' });
    clock.set(localMs(2025, 3, 15));
    const tomorrow = orderIn(journal, 'SENDING');
    journal.raiseAlarm({ kind: 'INTEGRITY', orderId: tomorrow.id, message: 'bad echo' });

    const report = reconcileDay(journal, '2025-03-14');
    assert.deepEqual(
      report.exceptions.map((e) => [e.kind, e.orderId, e.code]),
      [
        ['ORDER_ALARM', paidAfterCancel.id, 'PAID_AFTER_CANCEL'],
        ['OPEN_ALARM', mismatch.id, 'AMOUNT_MISMATCH'],
        ['OPEN_ALARM', null, 'KEY_NO_FOUND'],
      ],
    );
    journal.clearAlarm(mismatchAlarm.id, 'supervisor');
    journal.clearAlarm(config.id, 'supervisor');
    assert.deepEqual(
      reconcileDay(journal, '2025-03-14').exceptions.map((e) => e.kind),
      ['ORDER_ALARM'],
    );
  });

  test('a closed day reports closed; the stored Z report equals the live one', () => {
    const { journal, clock } = openJournal();
    orderIn(journal, 'PAID', { amountMinor: 777, currency: 'KWD' });
    const z = journal.closeDay('2025-03-14', 'supervisor');
    const live = reconcileDay(journal.db, '2025-03-14');
    assert.deepEqual([live.closed, live.closedAt], [true, clock.ms]);
    assert.deepEqual(live.currencies, z.currencies);
  });

  test('sums beyond exact integer range are refused, not rounded', () => {
    const { journal } = openJournal();
    orderIn(journal, 'PAID', { amountMinor: Number.MAX_SAFE_INTEGER });
    orderIn(journal, 'PAID', { amountMinor: 2 });
    assert.equal(errorOf(() => reconcileDay(journal, '2025-03-14')).code, 'AMOUNT_OVERFLOW');
    assert.equal(errorOf(() => reconcileDay(journal, '14.03.2025')).code, 'DAY_INVALID');
  });
});
