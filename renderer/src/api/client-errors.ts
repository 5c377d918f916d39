import type { Result, TillErrorView } from '../../../preload/contract';

/**
 * Errors the screens' side of the connection raises itself (the router's codes are in
 * preload/contract/errors.ts). They travel as the same `{ ok: false, error }` data so a
 * screen handles a dropped connection exactly like a refused call.
 */
export const CLIENT_ERROR_CODES = {
  /** The connection dropped (or was not up) before the reply came: the call may or may not have run. */
  disconnected: 'DISCONNECTED',
  /** The connection was closed on purpose (screen torn down). */
  closed: 'CONNECTION_CLOSED',
  /** The request could not be encoded, or is over the bridge's frame limit: never sent. */
  requestInvalid: 'REQUEST_INVALID',
  /** The host answered something that is not a Result. */
  badReply: 'BAD_REPLY',
} as const;

export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[keyof typeof CLIENT_ERROR_CODES];

export function failure(code: string, message: string, extra: Partial<TillErrorView> = {}): { ok: false; error: TillErrorView } {
  return { ok: false, error: { ...extra, code, message } };
}

function isErrorView(value: unknown): value is TillErrorView {
  if (typeof value !== 'object' || value === null) return false;
  const error = value as Record<string, unknown>;
  return typeof error['code'] === 'string' && typeof error['message'] === 'string';
}

/** Checks the outer shape of a reply from a host; the value itself is the router's business. */
export function asResult(value: unknown): Result<unknown> {
  if (typeof value === 'object' && value !== null) {
    const result = value as Record<string, unknown>;
    if (result['ok'] === true && 'value' in result) return { ok: true, value: result['value'] };
    if (result['ok'] === false && isErrorView(result['error'])) return { ok: false, error: result['error'] };
  }
  return failure(CLIENT_ERROR_CODES.badReply, 'The till answered something the screen cannot read.');
}
