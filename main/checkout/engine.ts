import { EventEmitter } from 'node:events';
import type { AlipayClient } from '../alipay/client';
import type { Attempt } from '../alipay/outcome';
import type { MerchantSetup } from '../alipay/precreate-body';
import { refundBodyText } from '../alipay/sibling-bodies';
import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import { isUnresolved, type Actor, type AlarmKind, type AlarmRecord, type OrderPatch, type OrderRecord, type OrderState, type RefundRecord } from '../journal/types';
import { backoffDelay } from './backoff';
import { journalCart } from './cart-order';
import { DEFAULT_SETTINGS, type EngineContext, type EngineSettings, type LiveEngineSettings, type StepResult } from './engine-context';
import type { CartInput, ConnectivityStatus, EngineEvents } from './engine-types';
import { stepOrder } from './order-steps';
import { stepRefund } from './refund-steps';
import { IntegrityWatch } from './integrity-watch';
import { refundAgain, refundIdFor } from './refund-key';
import { settleByHand, type SettledAs } from './settle-by-hand';
import { OrderWatch, type WatchOptions } from './order-watch';
import { orderWork, readWorkKey, refundWork, type WorkKey } from './work-key';
import { LinkHealth } from './link-health';
import { TrafficLimit } from './traffic-limit';
import { WorkQueue } from './work-queue';

/**
 * The one engine behind every order, whoever asked for it (a screen, the CLI). It journals
 * first and sends second, drives each order through its states one step at a time, keeps
 * going across restarts (start() picks up every unresolved order), and tells the screens
 * what changed.
 */

export interface EngineOptions {
  journal: Journal;
  client: () => AlipayClient;
  setup: () => MerchantSetup;
  settings?: Partial<EngineSettings>;
  now?: () => number;
  monotonic?: () => number;
  random?: () => number;
}

const BLOCKING_ALARMS = new Set<AlarmKind>(['CONFIG', 'REPEAT_INCONSISTENT']);

/** How often engine.waitFor reads the journal for moves made by another process. */
const WAIT_REREAD_MS = 250;

export class CheckoutEngine extends EventEmitter<EngineEvents> {
  private readonly current: EngineSettings;
  private readonly journal: Journal;
  private readonly queue: WorkQueue;
  private readonly watch: OrderWatch;
  private readonly timers = new Map<WorkKey, NodeJS.Timeout>();
  private readonly deadlines = new Map<number, number>();
  private readonly failures = new Map<WorkKey, number>();
  /** Per order or refund: definite answers that did not end it, since this process began. */
  private readonly stalls = new Map<WorkKey, number>();
  private readonly integrity = new IntegrityWatch();
  private readonly link = new LinkHealth();
  private readonly traffic: TrafficLimit;
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private readonly random: () => number;
  private readonly ctx: EngineContext;
  private blockingAlarms: AlarmRecord[] = [];
  /** While offline: the one order or refund that probes the gateway. */
  private probe: WorkKey | undefined;
  private status: ConnectivityStatus;
  private running = false;

  constructor(private readonly options: EngineOptions) {
    super();
    this.journal = options.journal;
    this.current = { ...DEFAULT_SETTINGS, ...options.settings };
    this.now = options.now ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.queue = new WorkQueue(this.current.concurrency, (key) => this.runJob(key));
    this.watch = new OrderWatch(this, this.journal, () => this.connectivity());
    this.traffic = new TrafficLimit(() => this.current.trafficBackoff, this.now, this.random);
    this.status = { state: 'online', unresolved: 0, since: this.now(), detail: null };
    this.ctx = this.context();
  }

  /** Recovery: every unresolved order and pending refund continues from its journaled state. */
  start(): { orders: number; refunds: number } {
    this.running = true;
    this.refreshAlarms();
    const orders = this.journal.unresolved();
    const refunds = this.journal.pendingRefunds();
    for (const order of orders) {
      if (order.state === 'AWAITING_PAYMENT' && order.payDeadline !== null) {
        // No monotonic reading survives a restart: the journaled wall-clock deadline rules.
        this.deadlines.delete(order.id);
      }
      this.schedule(orderWork(order.id), 0);
    }
    for (const refund of refunds) this.schedule(refundWork(refund.id), 0);
    this.status = { ...this.status, unresolved: orders.length };
    return { orders: orders.length, refunds: refunds.length };
  }

  /** The settings in force (read-only: configure() changes the ones a running till may change). */
  get settings(): Readonly<EngineSettings> {
    return this.current;
  }

