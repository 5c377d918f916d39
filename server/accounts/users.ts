import type { Database, Queryable } from '../db/database';
import { ServerError } from '../http/server-error';
import { checkStoreId } from '../store/enrolment';
import { hashPassword, passwordProblem } from './password';

/**
 * Store staff accounts (issue 14): an owner sees every store and manages accounts; a
 * supervisor sees the stores given. The first owner is made from the shell (`till server
 * user add NAME --role owner`), never from the web. Every change is in the audit log.
 */

export type Role = 'owner' | 'supervisor';

export interface User {
  name: string;
  role: Role;
  stores: string[];
  disabled: boolean;
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$/u;

export function checkUserName(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) throw new ServerError(400, 'USER_NAME_INVALID', 'a user name is 1 to 64 letters, digits, spaces, dots, dashes, underscores or @', 'name');
  return name;
}

export async function audit(db: Queryable, actor: string, action: string, detail: Record<string, unknown>, at: number): Promise<void> {
  await db.query('INSERT INTO audit_log (at, actor, action, detail) VALUES ($1, $2, $3, $4)', [at, actor, action, JSON.stringify(detail)]);
}

export async function createUser(db: Database, input: { name: string; role: Role; stores: string[]; password: string; by: string; now: number }): Promise<User> {
  const name = checkUserName(input.name);
  if (input.role !== 'owner' && input.role !== 'supervisor') throw new ServerError(400, 'ROLE_INVALID', 'role is owner or supervisor', 'role');
  const problem = passwordProblem(input.password);
  if (problem) throw new ServerError(400, 'PASSWORD_WEAK', problem, 'password');
  const stores = input.role === 'owner' ? [] : input.stores.map(checkStoreId);
  if (input.role === 'supervisor' && stores.length === 0) throw new ServerError(400, 'STORES_REQUIRED', 'a supervisor needs at least one store (--store)', 'stores');
  const hash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const existing = await tx.query('SELECT 1 FROM users WHERE name = $1', [name]);
    if (existing.length > 0) throw new ServerError(409, 'USER_EXISTS', `there is already a user ${JSON.stringify(name)}`, 'name');
    await tx.query('INSERT INTO users (name, role, password_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5)', [name, input.role, hash, input.now, input.by]);
    for (const store of stores) {
      await tx.query('INSERT INTO stores (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [store, input.now]);
      await tx.query('INSERT INTO user_stores (user_name, store_id) VALUES ($1, $2)', [name, store]);
    }
    await audit(tx, input.by, 'user_created', { name, role: input.role, stores }, input.now);
    return { name, role: input.role, stores, disabled: false };
  });
}

export async function getUser(db: Queryable, name: string): Promise<(User & { passwordHash: string }) | undefined> {
  const rows = await db.query<{ name: string; role: Role; password_hash: string; disabled_at: string | null; stores: string[] | null }>(
    'SELECT u.name, u.role, u.password_hash, u.disabled_at::text, array_remove(array_agg(s.store_id ORDER BY s.store_id), NULL) AS stores FROM users u LEFT JOIN user_stores s ON s.user_name = u.name WHERE u.name = $1 GROUP BY u.name',
    [name],
  );
  const row = rows[0];
  return row ? { name: row.name, role: row.role, stores: row.stores ?? [], disabled: row.disabled_at !== null, passwordHash: row.password_hash } : undefined;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const rows = await db.query<{ name: string; role: Role; disabled_at: string | null; stores: string[] | null }>(
    'SELECT u.name, u.role, u.disabled_at::text, array_remove(array_agg(s.store_id ORDER BY s.store_id), NULL) AS stores FROM users u LEFT JOIN user_stores s ON s.user_name = u.name GROUP BY u.name ORDER BY u.name',
  );
  return rows.map((r) => ({ name: r.name, role: r.role, stores: r.stores ?? [], disabled: r.disabled_at !== null }));
}

/** Disabled: cannot sign in, and every session it had ends now. */
export async function disableUser(db: Database, name: string, by: string, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx.query('UPDATE users SET disabled_at = coalesce(disabled_at, $2) WHERE name = $1 RETURNING name', [name, now]);
    if (rows.length === 0) throw new ServerError(404, 'USER_NOT_FOUND', `no user ${JSON.stringify(name.slice(0, 64))}`, 'name');
    await tx.query('DELETE FROM sessions WHERE user_name = $1', [name]);
    await audit(tx, by, 'user_disabled', { name }, now);
  });
}

/** May this user see this store? Owners see all; supervisors the stores they were given. */
export function canSee(user: User, store: string): boolean {
  return user.role === 'owner' || user.stores.includes(store);
}
