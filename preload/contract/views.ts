import type { CashierMessageCode } from './cashier-messages';

/**
 * What the screens see of the till: plain data, no secrets, no raw gateway answers and no
 * frozen request bodies. The router maps the main process's records to these shapes, so a
 * change inside the journal does not ripple into the renderer. Amounts are integer minor
 * units with their ISO 4217 currency; times are milliseconds since the epoch.
 */

export type OrderStateView = 'NEW' | 'SENDING' | 'AWAITING_PAYMENT' | 'CANCELLING' | 'PAID' | 'REFUNDED' | 'CANCELLED' | 'FAILED';

export interface OrderItemView {
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface OrderView {
  id: number;
  merchantTransId: string;
  businessDay: string;
  amountMinor: number;
  currency: string;
  title: string;
  items: OrderItemView[];
  state: OrderStateView;
  /** The text to draw as a QR for the customer; only while AWAITING_PAYMENT. */
  qrCode: string | null;
  acquirementId: string | null;
  resultCode: string | null;
  /** What the cashier is told when the order failed: the catalog's `result.<code>` (cashier-messages.ts). */
  cashierMessage: CashierMessageCode | null;
  /** When the payment window closes (main process clock). */
  payDeadline: number | null;
  refundedMinor: number;
  alarm: string | null;
  cancelRequested: boolean;
  /** The outcome is not known yet and the engine is finding it out ("checking…"). */
  checking: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface RefundView {
  id: number;
  orderId: number;
  merchantRefundId: string;
  amountMinor: number;
  currency: string;
  reason: string | null;
  state: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  resultCode: string | null;
  /** What the supervisor is told when the refund failed: the catalog's `result.<code>`. */
  cashierMessage: CashierMessageCode | null;
  createdAt: number;
}

export interface OrderEventView {
  id: number;
  at: number;
  actor: string;
  kind: string;
  fromState: OrderStateView | null;
  toState: OrderStateView | null;
  /** A short human-readable line built from the event's detail. */
  detail: string | null;
}

/** One HTTP try, without the raw answer (that stays in the journal for audit). */
export interface AttemptView {
  api: string;
  reqMsgId: string;
  sentAt: number;
  receivedAt: number;
  outcome: 'S' | 'F' | 'U';
  resultCode: string | null;
  status: string | null;
  unknownReason: string | null;
  repeats: number;
}

export interface OrderHistoryView {
  order: OrderView;
  events: OrderEventView[];
  refunds: RefundView[];
  attempts: AttemptView[];
}

export interface ConnectivityView {
  state: 'online' | 'offline';
  unresolved: number;
  since: number;
  detail: string | null;
}

export interface AlarmView {
  id: number;
  orderId: number | null;
  kind: string;
  message: string;
  raisedAt: number;
  clearedAt: number | null;
}

export type DeviceStateView = 'ready' | 'busy' | 'disconnected' | 'offline' | 'cover-open' | 'paper-end' | 'paper-near-end' | 'error' | 'no-answer';

export interface DeviceView {
  name: string;
  role: 'printer' | 'display';
  path: string;
  baud: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
  flow: 'none' | 'rtscts' | 'xonxoff';
  profile: string;
  enabled: boolean;
  state: DeviceStateView;
  code: string | null;
  message: string | null;
  queued: number;
}

export interface SerialPortView {
  path: string;
  manufacturer: string | null;
  serialNumber: string | null;
}

export interface DevicesView {
  devices: DeviceView[];
  ports: SerialPortView[];
  /** Printer profile ids and display command sets the screens may offer. */
  printerProfiles: string[];
  displayProtocols: string[];
}

/** What every screen needs to draw itself, pushed again when any of it changes. */
export interface TillStatusView {
  sandbox: boolean;
  locale: 'en' | 'zh-HK';
  currency: string;
  merchantName: string;
  storeName: string;
  terminalId: string;
  paymentWindowSeconds: number;
  connectivity: ConnectivityView;
  /** Devices that are enabled but not ready, for the till's banner. */
  deviceProblems: Array<Pick<DeviceView, 'name' | 'role' | 'state' | 'code' | 'message'>>;
  openAlarms: number;
  /** The merchant key is in the keychain and the till can sign. */
  canSign: boolean;
  /** A supervisor PIN has been set (else the supervisor screen asks for one first). */
  supervisorPinSet: boolean;
  /** This connection holds a supervisor session. */
  supervisor: boolean;
  /** Main process clock, so countdowns do not depend on the renderer's clock. */
  now: number;
  /** The store server this till sends its journal to, or null when it has not joined one. */
  store: { name: string; backlog: number; lastSentAt: number | null } | null;
  /** This till's version (package.json), shown on the supervisor screen. */
  appVersion: string;
  /** A downloaded update and what it waits for before installing (null: none waiting). */
  update: UpdateView | null;
}

/** main/runtime/update-policy.ts: an update installs only with the day closed and nothing unresolved. */
export interface UpdateView {
  version: string;
  /** null: it installs at the next check. */
  waitingFor: 'UNRESOLVED' | 'REFUNDS_PENDING' | 'DAY_OPEN' | null;
}

export interface TotalsView {
  count: number;
  amountMinor: number;
}

export interface CurrencyTotalsView {
  currency: string;
  paid: TotalsView;
  refunded: TotalsView;
  netMinor: number;
  cancelled: TotalsView;
  failed: TotalsView;
  unresolved: TotalsView;
}

export interface DayExceptionView {
  kind: 'UNRESOLVED' | 'ORDER_ALARM' | 'PENDING_REFUND' | 'OPEN_ALARM';
  orderId: number | null;
  merchantTransId: string | null;
  code: string | null;
  message: string;
}

export interface DayReportView {
  day: string;
  closed: boolean;
  closedAt: number | null;
  orderCount: number;
  currencies: CurrencyTotalsView[];
  exceptions: DayExceptionView[];
  alarms: AlarmView[];
}

export interface SettingView {
  key: string;
  /** The value as text, exactly as `till config set` takes it; null when unset. */
  value: string | null;
  description: string;
  optional: boolean;
}

export interface KeyStatusView {
  merchantKeyPresent: boolean;
  merchantKeyValid: boolean;
  merchantFingerprint: string | null;
  alipayKeyPresent: boolean;
  alipayKeyValid: boolean;
  alipayFingerprint: string | null;
  merchantKeyPairConsistent: boolean | null;
  alipayKeyIsMerchantKey: boolean | null;
  supervisorPinSet: boolean;
  /** On the sandbox profile the gateway's own key plays Alipay's. */
  sandbox: boolean;
}

export interface PublicKeyView {
  publicKeyPem: string;
  fingerprint: string;
}
