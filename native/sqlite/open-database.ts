import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError } from './database-error';
import { assertNotTooNew, migrate, readUserVersion, validateMigrations, type Migration } from './migrate';
import { sqliteErrorCode, type SqliteDatabase } from './sqlite-database';

export interface OpenDatabaseOptions {
  migrations: readonly Migration[];
  /** Open for reading only: nothing is created or migrated; the file must exist and be current. */
  readonly?: boolean;
  /** Path to a better_sqlite3.node built for the running ABI (Electron's differs from Node's). */
  nativeBinding?: string;
  /**
   * Called before an existing file is migrated (not a new one): an upgrade of a big journal
   * can take a minute, and whoever waits at the terminal should know why.
   */
  onUpgrade?: (from: number, to: number) => void;
}

/** Long enough to ride out another process's checkpoint or migration, short enough to report. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) a SQLite file for the till: WAL, synchronous=FULL (a journaled
 * order must survive power loss), foreign keys on, busy timeout; then migrates it.
 *
 * Everything that could refuse the file (not a database, corrupt, too new) is checked with
 * reads before the first write, so a refused file is left byte for byte as it was.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions): SqliteDatabase {
  const latest = validateMigrations(options.migrations);
  const readonly = options.readonly === true;
  const target = checkLocation(file, readonly);
  const db = construct(target, readonly, options.nativeBinding);
  try {
    const version = inspect(db, target);
    assertNotTooNew(version, latest, target);
    applyPragmas(db, target, readonly);
    if (readonly) {
      if (version < latest) {
        throw new DatabaseError(
          'DATABASE_NOT_MIGRATED',
          `${target} has schema version ${version}, older than ${latest}: open it once read-write to migrate it`,
          { file: target },
        );
      }
    } else {
      if (version > 0 && version < latest) options.onUpgrade?.(version, latest);
      migrate(db, options.migrations, target);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Fails early with a message about the directory, which SQLite would only call "unable to open". */
function checkLocation(file: string, readonly: boolean): string {
  if (file.trim() !== file || file === '' || file === ':memory:' || file.startsWith('file:')) {
    // better-sqlite3 trims names and treats these as special: refuse rather than open another file.
    throw new DatabaseError('DATABASE_OPEN_FAILED', `refusing database path ${JSON.stringify(file)}: it must be a plain file path`);
  }
  const target = path.resolve(file);
  const dir = path.dirname(target);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch (cause) {
    const reason = errnoCode(cause) === 'ENOTDIR' ? 'a parent of it is not a directory' : 'it does not exist';
    throw unwritable(`data directory ${dir} for ${target} is unusable: ${reason}`, target, cause);
  }
  if (!dirStat.isDirectory()) {
    throw unwritable(`data directory ${dir} for ${target} is not a directory`, target);
  }

  const fileStat = statOrUndefined(target);
  if (fileStat !== undefined && !fileStat.isFile()) {
    throw new DatabaseError('DATABASE_OPEN_FAILED', `${target} is not a regular file`, { file: target });
  }
  if (readonly) {
    if (fileStat === undefined) {
      throw new DatabaseError('DATABASE_NOT_FOUND', `${target} does not exist (asked to open it read-only)`, { file: target });
    }
    return target;
  }

  // WAL needs to create -wal and -shm beside the file, so the directory itself must be writable.
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (cause) {
    throw unwritable(`cannot write in data directory ${dir} (${errnoCode(cause) ?? 'access denied'}), needed for ${target}`, target, cause);
  }
  if (fileStat !== undefined) {
    try {
      fs.accessSync(target, fs.constants.R_OK | fs.constants.W_OK);
    } catch (cause) {
      throw unwritable(`database file ${target} is not writable (${errnoCode(cause) ?? 'access denied'})`, target, cause);
    }
  } else {
    createPrivateFile(target);
  }
  return target;
}

/** Creates the file owner-only before SQLite does (it would use 0644); -wal/-shm inherit the mode. */
function createPrivateFile(target: string): void {
  try {
    fs.closeSync(fs.openSync(target, 'wx', 0o600));
  } catch (cause) {
    if (errnoCode(cause) === 'EEXIST') return;
    throw unwritable(`cannot create database file ${target} (${errnoCode(cause) ?? 'error'})`, target, cause);
  }
}

