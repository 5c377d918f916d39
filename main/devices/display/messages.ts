import { toAscii } from '../escpos/ascii';
import { amountLine } from './amount-line';
import { DISPLAY_COLUMNS } from './frame';

/**
 * What the customer display says at each step of a sale: a status on the upper line, the
 * amount (right-aligned) on the lower. Lines are passed through displayFrame, which makes
 * them 20 printable ASCII columns.
 */

export interface DisplayLines {
  upper: string;
  lower: string;
}

function amountOrBlank(amountMinor: number | undefined, currency: string | undefined): string {
  return amountMinor === undefined || currency === undefined ? '' : amountLine(amountMinor, currency);
}

function centred(text: string): string {
  // Transliterated first, so the centring counts the columns the display will show.
  const cut = toAscii(text).trim().slice(0, DISPLAY_COLUMNS);
  return ' '.repeat(Math.floor((DISPLAY_COLUMNS - cut.length) / 2)) + cut;
}

export const displayMessages = {
  scanToPay: (amountMinor: number, currency: string): DisplayLines => ({ upper: 'Scan with Alipay', lower: amountLine(amountMinor, currency) }),
  paid: (amountMinor?: number, currency?: string): DisplayLines => ({ upper: 'Paid - thank you', lower: amountOrBlank(amountMinor, currency) }),
  cancelled: (amountMinor?: number, currency?: string): DisplayLines => ({ upper: 'Cancelled', lower: amountOrBlank(amountMinor, currency) }),
  failed: (amountMinor?: number, currency?: string): DisplayLines => ({ upper: 'Payment failed', lower: amountOrBlank(amountMinor, currency) }),
  idle: (storeName?: string): DisplayLines => {
    const name = storeName?.trim() ?? '';
    return name === '' ? { upper: centred('Welcome'), lower: '' } : { upper: centred(name), lower: centred('Welcome') };
  },
} as const;
