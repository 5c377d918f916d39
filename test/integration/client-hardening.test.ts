// The real client against a hand-made "gateway" (node:http) that answers exactly what each
// test wants, signed with a test Alipay key: oversized, cut, duplicated, HTML, wrongly
// signed and non-echoing answers are all U rejected, while a truly valid answer from the
// same server is S (the positive control). Bodies that break a field rule never leave.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AlipayClient } from '../../main/alipay/client';
import type { Money } from '../../main/alipay/currency';
import { API } from '../../main/alipay/functions';
import type { Attempt, UnknownReason } from '../../main/alipay/outcome';
import { buildPreCreateBody } from '../../main/alipay/precreate-body';
import { formatRfc3339 } from '../../main/alipay/rfc3339';
import { refundBodyText } from '../../main/alipay/sibling-bodies';
import { signText, verifyText } from '../../main/alipay/signature';
import { openSignedMessage, verifyOpened } from '../../main/alipay/signed-message';
import { GatewayTransport } from '../../main/alipay/transport';
import { isTillError } from '../../main/errors';
import { CLIENT_ID, MERCHANT_ID, SETUP, testKeyPair, uniqueTransId } from '../support/sandbox-requests';

const ALIPAY = testKeyPair('hardening-alipay');
const MERCHANT = testKeyPair('client');
const MAX_RESPONSE_BYTES = 64 * 1024;

interface Received {
  path: string;
  text: string;
  head: Record<string, string>;
  body: Record<string, unknown>;
  /** Why the server could not accept what arrived (it still counts). */
  invalid?: string;
}

type Responder = (request: Received, res: http.ServerResponse) => void | Promise<void>;

