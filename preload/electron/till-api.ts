import {
  EVENT_TYPES,
  IPC_EVENT,
  IPC_INVOKE,
  isChannel,
  ROUTER_ERROR_CODES,
  type Channel,
  type ReplyOf,
  type RequestOf,
  type Result,
  type TillApi,
  type TillEvent,
} from '../contract';

/**
 * The `TillApi` the preload exposes, built on an ipcRenderer: two functions and nothing
 * else, so neither ipcRenderer nor an IPC event object ever reaches the page.
 */

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function failure(code: string, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function isTillEvent(value: unknown): value is TillEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (EVENT_TYPES as readonly unknown[]).includes(type);
}

/** Rethrown outside the fan-out loop, so it reaches the console like any uncaught error. */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export function createTillApi(ipc: IpcRendererLike, options: { reportError?: (error: unknown) => void } = {}): TillApi {
  const reportError = options.reportError ?? rethrowLater;
  const listeners = new Set<(event: TillEvent) => void>();

  // One IPC listener for all subscribers, there only while someone listens.
  const fanOut = (_ipcEvent: unknown, payload: unknown): void => {
    if (!isTillEvent(payload)) return;
    for (const listener of [...listeners]) {
      try {
        listener(payload);
      } catch (error) {
        // One broken listener must not starve the others.
        reportError(error);
      }
    }
  };

  async function invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ReplyOf<C>>> {
    // The page may pass anything, whatever the types say.
    const given: unknown = channel;
    if (!isChannel(given)) {
      const name = typeof given === 'string' ? JSON.stringify(given.slice(0, 60)) : `of type ${typeof given}`;
      return failure(ROUTER_ERROR_CODES.unknownChannel, `There is no channel ${name}.`);
    }
    try {
      return (await ipc.invoke(IPC_INVOKE, channel, request)) as Result<ReplyOf<C>>;
    } catch {
      // invoke never rejects (TillApi): a lost main process is an error the screen can show.
      return failure(ROUTER_ERROR_CODES.internal, 'The till did not answer.');
    }
  }

  function subscribe(listener: (event: TillEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe takes a function');
    const wrapped = (event: TillEvent): void => listener(event);
    if (listeners.size === 0) ipc.on(IPC_EVENT, fanOut);
    listeners.add(wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      listeners.delete(wrapped);
      if (listeners.size === 0) ipc.removeListener(IPC_EVENT, fanOut);
    };
  }

  return Object.freeze({ invoke, subscribe });
}
