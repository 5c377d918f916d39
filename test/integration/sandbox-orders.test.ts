// Order flows on the sandbox gateway over real loopback HTTP: idempotent preCreate, the
// customer paying through the QR URL, payQuery, payCancel ("not found" for what it never created) and refunds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os, { networkInterfaces } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isTillError } from '../../main/errors';
import { sandboxBookFile } from '../../main/runtime/sandbox-book-file';
import {
  MERCHANT_ID,
  preCreateBody,
  request,
  startTestSandbox,
  uniqueTransId,
  type GatewayAnswer,
  type TestSandbox,
} from '../support/sandbox-requests';

let t: TestSandbox;
let bookDir: string;

function code(answer: GatewayAnswer): string {
  return answer.resultInfo.resultCode;
}

async function created(options: Parameters<typeof preCreateBody>[0] = {}): Promise<{ body: Record<string, unknown>; answer: GatewayAnswer }> {
  const body = preCreateBody(options);
  const answer = await t.call('preCreate', body);
  assert.equal(code(answer), 'SUCCESS', answer.resultInfo.resultMsg);
  return { body, answer };
}

const query = (body: Record<string, unknown>) => t.call('payQuery', { merchantId: MERCHANT_ID, ...body });
const cancel = (body: Record<string, unknown>) => t.call('payCancel', { merchantId: MERCHANT_ID, ...body });

