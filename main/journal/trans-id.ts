import { TillError } from '../errors';
import { compactDay } from './business-day';

/**
 * merchantTransId = terminal id + yyyyMMdd + a 6-digit sequence, e.g. `T01` `20250314`
 * `000042`. Fixed-width date and sequence make the id unambiguous across terminals of one
 * merchant: two ids of equal length have terminal ids of equal length, so they can only
 * be equal if terminal, day and sequence are. That is why the sequence stops at 999999
 * instead of growing a seventh digit.
 */

export const SEQ_DIGITS = 6;
export const MAX_SEQ = 10 ** SEQ_DIGITS - 1;
/** 64 (the field's limit) − 8 (date) − 6 (sequence) − 3 (room for a refund suffix `R01`). */
export const MAX_TERMINAL_ID_LENGTH = 47;
const TERMINAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export function assertTerminalId(terminalId: string): void {
  if (terminalId.length === 0 || terminalId.length > MAX_TERMINAL_ID_LENGTH || !TERMINAL_ID_PATTERN.test(terminalId)) {
    throw new TillError(
      'TERMINAL_ID_INVALID',
      `terminal id ${JSON.stringify(terminalId.slice(0, 64))} must be 1 to ${MAX_TERMINAL_ID_LENGTH} letters, digits or _ . : - (starting with a letter or digit)`,
      { field: 'terminal.id' },
    );
  }
}

export function formatMerchantTransId(terminalId: string, businessDay: string, seq: number): string {
  return `${terminalId}${compactDay(businessDay)}${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** The id read backwards: a search by its last characters becomes a prefix range on an index. */
export function reverseText(text: string): string {
  return [...text].reverse().join('');
}

/**
 * The half-open range [low, high) of reversed ids that end with `tail`, or undefined when
 * `tail` cannot be the end of a merchantTransId. Ids are ASCII, so the byte order SQLite
 * compares in is the order of the characters.
 */
export function tailRange(tail: string): { low: string; high: string } | undefined {
  if (tail.length === 0 || tail.length > 64 || !/^[A-Za-z0-9_.:-]+$/.test(tail)) return undefined;
  const low = reverseText(tail);
  const high = low.slice(0, -1) + String.fromCharCode(low.charCodeAt(low.length - 1) + 1);
  return { low, high };
}
