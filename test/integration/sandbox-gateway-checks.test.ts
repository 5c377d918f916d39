// The sandbox gateway's strict checks over real loopback HTTP: each check answers its own
// result code in a response signed by the gateway key, in the documented order.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, describe, mock, test } from 'node:test';
import { MessageRejected } from '../../main/alipay/signed-message';
import { OrderBook } from '../../main/alipay/sandbox/order-book';
import {
  CLIENT_ID,
  MERCHANT_ID,
  openResponse,
  preCreateBody,
  request,
  signedEnvelope,
  startTestSandbox,
  testKeyPair,
  type GatewayAnswer,
  type TestSandbox,
} from '../support/sandbox-requests';

const ISV_CLIENT = 'isv-client-0001';
const ISV_MERCHANT = '2188000000000077';
const ISV_TOKEN = 'isv-token-7f3a9c';
const RFC3339_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

let t: TestSandbox;
const logged: string[] = [];

before(async () => {
  t = await startTestSandbox({
    clients: [
      { clientId: CLIENT_ID, merchantId: MERCHANT_ID, publicKey: testKeyPair('client').publicKey },
      { clientId: 'client-without-key', merchantId: '2188000000000099' },
      { clientId: ISV_CLIENT, merchantId: ISV_MERCHANT, publicKey: testKeyPair('client').publicKey, isvAccessToken: ISV_TOKEN },
    ],
    limits: { maxAmountMinor: { USD: 100_000 }, supportedCurrencies: ['USD', 'HKD', 'JPY'] },
    log: (line) => logged.push(line),
  });
});
after(() => t.close());

function reqMsgIdOf(envelope: string): string {
  return (JSON.parse(envelope) as { request: { head: { reqMsgId: string } } }).request.head.reqMsgId;
}

/** Posts raw bytes and opens the answer, which must be a gateway message signed by the gateway key. */
async function postOpened(path: string, payload: string | Buffer): Promise<GatewayAnswer> {
  const answer = await t.post(path, payload);
  assert.equal(answer.status, 200, answer.text);
  const { head, body } = openResponse(answer.text, t.gatewayPublicKey);
  return { ...answer, head, body, resultInfo: body.resultInfo as GatewayAnswer['resultInfo'] };
}

function assertResult(answer: GatewayAnswer, code: string, codeId: string, status = 'F'): void {
  assert.equal(answer.resultInfo.resultCode, code, answer.resultInfo.resultMsg);
  assert.equal(answer.resultInfo.resultCodeId, codeId);
  assert.equal(answer.resultInfo.resultStatus, status);
  assert.ok(!/\n\s+at /.test(answer.text), 'no stack trace');
}

describe('a valid preCreate', () => {
  test('answers S, signed over the exact response text, with the documented head', async () => {
    const body = preCreateBody();
    const envelope = signedEnvelope('preCreate', body);
    const answer = await postOpened('preCreate', envelope);
    assertResult(answer, 'SUCCESS', '00000000', 'S');
    assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(Object.keys(answer.head), ['version', 'function', 'clientId', 'respTime', 'reqMsgId', 'reserve']);
    assert.equal(answer.head.version, '2.0.4');
    assert.equal(answer.head.function, 'alipay.intl.acquiring.offline.preCreate');
    assert.equal(answer.head.clientId, CLIENT_ID);
    assert.equal(answer.head.reqMsgId, reqMsgIdOf(envelope));
    assert.equal(answer.head.reserve, '{}');
    assert.match(String(answer.head.respTime), RFC3339_OFFSET);
    assert.equal(answer.body.merchantTransId, body.merchantTransId);
    assert.deepEqual(answer.body.orderAmount, { currency: 'USD', value: '239' });
    assert.match(String(answer.body.orderQrCode), new RegExp(`^${t.sandbox.url}/qr/[A-Za-z0-9_-]{16,}$`));
    assert.ok(String(answer.body.acquirementId).length <= 64);
    assert.match(String(answer.body.createTime), RFC3339_OFFSET);
    assert.ok(String(answer.body.payScheme).startsWith('alipays://platformapi/startApp?'));
    for (const field of ['picUrl', 'smallPicUrl', 'bigPicUrl']) assert.ok(String(answer.body[field]).startsWith(`${t.sandbox.url}/qr/`));
  });

  test('the signature fails after one byte of the response changes, and with any other key', async () => {
    const answer = await t.call('preCreate', preCreateBody());
    const at = answer.text.indexOf('"resultCode":"SUCCESS"') + '"resultCode":"'.length;
    const flipped = answer.text.slice(0, at) + 's' + answer.text.slice(at + 1);
    assert.throws(() => openResponse(flipped, t.gatewayPublicKey), (e: unknown) => e instanceof MessageRejected && e.reason === 'bad_signature');
    assert.throws(() => openResponse(answer.text, testKeyPair('client').publicKey), (e: unknown) => e instanceof MessageRejected && e.reason === 'bad_signature');
  });

  test('a keep-alive client reuses its connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await t.call('preCreate', preCreateBody(), {}, { agent });
      const second = await t.call('preCreate', preCreateBody(), {}, { agent });
      assert.equal(first.reusedSocket, false);
      assert.equal(second.reusedSocket, true);
    } finally {
      agent.destroy();
    }
  });
});

