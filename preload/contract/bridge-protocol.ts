import type { TillEvent } from './channels';
import type { Result } from './errors';

/**
 * The web host's WebSocket frames (JSON text). The renderer opens
 * `ws://127.0.0.1:PORT/bridge?token=TOKEN`, the token coming from the URL fragment the
 * host was opened with (`#token=…`), so it is never sent in a Referer or logged by a proxy.
 */

export const BRIDGE_PATH = '/bridge';
export const TOKEN_PARAM = 'token';
/** Frames larger than this are refused and the socket closed. */
export const BRIDGE_MAX_FRAME_BYTES = 64 * 1024;

export interface BridgeCall {
  id: number;
  channel: string;
  request: unknown;
}

export type BridgeFrame = { id: number; result: Result<unknown> } | { event: TillEvent };
