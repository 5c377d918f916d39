import { Pool, type PoolClient } from 'pg';
import { withoutPassword, type Database, type Queryable, type SqlValue } from './database';

/** A real PostgreSQL through node-postgres: a small pool per server instance. */
export async function openPostgres(url: string, options: { poolSize?: number } = {}): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // A dropped idle connection (PostgreSQL restarted) is an event on the pool, not a crash.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();
  const on = (c: Pool | PoolClient): Queryable => ({
    async query<T extends object>(text: string, params: readonly SqlValue[] = []) {
      const result = await c.query(text, params as unknown[]);
      return result.rows as T[];
    },
  });
  return {
    kind: 'postgres',
    where: withoutPassword(url),
    ...on(pool),
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const value = await fn(on(c));
        await c.query('COMMIT');
        return value;
      } catch (error) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        c.release();
      }
    },
    async exec(script) {
      await pool.query(script);
    },
    async close() {
      await pool.end();
    },
  };
}
