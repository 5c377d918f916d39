import { toMoney } from './currency';
import { checkBody } from './field-rules';
import { bodyRules } from './schemas';
import { cutToUtf8Bytes, assertText } from './utf8-text';

/** Bodies of payQuery, payCancel and refund (docs/protocol.md §3), checked by the same rules as preCreate. */

export interface OrderRef {
  merchantTransId?: string;
  acquirementId?: string;
}

export function lookupBodyText(merchantId: string, ref: OrderRef, api: 'payQuery' | 'payCancel'): string {
  const body = { merchantId, acquirementId: ref.acquirementId || undefined, merchantTransId: ref.merchantTransId || undefined };
  checkBody(body, bodyRules[api]);
  return JSON.stringify(body);
}

export interface RefundInput {
  acquirementId: string;
  merchantRefundId: string;
  amountMinor: number;
  currency: string;
  reason?: string;
}

/** Frozen like a preCreate body: a retry re-sends the same merchantRefundId and bytes. */
export function refundBodyText(merchantId: string, input: RefundInput): string {
  if (input.reason !== undefined) assertText(input.reason, 'reason');
  const body = {
    merchantId,
    acquirementId: input.acquirementId,
    merchantRefundId: input.merchantRefundId,
    refundAmount: toMoney(input.amountMinor, input.currency),
    refundReason: input.reason?.trim() ? cutToUtf8Bytes(input.reason.trim(), 256) : undefined,
  };
  checkBody(body, bodyRules.refund);
  return JSON.stringify(body);
}
