export { openDatabase, BUSY_TIMEOUT_MS, type OpenDatabaseOptions } from './open-database';
export { migrate, validateMigrations, readUserVersion, type Migration } from './migrate';
export { DatabaseError, isDatabaseError, type DatabaseErrorCode } from './database-error';
export { sqliteErrorCode, type SqliteDatabase, type SqliteStatement, type SqliteRunResult } from './sqlite-database';
export { tryLockFile, type FileLock } from './file-lock';
export { backupDatabase, inspectDatabaseFile, type DatabaseFileCheck } from './backup';
