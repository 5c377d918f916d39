import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { packText } from '../../main/journal/storage/packed-text';
import type { NewOrder } from '../../main/journal/types';
import { count, errorOf, openJournal, orderInput } from './journal-kit';

const SETUP: MerchantSetup = {
  merchantId: '2188120000123456',
  seller: { sellerId: '2188120000123456', sellerMCC: '5812', sellerName: 'Harbour Noodle Bar', storeId: 'HNB-0007', storeMCC: '5812', storeName: 'Harbour Noodle Bar, Kowloon Bay', terminalId: 'T01' },
  site: 'ALIPAY_HK',
  notifyUrl: 'https://pay.harbournoodle.example/alipay/notify',
  device: { serialNo: 'T01', deviceName: 'Front counter till', osName: 'Linux', osVersion: '6.1.0-18-amd64', systemLanguage: 'zh-HK', timeZone: 'Asia/Hong_Kong' },
};

function engineInput(input: NewOrder, setup = SETUP, amountMinor = 4200): NewOrder {
  const items = [{ name: '魚蛋粉', quantity: 1, unitPriceMinor: amountMinor }];
  const built = buildPreCreateBody({ merchantTransId: input.merchantTransId, amountMinor, currency: 'HKD', title: setup.seller.storeName, items }, setup);
  const order = built.body.order as { orderTitle: string; orderDetail: string };
  return { ...input, amountMinor, currency: 'HKD', title: order.orderTitle, detail: order.orderDetail, items, bodyText: built.bodyText };
}

function stored(db: import('../../native/sqlite').SqliteDatabase, id: number): Buffer | string {
  return (db.prepare('SELECT body_text AS b FROM orders WHERE id = ?').get(id) as { b: Buffer | string }).b;
}

describe('bodies packed against a reference body', () => {
  test("the first body becomes the reference; the next ones cost a fraction of codec 1's bytes and read back exactly", () => {
    const { db, journal, reopen } = openJournal();
    const orders = Array.from({ length: 20 }, (_, i) => journal.createOrder(engineInput(orderInput(journal), SETUP, 1000 + i), 'cashier').order);
    assert.equal(count(db, 'reference_bodies'), 1);
    for (const order of orders.slice(1)) {
      const packed = stored(db, order.id) as Buffer;
      assert.equal(packed[0], 2, 'codec 2');
      const codec1 = packText(order.bodyText) as Buffer;
      assert.ok(packed.length * 2 < codec1.length, `${packed.length} bytes against the reference, ${codec1.length} by codec 1`);
    }
    const again = reopen();
    for (const order of orders) assert.deepEqual(again.journal.getOrder(order.id), order);
    assert.deepEqual(
      again.journal.listOrders({ limit: 20 }).map((o) => o.bodyText),
      orders.map((o) => o.bodyText).reverse(),
    );
  });

  test('bodies unlike every reference: a new one at most once per 100 orders', () => {
    const { db, journal } = openJournal();
    journal.createOrder(engineInput(orderInput(journal)), 'cashier');
    assert.equal(count(db, 'reference_bodies'), 1);
    const unlike = () => ({ ...orderInput(journal), bodyText: JSON.stringify({ note: randomBytes(400).toString('hex') }) });
    for (let i = 0; i < 99; i++) {
      const { order } = journal.createOrder(unlike(), 'cashier');
      assert.equal(journal.getOrder(order.id)?.bodyText, order.bodyText);
    }
    assert.equal(count(db, 'reference_bodies'), 1, 'no new reference within 100 orders of the last');
    journal.createOrder(unlike(), 'cashier');
    assert.equal(count(db, 'reference_bodies'), 2);
    // A new setup (another store) is packed against the newest references that fit it.
    const other: MerchantSetup = { ...SETUP, merchantId: '2188999999999999', seller: { ...SETUP.seller, storeName: 'Another shop entirely', storeId: 'X-1' } };
    const { order } = journal.createOrder(engineInput(orderInput(journal), other), 'cashier');
    assert.deepEqual(journal.getOrder(order.id), order);
  });

  test('a reference written by a transaction that rolled back is never used: its id may be handed out again', () => {
    const { db, journal } = openJournal();
    const first = journal.createOrder(orderInput(journal), 'cashier').order; // short body: no reference
    assert.equal(count(db, 'reference_bodies'), 0);
    // Taken id: the reference is written, then the order insert fails, and both roll back.
    const taken = engineInput({ ...orderInput(journal), merchantTransId: first.merchantTransId });
    assert.equal(errorOf(() => journal.createOrder(taken, 'cashier')).code, 'ORDER_ID_TAKEN');
    assert.equal(count(db, 'reference_bodies'), 0);
    assert.throws(() =>
      journal.atomically('a step that fails', () => {
        const { order } = journal.createOrder(engineInput(orderInput(journal), SETUP, 777), 'cashier');
        assert.equal(journal.getOrder(order.id)?.bodyText, order.bodyText);
        throw new Error('rolled back');
      }),
    );
    assert.equal(count(db, 'reference_bodies'), 0);
    const other: MerchantSetup = { ...SETUP, notifyUrl: 'https://elsewhere.example/notify', seller: { ...SETUP.seller, storeName: 'Elsewhere' } };
    const { order } = journal.createOrder(engineInput(orderInput(journal), other), 'cashier');
    assert.equal(count(db, 'reference_bodies'), 1);
    const next = journal.createOrder(engineInput(orderInput(journal), other, 4300), 'cashier').order;
    assert.deepEqual(journal.getOrder(order.id), order);
    assert.deepEqual(journal.getOrder(next.id), next);
  });

  test('references are never changed or deleted', () => {
    const { db, journal } = openJournal();
    journal.createOrder(engineInput(orderInput(journal)), 'cashier');
    assert.throws(() => db.prepare("UPDATE reference_bodies SET body_text = '{}'").run(), /frozen/);
    assert.throws(() => db.prepare('DELETE FROM reference_bodies').run(), /never deleted/);
  });
});
