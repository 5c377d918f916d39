import { createHash } from 'node:crypto';
import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import type { OrderRecord, RefundRecord } from '../journal/types';

/**
 * Refunds are idempotent as orders are (cartId): the screen sends one key per refund
 * dialog, the CLI one per command (docs/architecture.md, refunds). The key fixes the
 * merchantRefundId, so the same request twice — a double click, two supervisors, a
 * retried command — finds the refund the first one journaled instead of making another,
 * and the gateway, which refunds once per merchantRefundId, agrees.
 */

const KEY = /^[A-Za-z0-9._:-]{1,64}$/;

export function assertRefundKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) throw new TillError('FIELD_INVALID', 'refundKey must be 1 to 64 letters, digits or . _ : -', { field: 'refundKey' });
}

/** `${merchantTransId}K` + 16 hex digits of the key's hash: within the 64 characters, never like the count-based `R01`. */
export function refundIdFor(merchantTransId: string, key: string): string {
  assertRefundKey(key);
  return `${merchantTransId}K${createHash('sha256').update(`${merchantTransId}\n${key}`).digest('hex').slice(0, 16)}`;
}

/**
 * The refund this key already made, when the request is the same one again; a key used for
 * another amount (or order) is refused, naming the key, rather than guessed at.
 */
export function refundAgain(journal: Journal, order: OrderRecord, amountMinor: number, merchantRefundId: string): RefundRecord | undefined {
  const earlier = journal.getRefundByMerchantId(merchantRefundId);
  if (earlier === undefined) return undefined;
  if (earlier.orderId === order.id && earlier.amountMinor === amountMinor) return earlier;
  throw new TillError('REFUND_KEY_REUSED', `this refund key was already used for a refund of ${earlier.amountMinor} minor units on order ${order.merchantTransId}; a new refund needs a new key`, { field: 'refundKey' });
}
