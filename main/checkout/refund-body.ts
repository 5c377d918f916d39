import { refundBodyText } from '../alipay/sibling-bodies';
import { TillError } from '../errors';
import type { OrderRecord } from '../journal/types';

export function refundBodyFor(merchantId: string, order: OrderRecord, merchantRefundId: string, amountMinor: number, reason: string | undefined): string {
  if (!order.acquirementId) throw new TillError('ORDER_NOT_REFUNDABLE', `order ${order.merchantTransId} has no Alipay transaction id`, { field: 'order' });
  return refundBodyText(merchantId, { acquirementId: order.acquirementId, merchantRefundId, amountMinor, currency: order.currency, reason });
}