let server: http.Server;
let respond: Responder;
const received: Received[] = [];
const responses: Array<Promise<void>> = [];
let client: AlipayClient;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let request: Received;
      try {
        // A request the till sends must be strict JSON, signed with the merchant key.
        const opened = openSignedMessage(text, 'request');
        verifyOpened(opened, MERCHANT.publicKey);
        request = { path: req.url ?? '', text, head: opened.value.head as Record<string, string>, body: opened.value.body as Record<string, unknown> };
      } catch (error) {
        received.push({ path: req.url ?? '', text, head: {}, body: {}, invalid: String(error) });
        send(res, '{"error":"bad request"}', 400);
        return;
      }
      received.push(request);
      responses.push(Promise.resolve(respond(request, res)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const transport = new GatewayTransport({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    proxyEnv: {},
    timeoutMs: 5_000,
    maxResponseBytes: MAX_RESPONSE_BYTES,
  });
  client = new AlipayClient({
    transport,
    clientId: CLIENT_ID,
    merchantId: MERCHANT_ID,
    keys: { merchantPrivateKey: async () => MERCHANT.privateKey, alipayPublicKey: async () => ALIPAY.publicKey },
  });
});
beforeEach(() => {
  respond = (_r, res) => send(res, '{"error":"no responder set"}', 500);
});
after(async () => {
  await client?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

// --- building answers -------------------------------------------------------------------

const OK = { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS', resultMsg: 'success' };

function echoHead(r: Received, overrides: Record<string, string> = {}): Record<string, string> {
  return { version: '2.0.4', function: r.head.function!, clientId: r.head.clientId!, respTime: formatRfc3339(new Date()), reqMsgId: r.head.reqMsgId!, reserve: '{}', ...overrides };
}

function preCreateAnswer(r: Received, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const order = r.body.order as { orderAmount: Money };
  return {
    resultInfo: OK,
    merchantTransId: r.body.merchantTransId,
    orderQrCode: 'https://qr.alipay.com/bax09876543210abcdef',
    acquirementId: '2025010111000000000000001',
    createTime: formatRfc3339(new Date()),
    orderAmount: order.orderAmount,
    ...overrides,
  };
}

function responseText(head: Record<string, unknown>, body: Record<string, unknown>): string {
  return `{"head":${JSON.stringify(head)},"body":${JSON.stringify(body)}}`;
}

function signed(text: string, key = ALIPAY.privateKey): string {
  return `{"response":${text},"signature":"${signText(text, key)}"}`;
}

function send(res: http.ServerResponse, text: string, status = 200, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// --- calling ------------------------------------------------------------------------------

function newOrder(amountMinor = 239): { merchantTransId: string; bodyText: string; amount: Money } {
  const merchantTransId = uniqueTransId('H');
  const { bodyText } = buildPreCreateBody({ merchantTransId, amountMinor, currency: 'USD', title: 'Noodles' }, SETUP);
  return { merchantTransId, bodyText, amount: { currency: 'USD', value: String(amountMinor) } };
}

async function preCreateWith(responder: Responder): Promise<Attempt<unknown>> {
  respond = responder;
  const order = newOrder();
  const count = received.length;
  const attempt = await client.preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: order.amount });
  assert.equal(received.length, count + 1, 'exactly one request reached the server');
  assert.equal(received.at(-1)?.path, API.preCreate.path);
  assert.equal(received.at(-1)?.head.reqMsgId, attempt.reqMsgId);
  return attempt;
}

function expectRejected(attempt: Attempt<unknown>, detail: RegExp, reason: UnknownReason = 'rejected'): void {
  const outcome = attempt.outcome;
  if (outcome.kind !== 'U') assert.fail(`expected U ${reason}, got ${JSON.stringify(outcome)}`);
  assert.equal(outcome.reason, reason, outcome.detail);
  assert.match(outcome.detail, detail);
}

// --- tests ------------------------------------------------------------------------------

describe('positive controls (so the negative tests cannot pass vacuously)', () => {
  test('a valid signed S answer from this server is S with the QR', async () => {
    const attempt = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r), preCreateAnswer(r)))));
    if (attempt.outcome.kind !== 'S') assert.fail(JSON.stringify(attempt.outcome));
    assert.deepEqual(
      { qr: (attempt.outcome.data as { orderQrCode: string }).orderQrCode, id: (attempt.outcome.data as { acquirementId: string }).acquirementId },
      { qr: 'https://qr.alipay.com/bax09876543210abcdef', id: '2025010111000000000000001' },
    );
    assert.equal(attempt.httpStatus, 200);
  });

  test('spacing and key order of the gateway are verified as received (cut, not re-serialized)', async () => {
    const attempt = await preCreateWith((r, res) => {
      const answer = preCreateAnswer(r);
      const text = `{\n  "body" : ${JSON.stringify({ orderAmount: answer.orderAmount, ...answer }, null, 2)},\n  "head" : ${JSON.stringify(echoHead(r), null, 1)}\n}`;
      send(res, `{ "signature" : "${signText(text, ALIPAY.privateKey)}",\n "response" : ${text} }\n`);
    });
    assert.equal(attempt.outcome.kind, 'S', JSON.stringify(attempt.outcome));
  });
});

