import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openTillDatabase, tillDatabasePath } from '../../main/config/data-dir';
import { migrations } from '../../main/journal/migrations';
import { settingsMigration } from '../../main/journal/migrations/0001-settings';
import { openDatabase, readUserVersion, type SqliteDatabase } from '../../native/sqlite';
import { count, openJournal, orderIn, tempDir } from './journal-kit';

function names(db: SqliteDatabase, type: 'table' | 'index' | 'trigger'): string[] {
  return (db.prepare(`SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name`).all(type) as Array<{ name: string }>).map((r) => r.name);
}

function sqliteError(db: SqliteDatabase, sql: string, ...params: unknown[]): string {
  try {
    db.prepare(sql).run(...params);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`expected ${sql} to be refused`);
}

function plan(db: SqliteDatabase, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
}

describe('migration 0002 (orders)', () => {
  test('applies on a version-1 database and keeps its settings', () => {
    const dir = tempDir();
    const file = tillDatabasePath(dir);
    const v1 = openDatabase(file, { migrations: [settingsMigration] });
    v1.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('locale', 'zh-HK', 'x')").run();
    assert.equal(readUserVersion(v1), 1);
    v1.close();

    const db = openTillDatabase(dir);
    try {
      assert.equal(readUserVersion(db), migrations.length);
      assert.equal(readUserVersion(db), 5);
      assert.equal((db.prepare("SELECT value FROM settings WHERE key = 'locale'").get() as { value: string }).value, 'zh-HK');
      assert.deepEqual(names(db, 'table'), ['alarms', 'attempts', 'business_days', 'devices', 'events', 'orders', 'reference_bodies', 'refunds', 'sequences', 'settings', 'sync_outbox', 'sync_state']);
      const strict = db.prepare('PRAGMA table_list').all() as Array<{ name: string; strict: number; schema: string }>;
      for (const t of strict.filter((row) => row.schema === 'main' && !row.name.startsWith('sqlite_'))) assert.equal(t.strict, 1, `${t.name} is STRICT`);
      assert.deepEqual((db.pragma('integrity_check') as Array<{ integrity_check: string }>)[0]?.integrity_check, 'ok');
      assert.deepEqual(db.pragma('foreign_key_check'), []);
    } finally {
      db.close();
    }
  });

  test('each index serves a query, none repeats another', () => {
    const { db } = openJournal();
    assert.deepEqual(names(db, 'index'), [
      'alarms_open',
      'attempts_order',
      'events_order',
      'orders_alarm',
      'orders_cart',
      'orders_day',
      'orders_trans_id',
      'orders_unresolved',
      'refunds_day',
      'refunds_order',
      'refunds_pending',
      'sync_outbox_row',
    ]);
    // Reconciliation reads only the covering index; the recovery scan only the partial one.
    assert.match(plan(db, 'SELECT currency, state, count(*), sum(amount_minor) FROM orders WHERE business_day = ? GROUP BY state, currency', '2025-03-14'), /COVERING INDEX orders_day/);
    // The planner, without statistics, would rather scan orders_day in full: the journal
    // names the partial index (INDEXED BY fails to prepare if the index cannot serve).
    assert.match(
      plan(db, "SELECT * FROM orders INDEXED BY orders_unresolved WHERE state IN ('NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING') ORDER BY id"),
      /SCAN orders USING INDEX orders_unresolved/,
    );
    // One index on the id read backwards: unique ids, lookup by id and search by the last digits.
    assert.match(plan(db, 'SELECT id FROM orders WHERE rev_trans_id >= ? AND rev_trans_id < ?', '21', '22'), /SEARCH orders USING (COVERING )?INDEX orders_trans_id/);
    assert.match(plan(db, 'SELECT id FROM orders WHERE rev_trans_id = ?', '21'), /SEARCH orders USING (COVERING )?INDEX orders_trans_id/);
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_schema WHERE tbl_name = 'orders' AND name LIKE 'sqlite_autoindex%'").all(), []);
    assert.match(plan(db, 'SELECT id FROM attempts WHERE order_id = ? ORDER BY id DESC LIMIT 1', 1), /attempts_order/);
    assert.match(plan(db, "SELECT id FROM refunds WHERE business_day = ? AND state = 'SUCCEEDED'", '2025-03-14'), /COVERING INDEX refunds_day/);
    // The sync triggers ask "is this row's note still unsent?" on every change of a synced row.
    assert.match(plan(db, "SELECT 1 FROM sync_outbox WHERE entity = 'order' AND ref = ? AND seq > ?", 1, 0), /sync_outbox_row/);
  });

  test('the event log is append-only: UPDATE and DELETE raise', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'SENDING');
    const events = count(db, 'events');
    assert.ok(events >= 2);
    assert.match(sqliteError(db, "UPDATE events SET kind = 'forged' WHERE order_id = ?", order.id), /append-only/);
    assert.match(sqliteError(db, 'DELETE FROM events WHERE order_id = ?', order.id), /append-only/);
    assert.match(sqliteError(db, 'DELETE FROM events'), /append-only/);
    assert.equal(count(db, 'events'), events);
    assert.deepEqual(
      journal.events(order.id).map((e) => e.kind),
      ['created', 'sending'],
    );
  });

  test('orders, refunds, attempts, alarms, closed days and sequences are never deleted', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'PAID');
    journal.createRefund({ orderId: order.id, merchantRefundId: `${order.merchantTransId}R01`, amountMinor: 100, currency: 'USD', reason: null, bodyText: '{}', actor: 'supervisor' });
    journal.raiseAlarm({ kind: 'CONFIG', code: 'KEY_NO_FOUND', message: 'key missing' });
    db.prepare("INSERT INTO attempts (order_id, api, req_msg_id, sent_at, received_at, outcome) VALUES (?, 'payQuery', 'r', 1, 2, 'S')").run(order.id);
    for (const table of ['orders', 'refunds', 'attempts', 'alarms', 'sequences']) {
      assert.match(sqliteError(db, `DELETE FROM ${table}`), /never|reset/, table);
    }
    assert.match(sqliteError(db, 'UPDATE sequences SET last = last - 1'), /only grows/);
  });

  test('what was sent is frozen; final states stay final', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    for (const set of ["body_text = 'x'", 'amount_minor = 1', "currency = 'EUR'", "merchant_trans_id = 'X1'", "business_day = '2025-01-01'", `extra = '{"title":"forged"}'`]) {
      assert.match(sqliteError(db, `UPDATE orders SET ${set} WHERE id = ?`, order.id), /frozen/, set);
    }
    // Bookkeeping columns are not frozen.
    db.prepare('UPDATE orders SET unknown_count = 3 WHERE id = ?').run(order.id);

    const failed = orderIn(journal, 'FAILED');
    assert.match(sqliteError(db, "UPDATE orders SET state = 'PAID' WHERE id = ?", failed.id), /final state/);
    const paid = orderIn(journal, 'PAID');
    assert.match(sqliteError(db, "UPDATE orders SET state = 'CANCELLED' WHERE id = ?", paid.id), /final state/);
    assert.match(sqliteError(db, "UPDATE orders SET refunded_minor = amount_minor WHERE id = ?", paid.id), /CHECK/);
    assert.match(sqliteError(db, "UPDATE orders SET state = 'BOGUS' WHERE id = ?", order.id), /CHECK/);
  });

  test('CHECK constraints: amounts above zero, known states, well-formed days', () => {
    const { db } = openJournal();
    const insert = (amount: number, state: string, day: string) =>
      sqliteError(
        db,
        'INSERT INTO orders (merchant_trans_id, business_day, terminal_id, seq, amount_minor, currency, state, created_at, updated_at, body_text) ' +
          "VALUES ('A1', ?, 'T', 1, ?, 'USD', ?, 0, 0, '{}')",
        day,
        amount,
        state,
      );
    assert.match(insert(0, 'NEW', '2025-03-14'), /CHECK/);
    assert.match(insert(-5, 'NEW', '2025-03-14'), /CHECK/);
    assert.match(insert(5, 'DONE', '2025-03-14'), /CHECK/);
    assert.match(insert(5, 'NEW', '14/03/2025'), /CHECK/);
    assert.match(insert(5.5, 'NEW', '2025-03-14'), /cannot store REAL value in INTEGER column/);
  });

  test('the file lives in the data directory', () => {
    const { dir, db } = openJournal();
    assert.equal(db.name, path.join(dir, 'till.sqlite'));
  });
});
