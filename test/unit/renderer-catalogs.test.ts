// The screens' languages (renderer/src/i18n): the zh-HK catalog has every key of the
// English one and fills the same {slots}; codes the screens word themselves all resolve.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROUTER_ERROR_CODES } from '../../preload/contract';
import { CLIENT_ERROR_CODES } from '../../renderer/src/api/client-errors';
import { CATALOGS } from '../../renderer/src/i18n/catalogs';
import { en } from '../../renderer/src/i18n/en';
import { errorKey } from '../../renderer/src/i18n/error-text';
import { placeholders, translate } from '../../renderer/src/i18n/translate';
import { zhHK } from '../../renderer/src/i18n/zh-HK';

describe('catalogs', () => {
  test('zh-HK has exactly the English keys', () => {
    assert.deepEqual(Object.keys(zhHK).sort(), Object.keys(en).sort());
  });

  test('every message is non-empty text in both languages', () => {
    for (const [locale, catalog] of Object.entries(CATALOGS)) {
      for (const [key, text] of Object.entries(catalog)) {
        assert.ok(typeof text === 'string' && text.trim() !== '', `${locale} ${key} is empty`);
      }
    }
  });

  test('each message fills the same {slots} in both languages', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      assert.deepEqual(placeholders(zhHK[key]), placeholders(en[key]), key);
    }
  });

  test('zh-HK is translated, not a copy (apart from names of languages and symbols)', () => {
    const same = (Object.keys(en) as Array<keyof typeof en>).filter((key) => zhHK[key] === en[key]);
    assert.deepEqual(same, ['settings.locale.en', 'settings.locale.zh-HK', 'keys.unknown']);
    assert.match(zhHK['customer.thanks'], /\p{Script=Han}/u);
  });
});

describe('translate', () => {
  test('fills named slots and leaves unknown ones as they are', () => {
    assert.equal(translate('Charge {amount}', { amount: '$1.00' }), 'Charge $1.00');
    assert.equal(translate('{count} of {total}', { count: 2 }), '2 of {total}');
    assert.equal(translate('no slots'), 'no slots');
  });

  test('{name|one|other} picks the words by the number\'s plural category; # is the number', () => {
    const heading = 'Day {day} — {count|# order|# orders}';
    assert.equal(translate(heading, { day: '2026-11-26', count: 1 }), 'Day 2026-11-26 — 1 order');
    assert.equal(translate(heading, { day: '2026-11-26', count: 0 }), 'Day 2026-11-26 — 0 orders');
    assert.equal(translate(heading, { day: '2026-11-26', count: 12 }), 'Day 2026-11-26 — 12 orders');
    assert.equal(translate('{n|# item|# items}', { n: 1 }, 'zh-HK'), '1 items', 'zh-HK has no singular form');
    assert.deepEqual(placeholders(heading), ['count', 'day']);
    assert.equal(translate(heading, { day: 'x' }), 'Day x — {count|# order|# orders}', 'an unfilled slot stays visible');
  });

  test('no catalog still says "(s)": plurals go through {name|one|other}', () => {
    for (const [locale, catalog] of Object.entries(CATALOGS)) {
      for (const [key, text] of Object.entries(catalog)) assert.doesNotMatch(text, /\w\(s\)/, `${locale} ${key}`);
    }
  });

  test('a value is inserted as text, never read as another slot', () => {
    assert.equal(translate('{a} {b}', { a: '{b}', b: 'x' }), '{b} x');
  });
});

describe('error codes the screens word themselves', () => {
  test('every client code and the PIN/session codes have a message', () => {
    const codes = [
      ...Object.values(CLIENT_ERROR_CODES),
      ROUTER_ERROR_CODES.supervisorRequired,
      ROUTER_ERROR_CODES.pinInvalid,
      ROUTER_ERROR_CODES.pinLocked,
      ROUTER_ERROR_CODES.internal,
    ];
    for (const code of codes) {
      const key = errorKey({ code, message: 'x' });
      assert.ok(key !== null && key in en, code);
    }
  });

  test('other codes keep the till message (it names the field at fault)', () => {
    assert.equal(errorKey({ code: ROUTER_ERROR_CODES.badRequest, message: 'amountMinor must be …' }), null);
    assert.equal(errorKey({ code: 'AMOUNT_INVALID', message: 'x' }), null);
  });
});