// Every flow twice: with the book in memory, and in its SQLite file as the till's built-in
// sandbox and `till sandbox` keep it (issue 16 §3).
for (const book of ['memory', 'file'] as const) {
  describe(`the order book ${book === 'memory' ? 'in memory' : 'in its SQLite file'}`, () => {
    before(async () => {
      bookDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-sandbox-book-'));
      t = await startTestSandbox(book === 'file' ? { store: sandboxBookFile(bookDir) } : {});
    });
    after(async () => {
      await t.close();
      if (book === 'file') assert.deepEqual(fs.readdirSync(path.join(bookDir, 'sandbox')), [], 'the book file is removed when the sandbox closes');
      fs.rmSync(bookDir, { recursive: true, force: true });
    });

    describe('preCreate idempotency', () => {
      test('the same business body again answers the original result (same QR, same acquirementId)', async () => {
        const { body, answer } = await created();
        // Key order differs on purpose: the comparison is of parsed JSON, not of text.
        const reordered = Object.fromEntries(Object.entries(body).reverse());
        const again = await t.call('preCreate', reordered);
        assert.equal(code(again), 'SUCCESS');
        assert.notEqual(again.head.reqMsgId, answer.head.reqMsgId, 'a new attempt has its own reqMsgId');
        for (const field of ['orderQrCode', 'acquirementId', 'createTime', 'payScheme']) assert.equal(again.body[field], answer.body[field], field);
        assert.equal(t.sandbox.orders().filter((o) => o.merchantTransId === body.merchantTransId).length, 1);
      });

      test('a different body under the same merchantTransId: F REPEAT_REQ_INCONSISTENT, counted', async () => {
        const before = t.sandbox.stats().repeatInconsistent;
        const { body } = await created();
        const changed = preCreateBody({ merchantTransId: String(body.merchantTransId), amountMinor: 240 });
        const answer = await t.call('preCreate', changed);
        assert.equal(code(answer), 'REPEAT_REQ_INCONSISTENT');
        assert.equal(answer.resultInfo.resultStatus, 'F');
        assert.equal(answer.resultInfo.resultCodeId, '00000025');
        assert.equal(answer.body.orderQrCode, undefined, 'no QR on a failure');
        assert.equal(t.sandbox.stats().repeatInconsistent, before + 1);
        assert.equal(t.sandbox.orders().find((o) => o.merchantTransId === body.merchantTransId)?.amount, '239', 'the first order stands');
      });

      test('acquirementIds are unique', async () => {
        const ids = new Set<unknown>();
        for (let i = 0; i < 20; i++) ids.add((await created()).answer.body.acquirementId);
        assert.equal(ids.size, 20);
      });
    });

    describe('the customer pays through the QR URL', () => {
      test('the page shows amount and merchant; POST pay makes payQuery answer SUCCESS', async () => {
        const { body, answer } = await created({ amountMinor: 1234, title: 'Tea <for two>' });
        const qr = String(answer.body.orderQrCode);
        const page = await request(qr, undefined);
        assert.equal(page.status, 200);
        assert.match(String(page.headers['content-type']), /^text\/html/);
        assert.match(page.text, /12\.34 USD/);
        assert.match(page.text, /Corner Shop/);
        assert.match(page.text, /Tea &#60;for two&#62;/, 'text is escaped');
        assert.match(page.text, /<button[^>]*id="pay"/);
        assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);

        const before = await query({ acquirementId: answer.body.acquirementId });
        assert.equal(before.body.acquirementStatus, 'INIT');
        assert.equal(before.body.payAmount, undefined);

        const paid = await request(`${qr}/pay`, '', { headers: { Accept: 'application/json' } });
        assert.equal(paid.status, 200, paid.text);
        assert.equal((JSON.parse(paid.text) as { status: string }).status, 'SUCCESS');

        const after = await query({ merchantTransId: body.merchantTransId });
        assert.equal(code(after), 'SUCCESS');
        assert.equal(after.body.acquirementStatus, 'SUCCESS');
        assert.equal(after.body.acquirementId, answer.body.acquirementId);
        assert.equal(after.body.merchantTransId, body.merchantTransId);
        assert.deepEqual(after.body.orderAmount, { currency: 'USD', value: '1234' });
        assert.deepEqual(after.body.payAmount, { currency: 'USD', value: '1234' });
        assert.match(String(after.body.paymentTime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);

        const shown = await request(qr, undefined);
        assert.match(shown.text, /data-status="SUCCESS"/);
        assert.doesNotMatch(shown.text, /id="pay"/, 'no Pay button on a paid order');

        const twice = await request(`${qr}/pay`, '');
        assert.equal(twice.status, 409);
        assert.match(twice.text, /already paid/);
      });

      test('a browser form POST is redirected back to the page', async () => {
        const { answer } = await created();
        const qr = String(answer.body.orderQrCode);
        const paid = await request(`${qr}/pay`, 'x=1', { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' } });
        assert.equal(paid.status, 303);
        assert.equal(paid.headers.location, new URL(qr).pathname);
      });

      test('an unknown QR token is a 404; the picture URLs answer a labelled placeholder', async () => {
        assert.equal((await request(`${t.sandbox.url}/qr/doesNotExist`, undefined)).status, 404);
        assert.equal((await request(`${t.sandbox.url}/qr/doesNotExist/pay`, '')).status, 404);
        const { answer } = await created();
        const pic = await request(String(answer.body.picUrl), undefined);
        assert.equal(pic.status, 200);
        assert.match(String(pic.headers['content-type']), /^image\/svg\+xml/);
        assert.match(pic.text, /SANDBOX/);
      });

      test('handle.pay pays by merchantTransId and refuses what cannot be paid', async () => {
        const { body } = await created();
        const record = t.sandbox.pay(String(body.merchantTransId));
        assert.equal(record.status, 'SUCCESS');
        assert.ok(record.paymentTime);
        assert.throws(() => t.sandbox.pay(String(body.merchantTransId)), (e: unknown) => isTillError(e, 'SANDBOX_ORDER_NOT_PAYABLE'));
        assert.throws(() => t.sandbox.pay('never-created'), (e: unknown) => isTillError(e, 'SANDBOX_ORDER_NOT_FOUND'));
      });
    });

    describe('payQuery', () => {
      test('acquirementId wins over merchantTransId', async () => {
        const a = await created();
        const b = await created();
        const answer = await query({ acquirementId: a.answer.body.acquirementId, merchantTransId: b.body.merchantTransId });
        assert.equal(answer.body.merchantTransId, a.body.merchantTransId);
      });

      test('an unknown order: F ORDER_NOT_EXIST 12005018', async () => {
        for (const lookup of [{ merchantTransId: 'never-created' }, { acquirementId: '2099010111000000000000000' }]) {
          const answer = await query(lookup);
          assert.equal(code(answer), 'ORDER_NOT_EXIST');
          assert.equal(answer.resultInfo.resultStatus, 'F');
          assert.equal(answer.resultInfo.resultCodeId, '12005018');
        }
      });
    });

    describe('payCancel', () => {
      test('INIT becomes CANCELLED; a repeat answers S again; the QR can no longer be paid', async () => {
        const { body, answer } = await created();
        const first = await cancel({ merchantTransId: body.merchantTransId });
        assert.equal(code(first), 'SUCCESS');
        assert.equal(first.body.acquirementId, answer.body.acquirementId);
        const second = await cancel({ acquirementId: answer.body.acquirementId });
        assert.equal(code(second), 'SUCCESS');
        assert.equal(second.body.cancelTime, first.body.cancelTime);
        assert.equal((await query({ merchantTransId: body.merchantTransId })).body.acquirementStatus, 'CANCELLED');
        const pay = await request(`${String(answer.body.orderQrCode)}/pay`, '', { headers: { Accept: 'application/json' } });
        assert.equal(pay.status, 409);
        assert.match(pay.text, /cancelled/);
      });

      test('cancel or query of a merchantTransId never created: F ORDER_NOT_EXIST, as a gateway that does not know the till answers', async () => {
        const merchantTransId = uniqueTransId('ghost');
        const answer = await cancel({ merchantTransId });
        assert.equal(code(answer), 'ORDER_NOT_EXIST');
        assert.equal(answer.resultInfo.resultStatus, 'F');
        assert.equal(code(await query({ merchantTransId })), 'ORDER_NOT_EXIST');
        assert.equal(code(await cancel({ merchantTransId })), 'ORDER_NOT_EXIST', 'asking again changes nothing');
        // The cancel is remembered for tests only; it does not stand in for an order.
        assert.ok(t.sandbox.tombstones().some((g) => g.merchantTransId === merchantTransId));
        assert.ok(!t.sandbox.orders().some((o) => o.merchantTransId === merchantTransId));
      });

      test('an unknown acquirementId: ORDER_NOT_EXIST', async () => {
        assert.equal(code(await cancel({ acquirementId: '2099010111000000000000001' })), 'ORDER_NOT_EXIST');
      });

      test('a paid order: F ORDER_STATUS_INVALID "order already paid"', async () => {
        const { body } = await created();
        t.sandbox.pay(String(body.merchantTransId));
        const answer = await cancel({ merchantTransId: body.merchantTransId });
        assert.equal(code(answer), 'ORDER_STATUS_INVALID');
        assert.equal(answer.resultInfo.resultMsg, 'order already paid');
        assert.equal((await query({ merchantTransId: body.merchantTransId })).body.acquirementStatus, 'SUCCESS');
      });

      test("with cancelPaid: 'reverse' a paid order is reversed and the answer is S", async () => {
        const reversing = await startTestSandbox({ cancelPaid: 'reverse' });
        try {
          const body = preCreateBody();
          assert.equal(code(await reversing.call('preCreate', body)), 'SUCCESS');
          reversing.sandbox.pay(String(body.merchantTransId));
          const answer = await reversing.call('payCancel', { merchantId: MERCHANT_ID, merchantTransId: body.merchantTransId });
          assert.equal(code(answer), 'SUCCESS');
          const record = reversing.sandbox.orders().find((o) => o.merchantTransId === body.merchantTransId);
          assert.equal(record?.status, 'CANCELLED');
          assert.equal(record?.reversed, true);
          const q = await reversing.call('payQuery', { merchantId: MERCHANT_ID, merchantTransId: body.merchantTransId });
          assert.equal(q.body.acquirementStatus, 'CANCELLED');
        } finally {
          await reversing.close();
        }
      });

      test('an unpaid order past its lifetime is CLOSED and cannot be paid', async () => {
        const short = await startTestSandbox({ orderLifetimeMs: 50 });
        try {
          const body = preCreateBody();
          assert.equal(code(await short.call('preCreate', body)), 'SUCCESS');
          await new Promise((r) => setTimeout(r, 80));
          const q = await short.call('payQuery', { merchantId: MERCHANT_ID, merchantTransId: body.merchantTransId });
          assert.equal(q.body.acquirementStatus, 'CLOSED');
          assert.throws(() => short.sandbox.pay(String(body.merchantTransId)), /closed/);
        } finally {
          await short.close();
        }
      });
    });

    describe('refund', () => {
      const refund = (acquirementId: unknown, merchantRefundId: string, value: string, extra: Record<string, unknown> = {}) =>
        t.call('refund', { merchantId: MERCHANT_ID, acquirementId, merchantRefundId, refundAmount: { currency: 'USD', value }, ...extra });

      test('an unpaid order cannot be refunded: ORDER_STATUS_INVALID', async () => {
        const { answer } = await created();
        const r = await refund(answer.body.acquirementId, uniqueTransId('R'), '100');
        assert.equal(code(r), 'ORDER_STATUS_INVALID');
        assert.equal(r.resultInfo.resultCodeId, '12005003');
      });

      test('partial and repeated refunds up to the paid amount; repeats are idempotent; over is refused', async () => {
        const { body, answer } = await created({ amountMinor: 239 });
        t.sandbox.pay(String(body.merchantTransId));
        const acquirementId = answer.body.acquirementId;
        const r1 = uniqueTransId('R');

        const first = await refund(acquirementId, r1, '100', { refundReason: 'broken cup' });
        assert.equal(code(first), 'SUCCESS', first.resultInfo.resultMsg);
        assert.equal(first.body.acquirementId, acquirementId);
        assert.equal(first.body.merchantRefundId, r1);
        assert.deepEqual(first.body.refundAmount, { currency: 'USD', value: '100' });
        assert.ok(first.body.refundId);
        assert.match(String(first.body.refundTime), /[+-]\d{2}:\d{2}$/);

        const repeat = await refund(acquirementId, r1, '100', { refundReason: 'broken cup' });
        assert.equal(code(repeat), 'SUCCESS');
        assert.equal(repeat.body.refundId, first.body.refundId);
        assert.equal(repeat.body.refundTime, first.body.refundTime);

        const inconsistent = await refund(acquirementId, r1, '101', { refundReason: 'broken cup' });
        assert.equal(code(inconsistent), 'REPEAT_REQ_INCONSISTENT');

        const over = await refund(acquirementId, uniqueTransId('R'), '140');
        assert.equal(code(over), 'REFUND_AMOUNT_EXCEED');
        assert.equal(over.resultInfo.resultStatus, 'F');

        const rest = await refund(acquirementId, uniqueTransId('R'), '139');
        assert.equal(code(rest), 'SUCCESS');
        assert.notEqual(rest.body.refundId, first.body.refundId);
        assert.equal(code(await refund(acquirementId, uniqueTransId('R'), '1')), 'REFUND_AMOUNT_EXCEED');

        const record = t.sandbox.orders().find((o) => o.acquirementId === acquirementId);
        assert.equal(record?.refunded, '239');
        assert.equal(record?.refunds.length, 2);
        assert.equal(code(await cancel({ acquirementId })), 'ORDER_STATUS_INVALID');
      });

      test('a refund in another currency, or for an unknown order, is refused', async () => {
        const { body, answer } = await created();
        t.sandbox.pay(String(body.merchantTransId));
        const hkd = await t.call('refund', {
          merchantId: MERCHANT_ID,
          acquirementId: answer.body.acquirementId,
          merchantRefundId: uniqueTransId('R'),
          refundAmount: { currency: 'HKD', value: '1' },
        });
        assert.equal(code(hkd), 'PARAM_ILLEGAL');
        assert.match(hkd.resultInfo.resultMsg, /body\.refundAmount\.currency must be USD/);
        assert.equal(code(await refund('2099010111000000000000002', uniqueTransId('R'), '1')), 'ORDER_NOT_EXIST');
      });
    });

    describe('control endpoints', () => {
      test('GET /sandbox/orders lists orders with amounts as digit strings; /sandbox/stats counts', async () => {
        const { body } = await created({ amountMinor: 4321 });
        const list = await request(`${t.sandbox.url}/sandbox/orders`, undefined);
        assert.equal(list.status, 200);
        const orders = JSON.parse(list.text) as Array<Record<string, unknown>>;
        const mine = orders.find((o) => o.merchantTransId === body.merchantTransId);
        assert.ok(mine);
        assert.equal(mine.amount, '4321');
        assert.equal(mine.currency, 'USD');
        assert.equal(mine.status, 'INIT');
        assert.equal(mine.refunded, '0');
        assert.ok(mine.acquirementId);

        const stats = JSON.parse((await request(`${t.sandbox.url}/sandbox/stats`, undefined)).text) as { byApi: { preCreate: { requests: number } }; orders: number };
        assert.equal(stats.orders, t.sandbox.orders().length);
        assert.ok(stats.byApi.preCreate.requests >= stats.orders);
      });

      test('POST /sandbox/faults takes JSON or the compact string, and refuses bad settings with a 400', async () => {
        const set = await request(`${t.sandbox.url}/sandbox/faults`, JSON.stringify({ latencyMs: 1, seed: 3 }));
        assert.equal(set.status, 200);
        assert.deepEqual(JSON.parse(set.text), { latencyMs: 1, seed: 3 });
        const compact = await request(`${t.sandbox.url}/sandbox/faults`, JSON.stringify('latency=2-3,apis=refund'));
        assert.deepEqual(JSON.parse(compact.text), { latencyMs: [2, 3], apis: ['refund'] });
        const bad = await request(`${t.sandbox.url}/sandbox/faults`, JSON.stringify('drop=2'));
        assert.equal(bad.status, 400);
        assert.match((JSON.parse(bad.text) as { message: string }).message, /"drop=2"/);
        const broken = await request(`${t.sandbox.url}/sandbox/faults`, '{"drop":');
        assert.equal(broken.status, 400);
        await request(`${t.sandbox.url}/sandbox/faults`, '{}');
        assert.deepEqual(JSON.parse((await request(`${t.sandbox.url}/sandbox/faults`, undefined)).text), {});
      });

      const lanAddress = Object.values(networkInterfaces())
        .flat()
        .find((i) => i?.family === 'IPv4' && !i.internal)?.address;
      test('control endpoints refuse callers that are not on loopback; the QR page does not', { skip: lanAddress === undefined && 'no non-loopback IPv4 address' }, async () => {
        const open = await startTestSandbox({ host: '0.0.0.0' });
        try {
          const viaLan = `http://${lanAddress!}:${open.sandbox.port}`;
          const refused = await request(`${viaLan}/sandbox/orders`, undefined);
          assert.equal(refused.status, 403);
          assert.match(refused.text, /loopback/);
          assert.equal((await request(`${viaLan}/sandbox/faults`, '{"drop":1}')).status, 403);
          assert.deepEqual(open.sandbox.stats().faults.drop, 0);
          const body = preCreateBody();
          const made = await open.call('preCreate', body);
          const token = new URL(String(made.body.orderQrCode)).pathname;
          assert.equal((await request(`${viaLan}${token}`, undefined)).status, 200);
        } finally {
          await open.close();
        }
      });
    });

    describe('publicBaseUrl', () => {
      test('QR and picture URLs use it instead of the listening address', async () => {
        const behindProxy = await startTestSandbox({ publicBaseUrl: 'https://pay.example.test/sandbox/' });
        try {
          const made = await behindProxy.call('preCreate', preCreateBody());
          assert.match(String(made.body.orderQrCode), /^https:\/\/pay\.example\.test\/sandbox\/qr\/[A-Za-z0-9_-]+$/);
          assert.ok(String(made.body.picUrl).startsWith('https://pay.example.test/sandbox/qr/'));
          assert.ok(String(made.body.payScheme).endsWith(encodeURIComponent(String(made.body.orderQrCode))));
        } finally {
          await behindProxy.close();
        }
      });
    });
  });
}
