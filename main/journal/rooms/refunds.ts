import type { SqliteStatement } from '../../../native/sqlite';
import { assertAmountMinor, formatMinor } from '../../alipay/currency';
import { MERCHANT_ID_PATTERN } from '../../alipay/schemas';
import { TillError } from '../../errors';
import type { NewRefund, RefundSettlement } from '../journal-inputs';
import { toRefund, type RefundRow } from '../storage/row-mapping';
import type { Actor, RefundRecord } from '../types';
import { assertActor, detailText } from './checks';
import type { JournalCore } from './core';

/** Refunds: journaled PENDING before they are sent, settled by the gateway's final answer. */
export class RefundsRoom {
  private readonly insertRefund: SqliteStatement<unknown[]>;
  private readonly selectRefund: SqliteStatement<[number | bigint], RefundRow>;
  private readonly selectRefundByMerchantId: SqliteStatement<[string], RefundRow>;
  private readonly selectRefundsOfOrder: SqliteStatement<[number], RefundRow>;
  private readonly selectPendingRefunds: SqliteStatement<[], RefundRow>;
  private readonly pendingRefundSum: SqliteStatement<[number], { pending: number | null }>;
  private readonly countRefundsOfOrder: SqliteStatement<[number], { n: number }>;
  private readonly settleRefundStmt: SqliteStatement<[string, string | null, string | null, number, number]>;

