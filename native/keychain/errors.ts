/**
 * Errors of the keychain layer. native/ may not import main/, so it has its own small
 * class with the same shape main/ relies on: a stable string `code`. Messages name the
 * account and what to do, never a secret.
 */
export class KeychainError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeychainError';
    this.code = code;
  }
}

/** Why the keychain could not be used; the message already says what to do about it. */
export type UnavailableReason =
  | 'module' // keytar or libsecret failed to load
  | 'no-session-bus' // no D-Bus session bus to talk to
  | 'no-secret-service' // a bus, but nobody provides org.freedesktop.secrets
  | 'locked' // the collection is locked (or missing) and no unlock prompt could be shown
  | 'timeout' // no answer in time, typically an unlock prompt nobody answers
  | 'inconsistent' // the probe read back something other than what it wrote
  | 'unknown';

export class KeychainUnavailableError extends KeychainError {
  readonly reason: UnavailableReason;

  constructor(reason: UnavailableReason, message: string, options: { cause?: unknown } = {}) {
    super('KEYCHAIN_UNAVAILABLE', message, options);
    this.name = 'KeychainUnavailableError';
    this.reason = reason;
  }
}

export function isKeychainError(value: unknown): value is KeychainError {
  return value instanceof KeychainError;
}
