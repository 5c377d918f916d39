// Reading gateway answers (docs/protocol.md §1, §4). A second key pair plays Alipay. Trust order:
// signature over the raw response text, then the echoes, then the result.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readResponse, type Expectation } from '../../main/alipay/read-response';
import { MessageRejected, openSignedMessage, type RejectReason } from '../../main/alipay/signed-message';
import {
  SPEC_FAILURE_RESPONSE_TEXT,
  SPEC_SAMPLE_EXPECT,
  SPEC_SUCCESS_RESPONSE_TEXT,
  alipayKeys,
  merchantKeys,
  responseText,
  signedAnswer,
} from '../support/protocol-fixtures';

const alipayPublic = alipayKeys().publicKey;
const preCreate: Expectation = { api: 'preCreate', ...SPEC_SAMPLE_EXPECT };

function rejected(fn: () => unknown, reason?: RejectReason): RejectReason {
  let got: RejectReason | undefined;
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MessageRejected, `expected MessageRejected, got ${String(e)}`);
    if (reason) assert.equal(e.reason, reason, e.message);
    assert.equal(e.code, 'RESPONSE_REJECTED');
    got = e.reason;
    return true;
  });
  return got!;
}

const SUCCESS_BODY = {
  resultInfo: { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS', resultMsg: 'success' },
  merchantTransId: SPEC_SAMPLE_EXPECT.merchantTransId,
  orderQrCode: 'https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII',
  acquirementId: '2019',
  orderAmount: { currency: 'USD', value: '239' },
};

const SAMPLE_DATA = {
  merchantTransId: '510xxxxxxxxxxxxx0002',
  orderQrCode: 'https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII',
  acquirementId: '201xxxxxxxxxxxxxxxxxxxxx2747',
  createTime: '2001-07-04T12:08:56+05:30',
  payScheme: 'alipays://platformapi/startApp?appId=10000007&actionType=route&qrcode=https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII',
  picUrl: 'http://mobilecodec.alipay.com/show.htm?code=bax00636140jfx40pmiz518a&picSize=M',
  smallPicUrl: 'http://mobilecodec.alipay.com/show.htm?code=bax00636140jfx40pmiz518a&picSize=S',
  bigPicUrl: 'http://mobilecodec.alipay.com/show.htm?code=bax06253ak3kj15fkjf700a4&picSize=L',
};

describe('a valid preCreate answer', () => {
  test('the spec success sample, signed over its own spacing, reads as S with the QR', () => {
    const outcome = readResponse(signedAnswer(SPEC_SUCCESS_RESPONSE_TEXT).bytes, alipayPublic, preCreate);
    assert.equal(outcome.kind, 'S');
    assert.deepEqual(outcome.kind === 'S' && outcome.data, SAMPLE_DATA);
    assert.equal(outcome.kind === 'S' && outcome.info.action, 'proceed');
    assert.deepEqual(outcome.kind === 'S' && outcome.result, { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS', resultMsg: 'success' });
  });

  test('the signed text is cut from the received bytes: a compact re-serialization would not verify', () => {
    const answer = signedAnswer(SPEC_SUCCESS_RESPONSE_TEXT);
    const opened = openSignedMessage(answer.bytes, 'response');
    assert.equal(opened.text, SPEC_SUCCESS_RESPONSE_TEXT);
    const recompact = Buffer.from(`{"response":${JSON.stringify(JSON.parse(SPEC_SUCCESS_RESPONSE_TEXT))},"signature":${JSON.stringify(opened.signature)}}`);
    rejected(() => readResponse(recompact, alipayPublic, preCreate), 'bad_signature');
  });

  test('a compact answer with non-ASCII text reads the same way', () => {
    const text = responseText({ ...SUCCESS_BODY, resultInfo: { ...SUCCESS_BODY.resultInfo, resultMsg: '成功 ✅' } });
    const outcome = readResponse(signedAnswer(text).bytes, alipayPublic, preCreate);
    assert.equal(outcome.kind, 'S');
    assert.equal(outcome.kind === 'S' && outcome.result.resultMsg, '成功 ✅');
  });
});

describe('tampering', () => {
  const ALLOWED: RejectReason[] = ['not_utf8', 'not_json', 'duplicate_key', 'shape', 'no_signature', 'bad_signature'];

  function checkTamper(answer: ReturnType<typeof signedAnswer>, index: number, value: number, original: unknown): void {
    const bytes = Buffer.from(answer.bytes);
    bytes[index] = value;
    const inSigned = (index >= answer.responseSpan.start && index < answer.responseSpan.end) || (index >= answer.signatureSpan.start && index < answer.signatureSpan.end);
    let outcome;
    try {
      outcome = readResponse(bytes, alipayPublic, preCreate);
    } catch (e) {
      assert.ok(e instanceof MessageRejected, `byte ${index} -> 0x${value.toString(16)}: ${String(e)}`);
      assert.ok(ALLOWED.includes(e.reason), `byte ${index}: rejected for ${e.reason}, which comes after the signature`);
      return;
    }
    // Only a byte outside the signed text and the signature may change without rejection
    // (say, whitespace between the envelope's members), and then nothing read may differ.
    assert.ok(!inSigned, `byte ${index} -> 0x${value.toString(16)} inside the signed region was accepted`);
    assert.deepEqual(outcome, original);
  }

  for (const [name, text] of [
    ['the spec sample (pretty, ASCII)', SPEC_SUCCESS_RESPONSE_TEXT],
    ['a compact answer with CJK and emoji', responseText({ ...SUCCESS_BODY, resultInfo: { ...SUCCESS_BODY.resultInfo, resultMsg: '成功 😀' } })],
  ] as const) {
    test(`every byte of ${name}, every single-bit flip: rejected, never S with altered data`, () => {
      const answer = signedAnswer(text);
      const original = readResponse(answer.bytes, alipayPublic, preCreate);
      for (let i = 0; i < answer.bytes.length; i++) {
        for (let bit = 0; bit < 8; bit++) checkTamper(answer, i, answer.bytes[i]! ^ (1 << bit), original);
      }
    });

    test(`property: ${name}, any byte replaced by any other value`, () => {
      const answer = signedAnswer(text);
      const original = readResponse(answer.bytes, alipayPublic, preCreate);
      fc.assert(
        fc.property(fc.nat({ max: answer.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, delta) => {
          checkTamper(answer, i, (answer.bytes[i]! + delta) & 0xff, original);
        }),
        { numRuns: 3000 },
      );
    });
  }

  test('a response signed with the MERCHANT key instead of Alipay’s is rejected', () => {
    rejected(() => readResponse(signedAnswer(SPEC_SUCCESS_RESPONSE_TEXT, merchantKeys().privateKey).bytes, alipayPublic, preCreate), 'bad_signature');
  });

  test('unsigned, empty-signed, non-string-signed and double-encoded signatures are rejected', () => {
    const text = responseText(SUCCESS_BODY);
    rejected(() => readResponse(Buffer.from(`{"response":${text}}`), alipayPublic, preCreate), 'no_signature');
    rejected(() => readResponse(Buffer.from(`{"response":${text},"signature":""}`), alipayPublic, preCreate), 'no_signature');
    rejected(() => readResponse(Buffer.from(`{"response":${text},"signature":42}`), alipayPublic, preCreate), 'shape');
    const good = openSignedMessage(signedAnswer(text).bytes, 'response').signature!;
    const twice = Buffer.from(good).toString('base64');
    rejected(() => readResponse(Buffer.from(`{"response":${text},"signature":"${twice}"}`), alipayPublic, preCreate), 'bad_signature');
  });

  test('a forged duplicate member beside a validly signed one is rejected, not resolved', () => {
    const answer = signedAnswer(responseText(SUCCESS_BODY));
    const forged = Buffer.from(answer.bytes.toString('utf8').replace(/^\{/, '{"response":{"forged":true},'));
    rejected(() => readResponse(forged, alipayPublic, preCreate), 'duplicate_key');
    const inner = responseText(SUCCESS_BODY).replace('"orderQrCode":', '"orderQrCode":"https://evil.example/qr","orderQrCode":');
    rejected(() => readResponse(signedAnswer(inner).bytes, alipayPublic, preCreate), 'duplicate_key');
  });

  test('not UTF-8, not JSON, no response member, response not an object', () => {
    rejected(() => readResponse(Buffer.from([0x7b, 0xff, 0x7d]), alipayPublic, preCreate), 'not_utf8');
    rejected(() => readResponse(Buffer.from('<html>502 Bad Gateway</html>'), alipayPublic, preCreate), 'not_json');
    rejected(() => readResponse(Buffer.from('{"request":{},"signature":"x"}'), alipayPublic, preCreate), 'shape');
    rejected(() => readResponse(signedAnswer('[1]').bytes, alipayPublic, preCreate), 'shape');
    rejected(() => readResponse(signedAnswer('{"head":{}}').bytes, alipayPublic, preCreate), 'shape');
  });
});

describe('echoes and integrity', () => {
  const answer = (body: Record<string, unknown>, head: Record<string, unknown> = {}) => signedAnswer(responseText(body, head)).bytes;

  test('reqMsgId mismatch is rejected for S, F and U alike', () => {
    for (const resultInfo of [SUCCESS_BODY.resultInfo, { resultStatus: 'F', resultCodeId: '00000019', resultCode: 'PROCESS_FAIL' }, { resultStatus: 'U', resultCodeId: '00000901', resultCode: 'UNKNOWN_EXCEPTION' }]) {
      rejected(() => readResponse(answer({ ...SUCCESS_BODY, resultInfo }, { reqMsgId: 'another-request' }), alipayPublic, preCreate), 'mismatch');
      rejected(() => readResponse(answer({ ...SUCCESS_BODY, resultInfo }, { reqMsgId: undefined }), alipayPublic, preCreate), 'mismatch');
    }
  });

  test('merchantTransId mismatch or absence in an S preCreate answer is rejected', () => {
    rejected(() => readResponse(answer({ ...SUCCESS_BODY, merchantTransId: 'someone-else' }), alipayPublic, preCreate), 'mismatch');
    rejected(() => readResponse(answer({ ...SUCCESS_BODY, merchantTransId: undefined }), alipayPublic, preCreate), 'mismatch');
  });

  test('orderAmount present and different (value, currency, a float) is rejected; absent is accepted', () => {
    for (const orderAmount of [{ currency: 'USD', value: '240' }, { currency: 'HKD', value: '239' }, { currency: 'USD', value: 2.39 }, null, 'USD 2.39']) {
      rejected(() => readResponse(answer({ ...SUCCESS_BODY, orderAmount }), alipayPublic, preCreate), 'mismatch');
    }
    // The integer form of the same amount is the same money.
    assert.equal(readResponse(answer({ ...SUCCESS_BODY, orderAmount: { currency: 'USD', value: 239 } }), alipayPublic, preCreate).kind, 'S');
    assert.equal(readResponse(answer({ ...SUCCESS_BODY, orderAmount: { currency: 'USD', value: '0239' } }), alipayPublic, preCreate).kind, 'S');
    // The spec does not promise the echo: a signed S naming our merchantTransId without it is taken.
    const bare = readResponse(answer({ ...SUCCESS_BODY, orderAmount: undefined }), alipayPublic, preCreate);
    assert.equal(bare.kind === 'S' && (bare.data as { orderQrCode: string }).orderQrCode, SUCCESS_BODY.orderQrCode);
  });

  test('a head that does not echo the request (function, clientId, version) is rejected', () => {
    const echo = { version: '2.0.4', function: 'alipay.intl.acquiring.offline.preCreate', clientId: '211xxxxxxxxxxxxxx0044' };
    const expect = { ...preCreate, head: echo };
    assert.equal(readResponse(answer(SUCCESS_BODY), alipayPublic, expect).kind, 'S');
    for (const [name, other] of [['function', 'alipay.intl.acquiring.offline.payQuery'], ['clientId', '211xxxxxxxxxxxxxx0045'], ['version', '2.0.5']] as const) {
      rejected(() => readResponse(answer(SUCCESS_BODY, { [name]: other }), alipayPublic, expect), 'mismatch');
      rejected(() => readResponse(answer(SUCCESS_BODY, { [name]: undefined }), alipayPublic, expect), 'mismatch');
      // F answers too: a refusal meant for another request must not end this order.
      const f = { resultInfo: { resultStatus: 'F', resultCodeId: '00000019', resultCode: 'PROCESS_FAIL' } };
      rejected(() => readResponse(answer(f, { [name]: other }), alipayPublic, expect), 'mismatch');
    }
  });

  test('an S whose resultCode is not SUCCESS is an unknown outcome: no QR', () => {
    for (const resultCode of ['ACCEPT', 'PROCESSING', 'success']) {
      const outcome = readResponse(answer({ ...SUCCESS_BODY, resultInfo: { resultStatus: 'S', resultCodeId: '00000000', resultCode } }), alipayPublic, preCreate);
      assert.equal(outcome.kind, 'U', resultCode);
      assert.equal(outcome.kind === 'U' && outcome.reason, 'gateway_unknown');
    }
  });

  test('S without a usable orderQrCode is rejected', () => {
    rejected(() => readResponse(answer({ ...SUCCESS_BODY, orderQrCode: undefined }), alipayPublic, preCreate), 'shape');
    rejected(() => readResponse(answer({ ...SUCCESS_BODY, orderQrCode: '' }), alipayPublic, preCreate), 'shape');
    rejected(() => readResponse(answer({ ...SUCCESS_BODY, orderQrCode: `https://q.example/${'x'.repeat(1024)}` }), alipayPublic, preCreate), 'shape');
    // String(1024) is bytes: 400 characters of 3-byte text (1,200 bytes) are over it, 1024 ASCII bytes are not.
    const prefix = 'https://q.example/';
    rejected(() => readResponse(answer({ ...SUCCESS_BODY, orderQrCode: `${prefix}${'码'.repeat(400)}` }), alipayPublic, preCreate), 'shape');
    const fits = `${prefix}${'x'.repeat(1024 - prefix.length)}`;
    assert.equal(readResponse(answer({ ...SUCCESS_BODY, orderQrCode: fits }), alipayPublic, preCreate).kind, 'S');
  });

  test('resultStatus S with a resultCodeId other than 00000000 is rejected', () => {
    rejected(() => readResponse(answer({ ...SUCCESS_BODY, resultInfo: { ...SUCCESS_BODY.resultInfo, resultCodeId: '00000019' } }), alipayPublic, preCreate), 'mismatch');
  });

  test('a resultStatus that contradicts a listed resultCode is rejected (never S with PROCESS_FAIL, never F with SUCCESS)', () => {
    const cases = [
      { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'PROCESS_FAIL' },
      { resultStatus: 'F', resultCodeId: '00000000', resultCode: 'SUCCESS' },
      { resultStatus: 'F', resultCodeId: '00000901', resultCode: 'UNKNOWN_EXCEPTION' },
      { resultStatus: 'U', resultCodeId: '00000019', resultCode: 'PROCESS_FAIL' },
    ];
    for (const resultInfo of cases) rejected(() => readResponse(answer({ ...SUCCESS_BODY, resultInfo }), alipayPublic, preCreate), 'mismatch');
  });

  test('a missing or malformed resultInfo is rejected', () => {
    for (const resultInfo of [undefined, 'S', [], { resultStatus: 'X', resultCode: 'SUCCESS' }, { resultStatus: 'S' }, { resultCode: 'SUCCESS' }]) {
      rejected(() => readResponse(answer({ ...SUCCESS_BODY, resultInfo }), alipayPublic, preCreate), 'shape');
    }
  });
});

describe('F and U', () => {
  test('the spec failure sample (F that still carries an orderQrCode) is F: no QR is taken', () => {
    const outcome = readResponse(signedAnswer(SPEC_FAILURE_RESPONSE_TEXT).bytes, alipayPublic, preCreate);
    assert.equal(outcome.kind, 'F');
    if (outcome.kind !== 'F') return;
    assert.deepEqual(outcome.result, { resultStatus: 'F', resultCodeId: '00000019', resultCode: 'PROCESS_FAIL', resultMsg: 'General business failure' });
    assert.equal(outcome.info.action, 'fail');
    assert.equal(outcome.info.code, 'PROCESS_FAIL');
    // The QR is only ever read from a verified S (PreCreateData); an F gives none.
    const qr = (outcome as { kind: string; data: { orderQrCode?: string } }).kind === 'S' ? 'taken' : undefined;
    assert.equal(qr, undefined);
  });

  test('F with another functional code carries its action', () => {
    const outcome = readResponse(
      signedAnswer(responseText({ resultInfo: { resultStatus: 'F', resultCodeId: '00000011', resultCode: 'RISK_REJECT', resultMsg: 'risk' } })).bytes,
      alipayPublic,
      preCreate,
    );
    assert.equal(outcome.kind, 'F');
    assert.equal(outcome.kind === 'F' && outcome.info.action, 'fail');
  });

  test('U is an unknown outcome from the gateway, with its code', () => {
    const outcome = readResponse(
      signedAnswer(responseText({ resultInfo: { resultStatus: 'U', resultCodeId: '00000901', resultCode: 'UNKNOWN_EXCEPTION', resultMsg: 'try later' } })).bytes,
      alipayPublic,
      preCreate,
    );
    assert.equal(outcome.kind, 'U');
    if (outcome.kind !== 'U') return;
    assert.equal(outcome.reason, 'gateway_unknown');
    assert.equal(outcome.detail, 'try later');
    assert.equal(outcome.info?.action, 'retry');
  });

  test('an unlisted code is judged by its status', () => {
    const u = readResponse(signedAnswer(responseText({ resultInfo: { resultStatus: 'U', resultCodeId: '99999999', resultCode: 'NEW_THING' } })).bytes, alipayPublic, preCreate);
    assert.equal(u.kind, 'U');
    const f = readResponse(signedAnswer(responseText({ resultInfo: { resultStatus: 'F', resultCodeId: '12005018', resultCode: 'ORDER_NOT_EXIST' } })).bytes, alipayPublic, preCreate);
    assert.equal(f.kind === 'F' && f.info.action, 'fail');
  });
});

describe('payQuery, payCancel and refund answers (fields unconfirmed: read tolerantly)', () => {
  const S = { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS' };
  const read = (body: Record<string, unknown>, expect: Partial<Expectation> & Pick<Expectation, 'api'>) =>
    readResponse(signedAnswer(responseText(body, { function: 'x' })).bytes, alipayPublic, { reqMsgId: SPEC_SAMPLE_EXPECT.reqMsgId, ...expect });

  test('payQuery: acquirementStatus missing but tradeStatus present', () => {
    const outcome = read(
      { resultInfo: S, merchantTransId: 'T1', acquirementId: 'A1', tradeStatus: 'PAYING' },
      { api: 'payQuery', merchantTransId: 'T1' },
    );
    assert.equal(outcome.kind, 'S');
    assert.deepEqual(outcome.kind === 'S' && outcome.data, {
      status: 'PAYING', acquirementId: 'A1', merchantTransId: 'T1', paymentTime: undefined, payAmountMinor: undefined, payCurrency: undefined,
    });
  });

  test('payQuery: acquirementStatus wins, payAmount and paymentTime are read', () => {
    const outcome = read(
      { resultInfo: S, merchantTransId: 'T1', acquirementStatus: 'SUCCESS', tradeStatus: 'PAYING', payAmount: { currency: 'USD', value: '239' }, paymentTime: '2001-07-04T12:08:56+05:30' },
      { api: 'payQuery', merchantTransId: 'T1', amount: { currency: 'USD', value: '239' } },
    );
    assert.equal(outcome.kind === 'S' && (outcome.data as { status: string }).status, 'SUCCESS');
    assert.equal(outcome.kind === 'S' && (outcome.data as { payAmountMinor: number }).payAmountMinor, 239);
    assert.equal(outcome.kind === 'S' && (outcome.data as { paymentTime: string }).paymentTime, '2001-07-04T12:08:56+05:30');
  });

  test('payQuery: a SUCCESS paying another amount, another merchantTransId, or no status at all is rejected', () => {
    rejected(() => read({ resultInfo: S, acquirementStatus: 'SUCCESS', payAmount: { currency: 'USD', value: '1' } }, { api: 'payQuery', amount: { currency: 'USD', value: '239' } }), 'mismatch');
    rejected(() => read({ resultInfo: S, merchantTransId: 'T2', acquirementStatus: 'INIT' }, { api: 'payQuery', merchantTransId: 'T1' }), 'mismatch');
    rejected(() => read({ resultInfo: S, merchantTransId: 'T1' }, { api: 'payQuery', merchantTransId: 'T1' }), 'shape');
  });

  test('payCancel and refund', () => {
    const cancel = read({ resultInfo: S, acquirementId: 'A1', merchantTransId: 'T1', cancelTime: '2001-07-04T12:08:56+05:30' }, { api: 'payCancel', merchantTransId: 'T1' });
    assert.deepEqual(cancel.kind === 'S' && cancel.data, { acquirementId: 'A1', merchantTransId: 'T1', cancelTime: '2001-07-04T12:08:56+05:30' });
    const refund = read(
      { resultInfo: S, refundId: 'RF1', merchantRefundId: 'R1', refundAmount: { currency: 'USD', value: '100' } },
      { api: 'refund', merchantRefundId: 'R1', refundAmount: { currency: 'USD', value: '100' } },
    );
    assert.deepEqual(refund.kind === 'S' && refund.data, { refundId: 'RF1', merchantRefundId: 'R1', refundAmountMinor: 100, refundTime: undefined });
    rejected(() => read({ resultInfo: S, merchantRefundId: 'R2' }, { api: 'refund', merchantRefundId: 'R1' }), 'mismatch');
    rejected(() => read({ resultInfo: S, merchantRefundId: 'R1', refundAmount: { currency: 'USD', value: '101' } }, { api: 'refund', merchantRefundId: 'R1', refundAmount: { currency: 'USD', value: '100' } }), 'mismatch');
  });
});
