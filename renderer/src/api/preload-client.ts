import type { Channel, ReplyOf, RequestOf, Result, TillApi } from '../../../preload/contract';
import { asResult, CLIENT_ERROR_CODES, failure } from './client-errors';
import type { ConnectionState, TillConnection } from './connection';

/**
 * The Electron preload's `window.till` seen as a TillConnection: IPC to the main process
 * does not drop, so the link is always up; a rejected invoke (the main process gone)
 * still comes back as data.
 */
export function fromPreload(api: TillApi): TillConnection {
  const state: ConnectionState = { status: 'open', attempt: 0, opened: 1 };
  return {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ReplyOf<C>>> {
      try {
        return asResult(await api.invoke(channel, request)) as Result<ReplyOf<C>>;
      } catch {
        return failure(CLIENT_ERROR_CODES.disconnected, 'The till did not answer the call.');
      }
    },
    subscribe: (listener) => api.subscribe(listener),
    getState: () => state,
    onState: () => () => {},
    close: () => {},
  };
}
