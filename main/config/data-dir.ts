import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDatabaseError, openDatabase, type SqliteDatabase } from '../../native/sqlite';
import { TillError } from '../errors';
import { migrations } from '../journal/migrations';
import { ensureProfile } from './profile';
import { ensureProfileMode } from './profile-mode';
import { SettingsStore } from './settings-store';

export const APP_DIR_NAME = 'alipay-till';
export const DATABASE_FILE_NAME = 'till.sqlite';
export const DATA_DIR_ENV = 'TILL_DATA_DIR';

export interface DataDirSources {
  /** The `--data-dir` value, when given. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homeDir?: string;
  cwd?: string;
}

/**
 * `--data-dir` > TILL_DATA_DIR > the platform default, made absolute. The Electron host
 * must use this too (not Electron's userData, which is named after productName), so the
 * app and the `till` command share one directory.
 */
export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  if (sources.flag !== undefined) {
    // An empty flag is usually an unset shell variable: falling back would silently use the real till's data.
    if (sources.flag.trim() === '') {
      throw new TillError('DATA_DIR_INVALID', '--data-dir was given an empty value', { field: 'data-dir' });
    }
    return path.resolve(cwd, sources.flag);
  }
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return path.resolve(cwd, fromEnv);
  return defaultDataDir(sources.platform ?? process.platform, env, sources.homeDir ?? os.homedir());
}

export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, homeDir: string): string {
  if (platform === 'win32') {
    const appData = env['APPDATA'];
    return path.win32.join(appData !== undefined && appData !== '' ? appData : path.win32.join(homeDir, 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Application Support', APP_DIR_NAME);
  // XDG: an unset, empty or relative XDG_DATA_HOME means the default.
  const xdg = env['XDG_DATA_HOME'];
  const base = xdg !== undefined && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homeDir, '.local', 'share');
  return path.posix.join(base, APP_DIR_NAME);
}

export function tillDatabasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME);
}

/** Creates the directory owner-only (0700) if missing; an existing one is used as it is. */
export function ensureDataDir(dataDir: string): string {
  const dir = path.resolve(dataDir);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new TillError('DATA_DIR_UNWRITABLE', `cannot create data directory ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      field: 'data-dir',
      cause,
    });
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw new TillError('DATA_DIR_UNWRITABLE', `data directory ${dir} exists but is not a directory`, { field: 'data-dir' });
  }
  return dir;
}

export interface OpenTillDatabaseOptions {
  readonly?: boolean;
  nativeBinding?: string;
}

/**
 * Opens `till.sqlite` in the data directory with the till's migrations and makes sure the
 * profile exists, its mode (sandbox or live) stored. Database failures come out as TillErrors with the same codes
 * (DATA_DIR_UNWRITABLE, DATABASE_CORRUPT, DATABASE_TOO_NEW, MIGRATION_FAILED, …).
 */
/** The till's SQLite database as folders above config see it (they do not import native/). */
export type TillDatabase = SqliteDatabase;

export function openTillDatabase(dataDir: string, options: OpenTillDatabaseOptions = {}): SqliteDatabase {
  const readonly = options.readonly === true;
  const dir = readonly ? path.resolve(dataDir) : ensureDataDir(dataDir);
  let db: SqliteDatabase;
  try {
    db = openDatabase(tillDatabasePath(dir), {
      migrations,
      readonly,
      onUpgrade: (from, to) => process.stderr.write(`Upgrading the journal ${tillDatabasePath(dir)} from schema ${from} to ${to}; on a large journal this takes a minute or two…\n`),
      ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    });
  } catch (error) {
    if (isDatabaseError(error)) throw new TillError(error.code, error.message, { cause: error });
    throw error;
  }
  if (!readonly) {
    try {
      const store = new SettingsStore(db);
      ensureProfile(store);
      // Before anything reads the configuration: an older data directory gets its mode stored once.
      ensureProfileMode(store);
    } catch (error) {
      db.close();
      throw error;
    }
  }
  return db;
}
