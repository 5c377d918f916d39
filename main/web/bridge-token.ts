import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret per launch: 32 random bytes, URL-safe, so it fits a fragment and a query. */
export function newBridgeToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant time in the token's content; only the length (public: always 43) can differ quickly. */
export function tokensMatch(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