  /** The till's settings changed (payment window, poll interval): orders read them at their next step. */
  configure(changes: Partial<LiveEngineSettings>): void {
    if (changes.paymentWindowMs !== undefined) this.current.paymentWindowMs = changes.paymentWindowMs;
    if (changes.pollIntervalMs !== undefined) this.current.pollIntervalMs = changes.pollIntervalMs;
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.queue.idle();
  }

  connectivity(): ConnectivityStatus {
    return { ...this.status, unresolved: this.journal.countUnresolved() };
  }

  openAlarms(): AlarmRecord[] {
    return this.journal.openAlarms();
  }

  /** The cart is journaled (durably, frozen body and all) before the first byte leaves. */
  async create(cart: CartInput, actor: Actor = 'cashier'): Promise<OrderRecord> {
    // Another process (the CLI, a second window) may have raised or cleared an alarm.
    this.refreshAlarms();
    const blocked = this.blockingAlarms[0];
    if (blocked) {
      throw new TillError('PAYMENTS_STOPPED', `Payments are stopped until a supervisor fixes this: ${blocked.message} (${blocked.code ?? blocked.kind})`);
    }
    await this.options.client().ready();
    const setup = this.options.setup();
    const terminalId = setup.seller.terminalId ?? 'T0';
    const sendNow = this.running && this.status.state === 'online' && this.blockingAlarms.length === 0 && this.traffic.remaining() === 0;
    const { order, created } = journalCart(this.journal, terminalId, cart, setup, actor, sendNow);
    if (created) {
      this.emit('order', order);
      // Its first send goes before the polls of older orders (work-queue.ts).
      this.schedule(orderWork(order.id), 0, true);
    }
    return order;
  }

  /** The cashier's cancel; the engine carries it out at the order's next step. */
  cancel(orderId: number, actor: Actor = 'cashier'): OrderRecord {
    const order = this.journal.getOrder(orderId);
    if (!order) throw new TillError('ORDER_NOT_FOUND', `no order ${orderId}`, { field: 'order' });
    if (!isUnresolved(order.state)) throw new TillError('ORDER_FINAL', `order ${order.merchantTransId} is already ${order.state}`, { field: 'order' });
    if (order.cancelRequested) return order;
    const updated = this.journal.update(orderId, { cancelRequested: true });
    this.journal.appendEvent(orderId, actor, 'cancel_requested');
    this.emit('order', updated);
    this.schedule(orderWork(orderId), 0);
    return updated;
  }

  /**
   * A full or partial refund, journaled with its merchantRefundId before it is sent. With a
   * refundKey (screens and CLI always give one) the same key again returns the same refund.
   */
  async refund(orderId: number, amountMinor: number, reason: string | undefined, actor: Actor = 'supervisor', refundKey?: string): Promise<RefundRecord> {
    const order = this.journal.getOrder(orderId);
    if (!order) throw new TillError('ORDER_NOT_FOUND', `no order ${orderId}`, { field: 'order' });
    const keyed = refundKey === undefined ? undefined : refundIdFor(order.merchantTransId, refundKey);
    const again = keyed === undefined ? undefined : refundAgain(this.journal, order, amountMinor, keyed);
    if (again) return again;
    if (!order.acquirementId) throw new TillError('ORDER_NOT_REFUNDABLE', `order ${order.merchantTransId} has no Alipay transaction id`, { field: 'order' });
    await this.options.client().ready();
    const merchantRefundId = keyed ?? `${order.merchantTransId}R${String(this.journal.nextRefundSeq(orderId)).padStart(2, '0')}`;
    const bodyText = refundBodyText(this.options.client().merchantId, {
      acquirementId: order.acquirementId,
      merchantRefundId,
      amountMinor,
      currency: order.currency,
      reason,
    });
    // Two calls with one key can both get here (the await above): the second finds the
    // first one's row inside createRefund's transaction and gets it back, or REFUND_KEY_REUSED.
    const refund = keyed === undefined ? this.journal.createRefund({ orderId, merchantRefundId, amountMinor, currency: order.currency, reason: reason ?? null, bodyText, actor }) : this.createKeyed(order, { orderId, merchantRefundId, amountMinor, currency: order.currency, reason: reason ?? null, bodyText, actor });
    this.emit('refund', refund);
    this.schedule(refundWork(refund.id), 0);
    return refund;
  }

  private createKeyed(order: OrderRecord, input: Parameters<Journal['createRefund']>[0]): RefundRecord {
    return this.journal.atomically('journal a keyed refund', () => refundAgain(this.journal, order, input.amountMinor, input.merchantRefundId) ?? this.journal.createRefund(input));
  }

