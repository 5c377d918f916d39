// How the screens show an order (renderer/src/order/order-status.ts) and which order the
// customer display follows (renderer/src/customer/customer-follow.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OrderStateView, OrderView } from '../../preload/contract';
import { follow, initialOrder, lingerMs, RESULT_MS, THANKS_MS } from '../../renderer/src/customer/customer-follow';
import { canCancel, canLeave, isFinal, mergeRecent, newer, orderPhase } from '../../renderer/src/order/order-status';

function order(id: number, state: OrderStateView, extra: Partial<OrderView> = {}): OrderView {
  return {
    id,
    merchantTransId: `T${String(id).padStart(6, '0')}`,
    businessDay: '2026-01-02',
    amountMinor: 100,
    currency: 'USD',
    title: 'Store',
    items: [],
    state,
    qrCode: state === 'AWAITING_PAYMENT' ? 'https://qr.alipay.com/x' : null,
    acquirementId: null,
    resultCode: null,
    cashierMessage: null,
    payDeadline: null,
    refundedMinor: 0,
    alarm: null,
    cancelRequested: false,
    checking: false,
    createdAt: 1_000 + id,
    updatedAt: 1_000 + id,
    ...extra,
  };
}

describe('orderPhase', () => {
  test('each state has its word', () => {
    const phases = (['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'PAID', 'REFUNDED', 'CANCELLED', 'FAILED'] as const).map((s) => orderPhase(order(1, s)));
    assert.deepEqual(phases, ['creating', 'creating', 'waiting', 'cancelling', 'paid', 'refunded', 'cancelled', 'failed']);
  });

  test('an unknown outcome is "checking" until the order reaches a final state', () => {
    assert.equal(orderPhase(order(1, 'SENDING', { checking: true })), 'checking');
    assert.equal(orderPhase(order(1, 'AWAITING_PAYMENT', { checking: true })), 'checking');
    assert.equal(orderPhase(order(1, 'PAID', { checking: true })), 'paid');
  });

  test('final, cancellable, and when the cashier may start a new sale', () => {
    assert.ok(isFinal('paid') && isFinal('cancelled') && isFinal('failed') && isFinal('refunded'));
    assert.ok(!isFinal('waiting') && !isFinal('checking'));
    assert.equal(canCancel(order(1, 'AWAITING_PAYMENT')), true);
    assert.equal(canCancel(order(1, 'AWAITING_PAYMENT', { cancelRequested: true })), false);
    assert.equal(canCancel(order(1, 'PAID')), false);
    assert.equal(canLeave('waiting'), false, 'a live QR is cancelled first');
    assert.equal(canLeave('cancelling'), false);
    assert.ok(canLeave('checking') && canLeave('creating') && canLeave('paid'));
  });
});

describe('newer and mergeRecent', () => {
  test('a late event with an older view of the order is ignored', () => {
    const paid = order(5, 'PAID', { updatedAt: 2_000 });
    const stale = order(5, 'AWAITING_PAYMENT', { updatedAt: 1_500 });
    assert.equal(newer(paid, stale), paid);
    assert.equal(newer(stale, paid), paid);
    assert.equal(newer(null, stale), stale);
  });

  test('the recent list updates an order in place or adds it on top, newest first, within the limit', () => {
    const list = [order(3, 'PAID'), order(2, 'CANCELLED'), order(1, 'PAID')];
    const updated = mergeRecent(list, order(2, 'CANCELLED', { updatedAt: 9_999, refundedMinor: 0, title: 'x' }), 3);
    assert.deepEqual(updated.map((o) => o.id), [3, 2, 1]);
    assert.equal(updated[1]!.title, 'x');
    assert.deepEqual(mergeRecent(list, order(4, 'AWAITING_PAYMENT'), 3).map((o) => o.id), [4, 3, 2]);
    assert.deepEqual(list.map((o) => o.id), [3, 2, 1], 'the old list is not changed');
  });
});

describe('customer display', () => {
  test('follows the newest order and ignores older ones', () => {
    const first = order(1, 'AWAITING_PAYMENT');
    const second = order(2, 'AWAITING_PAYMENT');
    assert.equal(follow(null, first), first);
    assert.equal(follow(first, second), second);
    assert.equal(follow(second, order(1, 'CANCELLED', { updatedAt: 5_000 })), second);
    const paid = order(2, 'PAID', { updatedAt: 5_000 });
    assert.equal(follow(second, paid), paid);
  });

  test('a finished order stays up for a while: longer for the thank-you', () => {
    assert.equal(lingerMs(order(1, 'AWAITING_PAYMENT')), null);
    assert.equal(lingerMs(order(1, 'PAID')), THANKS_MS);
    assert.equal(lingerMs(order(1, 'FAILED')), RESULT_MS);
    assert.ok(THANKS_MS > RESULT_MS);
  });

  test('starts on the newest order only while it is going on', () => {
    assert.equal(initialOrder([]), null);
    assert.equal(initialOrder([order(2, 'PAID'), order(1, 'AWAITING_PAYMENT')]), null);
    const live = order(3, 'AWAITING_PAYMENT');
    assert.equal(initialOrder([live, order(2, 'PAID')]), live);
  });
});
