// The result-code table against the spec's two tables, copied here from
// alipay-offline-preCreate.txt ("Functional logic result code", "Basic result code").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RESULT_CODES, resultCodeInfo, resultInfoFor, type ResultStatus } from '../../main/alipay/result-codes';

const FUNCTIONAL = `
00000025 REPEAT_REQ_INCONSISTENT F
00000011 RISK_REJECT F
12005001 CURRENCY_NOT_SUPPORT F
12005104 AMOUNT_EXCEED_LIMIT F
12005128 COUNT_EXCEED_LIMIT F
12005100 ORDER_IS_CLOSED F
12005003 ORDER_STATUS_INVALID F
12006007 MERCHANT_MONTHLY_AMOUNT_LIMIT_EXCEED F
12005136 MERCHANT_NOT_SUPPORT_ACQUIRE F
12005137 USER_AGENT_NOT_SUPPORT F
`;

const BASIC = `
00000000 SUCCESS S
00000019 PROCESS_FAIL F
00000901 UNKNOWN_EXCEPTION U
00000004 PARAM_ILLEGAL F
00000007 INVALID_SIGNATURE F
00000008 KEY_NO_FOUND F
00000013 NO_INTERFACE_DEF F
00000014 API_IS_INVALID F
00000016 OAUTH_FAILED F
00000021 ACCESS_DENIED F
12014152 CLIENT_FORBIDDEN_ACCESS_API F
12014155 UNKNOWN_CLIENT F
12014156 INVALID_CLIENT_STATUS F
00000024 REQUEST_TRAFFIC_EXCEED_LIMIT F
00000030 SIGN_TYPE_INVALID F
`;

const SPEC_CODES = [...FUNCTIONAL.trim().split('\n'), ...BASIC.trim().split('\n')].map((line) => {
  const [id, code, status] = line.split(' ') as [string, string, ResultStatus];
  return { id, code, status };
});

describe('RESULT_CODES', () => {
  test('holds every code of both spec tables with the spec’s id and status, and nothing else', () => {
    assert.equal(SPEC_CODES.length, 25);
    for (const { id, code, status } of SPEC_CODES) {
      const info = RESULT_CODES.get(code);
      assert.ok(info, `${code} is missing`);
      assert.equal(info.id, id, `${code} id`);
      assert.equal(info.status, status, `${code} status`);
      assert.equal(info.code, code);
    }
    assert.deepEqual([...RESULT_CODES.keys()].sort(), SPEC_CODES.map((c) => c.code).sort());
    assert.equal(new Set([...RESULT_CODES.values()].map((i) => i.id)).size, 25, 'ids are unique');
  });

  test('each has a non-empty cashier message of at most 80 characters, free of codes', () => {
    for (const info of RESULT_CODES.values()) {
      assert.ok(info.message.trim().length > 0, info.code);
      assert.ok([...info.message].length <= 80, `${info.code}: ${info.message.length} chars`);
      assert.ok(!info.message.includes(info.code) && !info.message.includes(info.id), `${info.code} message shows a raw code`);
    }
  });

  test('actions: success proceeds, unknown retries, traffic backs off, key and client trouble alarms, risk fails', () => {
    const action = (code: string) => RESULT_CODES.get(code)!.action;
    assert.equal(action('SUCCESS'), 'proceed');
    assert.equal(action('UNKNOWN_EXCEPTION'), 'retry');
    assert.equal(action('REQUEST_TRAFFIC_EXCEED_LIMIT'), 'backoff');
    for (const code of ['INVALID_SIGNATURE', 'KEY_NO_FOUND', 'UNKNOWN_CLIENT', 'ACCESS_DENIED']) assert.equal(action(code), 'alarm', code);
    assert.equal(action('RISK_REJECT'), 'fail');
    // Only SUCCESS proceeds; no F code is ever retried as if it were unknown.
    for (const info of RESULT_CODES.values()) {
      assert.equal(info.action === 'proceed', info.status === 'S', info.code);
      if (info.status === 'F') assert.notEqual(info.action, 'retry', info.code);
    }
  });
});

describe('resultCodeInfo', () => {
  test('a listed code gives the table entry', () => {
    for (const { code, status } of SPEC_CODES) assert.equal(resultCodeInfo(code, status), RESULT_CODES.get(code));
  });

  test('property: an unlisted code is judged by its status (S proceeds, U retries, F fails), keeping its id and code', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((c) => !RESULT_CODES.has(c)),
        fc.constantFrom<ResultStatus>('S', 'F', 'U'),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 8 }),
        (code, status, id) => {
          const info = resultCodeInfo(code, status, id);
          assert.equal(info.code, code);
          assert.equal(info.id, id);
          assert.equal(info.status, status);
          assert.equal(info.action, { S: 'proceed', U: 'retry', F: 'fail' }[status]);
          assert.ok(info.message.length > 0 && info.message.length <= 80);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('resultInfoFor (what the sandbox answers)', () => {
  test('each listed code gives its spec id and status; SUCCESS says success', () => {
    for (const { id, code, status } of SPEC_CODES) {
      const info = resultInfoFor(code);
      assert.deepEqual({ id: info.resultCodeId, code: info.resultCode, status: info.resultStatus }, { id, code, status });
      assert.ok(info.resultMsg.length > 0);
    }
    assert.equal(resultInfoFor('SUCCESS').resultMsg, 'success');
    assert.throws(() => resultInfoFor('NOT_A_CODE'));
  });
});
