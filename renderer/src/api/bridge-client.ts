import {
  BRIDGE_MAX_FRAME_BYTES,
  EVENT_TYPES,
  type BridgeCall,
  type Channel,
  type ReplyOf,
  type RequestOf,
  type Result,
  type TillEvent,
} from '../../../preload/contract';
import { asResult, CLIENT_ERROR_CODES, failure } from './client-errors';
import type { ConnectionState, TillConnection } from './connection';

/**
 * The WebSocket side of TillApi for the web host (bridge-protocol.ts). The socket is
 * injected so the client runs (and is tested) without a browser.
 */

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number): void;
}

export interface SocketLike {
  send(text: string): void;
  close(): void;
}

export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketLike;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface BridgeClientOptions {
  url: string;
  openSocket: OpenSocket;
  timers?: Timers;
  /** Reconnect delays double from initialMs up to maxMs. */
  backoff?: { initialMs: number; maxMs: number };
}

const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 5_000 };

const defaultTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function reconnectDelay(attempt: number, backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 20));
}

const utf8 = new TextEncoder();

interface Pending {
  resolve(result: Result<unknown>): void;
  /** The frame, until it has been handed to an open socket. */
  frame: string | null;
}

export function createBridgeClient(options: BridgeClientOptions): TillConnection {
  const timers = options.timers ?? defaultTimers;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: TillEvent) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = { status: 'connecting', attempt: 0, opened: 0 };
  let socket: SocketLike | null = null;
  let isOpen = false;
  let retryTimer: unknown = null;
  let nextId = 1;

  function setState(next: Partial<ConnectionState>): void {
    state = { ...state, ...next };
    for (const listener of [...stateListeners]) listener(state);
  }

  function failAll(code: string, message: string): void {
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) call.resolve(failure(code, message));
  }

  function send(id: number, call: Pending): void {
    if (socket === null || call.frame === null) return;
    const frame = call.frame;
    call.frame = null;
    try {
      socket.send(frame);
    } catch {
      pending.delete(id);
      call.resolve(failure(CLIENT_ERROR_CODES.disconnected, 'The connection to the till dropped before the call was sent.'));
    }
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const record = frame as Record<string, unknown>;
    if (typeof record['id'] === 'number' && 'result' in record) {
      const call = pending.get(record['id']);
      if (call === undefined) return;
      pending.delete(record['id']);
      call.resolve(asResult(record['result']));
      return;
    }
    const event = record['event'];
    if (typeof event === 'object' && event !== null && (EVENT_TYPES as readonly unknown[]).includes((event as { type?: unknown }).type)) {
      for (const listener of [...listeners]) {
        try {
          listener(event as TillEvent);
        } catch {
          // One screen's faulty handler must not starve the others of events.
        }
      }
    }
  }

  function connect(): void {
    retryTimer = null;
    let current: SocketLike | null = null;
    const handlers: SocketHandlers = {
      open: () => {
        if (socket !== current) return;
        isOpen = true;
        setState({ status: 'open', attempt: 0, opened: state.opened + 1 });
        for (const [id, call] of [...pending]) send(id, call);
      },
      message: (data) => {
        if (socket === current) onMessage(data);
      },
      close: () => {
        if (socket !== current) return;
        socket = null;
        isOpen = false;
        failAll(CLIENT_ERROR_CODES.disconnected, 'The connection to the till dropped; the call may or may not have run.');
        if (state.status === 'closed') return;
        const attempt = state.attempt + 1;
        setState({ status: 'reconnecting', attempt });
        retryTimer = timers.set(connect, reconnectDelay(attempt - 1, backoff));
      },
    };
    try {
      current = options.openSocket(options.url, handlers);
      socket = current;
    } catch {
      handlers.close(1006);
    }
  }

  const client: TillConnection = {
    invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ReplyOf<C>>> {
      return new Promise<Result<unknown>>((resolve) => {
        if (state.status === 'closed') {
          resolve(failure(CLIENT_ERROR_CODES.closed, 'The connection to the till is closed.'));
          return;
        }
        const id = nextId++;
        let frame: string;
        try {
          frame = JSON.stringify({ id, channel, request } satisfies BridgeCall);
        } catch {
          resolve(failure(CLIENT_ERROR_CODES.requestInvalid, 'The request cannot be encoded.'));
          return;
        }
        if (utf8.encode(frame).byteLength > BRIDGE_MAX_FRAME_BYTES) {
          resolve(failure(CLIENT_ERROR_CODES.requestInvalid, `The request is larger than the bridge allows (${BRIDGE_MAX_FRAME_BYTES} bytes).`));
          return;
        }
        if (socket === null) {
          resolve(failure(CLIENT_ERROR_CODES.disconnected, 'Not connected to the till; reconnecting.'));
          return;
        }
        const call: Pending = { resolve, frame };
        pending.set(id, call);
        // A call made while the socket is still opening goes out as soon as it is open.
        if (isOpen) send(id, call);
      }) as Promise<Result<ReplyOf<C>>>;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getState: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    close() {
      if (state.status === 'closed') return;
      setState({ status: 'closed' });
      if (retryTimer !== null) timers.clear(retryTimer);
      retryTimer = null;
      const closing = socket;
      socket = null;
      isOpen = false;
      failAll(CLIENT_ERROR_CODES.closed, 'The connection to the till is closed.');
      closing?.close();
    },
  };

  connect();
  return client;
}
