// The contract's payload schemas, case by case: what each channel takes, that the copy
// handed on holds only known fields, and that every fault is BAD_REQUEST naming the first
// field at fault without repeating what was sent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHANNELS, MAX_AMOUNT_MINOR, REQUEST_SCHEMAS, isValidPin, validateRequest, type Channel, type TillErrorView } from '../../preload/contract';
import { MAX_AMOUNT_MINOR as JOURNAL_MAX_AMOUNT, assertAmountMinor } from '../../main/alipay/currency';
import { VALID_REQUESTS, fieldsOf, withField, wrongValuesFor } from './contract-schemas-samples';

function shown(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : String(JSON.stringify(value)).slice(0, 200);
}

function refused(channel: Channel, payload: unknown): TillErrorView {
  const result = validateRequest(channel, payload);
  if (result.ok) assert.fail(`${channel} accepted ${shown(payload)}`);
  assert.equal(result.error.code, 'BAD_REQUEST');
  assert.ok(result.error.message.length > 0 && result.error.message.length < 200, result.error.message);
  return result.error;
}

function accepted<C extends Channel>(channel: C, payload: unknown) {
  const result = validateRequest(channel, payload);
  if (!result.ok) assert.fail(`${channel} refused ${shown(payload)}: ${result.error.message}`);
  return result.value;
}

