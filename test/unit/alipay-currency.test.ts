// Money as integer minor units (docs/protocol.md §5): parsing what a cashier types, formatting it
// back, and the ISO 4217 checks; plus the RFC 3339 times the head carries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isTillError } from '../../main/errors';
import {
  MAX_AMOUNT_MINOR,
  assertAmountMinor,
  assertCurrency,
  formatMinor,
  isKnownCurrency,
  minorUnits,
  moneyMinor,
  parseAmount,
  toMoney,
} from '../../main/alipay/currency';
import { formatRfc3339, isCalendarDate, parseRfc3339 } from '../../main/alipay/rfc3339';

function throwsTill(fn: () => unknown, code: string, field?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isTillError(e), `expected a TillError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (field !== undefined) assert.equal(e.field, field);
    return true;
  });
}

describe('minorUnits', () => {
  test('USD 2, JPY 0, KWD 3, from the runtime ISO data', () => {
    assert.equal(minorUnits('USD'), 2);
    assert.equal(minorUnits('JPY'), 0);
    assert.equal(minorUnits('KWD'), 3);
    assert.equal(minorUnits('CNY'), 2);
  });
});

describe('parseAmount / formatMinor', () => {
  for (const [currency, digits] of [['USD', 2], ['JPY', 0], ['KWD', 3]] as const) {
    test(`property: ${currency} round trip over 1..MAX`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: MAX_AMOUNT_MINOR })), (value) => {
          const text = formatMinor(value, currency);
          if (digits === 0) assert.match(text, /^[1-9]\d*$/);
          else assert.match(text, new RegExp(`^(0|[1-9]\\d*)\\.\\d{${digits}}$`));
          assert.equal(parseAmount(text, currency), value);
        }),
        { numRuns: 500 },
      );
    });
  }

  test('formats known values', () => {
    assert.equal(formatMinor(239, 'USD'), '2.39');
    assert.equal(formatMinor(5, 'USD'), '0.05');
    assert.equal(formatMinor(100, 'JPY'), '100');
    assert.equal(formatMinor(1, 'KWD'), '0.001');
    assert.equal(formatMinor(MAX_AMOUNT_MINOR, 'USD'), '90071992547409.91');
  });

  test('parses what a cashier types', () => {
    assert.equal(parseAmount('2.39', 'USD'), 239);
    assert.equal(parseAmount(' 2.39 ', 'USD'), 239);
    assert.equal(parseAmount('2.390', 'USD'), 239);
    assert.equal(parseAmount('2', 'USD'), 200);
    assert.equal(parseAmount('0.01', 'USD'), 1);
    assert.equal(parseAmount('100', 'JPY'), 100);
    assert.equal(parseAmount('1.000', 'JPY'), 1);
    assert.equal(parseAmount('1.234', 'KWD'), 1234);
    assert.equal(parseAmount('9007199254740991', 'JPY'), 9007199254740991); // 16 digits, the largest exact one
    throwsTill(() => parseAmount('9007199254740992', 'JPY'), 'AMOUNT_INVALID', 'amount');
    throwsTill(() => parseAmount('9999999999999999', 'JPY'), 'AMOUNT_INVALID', 'amount');
  });

  test('refuses what is not a positive amount in the currency, as AMOUNT_INVALID naming the field', () => {
    const bad: [string, string][] = [
      ['-1', 'USD'],
      ['-0.01', 'USD'],
      ['0', 'USD'],
      ['0.00', 'USD'],
      ['2.391', 'USD'],
      ['1.5', 'JPY'],
      ['0.0001', 'KWD'],
      ['12345678901234567', 'JPY'], // 17 digits
      ['99999999999999.99', 'USD'], // 16 digits but over the exact-integer limit
      ['1e3', 'USD'],
      ['', 'USD'],
      ['   ', 'USD'],
      ['abc', 'USD'],
      ['1,000.50', 'USD'],
      ['+1', 'USD'],
      ['.5', 'USD'],
      ['0x10', 'USD'],
      ['１２', 'USD'], // full-width digits
      ['2.39.1', 'USD'],
      ['Infinity', 'USD'],
    ];
    for (const [text, currency] of bad) {
      throwsTill(() => parseAmount(text, currency, 'tender'), 'AMOUNT_INVALID', 'tender');
    }
  });

  test('property: anything with more decimals than the currency allows is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom('USD', 'JPY', 'KWD'), fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 9 }), (currency, whole, lastDigit) => {
        const text = `${whole}.${'0'.repeat(minorUnits(currency))}${lastDigit}`;
        throwsTill(() => parseAmount(text, currency), 'AMOUNT_INVALID', 'amount');
      }),
      { numRuns: 200 },
    );
  });

  test('unknown currency XYZ is CURRENCY_UNKNOWN, lowercase usd is CURRENCY_INVALID', () => {
    assert.equal(isKnownCurrency('XYZ'), false);
    throwsTill(() => parseAmount('1', 'XYZ'), 'CURRENCY_UNKNOWN', 'currency');
    throwsTill(() => parseAmount('1', 'usd'), 'CURRENCY_INVALID', 'currency');
    throwsTill(() => formatMinor(1, 'usd'), 'CURRENCY_INVALID');
    throwsTill(() => assertCurrency('US', 'order.currency'), 'CURRENCY_INVALID', 'order.currency');
    throwsTill(() => assertCurrency('USDX'), 'CURRENCY_INVALID');
    throwsTill(() => assertCurrency('XYZ', 'order.currency'), 'CURRENCY_UNKNOWN', 'order.currency');
  });
});

describe('assertAmountMinor / toMoney / moneyMinor', () => {
  test('amounts are whole, positive and exact', () => {
    assert.doesNotThrow(() => assertAmountMinor(1));
    assert.doesNotThrow(() => assertAmountMinor(MAX_AMOUNT_MINOR));
    for (const v of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_AMOUNT_MINOR + 1, 1e17]) {
      throwsTill(() => assertAmountMinor(v, 'x'), 'AMOUNT_INVALID', 'x');
    }
  });

  test('toMoney writes the value as a digit string', () => {
    assert.deepEqual(toMoney(239, 'USD'), { currency: 'USD', value: '239' });
    throwsTill(() => toMoney(239, 'usd'), 'CURRENCY_INVALID');
    throwsTill(() => toMoney(0, 'USD'), 'AMOUNT_INVALID');
  });

  test('moneyMinor reads digit strings and safe integers, nothing else', () => {
    assert.deepEqual(moneyMinor({ currency: 'USD', value: '239' }), { currency: 'USD', value: 239 });
    assert.deepEqual(moneyMinor({ currency: 'USD', value: 239 }), { currency: 'USD', value: 239 });
    for (const bad of [null, 'x', {}, { currency: 'USD' }, { currency: 1, value: '1' }, { currency: 'USD', value: '2.39' }, { currency: 'USD', value: 2.39 },
      { currency: 'USD', value: '-1' }, { currency: 'USD', value: '12345678901234567' }, { currency: 'USD', value: '9999999999999999' }, { currency: 'USD', value: ' 1' }]) {
      assert.equal(moneyMinor(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('RFC 3339', () => {
  const RFC3339_NUMERIC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

  test('property: formatRfc3339 writes a numeric offset (never Z) that parses back to the same second', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const text = formatRfc3339(date, offset);
          assert.match(text, RFC3339_NUMERIC);
          assert.equal(parseRfc3339(text, { allowZ: false }), Math.floor(date.getTime() / 1000) * 1000);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('known values', () => {
    const t = Date.UTC(2001, 6, 4, 6, 38, 56);
    assert.equal(formatRfc3339(new Date(t), 330), '2001-07-04T12:08:56+05:30');
    assert.equal(formatRfc3339(new Date(t), 0), '2001-07-04T06:38:56+00:00');
    assert.equal(formatRfc3339(new Date(t), -90), '2001-07-04T05:08:56-01:30');
    assert.match(formatRfc3339(new Date()), RFC3339_NUMERIC);
    assert.equal(parseRfc3339('2001-07-04T12:08:56+05:30'), t);
    assert.equal(parseRfc3339('2001-07-04T06:38:56Z'), t);
    assert.equal(parseRfc3339('2001-07-04T06:38:56Z', { allowZ: false }), undefined);
    assert.equal(parseRfc3339('2001-07-04T06:38:56.250Z'), t + 250);
  });

  test('refuses what is not an RFC 3339 date-time', () => {
    for (const bad of ['2001-07-04 12:08:56+05:30', '2001-07-04T12:08:56', '2001-02-29T00:00:00Z', '2001-13-01T00:00:00Z', '2001-07-04T24:00:00Z',
      '2001-07-04T12:60:00Z', '2001-07-04T12:08:56+24:00', '2001-07-04T12:08:56+0530', '01-07-04T12:08:56Z', '']) {
      assert.equal(parseRfc3339(bad), undefined, bad);
    }
  });

  test('isCalendarDate knows leap years', () => {
    assert.equal(isCalendarDate('2018-10-20'), true);
    assert.equal(isCalendarDate('2024-02-29'), true);
    assert.equal(isCalendarDate('2023-02-29'), false);
    assert.equal(isCalendarDate('2018-1-20'), false);
    assert.equal(isCalendarDate('2018-10-20T00:00'), false);
  });
});
