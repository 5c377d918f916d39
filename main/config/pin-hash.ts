/**
 * The supervisor PIN (and the one-time code that lets a screen set the first one) is kept
 * as `scrypt$N$r$p$salt$hash` (base64), never as typed. The lockout in front of it is what
 * stops guessing (docs/architecture.md, "Who may change what the till trusts"); the hash
 * keeps the PIN itself out of the keychain's plain view. Parameters travel with the hash,
 * and are bounded on reading so a tampered entry cannot make a check allocate gigabytes.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { isValidNewPin, NEW_PIN_MIN_DIGITS, PIN_MAX_DIGITS, PIN_SETUP_CODE_DIGITS } from '../../preload/contract';
import { TillError } from '../errors';

const PIN_SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;
const PIN_HASH_PATTERN = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d)\$([A-Za-z0-9+/]{22,}={0,2})\$([A-Za-z0-9+/]{43}=)$/;

export type PinCheck = 'match' | 'mismatch' | 'unset';

export function assertNewPinFormat(pin: string, field: string): void {
  // The screens' schema's own rule (preload/contract), so the terminal and the screens agree.
  if (!isValidNewPin(pin)) {
    throw new TillError('PIN_FORMAT', `A new supervisor PIN is ${NEW_PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits.`, { field });
  }
}

/** A fresh one-time setup code: uniformly random digits (randomInt has no modulo bias). */
export function newSetupCode(): string {
  let code = '';
  for (let i = 0; i < PIN_SETUP_CODE_DIGITS; i += 1) code += String(randomInt(10));
  return code;
}

function scryptAsync(pin: string, salt: Buffer, options: { N: number; r: number; p: number }, keyLength: number): Promise<Buffer> {
  const maxmem = 128 * options.N * options.r * 2;
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, keyLength, { ...options, maxmem }, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = PIN_SCRYPT;
  const derived = await scryptAsync(pin, salt, { N, r, p }, keyLength);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${derived.toString('base64')}`;
}

export async function pinMatches(pin: string, stored: string): Promise<boolean> {
  const m = PIN_HASH_PATTERN.exec(stored);
  const [N, r, p] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || N < 2 ** 10 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 16 || p < 1 || p > 4) {
    throw new TillError('PIN_HASH_INVALID', 'The stored supervisor PIN hash is unreadable: the keychain entry was changed outside the till.', {
      field: 'supervisorPin',
    });
  }
  const expected = Buffer.from(m[5]!, 'base64');
  const derived = await scryptAsync(pin, Buffer.from(m[4]!, 'base64'), { N, r, p }, expected.length);
  return timingSafeEqual(derived, expected);
}
