import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { openTillDatabase, tillDatabasePath } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import { migrations } from '../../main/journal/migrations';
import { packText, unpackText } from '../../main/journal/storage/packed-text';
import { reconcileDay } from '../../main/journal/reconcile';
import { reverseText } from '../../main/journal/trans-id';
import type { OrderRecord } from '../../main/journal/types';
import { openDatabase, readUserVersion, type SqliteDatabase } from '../../native/sqlite';
import { count, errorOf, orderInput, tempDir } from './journal-kit';

const SETUP: MerchantSetup = {
  merchantId: '2188120000123456',
  seller: { sellerId: 'S1', sellerMCC: '5812', sellerName: 'Corner Shop', storeId: 'ST1', storeMCC: '5812', storeName: 'Corner Shop #1', terminalId: 'T01' },
  site: 'ALIPAY_HK',
};

interface LegacyOrder {
  seq: number;
  title: string;
  detail: string | null;
  /** The items column as schema 3 stored it: JSON text, NULL for none. */
  items: string | null;
  bodyText: string;
  state?: string;
}

function engineBody(seq: number, items: Array<{ name: string; quantity: number; unitPriceMinor: number }>, title = 'Corner Shop order', setup = SETUP) {
  return buildPreCreateBody({ merchantTransId: `T0120250314${String(seq).padStart(6, '0')}`, amountMinor: 500, currency: 'HKD', title, items }, setup);
}

/** A day of orders as the schema-3 Journal wrote them: the columns beside the body, the reversed id stored. */
function legacyOrders(): LegacyOrder[] {
  const items = [{ name: '魚蛋粉', quantity: 2, unitPriceMinor: 250 }];
  const engine = engineBody(1, items);
  const order = (b: ReturnType<typeof engineBody>) => b.body.order as { orderTitle: string; orderDetail: string };
  const noItems = engineBody(3, [], 'Just a title');
  // Business type 5: no goodsInfo, so the body has the lines but not their quantities.
  const retail = engineBody(7, items, 'Corner Shop order', { ...SETUP, businessType: '5', otherBusinessType: 'Retail' });
  return [
    // As engine.create journaled an order: every field says what the body says.
    { seq: 1, title: order(engine).orderTitle, detail: order(engine).orderDetail, items: JSON.stringify(items), bodyText: engine.bodyText, state: 'PAID' },
    // Fields the body says otherwise, or not at all.
    { seq: 2, title: 'Not the body\'s "title" 雲吞 🍜', detail: null, items: null, bodyText: engineBody(2, items).bodyText },
    { seq: 3, title: order(noItems).orderTitle, detail: order(noItems).orderDetail, items: null, bodyText: noItems.bodyText, state: 'CANCELLED' },
    { seq: 4, title: 'Keys in another order', detail: 'd', items: '[{"quantity":2,"name":"魚蛋粉","unitPriceMinor":250}]', bodyText: engineBody(4, items).bodyText },
    { seq: 5, title: 'Short body', detail: '1 x Tea', items: '[{"name":"Tea","quantity":1,"unitPriceMinor":5}]', bodyText: '{"order":{"orderTitle":"Short body"}}', state: 'SENDING' },
    { seq: 6, title: 'Not JSON', detail: null, items: null, bodyText: `raw ${randomBytes(200).toString('hex')}` },
    { seq: 7, title: order(retail).orderTitle, detail: order(retail).orderDetail, items: JSON.stringify(items), bodyText: retail.bodyText, state: 'FAILED' },
  ];
}

