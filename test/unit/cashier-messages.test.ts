import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CASHIER_MESSAGE_CODES, cashierMessageCode } from '../../preload/contract';
import { RESULT_CODES, resultCodeInfo } from '../../main/alipay/result-codes';
import { en } from '../../renderer/src/i18n/en';
import { zhHK } from '../../renderer/src/i18n/zh-HK';

/**
 * The screens word a failure from its code in their own language; the CLI keeps the
 * English of main/alipay/result-codes.ts. The two must not drift apart.
 */

const F_CODES = [...RESULT_CODES.values()].filter((info) => info.status === 'F').map((info) => info.code);

describe('cashier messages: a code to the screen, the words in the catalogs', () => {
  test('every F result code of the spec\'s tables has a cashier message code, and nothing else does', () => {
    assert.deepEqual([...CASHIER_MESSAGE_CODES].filter((c) => c !== 'OTHER').sort(), [...F_CODES].sort());
    assert.equal(cashierMessageCode('RISK_REJECT'), 'RISK_REJECT');
    assert.equal(cashierMessageCode('NOT_IN_ANY_TABLE'), 'OTHER');
    assert.equal(cashierMessageCode(null), 'OTHER');
    // Names off Object.prototype are not codes.
    assert.equal(cashierMessageCode('constructor'), 'OTHER');
  });

  test('the English catalog says what the CLI says, code for code', () => {
    for (const code of F_CODES) assert.equal(en[`result.${code}` as keyof typeof en], RESULT_CODES.get(code)!.message, code);
    assert.equal(en['result.OTHER'], resultCodeInfo('NOT_IN_ANY_TABLE', 'F').message);
  });

  test('the zh-HK catalog words every one of them in Chinese', () => {
    for (const code of CASHIER_MESSAGE_CODES) {
      const text = zhHK[`result.${code}`];
      assert.ok(/[\u4e00-\u9fff]/.test(text), `${code}: ${text}`);
      assert.notEqual(text, en[`result.${code}`], code);
    }
  });
});
