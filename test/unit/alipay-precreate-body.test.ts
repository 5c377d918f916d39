// buildPreCreateBody and tradeInformation: what the till freezes and sends. Free text is
// cut to fit, identifiers are refused, and the result always passes the strict rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isTillError } from '../../main/errors';
import { validate } from '../../main/alipay/field-rules';
import { buildPreCreateBody, type MerchantSetup, type OrderItem, type PreCreateInput } from '../../main/alipay/precreate-body';
import { preCreateBodyRule } from '../../main/alipay/schemas';
import { tradeInformation } from '../../main/alipay/trade-information';
import { parseItem } from '../../main/cli/parse-items';
import { utf8Length } from '../../main/alipay/utf8-text';
import { cashierText, merchantSetup } from '../support/protocol-fixtures';

const normalize = (s: string) => s.trim().replace(/\s+/g, ' ');

/** The longest code-point prefix of `text` within `limit` UTF-8 bytes (brute force). */
function longestPrefix(text: string, limit: number): string {
  let best = '';
  for (const cp of text) {
    if (utf8Length(best + cp) > limit) break;
    best += cp;
  }
  return best;
}

/** SKU_name^quantity as the spec's goodsInfo wants it: the list's separators may not appear in a name. */
function goodsPart(item: OrderItem): string {
  return `${longestPrefix(normalize(item.name.replace(/[|^]/g, ' ')), 64) || 'item'}^${item.quantity}`;
}

function input(overrides: Partial<PreCreateInput> = {}): PreCreateInput {
  return { merchantTransId: 'T20260101-0001', amountMinor: 239, currency: 'USD', title: 'Women Summer Dress', ...overrides };
}

