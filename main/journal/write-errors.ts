import { sqliteErrorCode } from '../../native/sqlite';
import { TillError } from '../errors';

/**
 * What SQLite refused, in words a cashier's supervisor can act on. SQLite rolls the
 * statement back and the journal's transaction is rolled back with it, so the message
 * can promise that nothing was half-written.
 */
export function journalError(cause: unknown, what: string): unknown {
  if (cause instanceof TillError) return cause;
  const code = sqliteErrorCode(cause);
  if (code === undefined) return cause;
  const tail = `[${code}]; nothing was written`;
  const write = (reason: string) => new TillError('JOURNAL_WRITE_FAILED', `could not ${what}: ${reason} ${tail}`, { cause });
  if (code === 'SQLITE_FULL') return write('the disk is full (or the database reached its size limit)');
  if (code.startsWith('SQLITE_READONLY')) return write('the database or its data directory is read-only');
  if (code.startsWith('SQLITE_IOERR')) return write('the disk reported an input/output error');
  if (code.startsWith('SQLITE_CANTOPEN')) return write('the database file could not be opened (was the data directory removed or unmounted?)');
  if (code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) return write('permission to write the database was denied');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TillError('JOURNAL_BUSY', `could not ${what}: another process kept the journal locked for too long ${tail}`, { cause });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new TillError('DATABASE_CORRUPT', `could not ${what}: the database file is damaged ${tail}`, { cause });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new TillError('JOURNAL_REJECTED', `could not ${what}: the journal refused it (${cause instanceof Error ? cause.message : code}) ${tail}`, { cause });
  }
  return cause;
}
