import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { isDatabaseError, migrate, openDatabase, readUserVersion, validateMigrations, type Migration, type SqliteDatabase } from '../../native/sqlite';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-sqlite-migrate-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshFile(): string {
  const dir = path.join(root, `case-${++counter}`);
  fs.mkdirSync(dir);
  return path.join(dir, 'till.sqlite');
}

/** Migrations that count their runs, so a test can see a step applied twice. */
function counted(count: number, runs: Map<number, number>): Migration[] {
  return Array.from({ length: count }, (_, index) => ({
    version: index + 1,
    name: `table-${index + 1}`,
    up(db: SqliteDatabase) {
      runs.set(index + 1, (runs.get(index + 1) ?? 0) + 1);
      db.exec(`CREATE TABLE t${index + 1} (id INTEGER PRIMARY KEY) STRICT`);
    },
  }));
}

function tableNames(db: SqliteDatabase): string[] {
  return (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
}

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  assert.fail('expected an error');
}

describe('migrations', () => {
  test('apply once, set user_version, and are skipped on reopen', () => {
    const file = freshFile();
    const runs = new Map<number, number>();
    const db = openDatabase(file, { migrations: counted(2, runs) });
    assert.equal(readUserVersion(db), 2);
    assert.deepEqual(tableNames(db), ['t1', 't2']);
    db.close();

    const again = openDatabase(file, { migrations: counted(2, runs) });
    assert.equal(readUserVersion(again), 2);
    again.close();
    assert.deepEqual([...runs], [[1, 1], [2, 1]]);

    const extended = openDatabase(file, { migrations: counted(3, runs) });
    assert.equal(readUserVersion(extended), 3);
    assert.deepEqual([...runs], [[1, 1], [2, 1], [3, 1]]);
    assert.deepEqual(migrate(extended, counted(3, runs)), [], 'nothing left to apply');
    extended.close();
  });

  test('a failing migration is rolled back: user_version unchanged, no partial table', () => {
    const file = freshFile();
    const good = counted(1, new Map());
    openDatabase(file, { migrations: good }).close();

    const failing: Migration = {
      version: 2,
      name: 'half-done',
      up(db) {
        db.exec('CREATE TABLE partial (id INTEGER PRIMARY KEY) STRICT');
        db.exec("INSERT INTO partial (id) VALUES (1)");
        db.exec('CREATE TABLE broken (id INTEGER PRIMARY KEY, oops NOT_A_TYPE) STRICT');
      },
    };
    const error = errorOf(() => openDatabase(file, { migrations: [...good, failing] }));
    assert.ok(isDatabaseError(error, 'MIGRATION_FAILED'), String(error));
    assert.match(error.message, /migration 2 \(half-done\)/);
    assert.ok(error.message.includes(file));
    assert.ok(error.cause instanceof Error);

    const db = openDatabase(file, { migrations: good });
    try {
      assert.equal(readUserVersion(db), 1);
      assert.deepEqual(tableNames(db), ['t1']);
    } finally {
      db.close();
    }
  });

  test('a migration that throws on a fresh file leaves user_version 0', () => {
    const file = freshFile();
    const throwing: Migration = {
      version: 1,
      name: 'throws',
      up(db) {
        db.exec('CREATE TABLE first (id INTEGER PRIMARY KEY) STRICT');
        throw new Error('boom');
      },
    };
    const error = errorOf(() => openDatabase(file, { migrations: [throwing] }));
    assert.ok(isDatabaseError(error, 'MIGRATION_FAILED'));
    assert.match(error.message, /boom/);
    const db = openDatabase(file, { migrations: [] });
    try {
      assert.equal(readUserVersion(db), 0);
      assert.deepEqual(tableNames(db), []);
    } finally {
      db.close();
    }
  });

  test('an async migration is refused and rolled back', () => {
    const file = freshFile();
    const asyncStep = {
      version: 1,
      name: 'async',
      up(db: SqliteDatabase) {
        db.exec('CREATE TABLE early (id INTEGER PRIMARY KEY) STRICT');
        return Promise.resolve();
      },
    } as unknown as Migration;
    assert.ok(isDatabaseError(errorOf(() => openDatabase(file, { migrations: [asyncStep] })), 'MIGRATION_FAILED'));
    const db = openDatabase(file, { migrations: [] });
    try {
      assert.deepEqual(tableNames(db), []);
    } finally {
      db.close();
    }
  });

  test('the list must be contiguous from 1, in order, with unique names', () => {
    const step = (version: number, name = `m${version}`): Migration => ({ version, name, up() {} });
    const bad: Array<[string, Migration[]]> = [
      ['gap', [step(1), step(3)]],
      ['duplicate version', [step(1), step(1, 'other')]],
      ['starts at 2', [step(2)]],
      ['out of order', [step(2), step(1)]],
      ['fractional', [step(1.5)]],
      ['duplicate name', [step(1, 'same'), step(2, 'same')]],
      ['empty name', [step(1, ' ')]],
    ];
    for (const [label, list] of bad) {
      const error = errorOf(() => validateMigrations(list));
      assert.ok(isDatabaseError(error, 'MIGRATION_LIST_INVALID'), `${label}: ${String(error)}`);
    }
    assert.equal(validateMigrations([step(1), step(2), step(3)]), 3);
    assert.equal(validateMigrations([]), 0);
  });

  test('an invalid list is refused before the file is created', () => {
    const file = freshFile();
    const error = errorOf(() => openDatabase(file, { migrations: [{ version: 2, name: 'two', up() {} }] }));
    assert.ok(isDatabaseError(error, 'MIGRATION_LIST_INVALID'));
    assert.equal(fs.existsSync(file), false);
  });

  test('a second connection opening concurrently does not re-apply a step', () => {
    const file = freshFile();
    const runs = new Map<number, number>();
    const first = openDatabase(file, { migrations: counted(1, runs) });
    // Second connection arrives with a longer list while the first is still open.
    const second = openDatabase(file, { migrations: counted(2, runs) });
    assert.equal(readUserVersion(first), 2);
    first.close();
    second.close();
    assert.deepEqual([...runs], [[1, 1], [2, 1]]);
  });
});
