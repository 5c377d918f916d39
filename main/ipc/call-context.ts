import type { Channel, ReplyOf, RequestOf, UpdateView } from '../../preload/contract';
import type { ConnectionInfo } from './router-types';
import type { AlarmRecord } from '../journal/types';
import type { RouterTill } from './router-till';
import type { ConnectionThrottle, LockoutPolicy, SupervisorPin } from '../config/supervisor-pin';
import type { SupervisorSession } from './supervisor-session';
import type { DevicesAccess } from './till-events';

/** What the router is built from, and what every handler may use. */

export interface RouterHooks {
  /** The merchant key was generated again (an embedded sandbox must learn its public half). */
  merchantKeyChanged?(): void | Promise<void>;
  /** Settings were saved (keys named); e.g. the embedded sandbox re-registers the client id. */
  settingsChanged?(keys: readonly string[]): void | Promise<void>;
  /** A downloaded update waiting to install (the Electron host's updater), for the status. */
  updateStatus?(): UpdateView | null;
}

export interface RouterServices {
  till: RouterTill;
  hooks?: RouterHooks;
  /** Where failures without a code are logged (never with a payload). Default: stderr. */
  log?: (line: string) => void;
  /** Wall clock for sessions and the PIN lockout; injectable for tests. */
  now?: () => number;
  sessionIdleMs?: number;
  lockout?: LockoutPolicy;
}

export interface CallContext {
  till: RouterTill;
  connection: { info: ConnectionInfo; session: SupervisorSession; pinThrottle: ConnectionThrottle };
  pin: SupervisorPin;
  devices: DevicesAccess;
  /** Aborted when the router closes: ends the calls still waiting for an order. */
  closing: AbortSignal;
  hooks: RouterHooks;
  now(): number;
  /** Tells every screen to fetch `till.status` again. */
  statusChanged(): void;
  /** Ends the supervisor sessions of every other connection (after a PIN change). */
  endOtherSessions(): void;
  /** Tells every screen an alarm changed (cleared by a supervisor). */
  alarmChanged(alarm: AlarmRecord): void;
}

export type Handler<C extends Channel> = (ctx: CallContext, request: RequestOf<C>) => ReplyOf<C> | Promise<ReplyOf<C>>;

export type HandlerTable<K extends Channel> = { readonly [C in K]: Handler<C> };