function construct(target: string, readonly: boolean, nativeBinding: string | undefined): SqliteDatabase {
  try {
    return new Database(target, {
      readonly,
      fileMustExist: readonly,
      timeout: BUSY_TIMEOUT_MS,
      ...(nativeBinding === undefined ? {} : { nativeBinding }),
    });
  } catch (cause) {
    if (sqliteErrorCode(cause) === undefined && isLoadFailure(cause)) {
      throw new DatabaseError(
        'NATIVE_BINDING_FAILED',
        `cannot load better-sqlite3's native module${nativeBinding === undefined ? '' : ` from ${nativeBinding}`} to open ${target} (is it built for this runtime's ABI?): ${describe(cause)}`,
        { file: target, cause },
      );
    }
    throw translate(cause, target, 'open');
  }
}

/**
 * quick_check reads every page, so its cost grows with the journal (28 s at a million
 * orders). Start-up checks the pages of a small file and only the header and schema of a
 * large one; `till doctor` runs the full check on demand.
 */
export const PAGE_SIZE = 8192;

/** The page cache of each connection, in KiB (SQLite's own default; the driver's is 16 MB). */
export const CACHE_KIB = 2048;

export const QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024;

function fileSize(target: string): number {
  try {
    return fs.statSync(target).size;
  } catch {
    return 0;
  }
}

/** Reads the header and checks the pages: the first statement that touches the file. */
function inspect(db: SqliteDatabase, target: string): number {
  let version: number;
  let problems: string[];
  try {
    version = readUserVersion(db);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    problems =
      fileSize(target) > QUICK_CHECK_MAX_BYTES
        ? []
        : (db.pragma('quick_check', { simple: false }) as Array<{ quick_check: string }>).map((row) => row.quick_check).filter((line) => line !== 'ok');
  } catch (cause) {
    throw translate(cause, target, 'read');
  }
  if (problems.length > 0) {
    const summary = problems.join('; ').replace(/\s*\n\s*/g, '; ');
    throw new DatabaseError(
      'DATABASE_CORRUPT',
      `${target} is corrupt (quick_check: ${summary.length > 300 ? `${summary.slice(0, 300)}…` : summary}); the file was left untouched`,
      { file: target },
    );
  }
  return version;
}

function applyPragmas(db: SqliteDatabase, target: string, readonly: boolean): void {
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    // better-sqlite3 builds with a 16 MB page cache per connection: a till that sells all day
    // would grow by that much per open file as its journal grows (issue 16 §3). The pages a
    // sale touches are the newest ones; older pages come back from the OS's file cache.
    db.pragma(`cache_size = -${CACHE_KIB}`);
    if (readonly) return;
    // Takes effect only on a new file (before WAL and the first table): 8 KB pages hold an
    // order's compressed body and answers with less slack than 4 KB ones.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      // Some network file systems cannot share the WAL index; the till's durability assumes WAL.
      throw new DatabaseError('DATABASE_OPEN_FAILED', `${target} cannot use WAL journaling here (journal_mode stayed ${String(mode)})`, { file: target });
    }
  } catch (cause) {
    if (cause instanceof DatabaseError) throw cause;
    throw translate(cause, target, 'configure');
  }
}

function translate(cause: unknown, target: string, step: string): DatabaseError {
  const code = sqliteErrorCode(cause) ?? '';
  const detail = `${describe(cause)}${code === '' ? '' : ` [${code}]`}`;
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new DatabaseError('DATABASE_CORRUPT', `${target} is not a valid SQLite database (${detail}); the file was left untouched`, { file: target, cause });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return unwritable(`cannot ${step} ${target}: ${detail}`, target, cause);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseError('DATABASE_BUSY', `${target} stayed locked by another connection for over ${BUSY_TIMEOUT_MS} ms (${detail})`, { file: target, cause });
  }
  return new DatabaseError('DATABASE_OPEN_FAILED', `cannot ${step} ${target}: ${detail}`, { file: target, cause });
}

function unwritable(message: string, file: string, cause?: unknown): DatabaseError {
  return new DatabaseError('DATA_DIR_UNWRITABLE', message, { file, cause });
}

function isLoadFailure(cause: unknown): boolean {
  const code = errnoCode(cause);
  return code === 'ERR_DLOPEN_FAILED' || code === 'MODULE_NOT_FOUND' || /NODE_MODULE_VERSION|\.node\b|bindings file/i.test(describe(cause));
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (cause) {
    if (errnoCode(cause) === 'ENOENT') return undefined;
    throw unwritable(`cannot inspect ${file} (${errnoCode(cause) ?? 'error'})`, file, cause);
  }
}

function errnoCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
