import { TillError } from '../errors';
import { isoMinorUnits, isPayableCurrency } from '../../preload/contract/minor-units';

/**
 * ISO 4217 currencies and their minor units, from the generated ISO table in
 * preload/contract/iso4217.ts (not from Intl: its digits are display digits, 0 for IDR
 * where ISO says 2, which would undercharge 100x). Money is always an integer count of
 * minor units.
 */

/** A currency the till can charge in: an ISO 4217 code whose minor unit is a number. */
export function isKnownCurrency(code: string): boolean {
  return isPayableCurrency(code);
}

export function assertCurrency(code: string, field = 'currency'): void {
  if (!/^[A-Z]{3}$/.test(code)) {
    throw new TillError('CURRENCY_INVALID', `${field} must be a 3-letter ISO 4217 code, got ${JSON.stringify(code.slice(0, 8))}`, { field });
  }
  const digits = isoMinorUnits(code);
  if (digits === null) {
    throw new TillError('CURRENCY_UNKNOWN', `${field} ${code} has no minor unit in ISO 4217 (N.A.): it is not a payable currency`, { field });
  }
  if (digits === undefined) throw new TillError('CURRENCY_UNKNOWN', `${field} ${code} is not an ISO 4217 currency`, { field });
}

/** ISO 4217 minor units: USD 2, JPY 0, KWD 3, IDR 2, IQD 3. Throws for what is not payable. */
export function minorUnits(currency: string): number {
  assertCurrency(currency);
  return isoMinorUnits(currency) as number;
}

/**
 * Number(16) in the spec allows 16 digits, but the till also keeps every amount within
 * exact integer arithmetic, which ends first (2^53 - 1, 16 digits too).
 */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;

export function assertAmountMinor(value: number, field = 'amount'): void {
  if (!Number.isInteger(value)) throw new TillError('AMOUNT_INVALID', `${field} must be a whole number of minor units`, { field });
  if (value <= 0) throw new TillError('AMOUNT_INVALID', `${field} must be greater than zero`, { field });
  if (value > MAX_AMOUNT_MINOR) throw new TillError('AMOUNT_INVALID', `${field} is over the largest amount the till can carry exactly (${MAX_AMOUNT_MINOR} minor units)`, { field });
}

/**
 * Parses what a person types ("2.39", "1,000.50" is refused, "100") into minor units
 * without floating point: the digits are joined as text and read as one integer.
 */
export function parseAmount(text: string, currency: string, field = 'amount', options: { allowZero?: boolean } = {}): number {
  const digits = minorUnits(currency);
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) throw new TillError('AMOUNT_INVALID', `${field} must be greater than zero`, { field });
  const match = /^(\d+)(?:\.(\d*))?$/.exec(trimmed);
  if (!match) throw new TillError('AMOUNT_INVALID', `${field} must be a decimal number like 2.39, got ${JSON.stringify(trimmed.slice(0, 24))}`, { field });
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    throw new TillError('AMOUNT_INVALID', `${field} has more decimals than ${currency} allows (${digits})`, { field });
  }
  const joined = (whole + fraction.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
  if (joined.length > 16) throw new TillError('AMOUNT_INVALID', `${field} is over Number(16)`, { field });
  const value = Number(joined);
  if (options.allowZero) assertPriceMinor(value, field);
  else assertAmountMinor(value, field);
  return value;
}

/** "239" USD → "2.39"; used for display and receipts, never for arithmetic. */
export function formatMinor(value: number, currency: string): string {
  const digits = minorUnits(currency);
  const text = String(value).padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Money as the protocol carries it: value is a digit string of minor units. */
export interface Money {
  currency: string;
  value: string;
}

export function toMoney(valueMinor: number, currency: string): Money {
  assertCurrency(currency);
  assertAmountMinor(valueMinor);
  return { currency, value: String(valueMinor) };
}

/**
 * An item's unit price: like an amount, but 0 is allowed (a free item in a paid order).
 * The spec's itemPrice is a plain Money with no lower bound; only orderAmount must be
 * positive, and the order total is checked on its own.
 */
export function assertPriceMinor(value: number, field = 'price'): void {
  if (value === 0) return;
  assertAmountMinor(value, field);
}

export function toPriceMoney(valueMinor: number, currency: string, field = 'price'): Money {
  assertCurrency(currency);
  assertPriceMinor(valueMinor, field);
  return { currency, value: String(valueMinor) };
}

/** Reads a Money from the wire (digit string or integer) into minor units, or undefined. */
export function moneyMinor(money: unknown): { currency: string; value: number } | undefined {
  if (typeof money !== 'object' || money === null) return undefined;
  const { currency, value } = money as { currency?: unknown; value?: unknown };
  if (typeof currency !== 'string') return undefined;
  let digits: string;
  if (typeof value === 'string') digits = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) digits = String(value);
  else return undefined;
  if (!/^\d{1,16}$/.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? { currency, value: n } : undefined;
}