describe('request schemas', () => {
  test('every channel of the contract has a schema, and no schema is for a channel that does not exist', () => {
    assert.deepEqual(Object.keys(REQUEST_SCHEMAS).sort(), [...CHANNELS].sort());
  });

  test('each channel takes its valid sample and hands on an equal copy, not the object sent', () => {
    for (const channel of CHANNELS) {
      const sample = VALID_REQUESTS[channel];
      const value = accepted(channel, sample);
      assert.deepEqual(value, sample, channel);
      if (Object.keys(sample).length > 0) assert.notEqual(value, sample, `${channel} passed the caller's object on`);
    }
  });

  test('every field of every channel, spoilt in turn, is refused with that field named', () => {
    let cases = 0;
    for (const channel of CHANNELS) {
      for (const field of fieldsOf(VALID_REQUESTS[channel])) {
        for (const wrong of wrongValuesFor(field.sample, field.path)) {
          const error = refused(channel, withField(VALID_REQUESTS[channel], field.steps, wrong));
          assert.ok(
            error.field === field.path || error.field?.startsWith(`${field.path}.`) || error.field?.startsWith(`${field.path}[`),
            `${channel} ${field.path} = ${shown(wrong).slice(0, 40)}: named ${String(error.field)}`,
          );
          cases++;
        }
      }
    }
    assert.ok(cases > 300, `only ${cases} cases`);
  });

  test('the payload itself must be a plain object: null, arrays, text, numbers and class instances are refused without a field', () => {
    for (const channel of CHANNELS) {
      for (const payload of [null, undefined, [], [{}], 'x', 0, true, new Date(), new Map(), Object.create({ inherited: 1 })]) {
        const error = refused(channel, payload);
        assert.equal(error.field, undefined, channel);
        assert.match(error.message, /^the request must be an object$/);
      }
    }
  });

  test('an unknown key is refused by name, also __proto__ and constructor as JSON delivers them', () => {
    assert.equal(refused('order.get', { orderId: 1, extra: 1 }).field, 'extra');
    assert.equal(refused('till.status', { anything: true }).field, 'anything');
    assert.equal(refused('order.get', JSON.parse('{"orderId":1,"__proto__":{"admin":true}}')).field, '__proto__');
    assert.equal(refused('order.get', JSON.parse('{"orderId":1,"constructor":{}}')).field, 'constructor');
    assert.equal(refused('devices.save', { device: { ...VALID_REQUESTS['devices.save'].device, secret: 'x' } }).field, 'device.secret');
  });

  test('a missing required field is named; an absent optional one is fine, null is not', () => {
    assert.equal(refused('order.create', { amountMinor: 1 }).field, 'cartId');
    assert.deepEqual(accepted('order.create', { amountMinor: 1, cartId: 'c' }), { amountMinor: 1, cartId: 'c' });
    assert.deepEqual(accepted('day.reconcile', {}), {});
    assert.deepEqual(accepted('day.reconcile', { day: undefined }), {});
    assert.equal(refused('day.reconcile', { day: null }).field, 'day');
  });

  test('items are checked one by one and the first fault is named by index', () => {
    const item = { name: 'Latte', quantity: 1, unitPriceMinor: 100 };
    const items = [item, item, { ...item, quantity: 0 }, { ...item, name: '' }];
    const error = refused('order.create', { amountMinor: 300, cartId: 'c', items });
    assert.equal(error.field, 'items[2].quantity');
    assert.match(error.message, /^items\[2\]\.quantity must be a whole number from 1 to 100000$/);
    assert.equal(refused('order.create', { amountMinor: 300, cartId: 'c', items: new Array(101).fill(item) }).field, 'items');
  });

  test('amounts are positive safe integers up to the journal\'s own bound', () => {
    assert.equal(MAX_AMOUNT_MINOR, JOURNAL_MAX_AMOUNT);
    assert.doesNotThrow(() => assertAmountMinor(MAX_AMOUNT_MINOR));
    accepted('order.create', { amountMinor: MAX_AMOUNT_MINOR, cartId: 'c' });
    accepted('order.refund', { orderId: 1, amountMinor: 1, refundKey: 'k' });
    for (const amountMinor of [0, -1, 2.39, MAX_AMOUNT_MINOR + 1, Number.NaN, Number.POSITIVE_INFINITY, '239', 239n]) {
      assert.equal(refused('order.create', { amountMinor, cartId: 'c' }).field, 'amountMinor', String(amountMinor));
      assert.equal(refused('order.refund', { orderId: 1, amountMinor, refundKey: 'k' }).field, 'amountMinor', String(amountMinor));
    }
  });

  test('-0 is handed on as 0, so the accepted value is what JSON gives back (a fuzz counterexample)', () => {
    const value = accepted('order.create', { amountMinor: 239, currency: 'USD', title: 'Coffee', items: [{ name: 'Latte', quantity: 2, unitPriceMinor: -0 }], cartId: 'cart-1' });
    assert.ok(Object.is(value.items?.[0]?.unitPriceMinor, 0), 'unitPriceMinor is +0');
    assert.deepEqual(JSON.parse(JSON.stringify(value)), value);
  });

  test('a PIN is 4 to 12 digits, and no refusal repeats it', () => {
    for (const pin of ['1234', '000000', '123456789012']) {
      assert.ok(isValidPin(pin));
      accepted('supervisor.login', { pin });
    }
    for (const pin of ['123', '1234567890123', '12a4', ' 1234', '1234 ', '١٢٣٤', '12.4', 1234]) {
      assert.equal(isValidPin(pin), false, String(pin));
      const error = refused('supervisor.login', { pin });
      assert.equal(error.field, 'pin');
      assert.ok(!error.message.includes(String(pin).trim()), error.message);
    }
    const change = refused('supervisor.changePin', { currentPin: '1234', newPin: '98x7' });
    assert.equal(change.field, 'newPin');
    assert.ok(!change.message.includes('98x7') && !change.message.includes('1234'));
  });

  test('text fields are trimmed, and control characters, lone surrogates and huge strings are refused', () => {
    assert.equal(accepted('order.create', { amountMinor: 1, cartId: 'c', title: '  Coffee & cake \u2615  ' }).title, 'Coffee & cake \u2615');
    for (const title of ['', '   ', 'a\u0000b', 'a\u001bb', 'a\u0085b', 'a\uD800b', 'a\uFFFDb', 'x'.repeat(257), 'x'.repeat(5_000_000)]) {
      assert.equal(refused('order.create', { amountMinor: 1, cartId: 'c', title }).field, 'title', JSON.stringify(title.slice(0, 10)));
    }
    assert.equal(refused('order.create', { amountMinor: 1, cartId: 'a b' }).field, 'cartId');
    assert.equal(refused('order.create', { amountMinor: 1, cartId: 'x'.repeat(129) }).field, 'cartId');
  });

  test('a huge string is refused quickly, before any pattern reads it', () => {
    const huge = '1'.repeat(20_000_000);
    const started = performance.now();
    for (const channel of ['supervisor.login', 'orders.search', 'keys.importAlipay'] as const) {
      const error = refused(channel, channel === 'orders.search' ? { tail: huge } : channel === 'keys.importAlipay' ? { pem: huge } : { pin: huge });
      // Refused for its length, so no pattern ran over the 20 million characters.
      assert.match(error.message, /must be at most \d+ characters/, channel);
    }
    // Each refusal takes well under a millisecond; the bound leaves room for a busy machine.
    assert.ok(performance.now() - started < 250, `took ${performance.now() - started} ms`);
  });

  test('settings values: a map of setting names to text, at least one, with nothing that is not a name as a key', () => {
    assert.deepEqual(accepted('settings.set', { values: { 'store.name': 'A', 'gateway.caFile': '' } }).values, { 'store.name': 'A', 'gateway.caFile': '' });
    assert.equal(refused('settings.set', { values: {} }).field, 'values');
    assert.equal(refused('settings.set', { values: { 'store.name': 1 } }).field, 'values.store.name');
    assert.equal(refused('settings.set', { values: JSON.parse('{"__proto__":"x"}') }).field, 'values');
    assert.equal(refused('settings.set', { values: { '': 'x' } }).field, 'values');
    assert.equal(refused('settings.set', { values: { 'a b': 'x' } }).field, 'values');
    assert.equal(refused('settings.set', { values: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }).field, 'values');
  });

  test('days, tails and devices: shapes the main process checks further', () => {
    assert.equal(refused('day.csv', { day: '2025-3-14' }).field, 'day');
    assert.equal(refused('orders.search', { tail: '12' }).field, 'tail');
    assert.equal(refused('orders.search', { tail: '12 3' }).field, 'tail');
    const device = VALID_REQUESTS['devices.save'].device;
    assert.equal(refused('devices.save', { device: { ...device, dataBits: 9 } }).field, 'device.dataBits');
    assert.equal(refused('devices.save', { device: { ...device, role: 'scanner' } }).field, 'device.role');
    assert.equal(refused('devices.save', { device: { ...device, name: '../etc' } }).field, 'device.name');
    assert.deepEqual(accepted('devices.save', { device: { name: 'p', role: 'display', path: 'COM3' } }), { device: { name: 'p', role: 'display', path: 'COM3' } });
  });

  test('a PEM is ASCII with line breaks, at most 16 KiB', () => {
    accepted('keys.importAlipay', { pem: '-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\r\n' });
    assert.equal(refused('keys.importAlipay', { pem: 'é' }).field, 'pem');
    assert.equal(refused('keys.importAlipay', { pem: 'A'.repeat(16_385) }).field, 'pem');
  });
});
