import path from 'node:path';
import type { Database } from './database';
import { migrate } from './migrate';

/** `--database postgres://…` or the embedded PGlite in `<dataDir>/pglite`; migrated before use. */
export async function openStoreDatabase(options: { url?: string; dataDir: string }): Promise<Database> {
  let db: Database;
  if (options.url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.url)) throw new Error('--database must be a postgres:// or postgresql:// URL');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- each driver loads only when chosen
    const { openPostgres } = require('./pg-database') as typeof import('./pg-database');
    db = await openPostgres(options.url);
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- each driver loads only when chosen
    const { openPglite } = require('./pglite-database') as typeof import('./pglite-database');
    db = await openPglite(path.join(options.dataDir, 'pglite'));
  }
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
