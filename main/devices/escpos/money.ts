import { formatMinor } from '../../alipay/currency';
import { TillError } from '../../errors';

/**
 * Amounts as paper and pole displays show them: ISO code, then the digits of
 * formatMinor with thousands grouped ("USD 1,234.56"). The code, not a symbol: "$" and
 * "¥" are ambiguous and not in every printer's or display's character set.
 */

export function assertDisplayableAmount(amountMinor: number, field = 'amount'): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new TillError('AMOUNT_INVALID', `${field} must be a whole, non-negative number of minor units`, { field });
  }
}

/** "1234567.89" → "1,234,567.89" (the integer part only). */
export function groupThousands(digits: string): string {
  const point = digits.indexOf('.');
  const whole = point === -1 ? digits : digits.slice(0, point);
  const rest = point === -1 ? '' : digits.slice(point);
  return whole.replace(/\B(?=(\d{3})+$)/g, ',') + rest;
}

export function formatAmount(amountMinor: number, currency: string, options: { grouping?: boolean; field?: string } = {}): string {
  assertDisplayableAmount(amountMinor, options.field);
  const digits = formatMinor(amountMinor, currency);
  return `${currency} ${options.grouping === false ? digits : groupThousands(digits)}`;
}