function throwsTill(fn: () => unknown, code: string, field: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isTillError(e), `expected a TillError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.field, field);
    return true;
  });
}

type Chinese = { businessType: string; goodsInfo?: string; totalQuantity?: number; otherBusinessType?: string };
const chinaInfo = (body: Record<string, unknown>): Chinese =>
  (JSON.parse(body.extendInfo as string) as { chinaExtraTransInfo: Chinese }).chinaExtraTransInfo;

/**
 * Shrinking a failing list of 100 long items can take minutes; cap a failing run (shrinking
 * included) and still report it as a failure with the smallest counterexample found so far.
 */
const BOUNDED = { interruptAfterTimeLimit: 8_000, markInterruptAsFailure: true } as const;

const itemArb = fc.record({
  name: cashierText(80),
  quantity: fc.integer({ min: 1, max: 1000 }),
  unitPriceMinor: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('buildPreCreateBody', () => {
  test('a plain sale validates and carries what was asked', () => {
    const { body, bodyText } = buildPreCreateBody(input(), merchantSetup());
    assert.deepEqual(validate(body, preCreateBodyRule, 'body'), []);
    assert.equal(bodyText, JSON.stringify(body));
    const sent = JSON.parse(bodyText);
    assert.equal(sent.merchantId, '2188120000000001');
    assert.equal(sent.productCode, 'OFFLINE_PAY');
    assert.equal(sent.sceneType, 'THIRDPARTYQRCODE');
    assert.equal(sent.userAgent, 'ALIPAY_HK');
    assert.deepEqual(sent.order.orderAmount, { currency: 'USD', value: '239' });
    assert.equal(sent.order.orderTitle, 'Women Summer Dress');
    assert.equal(sent.order.orderDetail, 'Women Summer Dress');
    assert.equal(sent.order.seller.storeMCC, '5691');
    assert.equal(sent.order.seller.terminalId, 'Z98-TILL-01');
    assert.deepEqual(chinaInfo(sent), { businessType: '5' });
  });

  test('property: arbitrary unicode titles, details and item names always give a valid body within the byte limits', () => {
    fc.assert(
      fc.property(
        cashierText(400),
        fc.option(cashierText(600), { nil: undefined }),
        fc.array(itemArb, { maxLength: 30, size: 'max' }),
        cashierText(150),
        (title, detail, items, sellerName) => {
          const setup = merchantSetup();
          setup.seller.sellerName = sellerName;
          const built = buildPreCreateBody(input({ title, detail, items }), setup);
          const order = built.body.order as { orderTitle: string; orderDetail: string; seller: { sellerName: string } };
          assert.deepEqual(validate(built.body, preCreateBodyRule, 'body'), []);
          assert.deepEqual(validate(JSON.parse(built.bodyText), preCreateBodyRule, 'body'), [], 'the text the sandbox receives is valid too');
          assert.equal(built.bodyText, JSON.stringify(built.body));
          assert.ok(utf8Length(order.orderTitle) <= 256);
          assert.ok(utf8Length(order.orderDetail) <= 400);
          assert.ok(utf8Length(order.seller.sellerName) <= 128);
          // Cut, not mangled: the longest whole-code-point prefix of the normalized text.
          assert.equal(order.orderTitle, longestPrefix(normalize(title), 256).trimEnd());
          if (detail !== undefined && normalize(detail) !== '') assert.equal(order.orderDetail, longestPrefix(normalize(detail), 400).trimEnd());
          else if (items.length) assert.equal(order.orderDetail, longestPrefix(normalize(items.map((i) => `${i.quantity} x ${i.name}`).join(', ')), 400).trimEnd());
          else assert.equal(order.orderDetail, order.orderTitle, 'no detail, no items: the title as sent');
          const orderInfos = (built.body.riskInfo as { orderInfos?: { productName: string; itemPrice: unknown }[] }).orderInfos ?? [];
          assert.equal(orderInfos.length, items.length);
          orderInfos.forEach((info, i) => {
            assert.ok(utf8Length(info.productName) <= 64);
            assert.deepEqual(info.itemPrice, { currency: 'USD', value: String(items[i]!.unitPriceMinor) });
          });
          // Frozen: the same input gives the same bytes.
          assert.equal(buildPreCreateBody(structuredClone(input({ title, detail, items })), merchantSetup({ seller: { ...setup.seller } })).bodyText, built.bodyText);
        },
      ),
      { numRuns: 150, ...BOUNDED },
    );
  });

  test('long CJK and emoji titles are cut at a code point, within 256 bytes', () => {
    const cjk = buildPreCreateBody(input({ title: '中'.repeat(200) }), merchantSetup()).body.order as { orderTitle: string };
    assert.equal(cjk.orderTitle, '中'.repeat(85)); // 255 bytes; one more would be 258
    const emoji = buildPreCreateBody(input({ title: `a${'😀'.repeat(100)}` }), merchantSetup()).body.order as { orderTitle: string };
    assert.equal(emoji.orderTitle, `a${'😀'.repeat(63)}`); // 253 bytes
  });

  test('the input objects are not changed', () => {
    const inp = input({ items: [{ name: ' pen ', quantity: 2, unitPriceMinor: 100 }] });
    const setup = merchantSetup();
    const before = JSON.stringify([inp, setup]);
    buildPreCreateBody(inp, setup);
    assert.equal(JSON.stringify([inp, setup]), before);
  });

  const IDENTIFIERS: [field: string, max: number, apply: (value: string, inp: PreCreateInput, setup: MerchantSetup) => void][] = [
    ['merchantTransId', 64, (v, inp) => (inp.merchantTransId = v)],
    ['merchant.id', 64, (v, _, s) => (s.merchantId = v)],
    ['seller.id', 32, (v, _, s) => (s.seller.sellerId = v)],
    ['seller.mcc', 32, (v, _, s) => (s.seller.sellerMCC = v)],
    ['store.id', 32, (v, _, s) => (s.seller.storeId = v)],
    ['store.mcc', 32, (v, _, s) => (s.seller.storeMCC = v)],
    ['terminal.id', 64, (v, _, s) => (s.seller.terminalId = v)],
    ['operator.id', 64, (v, _, s) => (s.seller.operatorId = v)],
    ['settleContractId', 64, (v, _, s) => (s.settleContractId = v)],
  ];

  test('property: identifiers over their limit throw FIELD_TOO_LONG naming the field; at the limit they are sent verbatim', () => {
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIERS), fc.integer({ min: 1, max: 100 }), ([field, max, apply], over) => {
        const inp = input();
        const setup = merchantSetup();
        apply('A'.repeat(max + over), inp, setup);
        throwsTill(() => buildPreCreateBody(inp, setup), 'FIELD_TOO_LONG', field);
        apply('B'.repeat(max), inp, setup);
        assert.ok(buildPreCreateBody(inp, setup).bodyText.includes(`"${'B'.repeat(max)}"`));
      }),
      { numRuns: 100 },
    );
  });

  test('the brief examples: merchantTransId of 65 chars, terminal id of 65', () => {
    throwsTill(() => buildPreCreateBody(input({ merchantTransId: 'x'.repeat(65) }), merchantSetup()), 'FIELD_TOO_LONG', 'merchantTransId');
    const setup = merchantSetup();
    setup.seller.terminalId = 't'.repeat(65);
    throwsTill(() => buildPreCreateBody(input(), setup), 'FIELD_TOO_LONG', 'terminal.id');
    // 33 bytes in 11 characters: limits are bytes.
    const cjk = merchantSetup();
    cjk.seller.sellerId = '中'.repeat(11);
    throwsTill(() => buildPreCreateBody(input(), cjk), 'FIELD_TOO_LONG', 'seller.id');
  });

  test('identifiers with spaces, bad text or characters outside the pattern are refused, not repaired', () => {
    throwsTill(() => buildPreCreateBody(input({ merchantTransId: 'T 1' }), merchantSetup()), 'FIELD_INVALID', 'merchantTransId');
    throwsTill(() => buildPreCreateBody(input({ merchantTransId: 'T/1' }), merchantSetup()), 'FIELD_INVALID', 'merchantTransId');
    throwsTill(() => buildPreCreateBody(input({ merchantTransId: 'Tränsaction' }), merchantSetup()), 'FIELD_INVALID', 'merchantTransId');
    throwsTill(() => buildPreCreateBody(input({ merchantTransId: '' }), merchantSetup()), 'FIELD_MISSING', 'merchantTransId');
    const setup = merchantSetup();
    setup.seller.storeId = 'S\u0000';
    throwsTill(() => buildPreCreateBody(input(), setup), 'FIELD_INVALID', 'store.id');
    const spaced = merchantSetup();
    spaced.seller.terminalId = 'till 1';
    throwsTill(() => buildPreCreateBody(input(), spaced), 'FIELD_INVALID', 'terminal.id');
  });

  test('amounts must be whole, positive and exact; currencies ISO 4217', () => {
    for (const amountMinor of [0, -1, -239, 2.39, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      throwsTill(() => buildPreCreateBody(input({ amountMinor }), merchantSetup()), 'AMOUNT_INVALID', 'amount');
    }
    throwsTill(() => buildPreCreateBody(input({ currency: 'usd' }), merchantSetup()), 'CURRENCY_INVALID', 'currency');
    throwsTill(() => buildPreCreateBody(input({ currency: 'XYZ' }), merchantSetup()), 'CURRENCY_UNKNOWN', 'currency');
  });

  test('titles and items: blank, broken text, bad quantities and too many lines are refused', () => {
    throwsTill(() => buildPreCreateBody(input({ title: ' \t\n ' }), merchantSetup()), 'FIELD_MISSING', 'title');
    throwsTill(() => buildPreCreateBody(input({ title: 'Dress \uD83D' }), merchantSetup()), 'FIELD_INVALID', 'title');
    throwsTill(() => buildPreCreateBody(input({ title: 'Dress\u0007' }), merchantSetup()), 'FIELD_INVALID', 'title');
    throwsTill(() => buildPreCreateBody(input({ detail: 'caf\uFFFD' }), merchantSetup()), 'FIELD_INVALID', 'detail');
    const item = { name: 'pen', quantity: 1, unitPriceMinor: 100 };
    throwsTill(() => buildPreCreateBody(input({ items: [item, { ...item, name: '  ' }] }), merchantSetup()), 'FIELD_MISSING', 'items[1].name');
    throwsTill(() => buildPreCreateBody(input({ items: [{ ...item, name: 'a\u0000' }] }), merchantSetup()), 'FIELD_INVALID', 'items[0].name');
    throwsTill(() => buildPreCreateBody(input({ items: [{ ...item, quantity: 0 }] }), merchantSetup()), 'FIELD_INVALID', 'items[0].quantity');
    throwsTill(() => buildPreCreateBody(input({ items: [{ ...item, quantity: 1.5 }] }), merchantSetup()), 'FIELD_INVALID', 'items[0].quantity');
    throwsTill(() => buildPreCreateBody(input({ items: [{ ...item, unitPriceMinor: -1 }] }), merchantSetup()), 'AMOUNT_INVALID', 'items[0].unitPrice');
    throwsTill(() => buildPreCreateBody(input({ items: [{ ...item, unitPriceMinor: 1.5 }] }), merchantSetup()), 'AMOUNT_INVALID', 'items[0].unitPrice');
    // A free item (unit price 0) in a paid order: the spec's itemPrice has no lower bound.
    const free = buildPreCreateBody(input({ items: [item, { ...item, name: 'bag', unitPriceMinor: 0 }] }), merchantSetup());
    const infos = (free.body.riskInfo as { orderInfos: { itemPrice: unknown }[] }).orderInfos;
    assert.deepEqual(infos[1]!.itemPrice, { currency: input().currency, value: '0' });
    // The CLI's --item takes a price of 0 too (ISO digits: IDR 2), but not a negative one.
    assert.deepEqual(parseItem('Bag@0', 'USD', 1), { name: 'Bag', quantity: 1, unitPriceMinor: 0 });
    assert.deepEqual(parseItem('Nasi*2@15000.00', 'IDR', 0), { name: 'Nasi', quantity: 2, unitPriceMinor: 1_500_000 });
    throwsTill(() => parseItem('Bag@-1', 'USD', 3), 'AMOUNT_INVALID', 'items[3].price');
    // The order total itself must still be positive.
    throwsTill(() => buildPreCreateBody(input({ amountMinor: 0, items: [{ ...item, unitPriceMinor: 0 }] }), merchantSetup()), 'AMOUNT_INVALID', 'amount');
    throwsTill(() => buildPreCreateBody(input({ items: Array(101).fill(item) }), merchantSetup()), 'FIELD_INVALID', 'items');
    assert.doesNotThrow(() => buildPreCreateBody(input({ items: Array(100).fill(item) }), merchantSetup()));
  });

  test('device facts go to riskInfo.deviceInfo as valid identifiers', () => {
    const setup = merchantSetup({ device: { screenResolution: '1920 x 1080', systemLanguage: ' zh-HK ', timeZone: 'UTC +8', osName: 'Linux', deviceName: 'Till 1' } });
    const { body } = buildPreCreateBody(input(), setup);
    const device = (body.riskInfo as { deviceInfo: Record<string, unknown> }).deviceInfo;
    assert.equal(device.screenResolution, '1920x1080');
    assert.equal(device.systemLanguage, 'zh-HK');
    assert.equal(device.timeZone, 'UTC+8');
    assert.equal(device.serialNo, 'Z98-TILL-01');
    assert.equal(device.terminalType, 'SYSTEM');
    assert.deepEqual(validate(body, preCreateBodyRule, 'body'), []);
  });
});

describe('extendInfo.chinaExtraTransInfo (tradeInformation)', () => {
  const names64: [string, string][] = [
    ['ASCII', 'x'.repeat(64)],
    ['CJK', `${'中'.repeat(21)}A`],
    ['emoji', '😀'.repeat(16)],
    ['quotes', '"'.repeat(64)],
    ['backslashes', '\\'.repeat(64)],
    ['separators', `${'|^'.repeat(31)}ab`],
  ];

  for (const [kind, name] of names64) {
    test(`100 items of 64-byte ${kind} names: extendInfo ≤ 6000 bytes, goodsInfo a full prefix, totalQuantity all of them`, () => {
      assert.equal(utf8Length(name), 64);
      const items = Array.from({ length: 100 }, (_, i) => ({ name, quantity: i + 1, unitPriceMinor: 100 }));
      const { body } = buildPreCreateBody(input({ items }), merchantSetup());
      const extendInfo = body.extendInfo as string;
      assert.ok(utf8Length(extendInfo) <= 6000, `extendInfo is ${utf8Length(extendInfo)} bytes`);
      const info = chinaInfo(body);
      assert.equal(info.businessType, '4');
      assert.equal(info.totalQuantity, (100 * 101) / 2);
      const parts = info.goodsInfo!.split('|');
      assert.ok(parts.length >= 1);
      assert.deepEqual(parts, items.slice(0, parts.length).map(goodsPart));
      assert.ok(utf8Length(info.goodsInfo!) <= 4096);
      if (kind === 'separators') assert.equal(parts.length, 100, 'names made of separators shrink to "ab": all fit');
      else {
        // Left out only for want of room: the next line would break one of the two limits.
        const next = { ...info, goodsInfo: `${info.goodsInfo}|${goodsPart(items[parts.length]!)}` };
        assert.ok(utf8Length(next.goodsInfo) > 4096 || utf8Length(JSON.stringify({ chinaExtraTransInfo: next })) > 6000);
      }
    });
  }

  test('property: for any items, goodsInfo is a prefix of SKU_name^quantity lines and totalQuantity their sum', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 100, size: 'max' }), (items) => {
        const { body } = buildPreCreateBody(input({ items }), merchantSetup());
        assert.ok(utf8Length(body.extendInfo as string) <= 6000);
        const info = chinaInfo(body);
        assert.equal(info.totalQuantity, items.reduce((sum, i) => sum + i.quantity, 0));
        const expected = items.map(goodsPart);
        const parts = info.goodsInfo!.split('|');
        assert.deepEqual(parts, expected.slice(0, parts.length));
        if (parts.length < items.length) {
          // Left out only for want of room: the next line would break goodsInfo's 4096 or extendInfo's 6000 bytes.
          const next = { ...info, goodsInfo: `${info.goodsInfo}|${expected[parts.length]}` };
          assert.ok(utf8Length(next.goodsInfo) > 4096 || utf8Length(JSON.stringify({ chinaExtraTransInfo: next })) > 6000);
        }
      }),
      { numRuns: 100, ...BOUNDED },
    );
  });

  test('small lists are complete and exact', () => {
    const items = [
      { name: 'pencil', quantity: 2, unitPriceMinor: 50 },
      { name: ' eraser|big ', quantity: 5, unitPriceMinor: 20 },
      { name: 'iPhone XS 256G', quantity: 1, unitPriceMinor: 99900 },
    ];
    const { body } = buildPreCreateBody(input({ items }), merchantSetup());
    assert.deepEqual(chinaInfo(body), { businessType: '4', goodsInfo: 'pencil^2|eraser big^5|iPhone XS 256G^1', totalQuantity: 8 }); // Number in the spec: a JSON number
    assert.equal((body.order as { orderDetail: string }).orderDetail, '2 x pencil, 5 x  eraser|big , 1 x iPhone XS 256G'.replace(/\s+/g, ' '));
  });

  test('the configured businessType wins; type 5 carries otherBusinessType', () => {
    const items = [{ name: 'pen', quantity: 1, unitPriceMinor: 100 }];
    const five = buildPreCreateBody(input({ items }), merchantSetup({ businessType: '5', otherBusinessType: ' Airport pick up service ' }));
    assert.deepEqual(chinaInfo(five.body), { businessType: '5', otherBusinessType: 'Airport pick up service' });
    const none = buildPreCreateBody(input(), merchantSetup({ otherBusinessType: 'Data top-up' }));
    assert.deepEqual(chinaInfo(none.body), { businessType: '5', otherBusinessType: 'Data top-up' });
  });

  test('businessType 4|5 with a long, quote-heavy otherBusinessType and 100 quote-heavy items still fits', () => {
    const items = Array.from({ length: 100 }, () => ({ name: '"'.repeat(64), quantity: 3, unitPriceMinor: 1 }));
    const setup = merchantSetup({ businessType: '4|5', otherBusinessType: '"'.repeat(2000) });
    const { body } = buildPreCreateBody(input({ items }), setup);
    assert.ok(utf8Length(body.extendInfo as string) <= 6000);
    const info = chinaInfo(body);
    assert.equal(info.otherBusinessType, '"'.repeat(1024));
    assert.equal(info.totalQuantity, 300);
    assert.ok(info.goodsInfo!.length > 0);
  });

  test('tradeInformation alone: no items means the configured or default type and no goods', () => {
    assert.deepEqual(tradeInformation([], {}), { businessType: '5' });
    assert.deepEqual(tradeInformation([], { businessType: '4' }), { businessType: '4' });
    assert.deepEqual(tradeInformation([{ name: 'a^b', quantity: 2, unitPriceMinor: 1 }], {}), { businessType: '4', goodsInfo: 'a b^2', totalQuantity: 2 });
  });
});
