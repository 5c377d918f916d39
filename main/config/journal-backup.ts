import fs from 'node:fs';
import path from 'node:path';
import { backupDatabase, inspectDatabaseFile, isDatabaseError, validateMigrations, type DatabaseFileCheck, type SqliteDatabase } from '../../native/sqlite';
import { TillError } from '../errors';
import { migrations } from '../journal/migrations';
import { tillDatabasePath } from './data-dir';
import type { TillConfig } from './settings-schema';

/**
 * Backups of the journal (docs/operations.md, "Backups"): `till backup FILE` while the till
 * runs, the daily copy after close-day, and `till restore FILE` (the command refuses while
 * the till app runs). A copy is only called a backup once it has been checked whole
 * (integrity_check) and its rows counted; a restore keeps the file it replaces.
 */

const COUNTED = ['orders', 'refunds', 'attempts', 'events', 'alarms', 'day_closes'] as const;

export interface BackupReport extends DatabaseFileCheck {
  file: string;
  bytes: number;
}

function asTillError(error: unknown): never {
  if (isDatabaseError(error)) throw new TillError(error.code, error.message, { cause: error });
  throw error;
}

/** The copy whole and of a schema this till knows (older is fine: opening it migrates). */
export function checkJournalCopy(file: string): BackupReport {
  if (!fs.existsSync(file)) throw new TillError('BACKUP_NOT_FOUND', `no file ${file}`, { field: 'file' });
  let check: DatabaseFileCheck;
  try {
    check = inspectDatabaseFile(file, COUNTED);
  } catch (error) {
    asTillError(error);
  }
  if (check.integrity !== 'ok') throw new TillError('BACKUP_CORRUPT', `${file} fails SQLite's integrity check: ${check.integrity}`, { field: 'file' });
  const latest = validateMigrations(migrations);
  if (check.userVersion > latest) throw new TillError('DATABASE_TOO_NEW', `${file} was written by a newer till (schema ${check.userVersion}; this one knows up to ${latest})`, { field: 'file' });
  if (check.counts.orders === undefined) throw new TillError('BACKUP_NOT_A_JOURNAL', `${file} is a SQLite database but not a till's journal (it has no orders table)`, { field: 'file' });
  return { ...check, file, bytes: fs.statSync(file).size };
}

/** A consistent copy of the running journal at `file` (refused if something is there), checked. */
export async function backupJournal(db: SqliteDatabase, file: string): Promise<BackupReport> {
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new TillError('BACKUP_EXISTS', `${target} already exists; give a new file name (a backup never overwrites one)`, { field: 'file' });
  if (!fs.existsSync(path.dirname(target))) throw new TillError('BACKUP_DIR_MISSING', `the folder ${path.dirname(target)} does not exist`, { field: 'file' });
  try {
    await backupDatabase(db, target);
  } catch (error) {
    asTillError(error);
  }
  return checkJournalCopy(target);
}

/**
 * Puts a checked copy in place of the data directory's journal. The current file (with its
 * WAL, which may hold its newest commits) is kept beside it as
 * `till.sqlite.before-restore-<time>`; the copy goes in through a temporary name and a rename.
 */
export function restoreJournal(dataDir: string, file: string, now: Date): { restored: BackupReport; keptAs: string | null } {
  const restored = checkJournalCopy(path.resolve(file));
  const live = tillDatabasePath(dataDir);
  let keptAs: string | null = null;
  if (fs.existsSync(live)) {
    keptAs = `${live}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (fs.existsSync(live + suffix)) fs.renameSync(live + suffix, keptAs + suffix);
    }
  }
  const incoming = `${live}.restoring`;
  fs.copyFileSync(restored.file, incoming);
  fs.chmodSync(incoming, 0o600);
  fs.renameSync(incoming, live);
  return { restored, keptAs };
}

/** The daily copy after close-day: `<dir>/till-<day>.sqlite`, keeping the newest `keep`. */
export async function dailyBackup(db: SqliteDatabase, dir: string, day: string, keep: number): Promise<BackupReport> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `till-${day}.sqlite`);
  // Closing a day again (a reprinted Z) replaces that day's copy.
  fs.rmSync(file, { force: true });
  const report = await backupJournal(db, file);
  const copies = fs.readdirSync(dir).filter((name) => /^till-\d{4}-\d\d-\d\d\.sqlite$/.test(name)).sort();
  for (const old of copies.slice(0, Math.max(0, copies.length - keep))) {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, old + suffix), { force: true });
  }
  return report;
}

/**
 * The journal's daily copy, taken right after a day is closed (from the screen or `till
 * close-day`), into `backup.dir` (default `backups/` beside the journal), keeping
 * `backup.keep`. Its failure never undoes the close: the caller says it, and `till backup
 * FILE` remains.
 */
export async function backupAfterClose(db: SqliteDatabase, config: TillConfig, day: string): Promise<{ ok: true; backup: BackupReport } | { ok: false; error: string }> {
  const dir = config['backup.dir'] ?? path.join(path.dirname(db.name), 'backups');
  try {
    return { ok: true, backup: await dailyBackup(db, dir, day, config['backup.keep']) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
