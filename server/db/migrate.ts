import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './database';

/**
 * Numbered SQL migrations (`server/migrations/NNNN-name.sql`), applied in order, each in
 * its own transaction, once. Several server instances may start together on one
 * PostgreSQL: an advisory lock lets one migrate while the others wait, then find nothing
 * left to do. Never edit or renumber a migration that has shipped.
 */

const LOCK_KEY = 7_311_001;
const FILE = /^(\d{4})-[a-z0-9-]+\.sql$/;

export function migrationsDir(): string {
  // dist/server/db → server/migrations in the source tree (the SQL is not compiled).
  for (const candidate of [path.join(__dirname, '..', 'migrations'), path.join(__dirname, '..', '..', '..', 'server', 'migrations')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('the store server migrations folder (server/migrations) is missing from this installation');
}

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = migrationsDir()): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file, i) => {
    const match = FILE.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named NNNN-name.sql`);
    const version = Number(match[1]);
    if (version !== i + 1) throw new Error(`migration ${file}: expected version ${i + 1} (no gaps, no duplicates)`);
    return { version, name: file, sql: fs.readFileSync(path.join(dir, file), 'utf8') };
  });
}

/** Applies what is missing; returns the versions applied now. */
export async function migrate(db: Database, files = readMigrations()): Promise<number[]> {
  // Under the lock too: two instances creating the table at once collide in the catalog
  // even with IF NOT EXISTS.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
  });
  const applied: number[] = [];
  for (const file of files) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await tx.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version = $1', [file.version]);
      if (seen.length > 0) return false;
      // A migration file holds several statements: run it as a script inside the transaction.
      for (const statement of splitStatements(file.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [file.version, file.name, Date.now()]);
      return true;
    });
    if (done) applied.push(file.version);
  }
  return applied;
}

/** Statements of a migration script: split on `;` at line ends, comments dropped (our SQL has no functions or string literals with `;`). */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
