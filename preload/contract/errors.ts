/**
 * Errors travel as data: a stable code the screens switch on, a message a person can read,
 * and the field at fault when there is one. Never a stack, never a secret.
 */

export interface TillErrorView {
  code: string;
  message: string;
  field?: string;
  /** PIN_LOCKED: how long until the next attempt is allowed. */
  retryAfterMs?: number;
}

/** Codes the router itself raises; the engine, journal and devices add their own (TillError codes). */
export const ROUTER_ERROR_CODES = {
  /** The payload does not match the channel's schema; `field` names the first fault. */
  badRequest: 'BAD_REQUEST',
  unknownChannel: 'UNKNOWN_CHANNEL',
  /** A supervisor channel without a supervisor session on this connection. */
  supervisorRequired: 'SUPERVISOR_REQUIRED',
  pinInvalid: 'PIN_INVALID',
  /** Too many wrong PINs: `retryAfterMs` says when to try again. */
  pinLocked: 'PIN_LOCKED',
  pinNotSet: 'PIN_NOT_SET',
  pinAlreadySet: 'PIN_ALREADY_SET',
  /** The first PIN is set at the terminal, or on a screen with the code `till keys set-pin --code` printed. */
  pinSetupCodeRequired: 'PIN_SETUP_CODE_REQUIRED',
  /** The code typed is not the one printed (counted like a wrong PIN), or it has expired. */
  pinSetupCodeInvalid: 'PIN_SETUP_CODE_INVALID',
  /** settings.set named a key only the `till` command at the terminal may change (profile.mode); `field` names it. */
  terminalOnly: 'SETTING_TERMINAL_ONLY',
  /** keys.generate {replace} or keys.importAlipay from a screen: done with `till keys` at the terminal. */
  keysTerminalOnly: 'KEYS_TERMINAL_ONLY',
  /** Something failed that has no code of its own; the message says no more than that. */
  internal: 'INTERNAL',
} as const;

export type Result<T> = { ok: true; value: T } | { ok: false; error: TillErrorView };
