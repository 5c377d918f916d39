import { createHash, randomBytes } from 'node:crypto';
import { textArray, type Database, type Queryable } from '../db/database';
import { ServerError } from '../http/server-error';
import { decoyHash, verifyPassword } from './password';
import { audit, getUser, type User } from './users';

/**
 * Signing in to the store screen. A session is a random cookie value; the server keeps its
 * SHA-256 with an idle and an absolute expiry. Failures are counted per account and per
 * address in the database (every instance throttles alike): 5 free per account, 20 per
 * address (a shop's staff share one address), then a wait that doubles from 30 s to 15 min. An unknown name and a wrong password get the same answer,
 * after the same work.
 */

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;
const FREE_FAILURES = { user: 5, addr: 20 } as const;
const LOCK_BASE_MS = 30_000;
const LOCK_MAX_MS = 15 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function lockedFor(db: Queryable, keys: string[], now: number): Promise<number> {
  const rows = await db.query<{ locked_until: string }>('SELECT locked_until::text FROM signin_failures WHERE key = ANY($1::text[])', [textArray(keys)]);
  return Math.max(0, ...rows.map((r) => Number(r.locked_until) - now));
}

async function noteFailure(db: Queryable, key: string, now: number): Promise<void> {
  const rows = await db.query<{ failures: number }>(
    'INSERT INTO signin_failures (key, failures) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET failures = signin_failures.failures + 1 RETURNING failures',
    [key],
  );
  const failures = rows[0]!.failures;
  const free = key.startsWith('addr:') ? FREE_FAILURES.addr : FREE_FAILURES.user;
  if (failures >= free) {
    const wait = Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** (failures - free));
    await db.query('UPDATE signin_failures SET locked_until = $2 WHERE key = $1', [key, now + wait]);
  }
}

export async function signIn(db: Database, input: { name: string; password: string; address: string; now: number }): Promise<{ user: User; cookie: string; expiresAt: number }> {
  const keys = [`user:${input.name.slice(0, 64)}`, `addr:${input.address}`];
  const wait = await lockedFor(db, keys, input.now);
  if (wait > 0) throw new ServerError(429, 'SIGNIN_THROTTLED', `too many wrong passwords; try again in ${Math.ceil(wait / 1000)} s`, undefined, Math.ceil(wait / 1000));
  const user = typeof input.name === 'string' ? await getUser(db, input.name) : undefined;
  const ok = await verifyPassword(String(input.password ?? ''), user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok || user.disabled) {
    for (const key of keys) await noteFailure(db, key, input.now);
    throw new ServerError(401, 'SIGNIN_FAILED', 'the name or the password is wrong');
  }
  await db.query('DELETE FROM signin_failures WHERE key = ANY($1::text[])', [textArray(keys)]);
  const cookie = randomBytes(32).toString('base64url');
  const expiresAt = input.now + SESSION_MAX_MS;
  await db.query('INSERT INTO sessions (id_hash, user_name, created_at, last_seen_at, expires_at, address) VALUES ($1, $2, $3, $3, $4, $5)', [sha256(cookie), user.name, input.now, expiresAt, input.address]);
  await audit(db, user.name, 'signed_in', { address: input.address }, input.now);
  const { passwordHash: _hash, ...visible } = user;
  return { user: visible, cookie, expiresAt };
}

/** The signed-in user of a cookie; 401 when there is none, it is unknown, or it has expired. */
export async function sessionUser(db: Queryable, cookie: string | undefined, now: number): Promise<User & { session: string }> {
  if (!cookie) throw new ServerError(401, 'SIGNIN_REQUIRED', 'sign in first');
  const hash = sha256(cookie);
  const rows = await db.query<{ user_name: string; last_seen_at: string; expires_at: string }>('SELECT user_name, last_seen_at::text, expires_at::text FROM sessions WHERE id_hash = $1', [hash]);
  const row = rows[0];
  if (!row) throw new ServerError(401, 'SESSION_UNKNOWN', 'this session is not known (signed out, or signed out everywhere); sign in again');
  if (Number(row.expires_at) <= now || Number(row.last_seen_at) + SESSION_IDLE_MS <= now) {
    await db.query('DELETE FROM sessions WHERE id_hash = $1', [hash]);
    throw new ServerError(401, 'SESSION_EXPIRED', 'this session has expired; sign in again');
  }
  const user = await getUser(db, row.user_name);
  if (!user || user.disabled) throw new ServerError(401, 'SESSION_UNKNOWN', 'this account can no longer sign in');
  await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [hash, now]);
  const { passwordHash: _hash, ...visible } = user;
  return { ...visible, session: hash };
}

/** For a long-lived stream: is this session (by its hash) still signed in, without counting as activity? */
export async function sessionStillValid(db: Queryable, hash: string, now: number): Promise<User | null> {
  const rows = await db.query<{ user_name: string; last_seen_at: string; expires_at: string }>('SELECT user_name, last_seen_at::text, expires_at::text FROM sessions WHERE id_hash = $1', [hash]);
  const row = rows[0];
  if (!row || Number(row.expires_at) <= now || Number(row.last_seen_at) + SESSION_IDLE_MS <= now) return null;
  const user = await getUser(db, row.user_name);
  return user && !user.disabled ? user : null;
}

export async function signOut(db: Queryable, session: string, user: string, everywhere: boolean, now: number): Promise<number> {
  const rows = everywhere
    ? await db.query('DELETE FROM sessions WHERE user_name = $1 RETURNING id_hash', [user])
    : await db.query('DELETE FROM sessions WHERE id_hash = $1 RETURNING id_hash', [session]);
  await audit(db, user, everywhere ? 'signed_out_everywhere' : 'signed_out', { sessions: rows.length }, now);
  return rows.length;
}