function writeLegacyJournal(db: SqliteDatabase): void {
  const insertOrder = db.prepare(
    'INSERT INTO orders (merchant_trans_id, rev_trans_id, business_day, terminal_id, seq, amount_minor, currency, state, created_at, updated_at, ' +
      "cart_id, title, detail, items, body_text, qr_code, paid_at) VALUES (?, ?, '2025-03-14', 'T01', ?, 500, 'HKD', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertEvent = db.prepare("INSERT INTO events (order_id, at, actor, kind, from_state, to_state, detail) VALUES (?, ?, 'engine', ?, NULL, ?, ?)");
  const insertAttempt = db.prepare(
    "INSERT INTO attempts (order_id, api, req_msg_id, sent_at, received_at, outcome, result_code, status, http_status, repeats, raw_response) VALUES (?, 'payQuery', ?, 1, 2, 'S', 'SUCCESS', ?, 200, ?, ?)",
  );
  db.transaction(() => {
    for (const o of legacyOrders()) {
      const id = `T0120250314${String(o.seq).padStart(6, '0')}`;
      const state = o.state ?? 'AWAITING_PAYMENT';
      const orderId = Number(
        insertOrder.run(id, reverseText(id), o.seq, state, 1000 + o.seq, 2000 + o.seq, o.seq === 1 ? 'cart-1' : null, o.title, o.detail, o.items, packText(o.bodyText), `https://qr.alipay.com/bax0${o.seq}`, state === 'PAID' ? '2025-03-14T12:00:05+08:00' : null)
          .lastInsertRowid,
      );
      insertEvent.run(orderId, 1000 + o.seq, 'created', 'NEW', null);
      insertEvent.run(orderId, 1001 + o.seq, 'sending', 'SENDING', '{"why":"test"}');
      const raw = `{"response":{"head":{"reqMsgId":"r${o.seq}"},"body":{"acquirementStatus":"SUCCESS","pad":"${'x'.repeat(200)}"}},"signature":"${randomBytes(256).toString('base64')}"}`;
      insertAttempt.run(orderId, `r${o.seq}`, 'SUCCESS', 1, packText(raw));
      insertAttempt.run(orderId, `q${o.seq}`, 'INIT', 7, null);
    }
    const paid = db.prepare("SELECT id FROM orders WHERE state = 'PAID'").get() as { id: number };
    db.prepare("INSERT INTO refunds (order_id, merchant_refund_id, amount_minor, currency, state, business_day, created_at, updated_at, body_text) VALUES (?, 'T0120250314000001R01', 100, 'HKD', 'PENDING', '2025-03-14', 5, 5, '{}')").run(paid.id);
    db.prepare("INSERT INTO alarms (kind, code, order_id, message, raised_at) VALUES ('CONFIG', 'X', ?, 'an alarm on an order', 7)").run(paid.id);
    db.prepare("INSERT INTO sequences (terminal_id, day, last) VALUES ('T01', '2025-03-14', 7)").run();
  })();
}

/** How the schema-3 Journal read an order row back (row-mapping.ts before migration 0004). */
function legacyRecord(row: Record<string, unknown>): OrderRecord {
  return {
    id: row.id as number,
    merchantTransId: row.merchant_trans_id as string,
    businessDay: row.business_day as string,
    terminalId: row.terminal_id as string,
    seq: row.seq as number,
    amountMinor: row.amount_minor as number,
    currency: row.currency as string,
    title: row.title as string,
    detail: row.detail as string | null,
    items: row.items === null ? [] : JSON.parse(row.items as string),
    bodyText: unpackText(row.body_text as string | Buffer),
    cartId: row.cart_id as string | null,
    state: row.state as OrderRecord['state'],
    qrCode: row.qr_code as string | null,
    acquirementId: row.acquirement_id as string | null,
    resultCode: row.result_code as string | null,
    resultMessage: row.result_message as string | null,
    payDeadline: row.pay_deadline as number | null,
    paidAt: row.paid_at as string | null,
    refundedMinor: row.refunded_minor as number,
    alarm: row.alarm as string | null,
    cancelRequested: row.cancel_requested === 1,
    unknownCount: row.unknown_count as number,
    nextActionAt: row.next_action_at as number | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

function snapshot(db: SqliteDatabase, table: string): unknown[] {
  return db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
}

describe('migration 0004 (compact orders)', () => {
  test('a journal written at schema 3 is converted in place and reads back identical records', () => {
    const dir = tempDir();
    const old = openDatabase(tillDatabasePath(dir), { migrations: migrations.slice(0, 3) });
    writeLegacyJournal(old);
    const expected = (old.prepare('SELECT * FROM orders ORDER BY id').all() as Array<Record<string, unknown>>).map(legacyRecord);
    const attempts = (old.prepare('SELECT * FROM attempts ORDER BY id').all() as Array<Record<string, unknown>>).map((a) => ({ ...a, raw_response: unpackText(a.raw_response as string | Buffer | null) }));
    const untouched = Object.fromEntries(['events', 'refunds', 'alarms', 'sequences', 'business_days'].map((t) => [t, snapshot(old, t)]));
    const reportBefore = reconcileDay(old, '2025-03-14');
    old.close();

    const db = openTillDatabase(dir);
    try {
      assert.equal(readUserVersion(db), migrations.length);
      const journal = new Journal(db);
      for (const order of expected) {
        assert.deepEqual(journal.getOrder(order.id), order, order.title);
        assert.deepEqual(journal.getByTransId(order.merchantTransId), order);
      }
      assert.deepEqual(journal.listOrders({ day: '2025-03-14' }), [...expected].reverse());
      assert.deepEqual(journal.unresolved().map((o) => o.id), expected.filter((o) => ['AWAITING_PAYMENT', 'SENDING'].includes(o.state)).map((o) => o.id));
      assert.deepEqual(journal.findByTail('0004').map((o) => o.id), [expected[3]!.id]);
      assert.deepEqual(journal.findByTail('20250314000001').map((o) => o.id), [expected[0]!.id]);
      assert.deepEqual(
        expected.flatMap((o) => journal.attempts(o.id)).map((a) => a.rawResponse),
        attempts.map((a) => a.raw_response),
      );
      for (const [table, rows] of Object.entries(untouched)) assert.deepEqual(snapshot(db, table), rows, table);
      assert.deepEqual(reconcileDay(db, '2025-03-14'), reportBefore);
      // Only orders the engine journaled say everything through their body.
      assert.deepEqual((db.prepare('SELECT seq FROM orders WHERE extra IS NULL ORDER BY seq').all() as Array<{ seq: number }>).map((r) => r.seq), [1, 3]);
      assert.equal((db.prepare('SELECT extra FROM orders WHERE seq = 7').get() as { extra: string }).extra, '{"quantities":[2]}');
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.deepEqual(db.pragma('foreign_key_check'), []);
      assert.equal(count(db, 'sqlite_temp_schema'), 0, 'the temporary copy is gone');

      // The rebuilt table keeps its rules: ids unique, nothing deleted, what was sent frozen.
      const again = orderInput(journal, { merchantTransId: expected[0]!.merchantTransId, cartId: 'other' });
      assert.equal(errorOf(() => journal.createOrder(again, 'cashier')).code, 'ORDER_ID_TAKEN');
      assert.throws(() => db.prepare('DELETE FROM orders WHERE id = ?').run(expected[1]!.id), /never deleted/);
      assert.throws(() => db.prepare("UPDATE orders SET extra = NULL WHERE seq = 2").run(), /frozen/);
      assert.throws(() => db.prepare("UPDATE orders SET state = 'NEW' WHERE seq = 3").run(), /final state/);
      // And new orders go in beside the old ones.
      const { order } = journal.createOrder(orderInput(journal), 'cashier');
      assert.deepEqual(journal.getOrder(order.id), order);
    } finally {
      db.close();
    }
  });

  test('a fresh database gets the same schema as a migrated one', () => {
    const fresh = openTillDatabase(tempDir());
    const dir = tempDir();
    const old = openDatabase(tillDatabasePath(dir), { migrations: migrations.slice(0, 3) });
    writeLegacyJournal(old);
    old.close();
    const migrated = openTillDatabase(dir);
    const schema = (db: SqliteDatabase) => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
    try {
      assert.deepEqual(schema(migrated), schema(fresh));
    } finally {
      fresh.close();
      migrated.close();
    }
  });
});
