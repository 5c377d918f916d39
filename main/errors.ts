/**
 * The one error type the till raises on purpose. `code` is stable (tests, CLI --json and
 * the screens switch on it); `field` names the input at fault when there is one. Messages
 * never carry secrets: callers pass field names and limits, never key material.
 */
export class TillError extends Error {
  readonly code: string;
  readonly field: string | undefined;

  constructor(code: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TillError';
    this.code = code;
    this.field = options.field;
  }
}

export function isTillError(value: unknown, code?: string): value is TillError {
  return value instanceof TillError && (code === undefined || value.code === code);
}
