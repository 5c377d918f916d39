import { TillError } from '../../errors';
import { formatAmount } from '../escpos/money';
import { DISPLAY_COLUMNS } from './frame';

/**
 * The amount for a 20-column line, right-aligned: "USD 1,234.56" when it fits, else the
 * same digits without grouping, then without the space. Digits are never dropped or
 * rounded: a shortened amount on the customer's display would be a wrong amount. Any
 * safe integer fits (16 digits + point + 3-letter code = 20).
 */
export function amountLine(amountMinor: number, currency: string, columns = DISPLAY_COLUMNS): string {
  const plain = formatAmount(amountMinor, currency, { grouping: false, field: 'amountMinor' });
  const candidates = [formatAmount(amountMinor, currency, { field: 'amountMinor' }), plain, plain.replace(' ', '')];
  const fits = candidates.find((text) => text.length <= columns);
  if (fits === undefined) {
    throw new TillError('AMOUNT_TOO_LONG', `${currency} ${amountMinor} minor units does not fit ${columns} columns`, { field: 'amountMinor' });
  }
  return fits.padStart(columns, ' ');
}