describe('answers that are refused (U rejected)', () => {
  test('an answer over maxResponseBytes, streamed without a length, is cut off without being read to the end', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let closedEarly = false;
    const started = Date.now();
    const attempt = await preCreateWith(async (r, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      res.write(`{"response":{"head":${JSON.stringify(echoHead(r))},"body":{"pad":"`);
      let wake = () => undefined as void;
      res.on('drain', () => wake());
      res.on('close', () => wake());
      while (written < total && !res.destroyed) {
        const more = res.write(chunk);
        written += chunk.length;
        if (!more) await new Promise<void>((resolve) => (wake = resolve));
      }
      closedEarly = res.destroyed;
      res.end();
    });
    expectRejected(attempt, new RegExp(`over the ${MAX_RESPONSE_BYTES}-byte limit`));
    assert.equal(attempt.httpStatus, undefined);
    await Promise.all(responses);
    assert.ok(closedEarly, 'the client closed the connection');
    assert.ok(written < total / 4, `the server got to write ${written} of ${total} bytes`);
    assert.ok(Date.now() - started < 3_000);
  });

  test('an answer whose Content-Length is over the limit is refused on the headers alone', async () => {
    let closed = false;
    const attempt = await preCreateWith((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': 10_000_000 });
      res.write('{"response":');
      res.once('close', () => {
        closed = true;
      });
    });
    expectRejected(attempt, /answer is 10000000 bytes, over the 65536-byte limit/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(closed, 'the client hung up instead of waiting for 10 MB');
  });

  test('a truncated JSON answer', async () => {
    const attempt = await preCreateWith((r, res) => {
      const full = signed(responseText(echoHead(r), preCreateAnswer(r)));
      send(res, full.slice(0, Math.floor(full.length * 0.6)));
    });
    expectRejected(attempt, /not acceptable JSON/);
    assert.equal(attempt.httpStatus, 200);
  });

  test('duplicate keys in the signed text, with a valid signature over that text', async () => {
    let text = '';
    let signature = '';
    const attempt = await preCreateWith((r, res) => {
      const body = JSON.stringify(preCreateAnswer(r)).replace('"resultStatus":"S"', '"resultStatus":"F","resultCodeId":"00000019","resultCode":"PROCESS_FAIL","resultStatus":"S"');
      text = `{"head":${JSON.stringify(echoHead(r))},"body":${body}}`;
      signature = signText(text, ALIPAY.privateKey);
      send(res, `{"response":${text},"signature":"${signature}"}`);
    });
    expectRejected(attempt, /duplicate key "resultStatus"/);
    // The trap was real: the signature verifies, and JSON.parse (the last key wins) reads S.
    assert.ok(verifyText(text, signature, ALIPAY.publicKey));
    assert.equal((JSON.parse(text) as { body: { resultInfo: { resultStatus: string } } }).body.resultInfo.resultStatus, 'S');
  });

  test('a duplicate "response" member at the top level', async () => {
    const attempt = await preCreateWith((r, res) => {
      const good = responseText(echoHead(r), preCreateAnswer(r));
      const bad = responseText(echoHead(r), { resultInfo: { resultStatus: 'F', resultCodeId: '00000019', resultCode: 'PROCESS_FAIL' } });
      send(res, `{"response":${bad},"response":${good},"signature":"${signText(good, ALIPAY.privateKey)}"}`);
    });
    expectRejected(attempt, /duplicate key "response"/);
  });

  test('an HTML page with HTTP 200', async () => {
    const attempt = await preCreateWith((_r, res) =>
      send(res, '<!DOCTYPE html>\n<html><head><title>Hotel Wi-Fi</title></head><body>Accept the terms</body></html>', 200, 'text/html; charset=utf-8'),
    );
    expectRejected(attempt, /HTML/);
    assert.equal(attempt.httpStatus, 200);
    assert.match(attempt.rawResponse ?? '', /Hotel Wi-Fi/);
  });

  test('an HTML page with HTTP 502 is http_status and says HTML', async () => {
    const attempt = await preCreateWith((_r, res) => send(res, '<html><body><h1>502 Bad Gateway</h1></body></html>', 502, 'text/html'));
    expectRejected(attempt, /HTTP 502.*HTML/, 'http_status');
  });

  test('a valid signature made with the merchant key instead of Alipay\u2019s', async () => {
    const attempt = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r), preCreateAnswer(r)), MERCHANT.privateKey)));
    expectRejected(attempt, /signature does not verify/);
  });

  test('an unsigned answer', async () => {
    const attempt = await preCreateWith((r, res) => send(res, `{"response":${responseText(echoHead(r), preCreateAnswer(r))}}`));
    expectRejected(attempt, /not signed/);
  });

  test('a signed answer that does not echo reqMsgId', async () => {
    const attempt = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r, { reqMsgId: 'f'.repeat(32) }), preCreateAnswer(r)))));
    expectRejected(attempt, /reqMsgId does not match/);
  });

  test('a signed answer for another merchantTransId', async () => {
    const attempt = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r), preCreateAnswer(r, { merchantTransId: uniqueTransId('OTHER') })))));
    expectRejected(attempt, /merchantTransId does not match/);
  });

  test('a signed S answer without merchantTransId', async () => {
    const attempt = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r), preCreateAnswer(r, { merchantTransId: undefined })))));
    expectRejected(attempt, /merchantTransId does not match/);
  });

  test('a signed answer with another orderAmount (value, then currency)', async () => {
    const value = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r), preCreateAnswer(r, { orderAmount: { currency: 'USD', value: '2390' } })))));
    expectRejected(value, /orderAmount does not match/);
    const currency = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r), preCreateAnswer(r, { orderAmount: { currency: 'HKD', value: '239' } })))));
    expectRejected(currency, /orderAmount does not match/);
  });

  test('refund answers that echo another merchantRefundId or amount', async () => {
    const merchantRefundId = uniqueTransId('R');
    const bodyText = refundBodyText(MERCHANT_ID, { acquirementId: '2025010111000000000000001', merchantRefundId, amountMinor: 100, currency: 'USD' });
    const expect = { merchantRefundId, refundAmount: { currency: 'USD', value: '100' } };
    const answer = (overrides: Record<string, unknown>): Responder => (r, res) =>
      send(res, signed(responseText(echoHead(r), { resultInfo: OK, acquirementId: r.body.acquirementId, merchantRefundId: r.body.merchantRefundId, refundId: '2025010112000000000000001', refundAmount: r.body.refundAmount, ...overrides })));

    respond = answer({});
    const good = await client.refund(bodyText, expect);
    assert.equal(good.outcome.kind, 'S', JSON.stringify(good.outcome));
    assert.equal(received.at(-1)?.path, API.refund.path);
    respond = answer({ merchantRefundId: uniqueTransId('R') });
    expectRejected(await client.refund(bodyText, expect), /merchantRefundId does not match/);
    respond = answer({ refundAmount: { currency: 'USD', value: '1000' } });
    expectRejected(await client.refund(bodyText, expect), /refundAmount does not match/);
  });

  test('a signed F answer that still carries a QR is F, never S', async () => {
    const attempt = await preCreateWith((r, res) =>
      send(res, signed(responseText(echoHead(r), preCreateAnswer(r, { resultInfo: { resultStatus: 'F', resultCodeId: '00000011', resultCode: 'RISK_REJECT', resultMsg: 'risk' } })))),
    );
    assert.equal(attempt.outcome.kind, 'F');
    assert.equal(attempt.outcome.kind === 'F' && attempt.outcome.result.resultCode, 'RISK_REJECT');
  });
});

