import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildPreCreateBody, type MerchantSetup, type OrderItem } from '../../main/alipay/precreate-body';
import { bodyFacts, extraOf, orderFacts, plainItems, type OrderFacts } from '../../main/journal/storage/order-body';
import { count, openJournal, orderInput } from './journal-kit';

const SETUP: MerchantSetup = {
  merchantId: '2188120000123456',
  seller: { sellerId: 'S1', sellerMCC: '5812', sellerName: 'Corner Shop', storeId: 'ST1', storeMCC: '5812', storeName: 'Corner Shop #1', terminalId: 'T01' },
  site: 'ALIPAY_HK',
  device: { serialNo: 'T01', osName: 'Linux', osVersion: '6.1.0', deviceName: 'till-1', systemLanguage: 'en-US', timeZone: 'Asia/Hong_Kong' },
};

/** A till configured with a business type other than 4: goodsInfo, and the quantities with it, stay out of the body. */
const RETAIL: MerchantSetup = { ...SETUP, businessType: '5', otherBusinessType: 'Retail' };

/** What engine.create journals for a cart: title and detail as the body has them, the cart's items. */
function engineOrder(cart: { title: string; detail?: string; items?: OrderItem[] }, merchantTransId = 'T0120250314000001', setup = SETUP) {
  const built = buildPreCreateBody({ merchantTransId, amountMinor: 239, currency: 'HKD', ...cart }, setup);
  const order = built.body.order as { orderTitle: string; orderDetail: string };
  const facts: OrderFacts = { title: order.orderTitle, detail: order.orderDetail, items: plainItems(cart.items ?? []) };
  return { facts, bodyText: built.bodyText };
}

describe('title, detail and items come from the frozen body', () => {
  test('an order as the engine journals it stores nothing beside its body', () => {
    for (const cart of [
      { title: 'Coffee and cake' },
      { title: 'Coffee', detail: 'large, oat milk' },
      { title: 'Lunch', items: [{ name: '魚蛋粉', quantity: 2, unitPriceMinor: 4200 }, { name: 'Milk tea', quantity: 1, unitPriceMinor: 2200 }] },
    ]) {
      const { facts, bodyText } = engineOrder(cart);
      assert.equal(extraOf(facts, bodyText), null, JSON.stringify(cart));
      assert.deepEqual(orderFacts(bodyText, null), facts);
    }
  });

  test('a body without goodsInfo (business type 5) still says the lines: only the quantities are kept', () => {
    const items = [{ name: 'Noodles', quantity: 2, unitPriceMinor: 300 }, { name: 'Tea', quantity: 1, unitPriceMinor: 120 }];
    const { facts, bodyText } = engineOrder({ title: 'Lunch', items }, 'T0120250314000001', RETAIL);
    assert.equal(extraOf(facts, bodyText), '{"quantities":[2,1]}');
    assert.deepEqual(orderFacts(bodyText, extraOf(facts, bodyText)), facts);
  });

  test('what the body says differently is kept, so every order reads back as journaled', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.option(fc.string({ maxLength: 120 }), { nil: undefined }),
        fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 90 }), quantity: fc.integer({ min: 1, max: 20 }), unitPriceMinor: fc.integer({ min: 1, max: 10 ** 7 }) }), { maxLength: 5 }),
        fc.option(fc.string({ maxLength: 40 })),
        fc.boolean(),
        fc.boolean(),
        (title, detail, items, otherDetail, dropItems, retail) => {
          let built;
          try {
            built = engineOrder({ title, detail, items }, undefined, retail ? RETAIL : SETUP);
          } catch {
            return; // a cart the body builder refuses never reaches the journal
          }
          // As the engine journals it, and as other callers might (detail of their own, no items).
          const cases: OrderFacts[] = [
            built.facts,
            { ...built.facts, detail: otherDetail },
            { ...built.facts, items: dropItems ? [] : plainItems(items), title },
          ];
          for (const facts of cases) {
            const extra = extraOf(facts, built.bodyText);
            assert.deepEqual(orderFacts(built.bodyText, extra), facts);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('item names the body had to trim, cut or rename are kept as given', () => {
    const items = [
      { name: '  padded  ', quantity: 1, unitPriceMinor: 100 },
      { name: 'pipe|and^caret', quantity: 3, unitPriceMinor: 250 },
      { name: '長'.repeat(40), quantity: 1, unitPriceMinor: 5 },
    ];
    const { facts, bodyText } = engineOrder({ title: 'Odd names', items });
    const extra = extraOf(facts, bodyText);
    assert.notEqual(extra, null);
    assert.deepEqual(orderFacts(bodyText, extra).items, items);
  });

  test('a body that is not a preCreate body, or not JSON, keeps everything in extra', () => {
    const facts: OrderFacts = { title: 'T', detail: null, items: [{ name: 'Tea', quantity: 1, unitPriceMinor: 5 }] };
    for (const bodyText of ['not json', '[1,2]', '{"order":{"orderTitle":7}}', '{}']) {
      assert.deepEqual(orderFacts(bodyText, extraOf(facts, bodyText)), facts, bodyText);
    }
    assert.deepEqual(bodyFacts('{"riskInfo":{"orderInfos":"x"}}').items, undefined);
  });

  test('a row whose extra and body no longer say the title is an error, not a guess', () => {
    assert.throws(() => orderFacts('{}', null), /no longer matches its frozen body/);
  });

  test('through the journal: engine-built orders keep extra NULL and read back exactly', () => {
    const { db, journal } = openJournal();
    const base = orderInput(journal);
    const { facts, bodyText } = engineOrder({ title: 'Lunch', items: [{ name: 'Noodles', quantity: 2, unitPriceMinor: 120 }] }, base.merchantTransId);
    const { order } = journal.createOrder({ ...base, ...facts, amountMinor: 240, currency: 'HKD', bodyText }, 'cashier');
    assert.deepEqual({ title: order.title, detail: order.detail, items: order.items }, facts);
    assert.equal(count(db, 'orders', 'extra IS NULL'), 1);

    const other = orderInput(journal, { title: 'Not the body title', detail: null, items: [] });
    const created = journal.createOrder({ ...other, bodyText }, 'cashier').order;
    assert.deepEqual({ title: created.title, detail: created.detail, items: created.items }, { title: 'Not the body title', detail: null, items: [] });
    assert.deepEqual(journal.getOrder(created.id), created);
  });
});
