import type BetterSqlite3 from 'better-sqlite3';

/**
 * Types of the SQLite handle, re-exported so that no folder outside native/sqlite imports
 * better-sqlite3 (the one place that knows which native build is loaded).
 */
export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement<BindParameters extends unknown[] | object = unknown[], Result = unknown> =
  BetterSqlite3.Statement<BindParameters, Result>;
export type SqliteRunResult = BetterSqlite3.RunResult;

/**
 * The SQLite result code carried by an error thrown by the driver (e.g. 'SQLITE_CONSTRAINT_UNIQUE'),
 * so callers can react to constraint violations without importing the driver's error class.
 */
export function sqliteErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