  /** A supervisor's decision for an order the gateway's answers do not end (settle-by-hand.ts). */
  settle(orderId: number, as: SettledAs, reason: string, actor: Actor, by: string): OrderRecord {
    const settled = settleByHand(this.journal, { orderId, as, reason, actor, by }, this.now());
    this.schedule(orderWork(orderId), null);
    this.deadlines.delete(orderId);
    for (const map of [this.failures, this.stalls]) map.delete(orderWork(orderId));
    this.refreshAlarms();
    this.emit('order', settled);
    return settled;
  }

  clearAlarm(alarmId: number, by: string): void {
    this.journal.clearAlarm(alarmId, by);
    this.refreshAlarms();
    this.rescheduleAll();
  }

  /** Runs a step of every unresolved order and pending refund now, and waits for them. */
  async resolveNow(): Promise<void> {
    this.rescheduleAll();
    await this.queue.idle();
  }

  /** Waits for the order to reach a state (order-watch.ts): the one way every caller waits. */
  watchOrder(orderId: number, options: WatchOptions): Promise<OrderRecord> {
    return this.watch.wait(orderId, options);
  }

  /** Resolves with the order once `done(order)` holds, whichever process moved it, or rejects after timeoutMs. */
  waitFor(orderId: number, done: (order: OrderRecord) => boolean, timeoutMs: number): Promise<OrderRecord> {
    return this.watch.wait(orderId, { done, timeoutMs, rejectOnTimeout: true, rereadMs: WAIT_REREAD_MS });
  }

  private rescheduleAll(): void {
    for (const order of this.journal.unresolved()) this.schedule(orderWork(order.id), 0);
    for (const refund of this.journal.pendingRefunds()) this.schedule(refundWork(refund.id), 0);
  }

