import { MAX_ENTRY_MINOR } from './currency';

/**
 * The keypad works like a cash register: digits come in from the right as minor units
 * (1, 2, 3 → 1.23 in USD, 123 in JPY), so every state is a whole number of minor units
 * from 0 to the limit, and no key can make it anything else.
 */

export type DigitKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
export type EntryKey = DigitKey | '00' | 'backspace' | 'clear';

export const DIGIT_KEYS: readonly DigitKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

export function isDigitKey(key: string): key is DigitKey {
  return key.length === 1 && key >= '0' && key <= '9';
}

function sanitize(minor: number, max: number): number {
  return Number.isSafeInteger(minor) && minor >= 0 && minor <= max ? minor : 0;
}

/** The entry after one key; a key that would pass the limit leaves it as it was. */
export function pressKey(minor: number, key: EntryKey, max = MAX_ENTRY_MINOR): number {
  const current = sanitize(minor, max);
  switch (key) {
    case 'clear':
      return 0;
    case 'backspace':
      return Math.floor(current / 10);
    case '00': {
      const next = current * 100;
      return next <= max ? next : current;
    }
    default: {
      const next = current * 10 + Number(key);
      return next <= max ? next : current;
    }
  }
}
