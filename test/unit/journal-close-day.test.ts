import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { count, errorOf, localMs, openJournal, orderIn } from './journal-kit';

describe('closeDay', () => {
  test('refused while an order of the day is unresolved, naming the count and the first ids', () => {
    const { db, journal } = openJournal();
    orderIn(journal, 'PAID');
    const stuck = ['SENDING', 'AWAITING_PAYMENT', 'NEW', 'CANCELLING', 'SENDING', 'NEW'].map((s) => orderIn(journal, s as never));
    const error = errorOf(() => journal.closeDay('2025-03-14', 'supervisor'));
    assert.equal(error.code, 'DAY_UNRESOLVED');
    assert.match(error.message, /6 orders are unresolved/);
    for (const order of stuck.slice(0, 5)) assert.match(error.message, new RegExp(order.merchantTransId));
    assert.doesNotMatch(error.message, new RegExp(stuck[5]!.merchantTransId), 'only the first few are named');
    assert.equal(journal.isDayClosed('2025-03-14'), false);
    assert.equal(count(db, 'business_days'), 0);
  });

  test('refused while a refund of the day is pending', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'PAID');
    const refund = journal.createRefund({ orderId: order.id, merchantRefundId: `${order.merchantTransId}R01`, amountMinor: 100, currency: 'USD', reason: null, bodyText: '{}', actor: 'supervisor' });
    const error = errorOf(() => journal.closeDay('2025-03-14', 'supervisor'));
    assert.equal(error.code, 'DAY_UNRESOLVED');
    assert.match(error.message, /1 refund is pending/);
    assert.match(error.message, new RegExp(refund.merchantRefundId));
    journal.settleRefund(refund.id, 'SUCCEEDED', {}, 'engine');
    assert.equal(journal.closeDay('2025-03-14', 'supervisor').closed, true);
  });

  test('closes a resolved day: Z report stored, day_closed event, then refused as DAY_CLOSED', () => {
    const { journal, clock } = openJournal();
    orderIn(journal, 'PAID', { amountMinor: 1000 });
    orderIn(journal, 'CANCELLED', { amountMinor: 500 });
    orderIn(journal, 'FAILED', { amountMinor: 200 });
    const other = orderIn(journal, 'SENDING', { businessDay: '2025-03-13', merchantTransId: 'T0120250313000001' });
    const z = journal.closeDay('2025-03-14', 'supervisor');
    assert.equal(z.closed, true);
    assert.equal(z.closedAt, clock.ms);
    assert.equal(z.closedBy, 'supervisor');
    assert.equal(z.orderCount, 3, 'an unresolved order of another day does not matter');
    assert.deepEqual(z.currencies.map((c) => [c.currency, c.paid.amountMinor, c.cancelled.count, c.failed.count]), [['USD', 1000, 1, 1]]);
    assert.deepEqual(journal.getZReport('2025-03-14'), z);
    assert.equal(journal.getZReport('2025-03-13'), undefined);
    assert.equal(errorOf(() => journal.closeDay('2025-03-14', 'supervisor')).code, 'DAY_CLOSED');
    assert.equal(errorOf(() => journal.closeDay('2025-03-13', 'supervisor')).code, 'DAY_UNRESOLVED');
    journal.transition(other.id, 'SENDING', { state: 'FAILED' }, { actor: 'engine', kind: 'failed' });
    assert.equal(journal.closeDay('2025-03-13', 'supervisor').orderCount, 1, 'an earlier day can be closed after a later one');
  });

  test('an empty day can be closed; a day not begun cannot; bad dates are refused', () => {
    const { journal, clock } = openJournal();
    assert.equal(journal.closeDay('2025-03-01', 'supervisor').orderCount, 0);
    assert.equal(errorOf(() => journal.closeDay('2025-03-15', 'supervisor')).code, 'DAY_NOT_STARTED');
    assert.equal(errorOf(() => journal.closeDay('2025-3-14', 'supervisor')).code, 'DAY_INVALID');
    clock.set(localMs(2025, 3, 15, 8));
    assert.equal(journal.closeDay('2025-03-15', 'supervisor').day, '2025-03-15');
  });
});
