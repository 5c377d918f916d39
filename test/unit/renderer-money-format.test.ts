// Money on the screens (renderer/src/money/currency.ts): minor units formatted with Intl for
// the currency and the screen's language without going through a float, and money typed
// into a field (refunds) read back as digits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatMoney, fractionDigits, minorToDecimal, parseAmountText } from '../../renderer/src/money/currency';

describe('fractionDigits', () => {
  test('from the runtime ISO data: USD 2, HKD 2, JPY 0, KWD 3', () => {
    assert.deepEqual(['USD', 'HKD', 'JPY', 'KWD'].map(fractionDigits), [2, 2, 0, 3]);
  });
});

describe('minorToDecimal', () => {
  test('places the point by the digits, padding small amounts', () => {
    assert.equal(minorToDecimal(123456, 2), '1234.56');
    assert.equal(minorToDecimal(5, 2), '0.05');
    assert.equal(minorToDecimal(5, 3), '0.005');
    assert.equal(minorToDecimal(1234, 0), '1234');
    assert.equal(minorToDecimal(-5, 2), '-0.05');
    assert.equal(minorToDecimal(0, 2), '0.00');
  });

  test('refuses what is not a whole number of minor units', () => {
    assert.throws(() => minorToDecimal(1.5, 2), RangeError);
    assert.throws(() => minorToDecimal(2 ** 53, 2), RangeError);
  });
});

describe('formatMoney', () => {
  test('English', () => {
    assert.equal(formatMoney(123456, 'USD', 'en'), '$1,234.56');
    assert.equal(formatMoney(123456, 'HKD', 'en'), 'HK$1,234.56');
    assert.equal(formatMoney(1234, 'JPY', 'en'), '¥1,234');
    assert.equal(formatMoney(1234, 'KWD', 'en'), 'KWD\u00a01.234');
  });

  test('Traditional Chinese (Hong Kong)', () => {
    assert.equal(formatMoney(123456, 'HKD', 'zh-HK'), 'HK$1,234.56');
    assert.equal(formatMoney(150, 'USD', 'zh-HK'), 'US$1.50');
    assert.equal(formatMoney(1234, 'JPY', 'zh-HK'), '¥1,234');
    assert.equal(formatMoney(1999, 'CNY', 'zh-HK'), 'CN¥19.99');
  });

  test('exact at the top of the range, where a float division would round', () => {
    assert.equal(formatMoney(Number.MAX_SAFE_INTEGER, 'USD', 'en'), '$90,071,992,547,409.91');
    assert.equal(formatMoney(9_999_999_999, 'HKD', 'zh-HK'), 'HK$99,999,999.99');
  });

  test('property: the digits shown are the minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('USD', 'JPY', 'KWD'), fc.constantFrom('en', 'zh-HK'), (minor, currency, locale) => {
        return formatMoney(minor, currency, locale).replace(/\D/g, '').replace(/^0+/, '') === String(minor).replace(/^0+/, '');
      }),
    );
  });
});

describe('parseAmountText', () => {
  test('reads decimals into minor units', () => {
    assert.deepEqual(parseAmountText('12.5', 'USD'), { ok: true, minor: 1250 });
    assert.deepEqual(parseAmountText(' 0.05 ', 'USD'), { ok: true, minor: 5 });
    assert.deepEqual(parseAmountText('12', 'USD'), { ok: true, minor: 1200 });
    assert.deepEqual(parseAmountText('1234', 'JPY'), { ok: true, minor: 1234 });
    assert.deepEqual(parseAmountText('1.230', 'USD'), { ok: true, minor: 123 }, 'trailing zeros are not extra decimals');
  });

  test('refuses with a reason, never a guess', () => {
    assert.deepEqual(parseAmountText('1,000', 'USD'), { ok: false, reason: 'format' });
    assert.deepEqual(parseAmountText('-1', 'USD'), { ok: false, reason: 'format' });
    assert.deepEqual(parseAmountText('1e3', 'USD'), { ok: false, reason: 'format' });
    assert.deepEqual(parseAmountText('', 'USD'), { ok: false, reason: 'format' });
    assert.deepEqual(parseAmountText('1.005', 'USD'), { ok: false, reason: 'decimals' });
    assert.deepEqual(parseAmountText('1.5', 'JPY'), { ok: false, reason: 'decimals' });
    assert.deepEqual(parseAmountText('0.00', 'USD'), { ok: false, reason: 'zero' });
    assert.deepEqual(parseAmountText('10.01', 'USD', 1000), { ok: false, reason: 'too-large' });
    assert.deepEqual(parseAmountText('99999999999999999', 'USD'), { ok: false, reason: 'format' });
  });

  test('property: what formatMoney shows (without symbol and grouping) reads back to the same amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999_999 }), fc.constantFrom('USD', 'JPY', 'KWD'), (minor, currency) => {
        const parsed = parseAmountText(minorToDecimal(minor, fractionDigits(currency)), currency);
        return parsed.ok && parsed.minor === minor;
      }),
    );
  });
});
