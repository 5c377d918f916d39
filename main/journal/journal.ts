import type { SqliteDatabase } from '../../native/sqlite';
import type { Attempt } from '../alipay/outcome';
import type { AllocatedOrderId, JournalOptions, ListOrdersQuery, NewAlarm, NewRefund, OrderEvent, RefundSettlement } from './journal-inputs';
import { AlarmsRoom } from './rooms/alarms';
import { JournalCore } from './rooms/core';
import { DaysRoom } from './rooms/days';
import { EventsRoom } from './rooms/events';
import { OrdersRoom } from './rooms/orders';
import { OutboxRoom } from './rooms/outbox';
import { RefundsRoom } from './rooms/refunds';
import type { Actor, AlarmRecord, AttemptRecord, EventRecord, NewOrder, OrderPatch, OrderRecord, OrderState, RefundRecord } from './types';
import type { TrustInForce, ZReport } from './z-report';

export type { AllocatedOrderId, JournalOptions, ListOrdersQuery, NewAlarm, NewRefund, OrderEvent, RefundSettlement } from './journal-inputs';

/**
 * The order journal on the till's SQLite file (docs/architecture.md "Order lifecycle"): a
 * thin front over its rooms, one per aggregate: orders (numbers, rows, state changes),
 * events and attempts, refunds, alarms, business days. They share one core (rooms/core.ts):
 * the database, the clock and the transaction every write runs in, so a write is whole or
 * absent and two processes on the same file serialise. How rows are stored (compaction,
 * reference bodies, row mapping) is in storage/.
 */
export class Journal {
  readonly db: SqliteDatabase;
  private readonly core: JournalCore;
  private readonly orders: OrdersRoom;
  private readonly eventLog: EventsRoom;
  private readonly refundRoom: RefundsRoom;
  private readonly alarms: AlarmsRoom;
  private readonly days: DaysRoom;
  /** The changes waiting for the store server (rooms/outbox.ts); main/sync sends them. */
  readonly outbox: OutboxRoom;

  constructor(db: SqliteDatabase, options: JournalOptions = {}) {
    this.db = db;
    this.core = new JournalCore(db, options.now ?? Date.now);
    this.orders = new OrdersRoom(this.core);
    this.eventLog = new EventsRoom(this.core);
    this.refundRoom = new RefundsRoom(this.core);
    this.alarms = new AlarmsRoom(this.core);
    this.days = new DaysRoom(this.core);
    this.outbox = new OutboxRoom(this.core);
  }

  /** Several journal writes as one: all land or none does (e.g. a transition and its alarm). */
  atomically<T>(what: string, fn: () => T): T {
    return this.core.transaction(what, fn);
  }

  // ── business days and order numbers, orders ─────────────────────────────────────────

  businessDayFor(nowMs?: number): string {
    return this.core.businessDayFor(nowMs);
  }

  allocateOrderId(terminalId: string): AllocatedOrderId {
    return this.orders.allocateOrderId(terminalId);
  }

  createNextOrder(terminalId: string, build: (ids: AllocatedOrderId) => Omit<NewOrder, 'merchantTransId' | 'businessDay' | 'seq' | 'terminalId'>, actor: Actor): { order: OrderRecord; created: boolean } {
    return this.orders.createNextOrder(terminalId, build, actor);
  }

  createOrder(input: NewOrder, actor: Actor): { order: OrderRecord; created: boolean } {
    return this.orders.createOrder(input, actor);
  }

  transition(orderId: number, from: OrderState | readonly OrderState[], patch: OrderPatch, event: OrderEvent): OrderRecord | undefined {
    return this.orders.transition(orderId, from, patch, event);
  }

  update(orderId: number, patch: OrderPatch): OrderRecord {
    return this.orders.update(orderId, patch);
  }

  getOrder(id: number): OrderRecord | undefined {
    return this.orders.getOrder(id);
  }

  getByTransId(merchantTransId: string): OrderRecord | undefined {
    return this.orders.getByTransId(merchantTransId);
  }

  findByTail(tail: string, limit?: number): OrderRecord[] {
    return this.orders.findByTail(tail, limit);
  }

  listOrders(query?: ListOrdersQuery): OrderRecord[] {
    return this.orders.listOrders(query);
  }

  unresolved(): OrderRecord[] {
    return this.orders.unresolved();
  }

  countUnresolved(): number {
    return this.orders.countUnresolved();
  }

  openDaysWithOrders(): string[] {
    return this.orders.openDaysWithOrders();
  }

  hasOrders(): boolean {
    return this.orders.hasOrders();
  }

  // ── events and attempts ─────────────────────────────────────────────────────────────

  appendEvent(orderId: number | null, actor: Actor, kind: string, detail?: Record<string, unknown>): EventRecord {
    return this.eventLog.appendEvent(orderId, actor, kind, detail);
  }

  events(orderId: number): EventRecord[] {
    return this.eventLog.events(orderId);
  }

  recordAttempt(orderId: number, refundId: number | null, attempt: Attempt<unknown>): void {
    this.eventLog.recordAttempt(orderId, refundId, attempt);
  }

  attempts(orderId: number): AttemptRecord[] {
    return this.eventLog.attempts(orderId);
  }

  // ── refunds ─────────────────────────────────────────────────────────────────────────

  createRefund(input: NewRefund): RefundRecord {
    return this.refundRoom.createRefund(input);
  }

  settleRefund(refundId: number, outcome: 'SUCCEEDED' | 'FAILED', result: RefundSettlement, actor: Actor): RefundRecord {
    return this.refundRoom.settleRefund(refundId, outcome, result, actor);
  }

  pendingRefunds(): RefundRecord[] {
    return this.refundRoom.pendingRefunds();
  }

  refunds(orderId: number): RefundRecord[] {
    return this.refundRoom.refunds(orderId);
  }

  getRefund(id: number): RefundRecord | undefined {
    return this.refundRoom.getRefund(id);
  }

  getRefundByMerchantId(merchantRefundId: string): RefundRecord | undefined {
    return this.refundRoom.getRefundByMerchantId(merchantRefundId);
  }

  nextRefundSeq(orderId: number): number {
    return this.refundRoom.nextRefundSeq(orderId);
  }

  // ── alarms ──────────────────────────────────────────────────────────────────────────

  raiseAlarm(input: NewAlarm): AlarmRecord {
    return this.alarms.raiseAlarm(input);
  }

  clearAlarm(id: number, by: string): AlarmRecord {
    return this.alarms.clearAlarm(id, by);
  }

  openAlarms(): AlarmRecord[] {
    return this.alarms.openAlarms();
  }

  // ── close of day ────────────────────────────────────────────────────────────────────

  closeDay(day: string, actor: Actor, trust?: TrustInForce): ZReport {
    return this.days.closeDay(day, actor, trust);
  }

  getZReport(day: string): ZReport | undefined {
    return this.days.getZReport(day);
  }

  isDayClosed(day: string): boolean {
    return this.days.isDayClosed(day);
  }
}
