/**
 * Why a database could not be opened or migrated. native/ cannot use main's TillError
 * (dependencies point main → native), so this class carries the same kind of stable
 * `code`; main translates it into a TillError with the same code.
 */
export type DatabaseErrorCode =
  /** The directory is missing, not a directory, or cannot be written (incl. read-only mounts). */
  | 'DATA_DIR_UNWRITABLE'
  /** A read-only open was asked for a file that does not exist. */
  | 'DATABASE_NOT_FOUND'
  /** The file is not a SQLite database, or fails `PRAGMA quick_check`. */
  | 'DATABASE_CORRUPT'
  /** user_version is above the code's highest migration: written by a newer till. */
  | 'DATABASE_TOO_NEW'
  /** A read-only open found a database that still needs migrations. */
  | 'DATABASE_NOT_MIGRATED'
  /** Another connection held the lock longer than the busy timeout. */
  | 'DATABASE_BUSY'
  /** A migration threw; its transaction was rolled back. */
  | 'MIGRATION_FAILED'
  /** Programming error: the migration list has a gap, duplicate or bad entry. */
  | 'MIGRATION_LIST_INVALID'
  /** better-sqlite3's compiled module could not be loaded (usually built for another ABI). */
  | 'NATIVE_BINDING_FAILED'
  /** Anything else SQLite refused while opening. */
  | 'DATABASE_OPEN_FAILED'
  /** The online backup could not be written. */
  | 'BACKUP_FAILED'
  /** A backup file is missing, not SQLite, or unreadable. */
  | 'BACKUP_UNREADABLE';

export class DatabaseError extends Error {
  readonly code: DatabaseErrorCode;
  /** The database file concerned, when there is one. */
  readonly file: string | undefined;

  constructor(code: DatabaseErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DatabaseError';
    this.code = code;
    this.file = options.file;
  }
}

export function isDatabaseError(value: unknown, code?: DatabaseErrorCode): value is DatabaseError {
  return value instanceof DatabaseError && (code === undefined || value.code === code);
}
