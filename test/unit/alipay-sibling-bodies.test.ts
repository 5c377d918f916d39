// Bodies of payQuery, payCancel and refund (docs/protocol.md §3): checked by the same rules, frozen as text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isTillError } from '../../main/errors';
import { validate } from '../../main/alipay/field-rules';
import { refundBodyRule } from '../../main/alipay/schemas';
import { lookupBodyText, refundBodyText } from '../../main/alipay/sibling-bodies';
import { utf8Length } from '../../main/alipay/utf8-text';
import { cashierText } from '../support/protocol-fixtures';

const invalid = (field: string) => (e: unknown) => isTillError(e, 'FIELD_INVALID') && e.field === field;

describe('lookupBodyText', () => {
  test('names the order by merchantTransId or acquirementId, dropping what is empty', () => {
    assert.equal(lookupBodyText('M1', { merchantTransId: 'T1' }, 'payQuery'), '{"merchantId":"M1","merchantTransId":"T1"}');
    assert.equal(lookupBodyText('M1', { acquirementId: 'A1', merchantTransId: '' }, 'payCancel'), '{"merchantId":"M1","acquirementId":"A1"}');
    assert.equal(lookupBodyText('M1', { acquirementId: 'A1', merchantTransId: 'T1' }, 'payQuery'), '{"merchantId":"M1","acquirementId":"A1","merchantTransId":"T1"}');
  });

  test('refuses a lookup without a reference, or with a bad one', () => {
    assert.throws(() => lookupBodyText('M1', {}, 'payQuery'), invalid('body.acquirementId'));
    assert.throws(() => lookupBodyText('M1', { merchantTransId: 'T 1' }, 'payQuery'), invalid('body.merchantTransId'));
    assert.throws(() => lookupBodyText('M1', { merchantTransId: 'T'.repeat(65) }, 'payCancel'), invalid('body.merchantTransId'));
    assert.throws(() => lookupBodyText('', { merchantTransId: 'T1' }, 'payQuery'), invalid('body.merchantId'));
  });
});

describe('refundBodyText', () => {
  const refund = { acquirementId: 'A1', merchantRefundId: 'R-1', amountMinor: 100, currency: 'USD' };

  test('a refund body is valid and deterministic', () => {
    const text = refundBodyText('M1', { ...refund, reason: '  wrong size  ' });
    assert.equal(text, '{"merchantId":"M1","acquirementId":"A1","merchantRefundId":"R-1","refundAmount":{"currency":"USD","value":"100"},"refundReason":"wrong size"}');
    assert.equal(refundBodyText('M1', { ...refund, reason: '  wrong size  ' }), text);
  });

  test('property: any reason is cut to 256 bytes and the body stays valid', () => {
    fc.assert(
      fc.property(cashierText(400), (reason) => {
        const body = JSON.parse(refundBodyText('M1', { ...refund, reason }));
        assert.deepEqual(validate(body, refundBodyRule, 'body'), []);
        assert.ok(utf8Length(body.refundReason) <= 256);
        assert.ok(reason.trim().startsWith(body.refundReason));
      }),
      { numRuns: 150 },
    );
  });

  test('refuses bad amounts, ids and text', () => {
    assert.throws(() => refundBodyText('M1', { ...refund, amountMinor: 0 }), (e: unknown) => isTillError(e, 'AMOUNT_INVALID'));
    assert.throws(() => refundBodyText('M1', { ...refund, currency: 'usd' }), (e: unknown) => isTillError(e, 'CURRENCY_INVALID'));
    assert.throws(() => refundBodyText('M1', { ...refund, merchantRefundId: 'R 1' }), invalid('body.merchantRefundId'));
    assert.throws(() => refundBodyText('M1', { ...refund, acquirementId: '' }), invalid('body.acquirementId'));
    assert.throws(() => refundBodyText('M1', { ...refund, reason: 'bad\u0000' }), invalid('reason'));
  });
});
