import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { EnrolCode, TerminalRow } from '../../preload/contract/store-views';
import type { Database, Queryable } from '../db/database';
import { ServerError } from '../http/server-error';

export type { EnrolCode, TerminalRow };

/**
 * Terminal enrolment (docs/store-server.md): `till server enrol` makes a one-time code
 * (15 minutes, single use, only its hash kept); the terminal exchanges it for its own
 * credential, of which the server keeps only the hash too. A credential writes only its
 * own terminal's changes; a revoked one writes nothing.
 */

export const ENROL_CODE_TTL_MS = 15 * 60_000;
/** Crockford's base32 without I, L, O, U: a code read aloud or typed is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** 12 characters in groups of four (60 bits): `7KQ2-M9XD-4TRB`. */
function newCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** What a person typed, the way it was printed: case, spaces and dashes do not matter. */
export function normaliseCode(typed: string): string {
  const bare = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return bare.length === 12 ? `${bare.slice(0, 4)}-${bare.slice(4, 8)}-${bare.slice(8)}` : bare;
}

export function checkStoreId(store: string): string {
  if (!STORE_ID.test(store)) throw new ServerError(400, 'STORE_INVALID', 'store must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit', 'store');
  return store;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 64 || /\p{Cc}/u.test(trimmed)) throw new ServerError(400, 'NAME_INVALID', 'the terminal name must be 1 to 64 printable characters', 'name');
  return trimmed;
}

export async function createEnrolCode(db: Database, input: { store: string; name?: string; now: number }): Promise<EnrolCode> {
  const store = checkStoreId(input.store);
  const code = newCode();
  const expiresAt = input.now + ENROL_CODE_TTL_MS;
  const name = await db.transaction(async (tx) => {
    await tx.query('INSERT INTO stores (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [store, input.now]);
    const count = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM terminals WHERE store_id = $1', [store]);
    const chosen = checkName(input.name ?? `Till ${(count[0]?.n ?? 0) + 1}`);
    await tx.query('INSERT INTO enrol_codes (code_hash, store_id, name, expires_at) VALUES ($1, $2, $3, $4)', [sha256(code), store, chosen, expiresAt]);
    return chosen;
  });
  return { code, store, name, expiresAt };
}

export async function redeemEnrolCode(db: Database, input: { code: string; tillTerminalId: string; deviceName: string; now: number }) {
  const hash = sha256(normaliseCode(input.code));
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ store_id: string; name: string; expires_at: string; used_at: string | null }>(
      'SELECT store_id, name, expires_at::text, used_at::text FROM enrol_codes WHERE code_hash = $1 FOR UPDATE',
      [hash],
    );
    const row = rows[0];
    if (!row) throw new ServerError(403, 'ENROL_CODE_INVALID', 'this enrolment code is not known here; check it, or make a new one with `till server enrol`', 'code');
    if (row.used_at !== null) throw new ServerError(403, 'ENROL_CODE_USED', 'this enrolment code was already used; make a new one with `till server enrol`', 'code');
    if (Number(row.expires_at) <= input.now) throw new ServerError(403, 'ENROL_CODE_EXPIRED', 'this enrolment code has expired (codes last 15 minutes); make a new one with `till server enrol`', 'code');
    const terminal = `trm_${randomBytes(6).toString('hex')}`;
    const token = `tst_${randomBytes(32).toString('base64url')}`;
    await tx.query(
      'INSERT INTO terminals (id, store_id, name, till_terminal, device_name, token_hash, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [terminal, row.store_id, row.name, input.tillTerminalId.slice(0, 64), input.deviceName.slice(0, 128), sha256(token), input.now],
    );
    await tx.query('UPDATE enrol_codes SET used_at = $2, terminal_id = $3 WHERE code_hash = $1', [hash, input.now, terminal]);
    return { terminal, store: row.store_id, name: row.name, token };
  });
}

export interface TerminalIdentity {
  id: string;
  storeId: string;
  name: string;
}

/** The terminal a bearer credential belongs to; 401 for a wrong, unknown or revoked one. */
export async function authenticate(db: Queryable, header: string | undefined): Promise<TerminalIdentity> {
  const token = /^Bearer (\S{1,200})$/.exec(header ?? '')?.[1];
  if (!token) throw new ServerError(401, 'TOKEN_MISSING', 'this needs the terminal credential (Authorization: Bearer …); enrol the terminal with `till store join`');
  const rows = await db.query<{ id: string; store_id: string; name: string; revoked_at: string | null }>(
    'SELECT id, store_id, name, revoked_at::text FROM terminals WHERE token_hash = $1',
    [sha256(token)],
  );
  const row = rows[0];
  if (!row) throw new ServerError(401, 'TOKEN_INVALID', 'this terminal credential is not known here; enrol the terminal again with `till store join`');
  if (row.revoked_at !== null) throw new ServerError(401, 'TOKEN_REVOKED', `the credential of terminal ${row.id} (${row.name}) was revoked; enrol it again with a new code`);
  return { id: row.id, storeId: row.store_id, name: row.name };
}


export async function listTerminals(db: Queryable, store?: string): Promise<TerminalRow[]> {
  const rows = await db.query<{ id: string; store_id: string; name: string; till_terminal: string | null; enrolled_at: string | null; revoked_at: string | null; last_seq: string; last_sync_at: string | null; backlog: number; app_version: string | null; open_alarms: number }>(
    'SELECT id, store_id, name, till_terminal, enrolled_at::text, revoked_at::text, last_seq::text, last_sync_at::text, backlog, app_version, ' +
      '(SELECT count(*)::int FROM alarms a WHERE a.terminal_id = t.id AND a.cleared_at IS NULL) AS open_alarms FROM terminals t ' +
      'WHERE $1::text IS NULL OR store_id = $1 ORDER BY store_id, enrolled_at, id',
    [store ?? null],
  );
  const num = (v: string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({ id: r.id, store: r.store_id, name: r.name, tillTerminal: r.till_terminal, enrolledAt: num(r.enrolled_at), revokedAt: num(r.revoked_at), lastSeq: Number(r.last_seq), lastSyncAt: num(r.last_sync_at), backlog: r.backlog, appVersion: r.app_version, openAlarms: r.open_alarms }));
}

export async function revokeTerminal(db: Queryable, id: string, now: number): Promise<TerminalRow> {
  const rows = await db.query<{ id: string }>('UPDATE terminals SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING id', [id, now]);
  if (rows.length === 0) throw new ServerError(404, 'TERMINAL_NOT_FOUND', `no terminal ${JSON.stringify(id.slice(0, 64))} (see \`till server terminals\`)`, 'id');
  return (await listTerminals(db)).find((t) => t.id === id)!;
}
