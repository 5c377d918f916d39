import { ROUTER_ERROR_CODES, type TillErrorView } from '../../preload/contract';
import { PinLockedError } from '../config/supervisor-pin';
import { TillError } from '../errors';

export { PinLockedError } from '../config/supervisor-pin';

/**
 * How a failure travels back to a screen. A TillError carries a code, a message written
 * for people and no secret (errors.ts), so it goes as it is; anything else is a bug or a
 * library's surprise, whose text nobody vetted: the screen gets INTERNAL and no more, the
 * detail goes to the log.
 */

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