describe('nothing unsigned or invalid leaves', () => {
  async function refusedLocally(call: () => Promise<unknown>, field?: string): Promise<void> {
    respond = (_r, res) => send(res, '{"error":"this request must never have been sent"}', 500);
    const count = received.length;
    await assert.rejects(call, (e: unknown) => isTillError(e, 'FIELD_INVALID') && (field === undefined || e.field === field));
    assert.equal(received.length, count, 'no request reached the server');
  }

  test('a hand-edited preCreate body with a 300-byte orderTitle', async () => {
    const order = newOrder();
    const edited = JSON.parse(order.bodyText) as { order: { orderTitle: string } };
    edited.order.orderTitle = 'x'.repeat(300);
    await refusedLocally(() => client.preCreate(JSON.stringify(edited), { merchantTransId: order.merchantTransId, amount: order.amount }), 'body.order.orderTitle');
  });

  test('a hand-edited body that hides a 300-byte orderTitle behind a duplicate key', async () => {
    const order = newOrder();
    const edited = order.bodyText.replace('"orderTitle":', `"orderTitle":"${'x'.repeat(300)}","orderTitle":`);
    assert.notEqual(edited, order.bodyText);
    await refusedLocally(() => client.preCreate(edited, { merchantTransId: order.merchantTransId, amount: order.amount }));
  });

  test('a damaged body that is not JSON', async () => {
    const order = newOrder();
    await refusedLocally(() => client.preCreate(order.bodyText.slice(0, -10), { merchantTransId: order.merchantTransId, amount: order.amount }));
  });

  test('a hand-edited refund body with a negative amount', async () => {
    const merchantRefundId = uniqueTransId('R');
    const bodyText = refundBodyText(MERCHANT_ID, { acquirementId: '2025010111000000000000001', merchantRefundId, amountMinor: 100, currency: 'USD' }).replace('"value":"100"', '"value":"-100"');
    await refusedLocally(() => client.refund(bodyText, { merchantRefundId, refundAmount: { currency: 'USD', value: '-100' } }));
  });

  test('a payQuery or payCancel that names no order', async () => {
    await refusedLocally(() => client.payQuery({}));
    await refusedLocally(() => client.payCancel({ merchantTransId: 'has space' }));
  });

  test('after all that, a valid request still goes out (the server was reachable all along)', async () => {
    const attempt = await preCreateWith((r, res) => send(res, signed(responseText(echoHead(r), preCreateAnswer(r)))));
    assert.equal(attempt.outcome.kind, 'S');
  });
});
