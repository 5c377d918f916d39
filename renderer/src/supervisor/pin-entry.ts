import { NEW_PIN_MIN_DIGITS, PIN_MAX_DIGITS, PIN_MIN_DIGITS } from '../../../preload/contract';
import { isDigitKey } from '../money/amount-entry';

/** A supervisor PIN: digits only, as many as the router's schema takes. */
export const PIN_MIN = PIN_MIN_DIGITS;
export const PIN_MAX = PIN_MAX_DIGITS;
/** A PIN chosen now is at least 6 digits; older shorter ones still log in. */
export const NEW_PIN_MIN = NEW_PIN_MIN_DIGITS;

export type PinKey = string;

/** The PIN after a key ('0'–'9', 'backspace', 'clear'); anything else, or a 13th digit, changes nothing. */
export function pressPinKey(pin: string, key: PinKey): string {
  if (key === 'clear') return '';
  if (key === 'backspace') return pin.slice(0, -1);
  if (isDigitKey(key) && pin.length < PIN_MAX) return pin + key;
  return pin;
}

export function isPinComplete(pin: string, min: number = PIN_MIN, max: number = PIN_MAX): boolean {
  return /^\d+$/.test(pin) && pin.length >= min && pin.length <= max;
}

/** When a lockout ends on this screen's clock, from the router's retryAfterMs. */
export function lockedUntil(retryAfterMs: number | undefined, localNow: number): number | null {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return null;
  return localNow + retryAfterMs;
}
