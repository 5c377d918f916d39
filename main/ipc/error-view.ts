import { ROUTER_ERROR_CODES, type TillErrorView } from '../../preload/contract';
import { TillError } from '../errors';

/**
 * How a failure travels back to a screen. A TillError carries a code, a message written
 * for people and no secret (errors.ts), so it goes as it is; anything else is a bug or a
 * library's surprise, whose text nobody vetted: the screen gets INTERNAL and no more, the
 * detail goes to the log.
 */

/** Too many wrong PINs; `retryAfterMs` says when the next try is allowed. */
export class PinLockedError extends TillError {
  constructor(readonly retryAfterMs: number) {
    super(ROUTER_ERROR_CODES.pinLocked, `Too many wrong PINs: try again in ${describeWait(retryAfterMs)}.`, { field: 'pin' });
  }
}

function describeWait(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms < 60_000) return `${Math.max(1, Math.ceil(ms / 1000))} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export function routerError(code: string, message: string, field?: string): TillErrorView {
  return field === undefined ? { code, message } : { code, message, field };
}

export function errorView(error: unknown, log: (line: string) => void, what: string): TillErrorView {
  if (error instanceof TillError) {
    const view = routerError(error.code, error.message, error.field);
    return error instanceof PinLockedError ? { ...view, retryAfterMs: error.retryAfterMs } : view;
  }
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  log(`router: ${what} failed: ${detail}`);
  return routerError(ROUTER_ERROR_CODES.internal, 'Something went wrong in the till; the details are in its log.');
}
