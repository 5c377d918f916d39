// Records become views field by field: the frozen body, raw answers and internal counters
// never reach a screen; the QR only while it can be paid; the cashier's words for a failure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attemptView, deviceView, orderView, refundView, settingView } from '../../main/ipc/views';
import type { AttemptRecord, OrderRecord, RefundRecord } from '../../main/journal/types';

const ORDER_VIEW_KEYS = [
  'id', 'merchantTransId', 'businessDay', 'amountMinor', 'currency', 'title', 'items', 'state', 'qrCode', 'acquirementId', 'resultCode',
  'cashierMessage', 'payDeadline', 'refundedMinor', 'alarm', 'cancelRequested', 'checking', 'createdAt', 'updatedAt',
].sort();

function order(patch: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: 7, merchantTransId: 'T0000000120250314000007', businessDay: '2025-03-14', terminalId: 'T00000001', seq: 7, amountMinor: 239, currency: 'USD',
    title: 'Coffee', detail: 'secret-ish detail', items: [{ name: 'Latte', quantity: 1, unitPriceMinor: 239 }], bodyText: '{"productCode":"OFFLINE_PAY"}',
    cartId: 'cart-7', state: 'AWAITING_PAYMENT', qrCode: 'http://127.0.0.1/qr/1', acquirementId: 'A1', resultCode: 'SUCCESS', resultMessage: 'success',
    payDeadline: 5, paidAt: null, refundedMinor: 0, alarm: null, cancelRequested: false, unknownCount: 0, nextActionAt: 3, createdAt: 1, updatedAt: 2,
    ...patch,
  };
}

describe('views', () => {
  test('an order view has exactly the contract\'s fields: no body, cart id or internal counters', () => {
    const view = orderView(order());
    assert.deepEqual(Object.keys(view).sort(), ORDER_VIEW_KEYS);
    assert.ok(!JSON.stringify(view).includes('OFFLINE_PAY'));
    assert.equal(view.qrCode, 'http://127.0.0.1/qr/1');
    assert.equal(view.cashierMessage, null);
  });

  test('the QR only while the order can be paid; a failure in the cashier\'s words; unknown outcomes are "checking"', () => {
    assert.equal(orderView(order({ state: 'CANCELLED' })).qrCode, null);
    // The screen gets the code; its catalog holds the words (never the gateway's raw text).
    assert.equal(orderView(order({ state: 'FAILED', resultCode: 'RISK_REJECT', resultMessage: 'raw gateway text' })).cashierMessage, 'RISK_REJECT');
    assert.equal(orderView(order({ state: 'FAILED', resultCode: 'SOME_NEW_CODE', resultMessage: 'raw gateway text' })).cashierMessage, 'OTHER');
    assert.ok(!JSON.stringify(orderView(order({ state: 'FAILED', resultCode: 'RISK_REJECT', resultMessage: 'raw gateway text' }))).includes('raw gateway text'));
    assert.equal(orderView(order({ state: 'SENDING', qrCode: null, unknownCount: 1 })).checking, true);
    assert.equal(orderView(order({ state: 'SENDING', qrCode: null, unknownCount: 0 })).checking, false);
    assert.equal(orderView(order({ state: 'PAID', unknownCount: 2 })).checking, false);
  });

  test('refunds and attempts: no frozen body, no raw answer, no HTTP detail', () => {
    const refund: RefundRecord = { id: 1, orderId: 7, merchantRefundId: 'T1R01', amountMinor: 100, currency: 'USD', reason: null, bodyText: '{"refundAmount":1}', state: 'FAILED', refundId: null, resultCode: 'PROCESS_FAIL', businessDay: '2025-03-14', createdAt: 1, updatedAt: 2 };
    const view = refundView(refund);
    assert.ok(!('bodyText' in view) && !('refundId' in view));
    assert.equal(view.cashierMessage, 'PROCESS_FAIL');
    const attempt: AttemptRecord = { id: 1, orderId: 7, refundId: null, api: 'payQuery', reqMsgId: 'r1', sentAt: 1, receivedAt: 2, outcome: 'S', resultCode: 'SUCCESS', status: 'INIT', unknownReason: null, httpStatus: 200, rawResponse: '{"signed":"answer"}', repeats: 3 };
    assert.deepEqual(Object.keys(attemptView(attempt)).sort(), ['api', 'outcome', 'receivedAt', 'repeats', 'reqMsgId', 'resultCode', 'sentAt', 'status', 'unknownReason']);
  });

  test('a disabled device says so; an enabled one not opened yet is disconnected', () => {
    const device = { name: 'p', role: 'printer' as const, path: '/dev/ttyS0', baud: 9600, dataBits: 8 as const, parity: 'none' as const, stopBits: 1 as const, flow: 'none' as const, profile: 'generic', enabled: false, updatedAt: 'x' };
    assert.deepEqual([deviceView(device, undefined).state, deviceView(device, undefined).code], ['offline', 'DEVICE_DISABLED']);
    assert.deepEqual([deviceView({ ...device, enabled: true }, undefined).state, deviceView({ ...device, enabled: true }, undefined).code], ['disconnected', 'NOT_OPENED']);
    assert.ok(!('updatedAt' in deviceView(device, undefined)));
  });

  test('an unset optional setting is null; a default is its text', () => {
    assert.equal(settingView({ key: 'gateway.caFile', value: '', isDefault: true, optional: true, description: 'd' }).value, null);
    assert.equal(settingView({ key: 'locale', value: 'en', isDefault: true, optional: false, description: 'd' }).value, 'en');
  });
});
