import { fractionDigits } from '../money/currency';

/** Money from the API's minor-unit text, digits per ISO 4217; text and BigInt only, so a store's sum never passes through a float. */
export function money(minor: string, currency: string): string {
  const n = BigInt(minor);
  const digits = fractionDigits(currency);
  const abs = (n < 0n ? -n : n).toString().padStart(digits + 1, '0');
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return `${n < 0n ? '-' : ''}${currency} ${text}`;
}

/** Today as this browser's calendar date, yyyy-MM-dd. */
export function today(): string {
  return new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

// One formatter per locale and kind: toLocaleString() builds a new one on every call, which
// a day of 40 terminals (and a page of 50 orders) would pay for each line.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, kind: 'dateTime' | 'time'): Intl.DateTimeFormat {
  const key = `${kind}:${locale}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, kind === 'time' ? { timeStyle: 'medium' } : { dateStyle: 'short', timeStyle: 'medium' });
    formatters.set(key, f);
  }
  return f;
}

export function dateTime(ms: number | string, locale: string): string {
  return formatter(locale, 'dateTime').format(new Date(Number(ms)));
}

export function time(ms: number | string, locale: string): string {
  return formatter(locale, 'time').format(new Date(Number(ms)));
}
