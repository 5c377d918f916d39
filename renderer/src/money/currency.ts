/**
 * Money on the screens: always an integer count of minor units with its ISO 4217
 * currency. Formatting goes through a decimal string, never through a division.
 */
import { isoMinorUnits } from '../../../preload/contract/minor-units';

/**
 * The largest amount the keypad produces: ten digits of minor units (99,999,999.99 in a
 * currency with cents). Well inside the router's limit (a positive safe integer).
 */
export const MAX_ENTRY_MINOR = 9_999_999_999;

/**
 * Minor-unit digits of a currency from the shared ISO 4217 table: USD 2, JPY 0, KWD 3,
 * IDR 2, IQD 3 (not Intl's display digits, which say 0 for IDR: the keypad would then
 * take "15000" as 15,000 minor units, a 100x undercharge). A code the table does not
 * know, or one without a minor unit (XAU), shows 2 digits; the main process refuses to
 * charge in it anyway.
 */
export function fractionDigits(currency: string): number {
  return isoMinorUnits(currency) ?? 2;
}

export function isAmountMinor(value: number, max = MAX_ENTRY_MINOR): boolean {
  return Number.isSafeInteger(value) && value > 0 && value <= max;
}

/** 123456 with 2 digits → "1234.56"; -5 → "-0.05". Integers only. */
export function minorToDecimal(minor: number, digits: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a whole number of minor units: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  if (digits === 0) return sign + text;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

function moneyFormatter(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      // Intl draws symbol and grouping; the digits are forced to ISO 4217's.
      const digits = fractionDigits(currency);
      formatter = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    } catch {
      const digits = fractionDigits(currency);
      formatter = new Intl.NumberFormat('en', { style: 'decimal', minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "$1,234.56" (en, USD), "HK$1,234.56" (zh-HK, HKD), "¥1,235" (en, JPY). */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const decimal = minorToDecimal(minor, fractionDigits(currency)) as `${number}`;
  return moneyFormatter(locale, currency).format(decimal);
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; reason: 'format' | 'decimals' | 'zero' | 'too-large' };

/**
 * What a person types in a money field ("12.5", "12", "0.05") → minor units, read as
 * digits (no floating point). Grouping separators and signs are refused.
 */
export function parseAmountText(text: string, currency: string, max = MAX_ENTRY_MINOR): ParsedAmount {
  const match = /^(\d{1,16})(?:\.(\d*))?$/.exec(text.trim());
  if (match === null) return { ok: false, reason: 'format' };
  const digits = fractionDigits(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return { ok: false, reason: 'decimals' };
  const joined = `${match[1]}${fraction.padEnd(digits, '0')}`.replace(/^0+(?=\d)/, '');
  if (joined.length > 16) return { ok: false, reason: 'too-large' };
  const minor = Number(joined);
  if (minor === 0) return { ok: false, reason: 'zero' };
  if (!Number.isSafeInteger(minor) || minor > max) return { ok: false, reason: 'too-large' };
  return { ok: true, minor };
}

/** The text a money field starts with for an amount: "12.50" for 1250 USD. */
export function amountText(minor: number, currency: string): string {
  return minorToDecimal(minor, fractionDigits(currency));
}
