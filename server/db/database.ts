/**
 * What the store server asks of PostgreSQL, whichever one it is: a real server through
 * `pg` (a pool, any number of server instances on one database) or PGlite embedded in this
 * process (docs/store-server.md). The same SQL runs on both; numbers that can exceed 2^53
 * are cast to text in SQL and read as BigInt, so neither driver's integer mapping matters.
 */

export type SqlValue = string | number | boolean | null | bigint;

export interface Queryable {
  query<T extends object>(text: string, params?: readonly SqlValue[]): Promise<T[]>;
}

export interface Database extends Queryable {
  /** Runs fn in one transaction (BEGIN … COMMIT, ROLLBACK on any error). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  readonly kind: 'postgres' | 'pglite';
  /** Where it is, without a password: shown by `till server start`. */
  readonly where: string;
  close(): Promise<void>;
}

/** A connection URL with its password replaced, for messages and logs. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a database URL that does not parse)';
  }
}

/**
 * A PostgreSQL array literal for `$n::text[]`, the same with both drivers (pg and PGlite
 * map JavaScript arrays differently): every element quoted, `"` and `\` escaped.
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
