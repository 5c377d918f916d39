import { ISO4217_MINOR_UNITS } from './iso4217';

/**
 * Minor units of a currency per ISO 4217 (the generated table in iso4217.ts), shared by
 * the main process and the renderer so that the wire, the keypad, receipts and reports
 * agree. A number: the digits (IDR 2, IQD 3, JPY 0). null: ISO says "N.A." (XAU, XDR…),
 * which the till refuses as not payable. undefined: not an ISO 4217 code at all.
 * Not from Intl: resolvedOptions() gives CLDR display digits (0 for IDR), a 100× error.
 */
export function isoMinorUnits(code: string): number | null | undefined {
  return Object.hasOwn(ISO4217_MINOR_UNITS, code) ? ISO4217_MINOR_UNITS[code] : undefined;
}

/** True for an ISO 4217 code with a minor unit, i.e. one a customer can be charged in. */
export function isPayableCurrency(code: string): boolean {
  return typeof isoMinorUnits(code) === 'number';
}
