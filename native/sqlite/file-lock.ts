import Database from 'better-sqlite3';
import { DatabaseError } from './database-error';
import { sqliteErrorCode } from './sqlite-database';

export interface FileLock {
  /** Idempotent. The operating system also drops the lock when the process dies, however it dies. */
  release(): void;
}

/**
 * Takes an exclusive lock on `file` for as long as this process wants it, or returns
 * undefined when another connection (in this process or another) still holds it after
 * `waitMs` (default 0: at once).
 *
 * A SQLite file in rollback-journal mode held in an open `BEGIN EXCLUSIVE`: SQLite's own
 * POSIX/Windows byte-range locks, which the kernel releases when the holder exits, even on
 * SIGKILL or power loss, so a crashed till never leaves a stale lock behind (a pid file
 * would). Nothing is ever written to it.
 */
export function tryLockFile(file: string, options: { waitMs?: number; nativeBinding?: string } = {}): FileLock | undefined {
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: options.waitMs ?? 0, ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }) });
  } catch (cause) {
    throw new DatabaseError('DATA_DIR_UNWRITABLE', `cannot create the lock file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { file, cause });
  }
  try {
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (cause) {
    db.close();
    if (/^SQLITE_(BUSY|LOCKED)/.test(sqliteErrorCode(cause) ?? '')) return undefined;
    throw new DatabaseError('DATABASE_OPEN_FAILED', `cannot lock ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { file, cause });
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.close();
    },
  };
}
