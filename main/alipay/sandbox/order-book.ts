import { randomBytes, randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ApiName } from '../functions';
import { formatRfc3339 } from '../rfc3339';
import { memoryBookStore, type BookStore } from './book-store';
import type { AcquirementStatus, SandboxOrderRecord, SandboxTombstone } from './types';

/**
 * The gateway's memory: orders by merchantId + merchantTransId (the business key, NOTES
 * §4), refunds by merchantId + merchantRefundId, and a record of cancels asked for orders
 * the gateway never created. Every handler is synchronous, so two requests for the same
 * order can never interleave between a lookup and an update. The records live in a
 * BookStore (book-store.ts) as JSON: every change is written back with save().
 */

export interface Outcome {
  resultCode: string;
  resultMsg?: string;
  fields?: Record<string, unknown>;
  /** Answered from memory: a repeat of an earlier request with the same business body. */
  replay?: boolean;
}

interface Refund {
  merchantRefundId: string;
  refundId: string;
  amount: bigint;
  body: Record<string, unknown>;
  fields: Record<string, unknown>;
  refundTime: string;
}

interface Order {
  merchantId: string;
  merchantTransId: string;
  acquirementId: string;
  token: string;
  orderQrCode: string;
  body: Record<string, unknown>;
  amount: bigint;
  currency: string;
  orderAmount: unknown;
  status: AcquirementStatus;
  reversed: boolean;
  createdAt: number;
  createTime: string;
  paymentTime?: string;
  cancelTime?: string;
  original: Record<string, unknown>;
  refunds: Refund[];
  refunded: bigint;
}

export interface OrderBookOptions {
  /** Read per order: the sandbox learns its port only after listening. */
  baseUrl: () => string;
  cancelPaid: 'refuse' | 'reverse';
  orderLifetimeMs?: number;
  /** Where the records live; in memory unless given. */
  store?: BookStore;
}

export type PayResult = { ok: true; order: SandboxOrderRecord } | { ok: false; reason: 'not_found' | 'not_payable'; message: string };

export interface CustomerView {
  order: SandboxOrderRecord;
  title: string;
  merchantName: string;
}