  constructor(private readonly core: JournalCore) {
    const db = core.db;
    const refunds =
      'SELECT id, order_id, merchant_refund_id, amount_minor, currency, state, business_day, refund_id, result_code, reason, created_at, updated_at, body_text FROM refunds';
    this.insertRefund = db.prepare(
      'INSERT INTO refunds (order_id, merchant_refund_id, amount_minor, currency, business_day, reason, created_at, updated_at, body_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectRefund = db.prepare(`${refunds} WHERE id = ?`);
    this.selectRefundByMerchantId = db.prepare(`${refunds} WHERE merchant_refund_id = ?`);
    this.selectRefundsOfOrder = db.prepare(`${refunds} WHERE order_id = ? ORDER BY id`);
    this.selectPendingRefunds = db.prepare(`${refunds} INDEXED BY refunds_pending WHERE state = 'PENDING' ORDER BY id`);
    this.pendingRefundSum = db.prepare("SELECT sum(amount_minor) AS pending FROM refunds WHERE order_id = ? AND state = 'PENDING'");
    this.countRefundsOfOrder = db.prepare('SELECT count(*) AS n FROM refunds WHERE order_id = ?');
    this.settleRefundStmt = db.prepare('UPDATE refunds SET state = ?, refund_id = ?, result_code = ?, updated_at = ? WHERE id = ?');
  }

  /**
   * Journals a PENDING refund before it is sent. Only a PAID order can be refunded, and
   * only up to what is left: paid − refunded − refunds still pending. The same
   * merchantRefundId with the same order, amount and body returns the journaled refund
   * (a retry); with anything else it is refused.
   */
  createRefund(input: NewRefund): RefundRecord {
    assertActor(input.actor);
    if (typeof input.merchantRefundId !== 'string' || input.merchantRefundId.length > 64 || !MERCHANT_ID_PATTERN.test(input.merchantRefundId)) {
      throw new TillError('FIELD_INVALID', 'merchantRefundId must be 1 to 64 letters, digits or _ . : -', { field: 'merchantRefundId' });
    }
    assertAmountMinor(input.amountMinor, 'refund amount');
    if (typeof input.bodyText !== 'string' || input.bodyText === '') throw new TillError('FIELD_MISSING', 'the refund body is required', { field: 'bodyText' });
    return this.core.transaction(`journal refund ${input.merchantRefundId}`, () => {
      const existing = this.selectRefundByMerchantId.get(input.merchantRefundId);
      if (existing !== undefined) {
        if (existing.order_id === input.orderId && existing.amount_minor === input.amountMinor && existing.currency === input.currency && existing.body_text === input.bodyText) {
          return toRefund(existing);
        }
        throw new TillError('REFUND_ID_TAKEN', `merchantRefundId ${input.merchantRefundId} is already journaled for another refund`, { field: 'merchantRefundId' });
      }
      const order = this.core.mustGetRow(input.orderId);
      if (order.state !== 'PAID') {
        const why = order.state === 'REFUNDED' ? 'it has been refunded in full' : `it is ${order.state}, not PAID`;
        throw new TillError('ORDER_NOT_REFUNDABLE', `order ${order.merchant_trans_id} cannot be refunded: ${why}`, { field: 'order' });
      }
      if (input.currency !== order.currency) {
        throw new TillError('REFUND_CURRENCY_MISMATCH', `order ${order.merchant_trans_id} was paid in ${order.currency}, not ${input.currency}`, { field: 'currency' });
      }
      const pending = this.pendingRefundSum.get(order.id)?.pending ?? 0;
      const left = order.amount_minor - order.refunded_minor - pending;
      if (input.amountMinor > left) {
        const m = (v: number) => `${order.currency} ${formatMinor(v, order.currency)}`;
        const parts = [`paid ${m(order.amount_minor)}`, `refunded ${m(order.refunded_minor)}`];
        if (pending > 0) parts.push(`pending ${m(pending)}`);
        throw new TillError(
          'REFUND_TOO_LARGE',
          `a refund of ${m(input.amountMinor)} is more than the ${m(Math.max(0, left))} left to refund on order ${order.merchant_trans_id} (${parts.join(', ')})`,
          { field: 'amount' },
        );
      }
      const at = this.core.now();
      const id = this.insertRefund.run(
        order.id,
        input.merchantRefundId,
        input.amountMinor,
        input.currency,
        this.core.businessDayFor(at),
        input.reason,
        at,
        at,
        input.bodyText,
      ).lastInsertRowid;
      this.core.insertEvent.run(order.id, at, input.actor, 'refund_requested', order.state, order.state, detailText({ refund: input.merchantRefundId, amount: input.amountMinor }));
      return toRefund(this.selectRefund.get(id)!);
    });
  }

  /**
   * Records the gateway's final answer on a pending refund. SUCCEEDED adds the amount to
   * the order's refundedMinor and moves a fully refunded order to REFUNDED. Settling again
   * the same way returns the refund unchanged; the other way is refused.
   */
  settleRefund(refundId: number, outcome: 'SUCCEEDED' | 'FAILED', result: RefundSettlement, actor: Actor): RefundRecord {
    assertActor(actor);
    if (outcome !== 'SUCCEEDED' && outcome !== 'FAILED') throw new TillError('JOURNAL_MISUSE', `a refund settles as SUCCEEDED or FAILED, not ${String(outcome)}`);
    return this.core.transaction(`settle refund ${refundId}`, () => {
      const refund = this.selectRefund.get(refundId);
      if (refund === undefined) throw new TillError('REFUND_NOT_FOUND', `no refund ${refundId}`, { field: 'refund' });
      if (refund.state !== 'PENDING') {
        if (refund.state === outcome) return toRefund(refund);
        throw new TillError('REFUND_SETTLED', `refund ${refund.merchant_refund_id} already ${refund.state}, cannot become ${outcome}`, { field: 'refund' });
      }
      const at = this.core.now();
      this.settleRefundStmt.run(outcome, result.refundId ?? null, result.resultCode ?? null, at, refund.id);
      const order = this.core.mustGetRow(refund.order_id);
      if (outcome === 'SUCCEEDED') {
        const refunded = order.refunded_minor + refund.amount_minor;
        const full = refunded === order.amount_minor;
        const next = this.core.writePatch(order, { refundedMinor: refunded, ...(full ? { state: 'REFUNDED' as const } : {}) }, at);
        this.core.insertEvent.run(order.id, at, actor, full ? 'refunded' : 'refund_succeeded', order.state, next.state, detailText({ refund: refund.merchant_refund_id, amount: refund.amount_minor }));
      } else {
        this.core.insertEvent.run(order.id, at, actor, 'refund_failed', order.state, order.state, detailText({ refund: refund.merchant_refund_id, code: result.resultCode ?? undefined }));
      }
      return toRefund(this.selectRefund.get(refund.id)!);
    });
  }

  pendingRefunds(): RefundRecord[] {
    return this.selectPendingRefunds.all().map(toRefund);
  }

  refunds(orderId: number): RefundRecord[] {
    return this.selectRefundsOfOrder.all(orderId).map(toRefund);
  }

  getRefund(id: number): RefundRecord | undefined {
    const row = this.selectRefund.get(id);
    return row === undefined ? undefined : toRefund(row);
  }

  getRefundByMerchantId(merchantRefundId: string): RefundRecord | undefined {
    const row = this.selectRefundByMerchantId.get(merchantRefundId);
    return row === undefined ? undefined : toRefund(row);
  }

  /** 1 for an order's first refund, 2 for the next…: for merchantRefundIds like `${merchantTransId}R01`. */
  nextRefundSeq(orderId: number): number {
    return this.countRefundsOfOrder.get(orderId)!.n + 1;
  }
}
