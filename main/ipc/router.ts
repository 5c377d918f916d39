import { setMaxListeners } from 'node:events';
import { CHANNEL_ACCESS, ROUTER_ERROR_CODES, isChannel, validateRequest, type Channel, type Result, type TillEvent } from '../../preload/contract';
import { TillError } from '../errors';
import type { AlarmRecord } from '../journal/types';
import type { CallContext, Handler, RouterHooks, RouterServices } from './call-context';
import { errorView, routerError } from './error-view';
import { EventHub } from './event-hub';
import { HANDLERS } from './handlers';
import type { ConnectionInfo, Router, RouterConnection } from './router-types';
import { ConnectionThrottle, SupervisorPin } from '../config/supervisor-pin';
import { SESSION_IDLE_MS, SupervisorSession } from './supervisor-session';
import { wireTillEvents } from './till-events';
import { alarmView } from './views';

/**
 * The one router both hosts feed (docs/architecture.md "Processes and hosts"). Every call goes
 * through the same checks, in this order: the channel exists, the connection may use it
 * (a supervisor session for supervisor channels), the payload matches the channel's
 * schema; only then is the one service call behind the channel made. Whatever happens,
 * the caller gets a Result, never a rejection.
 */

interface ConnectionState {
  info: ConnectionInfo;
  session: SupervisorSession;
  pinThrottle: ConnectionThrottle;
  unsubscribers: Set<() => void>;
  open: boolean;
}

function stderrLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A channel name worth repeating in a message (what a host could have misspelt), else nothing. */
function shownChannel(channel: unknown): string {
  return typeof channel === 'string' && /^[\x20-\x7E]{1,64}$/.test(channel) ? ` ${JSON.stringify(channel)}` : '';
}

export function createRouter(services: RouterServices): Router {
  const till = services.till;
  const log = services.log ?? stderrLog;
  const now = services.now ?? Date.now;
  const idleMs = services.sessionIdleMs ?? SESSION_IDLE_MS;
  const hub = new EventHub(log);
  const events = wireTillEvents(till, hub, log);
  const pin = new SupervisorPin(till.vault, till.settings, till.journal, now, services.lockout);
  const closing = new AbortController();
  // Each call waiting for an order's first answer listens here until it ends (a burst of
  // charges means as many listeners for a moment, each removed when its wait ends).
  setMaxListeners(0, closing.signal);
  const connections = new Set<ConnectionState>();
  let closed = false;

  // A hook that fails (the embedded sandbox gone) must not turn a saved change into an error.
  const hooks: RouterHooks = {
    merchantKeyChanged: async () => {
      try {
        await services.hooks?.merchantKeyChanged?.();
      } catch (error) {
        log(`router: after the merchant key changed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    settingsChanged: async (keys) => {
      try {
        await services.hooks?.settingsChanged?.(keys);
      } catch (error) {
        log(`router: after settings changed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };

  const emit = (event: TillEvent) => hub.emit(event);

  function contextOf(state: ConnectionState): CallContext {
    return {
      till,
      connection: state,
      pin,
      devices: events.devices,
      closing: closing.signal,
      hooks,
      now,
      statusChanged: () => emit({ type: 'status' }),
      endOtherSessions: () => {
        for (const other of connections) if (other !== state) other.session.end();
      },
      alarmChanged: (alarm: AlarmRecord) => emit({ type: 'alarm', alarm: alarmView(alarm) }),
    };
  }

  async function invoke(state: ConnectionState, channel: unknown, request: unknown): Promise<Result<unknown>> {
    try {
      if (!state.open) return { ok: false, error: routerError('CONNECTION_CLOSED', 'This screen is disconnected from the till; reload it.') };
      if (!isChannel(channel)) {
        return { ok: false, error: routerError(ROUTER_ERROR_CODES.unknownChannel, `The till has no channel${shownChannel(channel)}.`) };
      }
      if (CHANNEL_ACCESS[channel] === 'supervisor') {
        if (!state.session.active()) {
          return { ok: false, error: routerError(ROUTER_ERROR_CODES.supervisorRequired, 'This needs a supervisor: log in with the supervisor PIN first.') };
        }
        state.session.touch();
      }
      const checked = validateRequest(channel, request);
      if (!checked.ok) return checked;
      const handler = HANDLERS[channel] as Handler<Channel>;
      return { ok: true, value: await handler(contextOf(state), checked.value) };
    } catch (error) {
      return { ok: false, error: errorView(error, log, `${isChannel(channel) ? channel : 'a call'} from ${state.info.label}`) };
    }
  }

  function closeConnection(state: ConnectionState): void {
    if (!state.open) return;
    state.open = false;
    state.session.end();
    for (const unsubscribe of state.unsubscribers) unsubscribe();
    state.unsubscribers.clear();
    connections.delete(state);
  }

  return {
    connect(info: ConnectionInfo): RouterConnection {
      if (closed) throw new TillError('ROUTER_CLOSED', 'The till is shutting down; no new screen can connect.');
      const state: ConnectionState = {
        info: Object.freeze({ host: info.host, label: String(info.label).slice(0, 200) }),
        session: new SupervisorSession(now, idleMs),
        pinThrottle: new ConnectionThrottle(services.lockout),
        unsubscribers: new Set(),
        open: true,
      };
      connections.add(state);
      return {
        info: state.info,
        invoke: (channel, request) => invoke(state, channel, request),
        subscribe(listener) {
          if (!state.open) return () => undefined;
          const off = hub.subscribe(listener, state.info.label);
          state.unsubscribers.add(off);
          return () => {
            off();
            state.unsubscribers.delete(off);
          };
        },
        close: () => closeConnection(state),
      };
    },
    statusChanged: () => emit({ type: 'status' }),
    close() {
      if (closed) return;
      closed = true;
      for (const state of [...connections]) closeConnection(state);
      events.detach();
      closing.abort();
    },
  };
}