describe('each check answers its own code', () => {
  test('unparseable, duplicate keys, missing request or signature: PARAM_ILLEGAL', async () => {
    const good = signedEnvelope('preCreate', preCreateBody());
    const cases: Array<[string, string, RegExp]> = [
      ['not json', 'this is not json', /JSON/],
      ['duplicate key', good.replace('{"request":{"head":{', '{"request":{"head":{"version":"2.0.4",'), /duplicate key "version"/],
      ['no request', '{"signature":"abcd"}', /"request"/],
      ['no signature', good.replace(/,"signature":"[^"]*"}$/, '}'), /signature is required/],
      ['empty signature', good.replace(/"signature":"[^"]*"/, '"signature":""'), /signature is required/],
      ['extra request member', good.replace('{"request":{', '{"request":{"extra":1,'), /request\.extra/],
    ];
    for (const [name, payload, message] of cases) {
      const answer = await postOpened('preCreate', payload);
      assertResult(answer, 'PARAM_ILLEGAL', '00000004');
      assert.match(answer.resultInfo.resultMsg, message, name);
    }
  });

  test('an invalid head: PARAM_ILLEGAL naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ reqTime: 'yesterday' }, 'head.reqTime'],
      [{ version: '1.0' }, 'head.version'],
      [{ reqMsgId: undefined }, 'head.reqMsgId'],
      [{ clientId: 'x'.repeat(33) }, 'head.clientId'],
      [{ reserve: 'not json' }, 'head.reserve'],
    ];
    for (const [patch, field] of cases) {
      const answer = await t.call('preCreate', preCreateBody(), { head: patch });
      assertResult(answer, 'PARAM_ILLEGAL', '00000004');
      assert.ok(answer.resultInfo.resultMsg.startsWith(field), `${answer.resultInfo.resultMsg} should name ${field}`);
    }
  });

  test('head.function not served at the path: NO_INTERFACE_DEF', async () => {
    const query = signedEnvelope('payQuery', { merchantId: MERCHANT_ID, merchantTransId: 'T-1' });
    assertResult(await postOpened('preCreate', query), 'NO_INTERFACE_DEF', '00000013');
    const made = await t.call('preCreate', preCreateBody(), { head: { function: 'alipay.intl.nothing' } });
    assertResult(made, 'NO_INTERFACE_DEF', '00000013');
    assert.equal(made.head.function, 'alipay.intl.nothing', 'the head echoes the function asked for');
  });

  test('signType other than RSA2: SIGN_TYPE_INVALID; absent means RSA2', async () => {
    assertResult(await t.call('preCreate', preCreateBody(), { head: { signType: 'RSA' } }), 'SIGN_TYPE_INVALID', '00000030');
    assertResult(await t.call('preCreate', preCreateBody(), { head: { signType: undefined } }), 'SUCCESS', '00000000', 'S');
  });

  test('unknown client: UNKNOWN_CLIENT; a client without a key: KEY_NO_FOUND', async () => {
    const unknown = await t.call('preCreate', preCreateBody(), { clientId: 'nobody-0001' });
    assertResult(unknown, 'UNKNOWN_CLIENT', '12014155');
    assert.equal(unknown.head.clientId, 'nobody-0001');
    assertResult(await t.call('preCreate', preCreateBody(), { clientId: 'client-without-key' }), 'KEY_NO_FOUND', '00000008');
  });

  test('a signature by another key, or over other bytes: INVALID_SIGNATURE', async () => {
    const intruder = testKeyPair('intruder').privateKey;
    assertResult(await t.call('preCreate', preCreateBody(), { privateKey: intruder }), 'INVALID_SIGNATURE', '00000007');
    // The body is changed after signing: the signed text no longer matches the bytes.
    const tampered = signedEnvelope('preCreate', preCreateBody({ amountMinor: 239 })).replace('"value":"239"', '"value":"1"');
    assertResult(await postOpened('preCreate', tampered), 'INVALID_SIGNATURE', '00000007');
    // Spacing counts: the gateway verifies the text as received, not a re-serialization.
    const respaced = signedEnvelope('preCreate', preCreateBody()).replace('{"request":{"head":{', '{"request":{ "head":{');
    assertResult(await postOpened('preCreate', respaced), 'INVALID_SIGNATURE', '00000007');
  });

  test('an ISV client without its token, or with a wrong one: OAUTH_FAILED', async () => {
    const body = () => preCreateBody({ merchantId: ISV_MERCHANT });
    const missing = await t.call('preCreate', body(), { clientId: ISV_CLIENT });
    assertResult(missing, 'OAUTH_FAILED', '00000016');
    const wrong = await t.call('preCreate', body(), { clientId: ISV_CLIENT, isvAccessToken: 'guess' });
    assertResult(wrong, 'OAUTH_FAILED', '00000016');
    assert.ok(!wrong.text.includes(ISV_TOKEN) && !wrong.text.includes('guess'), 'tokens are never echoed');
    assertResult(await t.call('preCreate', body(), { clientId: ISV_CLIENT, isvAccessToken: ISV_TOKEN }), 'SUCCESS', '00000000', 'S');
  });

  test("another merchant's merchantId: ACCESS_DENIED", async () => {
    assertResult(await t.call('preCreate', preCreateBody({ merchantId: ISV_MERCHANT })), 'ACCESS_DENIED', '00000021');
    assertResult(await t.call('payQuery', { merchantId: ISV_MERCHANT, merchantTransId: 'T-1' }), 'ACCESS_DENIED', '00000021');
  });

  test('body field rules: PARAM_ILLEGAL naming the field', async () => {
    const cases: Array<[(b: Record<string, unknown>) => void, string]> = [
      [(b) => ((b.order as Record<string, unknown>).orderTitle = 'x'.repeat(257)), 'body.order.orderTitle is longer than 256 bytes'],
      [(b) => delete b.productCode, 'body.productCode is required'],
      [(b) => (b.sceneType = 'BARCODE'), 'body.sceneType must be one of THIRDPARTYQRCODE'],
      [(b) => (b.surprise = 'x'), 'body.surprise is not a field of this message'],
      [(b) => (((b.order as Record<string, unknown>).orderAmount as Record<string, unknown>).value = '2.39'), 'body.order.orderAmount.value'],
      [(b) => (b.merchantTransId = 'has space'), 'body.merchantTransId'],
    ];
    for (const [change, message] of cases) {
      const body = preCreateBody();
      change(body);
      const answer = await t.call('preCreate', body);
      assertResult(answer, 'PARAM_ILLEGAL', '00000004');
      assert.ok(answer.resultInfo.resultMsg.startsWith(message), `${answer.resultInfo.resultMsg} should start with ${message}`);
    }
    const query = await t.call('payQuery', { merchantId: MERCHANT_ID });
    assertResult(query, 'PARAM_ILLEGAL', '00000004');
    assert.match(query.resultInfo.resultMsg, /body\.acquirementId or merchantTransId is required/);
  });

  test('unknown currencies and currencies the merchant does not take: CURRENCY_NOT_SUPPORT', async () => {
    const unknown = preCreateBody();
    ((unknown.order as Record<string, unknown>).orderAmount as Record<string, unknown>).currency = 'QQQ';
    const a = await t.call('preCreate', unknown);
    assertResult(a, 'CURRENCY_NOT_SUPPORT', '12005001');
    assert.match(a.resultInfo.resultMsg, /body\.order\.orderAmount\.currency/);
    const b = await t.call('preCreate', preCreateBody({ currency: 'EUR' }));
    assertResult(b, 'CURRENCY_NOT_SUPPORT', '12005001');
    assert.match(b.resultInfo.resultMsg, /EUR is not supported/);
  });

  test('over the amount limit: AMOUNT_EXCEED_LIMIT; at the limit: S', async () => {
    assertResult(await t.call('preCreate', preCreateBody({ amountMinor: 100_001 })), 'AMOUNT_EXCEED_LIMIT', '12005104');
    assertResult(await t.call('preCreate', preCreateBody({ amountMinor: 100_000 })), 'SUCCESS', '00000000', 'S');
    // No limit configured for JPY.
    assertResult(await t.call('preCreate', preCreateBody({ amountMinor: 5_000_000, currency: 'JPY' })), 'SUCCESS', '00000000', 'S');
  });

  test('a userAgent that is neither a site nor an Alipay UA: USER_AGENT_NOT_SUPPORT', async () => {
    assertResult(await t.call('preCreate', preCreateBody({ site: 'WECHAT' })), 'USER_AGENT_NOT_SUPPORT', '12005137');
    const ua = 'Mozilla/5.0 (Linux; Android 9) Nebula AlipayDefined(nt:WIFI) AliApp(APHK/2.6.0.160) AlipayClientHK/2.6.0.160';
    assertResult(await t.call('preCreate', preCreateBody({ site: ua })), 'SUCCESS', '00000000', 'S');
    for (const site of ['ALIPAY_CN', 'ALIPAY_SG', 'KAKAOPAY']) {
      assertResult(await t.call('preCreate', preCreateBody({ site })), 'SUCCESS', '00000000', 'S');
    }
  });

  test('checks run in order: signature before body, client before signature', async () => {
    const bad = preCreateBody({ site: 'WECHAT', amountMinor: 999_999 });
    delete bad.productCode;
    assertResult(await t.call('preCreate', bad, { privateKey: testKeyPair('intruder').privateKey }), 'INVALID_SIGNATURE', '00000007');
    assertResult(await t.call('preCreate', bad, { clientId: 'nobody-0001', privateKey: testKeyPair('intruder').privateKey }), 'UNKNOWN_CLIENT', '12014155');
    assertResult(await t.call('preCreate', bad, { head: { signType: 'MD5' }, clientId: 'nobody-0001' }), 'SIGN_TYPE_INVALID', '00000030');
    assertResult(await t.call('preCreate', bad), 'PARAM_ILLEGAL', '00000004');
    assertResult(await t.call('preCreate', preCreateBody({ site: 'WECHAT', amountMinor: 999_999 })), 'AMOUNT_EXCEED_LIMIT', '12005104');
  });

  test('forceResult makes an API answer the given code, after the checks', async () => {
    t.sandbox.setFaults({ forceResult: { preCreate: 'RISK_REJECT' } });
    try {
      const body = preCreateBody();
      assertResult(await t.call('preCreate', body), 'RISK_REJECT', '00000011');
      assert.ok(!t.sandbox.orders().some((o) => o.merchantTransId === body.merchantTransId), 'a forced failure creates nothing');
      assertResult(await t.call('preCreate', body, { privateKey: testKeyPair('intruder').privateKey }), 'INVALID_SIGNATURE', '00000007');
      assertResult(await t.call('payQuery', { merchantId: MERCHANT_ID, merchantTransId: String(body.merchantTransId) }), 'ORDER_NOT_EXIST', '12005018');
    } finally {
      t.sandbox.setFaults({});
    }
    assert.throws(() => t.sandbox.setFaults({ forceResult: { preCreate: 'SUCCESS' } }), /cannot be SUCCESS/);
    assert.throws(() => t.sandbox.setFaults({ forceResult: { preCreate: 'NOT_A_CODE' } }), /forceResult\.preCreate/);
  });

  test('an internal error answers a signed U UNKNOWN_EXCEPTION without a stack trace', async () => {
    const broken = mock.method(OrderBook.prototype, 'handle', () => {
      throw new Error('disk on fire');
    });
    try {
      const answer = await t.call('preCreate', preCreateBody());
      assertResult(answer, 'UNKNOWN_EXCEPTION', '00000901', 'U');
      assert.ok(!answer.text.includes('disk on fire'), 'internal detail stays inside');
      assert.ok(logged.some((line) => line.includes('disk on fire')), 'and goes to the log');
    } finally {
      broken.mock.restore();
    }
    assertResult(await t.call('preCreate', preCreateBody()), 'SUCCESS', '00000000', 'S');
  });

  test('stats count answers per API and result code', () => {
    const stats = t.sandbox.stats();
    assert.ok((stats.byResultCode.INVALID_SIGNATURE ?? 0) >= 4);
    assert.ok((stats.byApi.preCreate.results.OAUTH_FAILED ?? 0) >= 2);
    assert.equal(stats.byApi.refund.requests, 0);
    assert.ok(stats.requests >= stats.byApi.preCreate.requests);
  });
});

describe('what is not a gateway message', () => {
  test('unknown paths answer a JSON 404 naming the served paths; GET on an API path a 405', async () => {
    for (const [method, path] of [['GET', '/'], ['POST', '/api/alipay/intl/acquiring/offline/pay.htm'], ['GET', '/qr/']] as const) {
      const answer = await request(t.sandbox.url + path, method === 'POST' ? '{}' : undefined, { method });
      assert.equal(answer.status, 404, path);
      assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
      const parsed = JSON.parse(answer.text) as { error: string; message: string };
      assert.equal(parsed.error, 'not_found');
      assert.match(parsed.message, /precreate\.htm/);
    }
    const get = await request(`${t.sandbox.url}/api/alipay/intl/acquiring/offline/precreate.htm`, undefined);
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
  });
});
