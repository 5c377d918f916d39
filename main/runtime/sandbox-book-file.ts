import fs from 'node:fs';
import path from 'node:path';
import type { BookStore, BookTable } from '../alipay/sandbox/book-store';
import { openDatabase, type SqliteDatabase, type SqliteStatement } from '../../native/sqlite';

/**
 * The sandbox's order book in a SQLite file of its own (issue 16 §3): a web host that sells
 * all day keeps its memory flat, the book holding every order as a gateway would.
 *
 * The file is the sandbox's, never the journal's: `sandbox/orders-PID-N.sqlite` in the data
 * directory, one per sandbox (the app's built-in gateway and a `till sandbox` may run on one
 * data directory at once, and one process may start a second sandbox while a first still
 * runs: neither may remove the other's file), started afresh and removed at close: the
 * sandbox forgets its orders when it restarts, as it always has. A file left by a process that died is removed
 * by the next sandbox. Nothing in it must survive a power cut: no fsync (synchronous=OFF).
 */

export const SANDBOX_BOOK_DIR = 'sandbox';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Books of sandboxes whose process is gone. */
function removeOrphans(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const pid = /^orders-(\d+)(?:-\d+)?\.sqlite(?:-wal|-shm)?$/.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Sandboxes this process has opened: each its own file. */
let opened = 0;

const TABLES: readonly BookTable[] = ['orders', 'refunds', 'graves', 'by_acquirement', 'by_token'];

export function sandboxBookFile(dataDir: string): BookStore {
  const dir = path.join(dataDir, SANDBOX_BOOK_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeOrphans(dir);
  opened += 1;
  const file = path.join(dir, `orders-${process.pid}-${opened}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  const db: SqliteDatabase = openDatabase(file, {
    migrations: [{ version: 1, name: 'sandbox-book', up: (d) => d.exec('CREATE TABLE book (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (tbl, key)) STRICT') }],
  });
  db.pragma('synchronous = OFF');
  const get: SqliteStatement = db.prepare('SELECT value FROM book WHERE tbl = ? AND key = ?').pluck();
  const set: SqliteStatement = db.prepare('INSERT INTO book (tbl, key, value) VALUES (?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value');
  const values: SqliteStatement = db.prepare('SELECT value FROM book WHERE tbl = ? ORDER BY id').pluck();
  const count: SqliteStatement = db.prepare('SELECT count(*) FROM book WHERE tbl = ?').pluck();
  let open = true;
  const check = (table: BookTable): BookTable => {
    if (!TABLES.includes(table)) throw new Error(`no sandbox book table ${table}`);
    return table;
  };
  return {
    get: (table, key) => (get.get(check(table), key) as string | undefined) ?? undefined,
    set: (table, key, value) => void set.run(check(table), key, value),
    values: (table) => values.iterate(check(table)) as Iterable<string>,
    count: (table) => count.get(check(table)) as number,
    close: () => {
      if (!open) return;
      open = false;
      db.close();
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    },
  };
}
