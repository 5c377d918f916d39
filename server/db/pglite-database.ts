import fs from 'node:fs';
import type { Database, Queryable, SqlValue } from './database';

/**
 * PGlite: PostgreSQL compiled to WASM, in this process, persisted in a directory. The
 * default when no --database is given, so `till server start` works on a fresh machine.
 * One process owns the directory; a chain that runs several instances uses PostgreSQL.
 */
export async function openPglite(dir: string): Promise<Database> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Loaded on use: the WASM image is large and only the server needs it.
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dir);
  await db.waitReady;
  const on = (c: { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> }): Queryable => ({
    async query<T extends object>(text: string, params: readonly SqlValue[] = []) {
      return (await c.query(text, params as unknown[])).rows as T[];
    },
  });
  // PGlite runs one statement at a time; a transaction holds it until it ends, so calls
  // from concurrent requests queue behind it rather than interleave.
  return {
    kind: 'pglite',
    where: dir,
    ...on(db),
    transaction: (fn) => db.transaction((tx) => fn(on(tx))),
    async exec(script) {
      await db.exec(script);
    },
    async close() {
      await db.close();
    },
  };
}
