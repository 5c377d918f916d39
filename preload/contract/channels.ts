import type {
  AlarmView,
  ConnectivityView,
  DayReportView,
  DevicesView,
  DeviceView,
  KeyStatusView,
  OrderHistoryView,
  OrderView,
  PublicKeyView,
  RefundView,
  SettingView,
  TillStatusView,
} from './views';

/**
 * Every channel of the contract: its request, its reply and who may call it. The router
 * refuses a channel that is not here; `supervisor` channels need a supervisor session
 * (PIN) on the same connection (Electron webContents or WebSocket).
 */

export type Access = 'cashier' | 'supervisor';

export interface DeviceInputView {
  name: string;
  role: 'printer' | 'display';
  path: string;
  baud?: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  flow?: 'none' | 'rtscts' | 'xonxoff';
  profile?: string;
  enabled?: boolean;
}

export interface ChannelMap {
  // Cashier (and customer display): no session needed.
  'till.status': { request: Record<string, never>; reply: TillStatusView };
  'order.create': {
    request: {
      amountMinor: number;
      /** Defaults to the till's currency. */
      currency?: string;
      title?: string;
      items?: Array<{ name: string; quantity: number; unitPriceMinor: number }>;
      /** One id per cart from the screen: a double-click creates one order, not two. */
      cartId: string;
    };
    reply: OrderView;
  };
  'order.get': { request: { orderId: number }; reply: OrderView };
  'order.cancel': { request: { orderId: number }; reply: OrderView };
  'order.reprint': { request: { orderId: number }; reply: { queued: number } };
  /** The last orders of this terminal's business day, newest first. */
  'orders.recent': { request: { limit?: number }; reply: OrderView[] };
  'supervisor.login': { request: { pin: string }; reply: { expiresAt: number } };
  /** Sets the first PIN; refused once a PIN is set (then `supervisor.changePin`). */
  'supervisor.setupPin': { request: { code: string; pin: string }; reply: { expiresAt: number } };
  'supervisor.logout': { request: Record<string, never>; reply: { ok: true } };

  // Supervisor.
  'supervisor.changePin': { request: { currentPin: string; newPin: string }; reply: { ok: true } };
  /** Defaults to today's business day. */
  'day.reconcile': { request: { day?: string }; reply: DayReportView };
  'day.close': { request: { day?: string }; reply: DayReportView };
  'day.csv': { request: { day?: string }; reply: { filename: string; text: string } };
  /** By the last digits of merchantTransId (at least 3). */
  'orders.search': { request: { tail: string }; reply: OrderView[] };
  'order.history': { request: { orderId: number }; reply: OrderHistoryView };
  /** Runs the resolution of unknown outcomes now (resend → query → cancel). */
  'orders.resolveNow': { request: Record<string, never>; reply: { unresolved: number } };
  /** One refundKey per refund asked (the screen: one per refund form): the same key again returns the same refund. */
  'order.refund': { request: { orderId: number; amountMinor: number; reason?: string; refundKey: string }; reply: RefundView };
  /** An unresolved order the gateway's answers do not end, settled by a supervisor who checked with Alipay. */
  'order.settle': { request: { orderId: number; as: 'cancelled' | 'paid'; reason: string }; reply: OrderView };
  'alarm.clear': { request: { alarmId: number }; reply: AlarmView };
  'settings.list': { request: Record<string, never>; reply: SettingView[] };
  /** Values as text, as `till config set` takes them; all are checked before any is saved. */
  'settings.set': { request: { values: Record<string, string> }; reply: SettingView[] };
  'keys.status': { request: Record<string, never>; reply: KeyStatusView };
  /** Generates the merchant key pair in the keychain; `replace` to overwrite an existing key. */
  'keys.generate': { request: { replace?: boolean }; reply: PublicKeyView };
  'keys.publicKey': { request: Record<string, never>; reply: PublicKeyView };
  /** Alipay's public key (PEM), as downloaded from the Alipay portal. */
  'keys.importAlipay': { request: { pem: string }; reply: KeyStatusView };
  'devices.list': { request: Record<string, never>; reply: DevicesView };
  'devices.save': { request: { device: DeviceInputView }; reply: DeviceView };
  'devices.remove': { request: { name: string }; reply: { removed: boolean } };
  'devices.test': { request: { name: string }; reply: { ok: boolean; message: string | null } };
}

export type Channel = keyof ChannelMap;
export type RequestOf<C extends Channel> = ChannelMap[C]['request'];
export type ReplyOf<C extends Channel> = ChannelMap[C]['reply'];

export const CHANNEL_ACCESS: { readonly [C in Channel]: Access } = {
  'till.status': 'cashier',
  'order.create': 'cashier',
  'order.get': 'cashier',
  'order.cancel': 'cashier',
  'order.reprint': 'cashier',
  'orders.recent': 'cashier',
  'supervisor.login': 'cashier',
  'supervisor.setupPin': 'cashier',
  'supervisor.logout': 'cashier',
  'supervisor.changePin': 'supervisor',
  'day.reconcile': 'supervisor',
  'day.close': 'supervisor',
  'day.csv': 'supervisor',
  'orders.search': 'supervisor',
  'order.history': 'supervisor',
  'orders.resolveNow': 'supervisor',
  'order.refund': 'supervisor',
  'order.settle': 'supervisor',
  'alarm.clear': 'supervisor',
  'settings.list': 'supervisor',
  'settings.set': 'supervisor',
  'keys.status': 'supervisor',
  'keys.generate': 'supervisor',
  'keys.publicKey': 'supervisor',
  'keys.importAlipay': 'supervisor',
  'devices.list': 'supervisor',
  'devices.save': 'supervisor',
  'devices.remove': 'supervisor',
  'devices.test': 'supervisor',
};

/**
 * Settings settings.set refuses (SETTING_TERMINAL_ONLY): whether money moves, and what
 * proves a payment (the gateway's address, its CA and pins), are changed with `till config
 * set` at the till's terminal, never from a screen. The screens list them read-only.
 */
export const TERMINAL_ONLY_SETTINGS: readonly string[] = Object.freeze(['profile.mode', 'gateway.baseUrl', 'gateway.caFile', 'gateway.pinSha256', 'store.caFile']);

export const CHANNELS: readonly Channel[] = Object.freeze(Object.keys(CHANNEL_ACCESS) as Channel[]);

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CHANNEL_ACCESS, value);
}

/** Pushed from the main process to every connected screen. */
export type TillEvent =
  | { type: 'order'; order: OrderView }
  | { type: 'refund'; refund: RefundView }
  | { type: 'connectivity'; connectivity: ConnectivityView }
  | { type: 'alarm'; alarm: AlarmView }
  | { type: 'devices'; devices: DeviceView[] }
  /** Settings changed (locale, store name, …): screens fetch `till.status` again. */
  | { type: 'status' };

export const EVENT_TYPES: readonly TillEvent['type'][] = ['order', 'refund', 'connectivity', 'alarm', 'devices', 'status'];