  private schedule(key: WorkKey, delay: StepResult, urgent = false): void {
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.delete(key);
    if (delay === null || !this.running) return;
    if (delay <= 0) {
      this.queue.request(key, urgent);
      return;
    }
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.queue.request(key);
      }, delay),
    );
  }

  private async runJob(key: WorkKey): Promise<void> {
    if (!this.running) return;
    // Offline, only the oldest work probes the gateway; the rest wait until it answers
    // (setConnectivity('online') reschedules everything), so the backlog is then resolved
    // oldest first instead of by whichever retry timer happens to fire first. A parked job
    // looks again now and then, in case the probe was resolved elsewhere (another process).
    if (this.status.state === 'offline' && key !== this.probeKey()) {
      this.schedule(key, this.current.backoff.maxMs);
      return;
    }
    const work = readWorkKey(key);
    let delay: StepResult;
    try {
      if (work.kind === 'order') {
        const order = this.journal.getOrder(work.id);
        delay = order && isUnresolved(order.state) ? await stepOrder(this.ctx, order) : null;
      } else {
        const refund = this.journal.getRefund(work.id);
        delay = refund ? await stepRefund(this.ctx, refund) : null;
        const after = this.journal.getRefund(work.id);
        if (after && after.state !== refund?.state) {
          this.emit('refund', after);
          // Settling changed the order too (refundedMinor, REFUNDED): the screens must hear it.
          const order = this.journal.getOrder(after.orderId);
          if (order) this.emit('order', order);
        }
      }
    } catch (error) {
      // A local failure (keys gone, journal unwritable): the order stays as journaled and
      // is tried again later; the reason is logged without any secret.
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof TillError ? error.code : 'INTERNAL';
      try {
        this.journal.appendEvent(work.kind === 'order' ? work.id : null, 'engine', 'step_error', { code, message: message.slice(0, 300) });
      } catch {
        // The journal itself is failing; the retry below is all we can do.
      }
      delay = this.current.localErrorRetryMs;
    }
    this.schedule(key, delay);
  }

  /**
   * The oldest unresolved order that can send now, else the oldest pending refund. Kept
   * while it stays unresolved (one row read per parked job, not a scan of the backlog).
   */
  private probeKey(): WorkKey | undefined {
    const kept = this.probe;
    if (kept !== undefined) {
      const work = readWorkKey(kept);
      const stillOpen = work.kind === 'order' ? isUnresolved(this.journal.getOrder(work.id)?.state ?? 'FAILED') : this.journal.getRefund(work.id)?.state === 'PENDING';
      if (stillOpen) return kept;
    }
    const blocked = this.blockingAlarms.length > 0;
    const order = this.journal.unresolved().find((o) => !(blocked && (o.state === 'NEW' || o.state === 'SENDING')));
    const refund = order || blocked ? undefined : this.journal.pendingRefunds()[0];
    this.probe = order ? orderWork(order.id) : refund ? refundWork(refund.id) : undefined;
    return this.probe;
  }

  private refreshAlarms(): void {
    this.blockingAlarms = this.journal.openAlarms().filter((a) => BLOCKING_ALARMS.has(a.kind));
    this.probe = undefined;
  }

  private setConnectivity(state: ConnectivityStatus['state'], detail: string | null): void {
    if (this.status.state === state) return;
    this.probe = undefined;
    this.status = { state, unresolved: this.journal.countUnresolved(), since: this.now(), detail };
    this.emit('connectivity', this.connectivity());
    // Back online: everything that waited is resolved now, oldest first.
    if (state === 'online') this.rescheduleAll();
  }

  private context(): EngineContext {
    return {
      journal: this.journal,
      client: () => this.options.client(),
      now: () => this.now(),
      options: this.current,
      remainingWindow: (order) => {
        const wall = (order.payDeadline ?? 0) - this.now();
        const mono = this.deadlines.get(order.id);
        // A wall clock that jumps back must not keep a QR payable past its window.
        return mono === undefined ? wall : Math.min(wall, mono - this.monotonic());
      },
      rememberDeadline: (orderId, windowMs) => this.deadlines.set(orderId, this.monotonic() + windowMs),
      noteGateway: (attempt: Attempt<unknown>, orderId: number) => {
        const o = attempt.outcome;
        this.emit('exchange', {
          api: attempt.api, orderId, outcome: o.kind, resultCode: o.result?.resultCode ?? null, reason: o.kind === 'U' ? o.reason : null,
          httpStatus: attempt.httpStatus ?? null, elapsedMs: attempt.receivedAt - attempt.sentAt,
        });
        const link = this.link.note(o);
        if (link === 'offline') this.setConnectivity('offline', o.kind === 'U' ? o.detail : null);
        else if (link === 'online') this.setConnectivity('online', null);
        this.traffic.note(o);
        const suspect = this.integrity.note(attempt);
        if (suspect) this.ctx.raiseAlarm('INTEGRITY', suspect.code, null, suspect.message);
      },
      sendingBlocked: () => this.blockingAlarms.length > 0,
      raiseAlarm: (kind, code, orderId, message) => {
        const alarm = this.journal.raiseAlarm({ kind, code: code ?? undefined, orderId: orderId ?? undefined, message });
        this.refreshAlarms();
        this.emit('alarm', alarm);
      },
      trafficBackoff: () => this.traffic.remaining(),
      move: (order: OrderRecord, from: OrderState | readonly OrderState[], patch: OrderPatch, kind: string, detail?: Record<string, unknown>, actor: Actor = 'engine') => {
        const moved = this.journal.transition(order.id, from, patch, { actor, kind, detail });
        if (moved) {
          this.emit('order', moved);
          if (!isUnresolved(moved.state)) {
            this.deadlines.delete(order.id);
            this.failures.delete(orderWork(order.id));
            this.stalls.delete(orderWork(order.id));
          }
        }
        return moved;
      },
      note: (orderId: number, patch: OrderPatch) => {
        const updated = this.journal.update(orderId, patch);
        this.emit('order', updated);
        return updated;
      },
      backoff: (n) => backoffDelay(n, this.current.backoff, this.random),
      retryDelay: (key) => backoffDelay(this.failures.get(key) ?? 1, this.current.backoff, this.random),
      noteOutcome: (key, unknown) => {
        if (unknown) this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
        else this.failures.delete(key);
      },
      stalled: (key, options = {}) => {
        const retry = backoffDelay(this.failures.get(key) ?? 1, this.current.backoff, this.random);
        if (options.unknown) return retry;
        const n = (this.stalls.get(key) ?? 0) + 1;
        this.stalls.set(key, n);
        const work = readWorkKey(key);
        if (n >= this.current.reviewAfter) this.askForReview(work.kind, options.orderId ?? (work.kind === 'order' ? work.id : null), n);
        return backoffDelay(n, this.current.stalledBackoff, this.random);
      },
    };
  }

  /** After the gateway's answers have not ended an order for a while: a person decides (till resolve --settle). */
  private askForReview(kind: 'order' | 'refund', orderId: number | null, tries: number): void {
    const order = orderId === null ? undefined : this.journal.getOrder(orderId);
    const what = kind === 'order' ? `Order ${order?.merchantTransId ?? orderId}` : `A refund of order ${order?.merchantTransId ?? orderId ?? '?'}`;
    const settle = kind === 'order' ? `settle it by hand (till resolve --settle ${order?.merchantTransId ?? orderId} --as cancelled|paid --reason …, or the supervisor screen)` : 'clear the alarm once it is sorted out';
    this.ctx.raiseAlarm('NEEDS_REVIEW', null, orderId, `${what}: ${tries} answers from the gateway did not end it. Check it with Alipay, then ${settle}.`);
  }
}