const key = (merchantId: string, id: string): string => `${merchantId}\u0000${id}`;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** Money in the book is bigint; in the store, decimal strings (amount, refunded, each refund's amount). */
type Stored<T> = Omit<T, 'amount' | 'refunded' | 'refunds'> & { amount: string; refunded?: string; refunds?: Array<Stored<Refund>> };

const storeRefund = (r: Refund): Stored<Refund> => ({ ...r, amount: String(r.amount) });
const loadRefund = (r: Stored<Refund>): Refund => ({ ...(r as Omit<Refund, 'amount'>), amount: BigInt(r.amount) });
const storeOrder = (o: Order): string => JSON.stringify({ ...o, amount: String(o.amount), refunded: String(o.refunded), refunds: o.refunds.map(storeRefund) });
function loadOrder(text: string): Order {
  const o = JSON.parse(text) as Stored<Order>;
  return { ...(o as unknown as Order), amount: BigInt(o.amount), refunded: BigInt(o.refunded ?? '0'), refunds: (o.refunds ?? []).map(loadRefund) };
}

export class OrderBook {
  private readonly store: BookStore;
  private seq = 0;

  constructor(private readonly options: OrderBookOptions) {
    this.store = options.store ?? memoryBookStore();
  }

  private order(k: string | undefined): Order | undefined {
    const text = k === undefined ? undefined : this.store.get('orders', k);
    return text === undefined ? undefined : loadOrder(text);
  }

  private save(order: Order): Order {
    this.store.set('orders', key(order.merchantId, order.merchantTransId), storeOrder(order));
    return order;
  }

  close(): void {
    this.store.close();
  }

  handle(api: ApiName, merchantId: string, body: Record<string, unknown>): Outcome {
    switch (api) {
      case 'preCreate':
        return this.preCreate(merchantId, body);
      case 'payQuery':
        return this.payQuery(merchantId, body);
      case 'payCancel':
        return this.payCancel(merchantId, body);
      case 'refund':
        return this.refund(merchantId, body);
    }
  }

  /** Unique across restarts too (the till's journal outlives a sandbox): date, sequence, random. */
  private newId(kind: '11' | '12'): string {
    this.seq += 1;
    return `${yyyymmdd(new Date())}${kind}${String(this.seq).padStart(8, '0')}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
  }

  /** An unpaid order past its lifetime closes the moment anyone looks at it. */
  private refresh(order: Order): Order {
    const life = this.options.orderLifetimeMs;
    if (order.status === 'INIT' && life !== undefined && Date.now() - order.createdAt >= life) {
      order.status = 'CLOSED';
      order.cancelTime = formatRfc3339(new Date());
      this.save(order);
    }
    return order;
  }

  private preCreate(merchantId: string, body: Record<string, unknown>): Outcome {
    const merchantTransId = String(body.merchantTransId);
    const existing = this.order(key(merchantId, merchantTransId));
    if (existing) {
      if (isDeepStrictEqual(existing.body, body)) return { resultCode: 'SUCCESS', fields: existing.original, replay: true };
      return { resultCode: 'REPEAT_REQ_INCONSISTENT', resultMsg: `merchantTransId ${merchantTransId} was already used with a different request body` };
    }
    const order = body.order as Record<string, unknown>;
    const orderAmount = order.orderAmount as { currency: string; value: string | number };
    const now = new Date();
    const token = randomBytes(16).toString('base64url');
    const base = this.options.baseUrl();
    const orderQrCode = `${base}/qr/${token}`;
    const acquirementId = this.newId('11');
    const createTime = formatRfc3339(now);
    const original = {
      merchantTransId,
      orderQrCode,
      acquirementId,
      createTime,
      orderAmount,
      payScheme: `alipays://platformapi/startApp?appId=10000007&actionType=route&qrcode=${encodeURIComponent(orderQrCode)}`,
      picUrl: `${base}/qr/${token}/pic?size=M`,
      smallPicUrl: `${base}/qr/${token}/pic?size=S`,
      bigPicUrl: `${base}/qr/${token}/pic?size=L`,
    };
    const record: Order = {
      merchantId,
      merchantTransId,
      acquirementId,
      token,
      orderQrCode,
      body,
      amount: BigInt(String(orderAmount.value)),
      currency: orderAmount.currency,
      orderAmount,
      status: 'INIT',
      reversed: false,
      createdAt: now.getTime(),
      createTime,
      original,
      refunds: [],
      refunded: 0n,
    };
    this.save(record);
    this.store.set('by_acquirement', acquirementId, key(merchantId, merchantTransId));
    this.store.set('by_token', token, key(merchantId, merchantTransId));
    return { resultCode: 'SUCCESS', fields: original };
  }

  /** acquirementId wins when both are given (NOTES §3); another merchant's order does not exist. */
  private lookup(merchantId: string, body: Record<string, unknown>): Order | undefined {
    const acquirementId = str(body.acquirementId);
    const order = this.order(acquirementId !== undefined ? this.store.get('by_acquirement', acquirementId) : key(merchantId, String(body.merchantTransId)));
    return order && order.merchantId === merchantId ? this.refresh(order) : undefined;
  }

  private notFound(body: Record<string, unknown>): Outcome {
    const acquirementId = str(body.acquirementId);
    const which = acquirementId !== undefined ? `acquirementId ${acquirementId}` : `merchantTransId ${String(body.merchantTransId)}`;
    return { resultCode: 'ORDER_NOT_EXIST', resultMsg: `no order with ${which}` };
  }

  private payQuery(merchantId: string, body: Record<string, unknown>): Outcome {
    const order = this.lookup(merchantId, body);
    if (!order) return this.notFound(body);
    const fields: Record<string, unknown> = {
      acquirementId: order.acquirementId,
      merchantTransId: order.merchantTransId,
      acquirementStatus: order.status,
      orderAmount: order.orderAmount,
      createTime: order.createTime,
    };
    if (order.status === 'SUCCESS') {
      fields.payAmount = { currency: order.currency, value: String(order.amount) };
      fields.paymentTime = order.paymentTime;
    }
    if (order.cancelTime !== undefined) fields.cancelTime = order.cancelTime;
    return { resultCode: 'SUCCESS', fields };
  }

  private payCancel(merchantId: string, body: Record<string, unknown>): Outcome {
    const order = this.lookup(merchantId, body);
    if (!order) {
      // A gateway that does not know the till answers "not found", as Alipay would: it does
      // not promise to refuse a preCreate that arrives later (issue 10 §5). The cancel is
      // remembered only so tests and the control endpoint can see that it was asked.
      if (str(body.acquirementId) === undefined) {
        const merchantTransId = String(body.merchantTransId);
        const k = key(merchantId, merchantTransId);
        if (this.store.get('graves', k) === undefined) this.store.set('graves', k, JSON.stringify({ merchantId, merchantTransId, cancelTime: formatRfc3339(new Date()) }));
      }
      return this.notFound(body);
    }
    const fields = () => ({ acquirementId: order.acquirementId, merchantTransId: order.merchantTransId, cancelTime: order.cancelTime });
    switch (order.status) {
      case 'CANCELLED':
      case 'CLOSED':
        return { resultCode: 'SUCCESS', fields: fields(), replay: true };
      case 'INIT':
        order.status = 'CANCELLED';
        order.cancelTime = formatRfc3339(new Date());
        this.save(order);
        return { resultCode: 'SUCCESS', fields: fields() };
      case 'SUCCESS':
        if (this.options.cancelPaid === 'refuse') return { resultCode: 'ORDER_STATUS_INVALID', resultMsg: 'order already paid' };
        if (order.refunds.length > 0) return { resultCode: 'ORDER_STATUS_INVALID', resultMsg: 'order already paid and partly refunded; it cannot be reversed' };
        order.status = 'CANCELLED';
        order.reversed = true;
        order.cancelTime = formatRfc3339(new Date());
        this.save(order);
        return { resultCode: 'SUCCESS', fields: fields() };
    }
  }

  private refund(merchantId: string, body: Record<string, unknown>): Outcome {
    const merchantRefundId = String(body.merchantRefundId);
    const earlierText = this.store.get('refunds', key(merchantId, merchantRefundId));
    const earlier = earlierText === undefined ? undefined : loadRefund(JSON.parse(earlierText) as Stored<Refund>);
    if (earlier) {
      if (isDeepStrictEqual(earlier.body, body)) return { resultCode: 'SUCCESS', fields: earlier.fields, replay: true };
      return { resultCode: 'REPEAT_REQ_INCONSISTENT', resultMsg: `merchantRefundId ${merchantRefundId} was already used with a different request body` };
    }
    const order = this.lookup(merchantId, body);
    if (!order) return this.notFound(body);
    if (order.status !== 'SUCCESS') return { resultCode: 'ORDER_STATUS_INVALID', resultMsg: `order is ${order.reversed ? 'reversed' : order.status}, not paid; only paid orders can be refunded` };
    const money = body.refundAmount as { currency: string; value: string | number };
    if (money.currency !== order.currency) {
      return { resultCode: 'PARAM_ILLEGAL', resultMsg: `body.refundAmount.currency must be ${order.currency}, the order's currency` };
    }
    const amount = BigInt(String(money.value));
    if (order.refunded + amount > order.amount) {
      return {
        resultCode: 'REFUND_AMOUNT_EXCEED',
        resultMsg: `refunds would total ${order.refunded + amount}, over the paid ${order.amount} (${order.currency} minor units)`,
      };
    }
    const refundTime = formatRfc3339(new Date());
    const refundId = this.newId('12');
    const fields = { acquirementId: order.acquirementId, merchantRefundId, refundId, refundAmount: money, refundTime };
    const refund: Refund = { merchantRefundId, refundId, amount, body, fields, refundTime };
    order.refunds.push(refund);
    order.refunded += amount;
    this.save(order);
    this.store.set('refunds', key(merchantId, merchantRefundId), JSON.stringify(storeRefund(refund)));
    return { resultCode: 'SUCCESS', fields };
  }

  private pay(order: Order | undefined, what: string): PayResult {
    if (!order) return { ok: false, reason: 'not_found', message: `no order with ${what}` };
    this.refresh(order);
    if (order.status !== 'INIT') {
      const state = order.status === 'SUCCESS' ? 'already paid' : order.status === 'CANCELLED' ? 'cancelled' : 'closed';
      return { ok: false, reason: 'not_payable', message: `order ${order.merchantTransId} is ${state}; it cannot be paid` };
    }
    order.status = 'SUCCESS';
    order.paymentTime = formatRfc3339(new Date());
    this.save(order);
    return { ok: true, order: this.record(order) };
  }

  payByToken(token: string): PayResult {
    return this.pay(this.order(this.store.get('by_token', token)), 'this QR code');
  }

  payByTransId(merchantTransId: string, merchantId?: string): PayResult {
    if (merchantId !== undefined) return this.pay(this.order(key(merchantId, merchantTransId)), `merchantTransId ${merchantTransId}`);
    const matches = this.all().filter((o) => o.merchantTransId === merchantTransId);
    if (matches.length > 1) return { ok: false, reason: 'not_found', message: `merchantTransId ${merchantTransId} exists for several merchants; name the merchantId` };
    return this.pay(matches[0], `merchantTransId ${merchantTransId}`);
  }

  customerView(token: string): CustomerView | undefined {
    const order = this.order(this.store.get('by_token', token));
    if (!order) return undefined;
    this.refresh(order);
    const o = order.body.order as Record<string, unknown>;
    const seller = (o.seller ?? {}) as Record<string, unknown>;
    return {
      order: this.record(order),
      title: String(o.orderTitle ?? ''),
      merchantName: [str(seller.sellerName), str(seller.storeName)].filter((s) => s !== undefined).join(' · '),
    };
  }

  private record(order: Order): SandboxOrderRecord {
    const r: SandboxOrderRecord = {
      merchantId: order.merchantId,
      merchantTransId: order.merchantTransId,
      acquirementId: order.acquirementId,
      amount: String(order.amount),
      currency: order.currency,
      status: order.status,
      reversed: order.reversed,
      refunded: String(order.refunded),
      refunds: order.refunds.map((f) => ({ merchantRefundId: f.merchantRefundId, refundId: f.refundId, amount: String(f.amount), refundTime: f.refundTime })),
      orderQrCode: order.orderQrCode,
      createTime: order.createTime,
    };
    if (order.paymentTime !== undefined) r.paymentTime = order.paymentTime;
    if (order.cancelTime !== undefined) r.cancelTime = order.cancelTime;
    return r;
  }

  private all(): Order[] {
    return [...this.store.values('orders')].map(loadOrder);
  }

  list(): SandboxOrderRecord[] {
    return this.all().map((o) => this.record(this.refresh(o)));
  }

  /** How many orders and unknown cancels it holds (the stats endpoint), without reading them. */
  counts(): { orders: number; tombstones: number } {
    return { orders: this.store.count('orders'), tombstones: this.store.count('graves') };
  }

  tombstones(): SandboxTombstone[] {
    return [...this.store.values('graves')].map((text) => JSON.parse(text) as SandboxTombstone);
  }
}
