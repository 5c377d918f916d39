import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { isDatabaseError, openDatabase, sqliteErrorCode, type DatabaseErrorCode, type Migration } from '../../native/sqlite';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-sqlite-open-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshDir(): string {
  const dir = path.join(root, `case-${++counter}`);
  fs.mkdirSync(dir);
  return dir;
}

const parentChild: Migration[] = [
  {
    version: 1,
    name: 'parent-child',
    up(db) {
      db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT; CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id)) STRICT;');
    },
  },
];

function expectDatabaseError(fn: () => unknown, code: DatabaseErrorCode, fileInMessage?: string): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(isDatabaseError(caught), `expected a DatabaseError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (fileInMessage !== undefined) assert.ok(caught.message.includes(fileInMessage), `message should name ${fileInMessage}: ${caught.message}`);
  return caught;
}

/** Bytes of the file and the names beside it: a refused open must change neither. */
function snapshot(file: string): { bytes: Buffer; siblings: string[] } {
  return { bytes: fs.readFileSync(file), siblings: fs.readdirSync(path.dirname(file)).sort() };
}

describe('openDatabase', () => {
  test('sets WAL, synchronous=FULL, foreign keys and busy timeout on every connection', () => {
    const file = path.join(freshDir(), 'till.sqlite');
    for (let round = 0; round < 2; round++) {
      const db = openDatabase(file, { migrations: parentChild });
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(db.pragma('synchronous', { simple: true }), 2);
        assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
        assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
        assert.throws(
          () => db.prepare('INSERT INTO child (id, parent_id) VALUES (1, 42)').run(),
          (error: unknown) => sqliteErrorCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
        );
      } finally {
        db.close();
      }
    }
  });

  test('creates a new database file readable by its owner only', { skip: process.platform === 'win32' && 'POSIX modes' }, () => {
    const file = path.join(freshDir(), 'till.sqlite');
    openDatabase(file, { migrations: parentChild }).close();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  test('refuses a database newer than the code and leaves it byte for byte (WAL file)', () => {
    const file = path.join(freshDir(), 'till.sqlite');
    const db = openDatabase(file, { migrations: parentChild });
    db.pragma('user_version = 9');
    db.close();
    const before = snapshot(file);
    const error = expectDatabaseError(() => openDatabase(file, { migrations: parentChild }), 'DATABASE_TOO_NEW', file);
    assert.match(error.message, /9/);
    assert.deepEqual(snapshot(file), before);
  });

  test('refuses a newer rollback-journal database without switching it to WAL', () => {
    // Switching to WAL rewrites the header, so this fails if the version check came after the pragmas.
    const file = path.join(freshDir(), 'till.sqlite');
    const db = openDatabase(file, { migrations: parentChild });
    db.pragma('journal_mode = DELETE');
    db.pragma('user_version = 3');
    db.close();
    const before = snapshot(file);
    expectDatabaseError(() => openDatabase(file, { migrations: parentChild }), 'DATABASE_TOO_NEW', file);
    assert.deepEqual(snapshot(file), before);
  });

  test('reports random bytes named till.sqlite as DATABASE_CORRUPT and leaves them alone', () => {
    const file = path.join(freshDir(), 'till.sqlite');
    fs.writeFileSync(file, crypto.randomBytes(8192));
    const before = snapshot(file);
    const error = expectDatabaseError(() => openDatabase(file, { migrations: parentChild }), 'DATABASE_CORRUPT', file);
    assert.match(error.message, /not a valid SQLite database/);
    assert.deepEqual(snapshot(file), before);
  });

  test('reports a damaged page found by quick_check as DATABASE_CORRUPT', () => {
    const file = path.join(freshDir(), 'till.sqlite');
    const db = openDatabase(file, { migrations: parentChild });
    const insert = db.prepare('INSERT INTO parent (id) VALUES (?)');
    db.transaction(() => {
      for (let id = 1; id <= 3000; id++) insert.run(id);
    })();
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma('journal_mode = DELETE');
    db.close();
    const damaged = fs.readFileSync(file);
    damaged.fill(0xab, pageSize * 2, pageSize * 3);
    fs.writeFileSync(file, damaged);
    expectDatabaseError(() => openDatabase(file, { migrations: parentChild }), 'DATABASE_CORRUPT', file);
    assert.ok(fs.readFileSync(file).equals(damaged));
  });

  test('reports a missing data directory as DATA_DIR_UNWRITABLE', () => {
    const file = path.join(freshDir(), 'missing', 'till.sqlite');
    const error = expectDatabaseError(() => openDatabase(file, { migrations: parentChild }), 'DATA_DIR_UNWRITABLE', file);
    assert.match(error.message, /does not exist/);
    assert.equal(fs.existsSync(path.dirname(file)), false);
  });

  test('reports a data directory below a regular file as DATA_DIR_UNWRITABLE', () => {
    const blocker = path.join(freshDir(), 'blocker');
    fs.writeFileSync(blocker, 'not a directory');
    const file = path.join(blocker, 'data', 'till.sqlite');
    expectDatabaseError(() => openDatabase(file, { migrations: parentChild }), 'DATA_DIR_UNWRITABLE', file);
    assert.equal(fs.readFileSync(blocker, 'utf8'), 'not a directory');
  });

  test('reports a read-only (0500) data directory as DATA_DIR_UNWRITABLE', { skip: process.platform === 'win32' && 'POSIX modes' }, (t) => {
    const dir = path.join(freshDir(), 'ro');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'till.sqlite');
    const isRoot = process.getuid?.() === 0;
    if (!isRoot) {
      fs.chmodSync(dir, 0o500);
      try {
        expectDatabaseError(() => openDatabase(file, { migrations: parentChild }), 'DATA_DIR_UNWRITABLE', dir);
      } finally {
        fs.chmodSync(dir, 0o700);
      }
      return;
    }
    // Root ignores directory modes, so the open runs in a child process as `nobody` on a directory it owns.
    const nobody = 65534;
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.dirname(dir), 0o755);
    fs.chownSync(dir, nobody, nobody);
    fs.chmodSync(dir, 0o500);
    const sqliteModule = path.resolve(__dirname, '../../native/sqlite/index.ts');
    const script = `
      const { openDatabase } = require(${JSON.stringify(sqliteModule)});
      try { openDatabase(${JSON.stringify(file)}, { migrations: [] }).close(); console.log(JSON.stringify({ opened: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      uid: nobody,
      gid: nobody,
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, HOME: dir },
      encoding: 'utf8',
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.error !== undefined || !line.startsWith('{')) {
      t.skip(`cannot run a child as uid ${nobody} here (${child.error?.message ?? child.stderr.slice(0, 200)}); covered by the regular-file case`);
      return;
    }
    const outcome = JSON.parse(line) as { code?: string; message?: string; opened?: boolean };
    assert.equal(outcome.code, 'DATA_DIR_UNWRITABLE', JSON.stringify(outcome));
    assert.ok(outcome.message?.includes(dir));
    assert.equal(fs.existsSync(file), false);
  });

  test('read-only mode: opens a current database without writing, refuses missing or unmigrated files', () => {
    const dir = freshDir();
    const file = path.join(dir, 'till.sqlite');
    expectDatabaseError(() => openDatabase(file, { migrations: parentChild, readonly: true }), 'DATABASE_NOT_FOUND', file);
    assert.equal(fs.existsSync(file), false);

    openDatabase(file, { migrations: [] }).close();
    expectDatabaseError(() => openDatabase(file, { migrations: parentChild, readonly: true }), 'DATABASE_NOT_MIGRATED', file);

    openDatabase(file, { migrations: parentChild }).close();
    const db = openDatabase(file, { migrations: parentChild, readonly: true });
    try {
      assert.equal(db.readonly, true);
      assert.throws(() => db.prepare('INSERT INTO parent (id) VALUES (1)').run(), (error: unknown) => sqliteErrorCode(error)?.startsWith('SQLITE_READONLY') === true);
    } finally {
      db.close();
    }
  });

  test('onUpgrade is called before an existing file is migrated, not for a new or current one', () => {
    const file = path.join(freshDir(), 'till.sqlite');
    const second: Migration = { version: 2, name: 'extra', up: (db) => db.exec('CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;') };
    const calls: Array<[number, number]> = [];
    const onUpgrade = (from: number, to: number) => calls.push([from, to]);
    openDatabase(file, { migrations: parentChild, onUpgrade }).close();
    assert.deepEqual(calls, [], 'a new file is created, not upgraded');
    openDatabase(file, { migrations: [...parentChild, second], onUpgrade }).close();
    assert.deepEqual(calls, [[1, 2]]);
    openDatabase(file, { migrations: [...parentChild, second], onUpgrade }).close();
    assert.deepEqual(calls, [[1, 2]], 'a current file is not upgraded');
  });

  test('refuses special SQLite names instead of opening something else', () => {
    for (const name of [':memory:', 'file:till.sqlite?mode=memory', ' till.sqlite']) {
      expectDatabaseError(() => openDatabase(name, { migrations: parentChild }), 'DATABASE_OPEN_FAILED');
    }
  });

  test('reports an unloadable native binding as NATIVE_BINDING_FAILED', () => {
    const file = path.join(freshDir(), 'till.sqlite');
    const error = expectDatabaseError(
      () => openDatabase(file, { migrations: parentChild, nativeBinding: path.join(root, 'no-such-build', 'better_sqlite3.node') }),
      'NATIVE_BINDING_FAILED',
      file,
    );
    assert.match(error.message, /no-such-build/);
  });
});
