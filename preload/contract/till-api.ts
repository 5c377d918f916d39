import type { Channel, ReplyOf, RequestOf, TillEvent } from './channels';
import type { Result } from './errors';

/**
 * The whole surface the renderer gets, from the Electron preload (`window.till`) or from
 * the web host's WebSocket bridge. Two functions, so nothing else of the main process
 * (ipcRenderer, Node) can leak through; the router validates everything behind them.
 */
export interface TillApi {
  /** Never rejects for a refused call: errors come back as `{ ok: false, error }`. */
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ReplyOf<C>>>;
  /** Engine and device events; returns the unsubscribe function. */
  subscribe(listener: (event: TillEvent) => void): () => void;
}

/** The Electron IPC channel names the preload and the Electron host share. */
export const IPC_INVOKE = 'till:invoke';
export const IPC_EVENT = 'till:event';
