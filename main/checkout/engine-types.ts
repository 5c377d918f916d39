import type { OrderItem } from '../alipay/precreate-body';
import type { AlarmRecord, OrderRecord, RefundRecord } from '../journal/types';

/** What the screens and the CLI hand to the engine, and what it tells them back. */

export interface CartInput {
  amountMinor: number;
  currency: string;
  title: string;
  detail?: string;
  items?: OrderItem[];
  /** One id per cart from the screen: a double-click creates one order, not two. */
  cartId?: string;
}

export type Connectivity = 'online' | 'offline';

export interface ConnectivityStatus {
  state: Connectivity;
  /** Orders whose outcome is not known yet (they are resolved automatically). */
  unresolved: number;
  since: number;
  /** Why the gateway is considered offline. */
  detail: string | null;
}

/** One exchange with the gateway, as the till's log writes it: codes and times, never a body, key or token. */
export interface ExchangeNote {
  api: string;
  orderId: number;
  outcome: 'S' | 'F' | 'U';
  resultCode: string | null;
  /** Why the outcome is unknown (timeout, unreachable, …), for a U. */
  reason: string | null;
  httpStatus: number | null;
  elapsedMs: number;
}

export interface EngineEvents {
  order: [OrderRecord];
  refund: [RefundRecord];
  connectivity: [ConnectivityStatus];
  alarm: [AlarmRecord];
  exchange: [ExchangeNote];
}
