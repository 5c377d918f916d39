import type { AlipayClient } from '../alipay/client';
import type { Attempt } from '../alipay/outcome';
import type { Journal } from '../journal/journal';
import type { Actor, AlarmKind, OrderPatch, OrderRecord, OrderState } from '../journal/types';
import type { BackoffPolicy } from './backoff';
import type { WorkKey } from './work-key';

/** What the step functions may use; the engine provides it. */
export interface EngineContext {
  journal: Journal;
  client(): AlipayClient;
  now(): number;
  options: EngineSettings;
  /** Remaining payment window in ms, by a monotonic clock when this process saw the S. */
  remainingWindow(order: OrderRecord): number;
  rememberDeadline(orderId: number, windowMs: number): void;
  /** A verified or unverified answer arrived, or the gateway could not be reached. */
  noteGateway(attempt: Attempt<unknown>, orderId: number): void;
  /** An open alarm that stops new sends, if any. */
  sendingBlocked(): boolean;
  raiseAlarm(kind: AlarmKind, code: string | null, orderId: number | null, message: string): void;
  /** What is left of the shared wait after REQUEST_TRAFFIC_EXCEED_LIMIT (0 when none). */
  trafficBackoff(): number;
  move(order: OrderRecord, from: OrderState | readonly OrderState[], patch: OrderPatch, kind: string, detail?: Record<string, unknown>, actor?: Actor): OrderRecord | undefined;
  /** A change that is not a state transition (unknownCount): journaled, and told to the screens ("checking…"). */
  note(orderId: number, patch: OrderPatch): OrderRecord;
  backoff(n: number): number;
  /** Backoff for this order's (or refund's) next retry, growing with its consecutive unknown outcomes. */
  retryDelay(key: WorkKey): number;
  /** Counts consecutive unknown outcomes per order or refund (reset by any definite answer). */
  noteOutcome(key: WorkKey, unknown: boolean): void;
  /**
   * An answer that does not end the order (cancel refused, query open or F, a refund
   * refused as inconsistent): the delay before its next try. For definite answers it grows
   * with every such answer of this order, never reset by another definite answer, up to
   * minutes, and a NEEDS_REVIEW alarm is raised after `reviewAfter` of them; unknown
   * outcomes back off as retryDelay does (the connectivity banner speaks for those).
   */
  stalled(key: WorkKey, options?: { unknown?: boolean; orderId?: number | null }): number;
}

export interface EngineSettings {
  paymentWindowMs: number;
  pollIntervalMs: number;
  /** Re-sends of an unknown preCreate before the engine asks payQuery instead. */
  resendsBeforeQuery: number;
  backoff: BackoffPolicy;
  /** Waits between tries of an order whose answers do not end it; its first delay is the least gap between them. */
  stalledBackoff: BackoffPolicy;
  /** Tries with no ending answer before a supervisor is asked (NEEDS_REVIEW). */
  reviewAfter: number;
  /** Wait before the query that confirms "the gateway never had this order". */
  confirmNotFoundMs: number;
  /** Waits after REQUEST_TRAFFIC_EXCEED_LIMIT, growing while the gateway keeps saying it. */
  trafficBackoff: BackoffPolicy;
  /**
   * Steps running at once. An exchange whose answer is lost holds its step for the whole
   * gateway timeout (15 s): with 4, a few such at 20 sales a second held every other step
   * back (issue 16 §4).
   */
  concurrency: number;
  /** While an alarm stops sending (or a send waits for a configuration fix): how often a waiting order or refund looks again. */
  blockedRecheckMs: number;
  /** After a local failure in a step (keys unreadable, journal unwritable): the wait before it is tried again. */
  localErrorRetryMs: number;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  paymentWindowMs: 120_000,
  pollIntervalMs: 2_000,
  resendsBeforeQuery: 3,
  backoff: { baseMs: 500, maxMs: 30_000 },
  stalledBackoff: { baseMs: 5_000, maxMs: 300_000 },
  reviewAfter: 6,
  confirmNotFoundMs: 5_000,
  trafficBackoff: { baseMs: 2_000, maxMs: 300_000 },
  concurrency: 8,
  blockedRecheckMs: 5_000,
  localErrorRetryMs: 5_000,
};

/** What the till's settings may change in a running engine (engine.configure). */
export type LiveEngineSettings = Pick<EngineSettings, 'paymentWindowMs' | 'pollIntervalMs'>;

/** Delay until the next step, or null when the order needs nothing more. */
export type StepResult = number | null;
