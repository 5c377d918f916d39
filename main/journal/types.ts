/**
 * The journal's vocabulary: what an order is, which states it passes through, and what
 * the engine and the screens may ask of it. Amounts are integer minor units; times are
 * milliseconds since the epoch (wall clock) unless the name says otherwise.
 */

export const ORDER_STATES = ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'PAID', 'REFUNDED', 'CANCELLED', 'FAILED'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** States whose outcome is not final: the engine must carry them on, across restarts. */
export const UNRESOLVED_STATES: readonly OrderState[] = ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING'];

export function isUnresolved(state: OrderState): boolean {
  return UNRESOLVED_STATES.includes(state);
}

export type Actor = 'cashier' | 'supervisor' | 'engine' | 'recovery' | 'cli';

export interface OrderItemRecord {
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface OrderRecord {
  id: number;
  merchantTransId: string;
  businessDay: string;
  terminalId: string;
  seq: number;
  amountMinor: number;
  currency: string;
  title: string;
  detail: string | null;
  items: OrderItemRecord[];
  /** The frozen business body, re-sent byte for byte. */
  bodyText: string;
  cartId: string | null;
  state: OrderState;
  qrCode: string | null;
  acquirementId: string | null;
  resultCode: string | null;
  resultMessage: string | null;
  /** When the payment window closes (set on a verified S). */
  payDeadline: number | null;
  paidAt: string | null;
  refundedMinor: number;
  /** A problem a supervisor must see (PAID_AFTER_CANCEL, AMOUNT_MISMATCH, …). */
  alarm: string | null;
  /** The cashier or supervisor asked for a cancel while the order was unresolved. */
  cancelRequested: boolean;
  /** How many resends of the preCreate were made after an unknown outcome. */
  unknownCount: number;
  nextActionAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What is journaled when an order is created; the rest of the record starts empty. */
export type NewOrder = Pick<
  OrderRecord,
  'merchantTransId' | 'businessDay' | 'terminalId' | 'seq' | 'amountMinor' | 'currency' | 'title' | 'detail' | 'items' | 'bodyText' | 'cartId'
>;

/** A change to the order row; only listed fields change. */
export type OrderPatch = Partial<
  Pick<OrderRecord, 'state' | 'qrCode' | 'acquirementId' | 'resultCode' | 'resultMessage' | 'payDeadline' | 'paidAt' | 'refundedMinor' | 'alarm' | 'cancelRequested' | 'unknownCount' | 'nextActionAt'>
>;

export interface EventRecord {
  id: number;
  orderId: number | null;
  at: number;
  actor: Actor;
  kind: string;
  fromState: OrderState | null;
  toState: OrderState | null;
  detail: Record<string, unknown> | null;
}

export interface AttemptRecord {
  id: number;
  orderId: number;
  refundId: number | null;
  api: string;
  reqMsgId: string;
  sentAt: number;
  receivedAt: number;
  outcome: 'S' | 'F' | 'U';
  resultCode: string | null;
  /** payQuery's payment status (INIT, SUCCESS, …) when the answer was S; part of what makes two polls identical. */
  status: string | null;
  /** For U: the reason and its detail, e.g. "timeout: no answer within 10000 ms". */
  unknownReason: string | null;
  httpStatus: number | null;
  rawResponse: string | null;
  /** Identical poll answers are folded into one row. */
  repeats: number;
}

export type RefundState = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface RefundRecord {
  id: number;
  orderId: number;
  merchantRefundId: string;
  amountMinor: number;
  currency: string;
  reason: string | null;
  bodyText: string;
  state: RefundState;
  refundId: string | null;
  resultCode: string | null;
  businessDay: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * NEEDS_REVIEW: the gateway's answers have not ended an order for a while (settle it by hand);
 * PROFILE_MODE: the till was switched between sandbox and live at the terminal;
 * SUPERVISOR_PIN: the PIN was set or reset, or wrong PINs locked the supervisor screen;
 * TRUST: what proves a payment changed (gateway address, CA, pins, keys);
 * STORE_SYNC: the store server has not taken this till's changes for a while, or refuses
 * them (credential revoked, its copy behind this till's). All inform, none blocks sales.
 */
export type AlarmKind =
  | 'CONFIG'
  | 'PAID_AFTER_CANCEL'
  | 'AMOUNT_MISMATCH'
  | 'INTEGRITY'
  | 'REPEAT_INCONSISTENT'
  | 'NEEDS_REVIEW'
  | 'PROFILE_MODE'
  | 'SUPERVISOR_PIN'
  | 'TRUST'
  | 'STORE_SYNC';

export interface AlarmRecord {
  id: number;
  kind: AlarmKind;
  code: string | null;
  orderId: number | null;
  message: string;
  raisedAt: number;
  clearedAt: number | null;
  clearedBy: string | null;
}
