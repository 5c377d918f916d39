import fs from 'node:fs';
import Database from 'better-sqlite3';
import { DatabaseError } from './database-error';
import { BUSY_TIMEOUT_MS } from './open-database';
import { sqliteErrorCode, type SqliteDatabase } from './sqlite-database';

/**
 * SQLite's online backup (docs/operations.md, "Backups"): a consistent copy of a database
 * another connection keeps writing, page by page, without stopping it. Written to
 * `<file>.partial` and renamed when complete, so a copy cut short by a crash is never
 * taken for a backup.
 */
export async function backupDatabase(db: SqliteDatabase, file: string): Promise<void> {
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await db.backup(partial);
    // One self-contained file: a WAL-mode copy would grow -wal and -shm companions as soon
    // as it is opened (also read-only), and a file moved without them is not the copy.
    const copy = new Database(partial, { timeout: BUSY_TIMEOUT_MS });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    fs.chmodSync(partial, 0o600);
    const fd = fs.openSync(partial, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new DatabaseError('BACKUP_FAILED', `could not copy the journal to ${file}: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}

export interface DatabaseFileCheck {
  /** "ok", or SQLite's first complaint. */
  integrity: string;
  userVersion: number;
  /** Rows per table asked for; a table the file lacks is absent. */
  counts: Record<string, number>;
}

/** Opens a copy read-only and checks it whole (`PRAGMA integrity_check`), with row counts. */
export function inspectDatabaseFile(file: string, tables: readonly string[]): DatabaseFileCheck {
  let db: SqliteDatabase;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new DatabaseError('BACKUP_UNREADABLE', `${file} cannot be opened as a SQLite database: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  try {
    const integrity = String((db.prepare('PRAGMA integrity_check').pluck().all() as unknown[])[0] ?? 'no answer');
    const userVersion = Number(db.pragma('user_version', { simple: true }));
    const present = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]));
    const counts: Record<string, number> = {};
    for (const table of tables) {
      if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
      if (present.has(table)) counts[table] = Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
    }
    return { integrity, userVersion, counts };
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError('BACKUP_UNREADABLE', `${file} is not a readable SQLite database (${sqliteErrorCode(error) ?? 'error'}): ${error instanceof Error ? error.message : String(error)}`, { file });
  } finally {
    db.close();
  }
}
