import { DatabaseError } from './database-error';
import type { SqliteDatabase } from './sqlite-database';

/**
 * One schema step. `up` runs inside a transaction the runner owns, so it must not BEGIN,
 * COMMIT or change `PRAGMA foreign_keys` (a no-op inside a transaction), and must be
 * synchronous. Versions are contiguous from 1; a shipped migration is never edited.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: SqliteDatabase): void;
}

/**
 * Checks the list is 1, 2, 3, … in order with unique names, and returns the highest
 * version (0 for an empty list). A bad list is a programming error, caught before any
 * file is touched.
 */
export function validateMigrations(migrations: readonly Migration[]): number {
  const names = new Set<string>();
  migrations.forEach((migration, index) => {
    const expected = index + 1;
    const where = `migration #${expected} (${JSON.stringify(migration?.name)})`;
    if (typeof migration !== 'object' || migration === null || typeof migration.up !== 'function') {
      throw listError(`${where} is not a migration object with an up() function`);
    }
    if (migration.version !== expected) {
      throw listError(`${where} has version ${String(migration.version)}, expected ${expected}: versions must be contiguous from 1, in order, without duplicates`);
    }
    if (typeof migration.name !== 'string' || migration.name.trim() === '') {
      throw listError(`${where} has no name`);
    }
    if (names.has(migration.name)) {
      throw listError(`${where} repeats the name of an earlier migration`);
    }
    names.add(migration.name);
  });
  return migrations.length;
}

export function readUserVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a database written by newer code: migrating "down" or ignoring it would lose data. */
export function assertNotTooNew(version: number, latest: number, file: string): void {
  if (version > latest) {
    throw new DatabaseError(
      'DATABASE_TOO_NEW',
      `${file} has schema version ${version} but this till knows only up to ${latest}: it was written by a newer version of the till; the file was left untouched`,
      { file },
    );
  }
}

/**
 * Applies the pending migrations, each in its own IMMEDIATE transaction together with
 * `PRAGMA user_version = N`, and returns the versions it applied. The write lock is taken
 * before user_version is re-read, so two processes opening the same file at once cannot
 * both apply a step.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[], file: string = db.name): number[] {
  const latest = validateMigrations(migrations);
  assertNotTooNew(readUserVersion(db), latest, file);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (readUserVersion(db) >= migration.version) continue;
    const step = db.transaction((): boolean => {
      const current = readUserVersion(db);
      if (current >= migration.version) return false;
      const result: unknown = migration.up(db);
      if (typeof (result as { then?: unknown } | null)?.then === 'function') {
        // The transaction would commit before the async work ran: refuse and roll back.
        throw new TypeError('up() returned a promise; migrations must be synchronous');
      }
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    let didApply: boolean;
    try {
      didApply = step.immediate();
    } catch (cause) {
      throw new DatabaseError(
        'MIGRATION_FAILED',
        `migration ${migration.version} (${migration.name}) failed on ${file} and was rolled back: ${describe(cause)}`,
        { file, cause },
      );
    }
    if (didApply) applied.push(migration.version);
  }
  return applied;
}

function listError(message: string): DatabaseError {
  return new DatabaseError('MIGRATION_LIST_INVALID', `invalid migration list: ${message}`);
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
