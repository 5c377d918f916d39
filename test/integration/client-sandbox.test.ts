// The till's real gateway client against the real sandbox gateway on loopback, over plain
// HTTP and over HTTPS with a private test CA: the four APIs end to end, the frozen body
// re-sent after an unknown outcome, and every injected fault turning into U (never S).
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import * as net from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { AlipayClient } from '../../main/alipay/client';
import type { Money } from '../../main/alipay/currency';
import type { Attempt, UnknownReason } from '../../main/alipay/outcome';
import { buildPreCreateBody } from '../../main/alipay/precreate-body';
import { startSandbox, type SandboxHandle } from '../../main/alipay/sandbox/server';
import { FAULT_KINDS } from '../../main/alipay/sandbox/faults';
import { refundBodyText } from '../../main/alipay/sibling-bodies';
import { GatewayTransport, type TransportOptions } from '../../main/alipay/transport';
import { CLIENT_ID, FAULT_REASON, MERCHANT_ID, SETUP, request, testKeyPair, uniqueTransId } from '../support/sandbox-requests';
import { makeTestCa, type TestCa } from '../support/test-ca';

interface Order {
  merchantTransId: string;
  bodyText: string;
  amount: Money;
}

function newOrder(amountMinor = 239, currency = 'USD'): Order {
  const merchantTransId = uniqueTransId('C');
  const { bodyText } = buildPreCreateBody({ merchantTransId, amountMinor, currency, title: 'Coffee & cake' }, SETUP);
  return { merchantTransId, bodyText, amount: { currency, value: String(amountMinor) } };
}

function expectS<T>(attempt: Attempt<T>): T {
  if (attempt.outcome.kind !== 'S') assert.fail(`expected S, got ${JSON.stringify(attempt.outcome)} (HTTP ${attempt.httpStatus ?? '-'})`);
  return attempt.outcome.data;
}

function expectU(attempt: Attempt<unknown>, reason: UnknownReason): string {
  const outcome = attempt.outcome;
  if (outcome.kind !== 'U') assert.fail(`expected U (${reason}), got ${JSON.stringify(outcome)}`);
  assert.equal(outcome.reason, reason, outcome.detail);
  return outcome.detail;
}

const keys = {
  merchantPrivateKey: async () => testKeyPair('client').privateKey,
  alipayPublicKey: async () => testKeyPair('gateway').publicKey,
};

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}


let ca: TestCa;
before(async () => {
  ca = await makeTestCa();
});
after(async () => {
  if (ca) await rm(ca.dir, { recursive: true, force: true });
});

for (const scheme of ['http', 'https'] as const) {
  describe(`AlipayClient ↔ sandbox over ${scheme}`, () => {
    let sandbox: SandboxHandle;
    const clients: AlipayClient[] = [];

    function makeClient(overrides: Partial<TransportOptions> = {}): AlipayClient {
      const transport = new GatewayTransport({
        baseUrl: sandbox.url,
        ...(scheme === 'https' ? { caPem: ca.caPem } : {}),
        proxyEnv: {},
        connectTimeoutMs: 2_000,
        timeoutMs: 5_000,
        ...overrides,
      });
      const client = new AlipayClient({ transport, clientId: CLIENT_ID, merchantId: MERCHANT_ID, keys });
      clients.push(client);
      return client;
    }

    let client: AlipayClient;
    before(async () => {
      sandbox = await startSandbox({
        gatewayPrivateKey: testKeyPair('gateway').privateKey,
        clients: [{ clientId: CLIENT_ID, merchantId: MERCHANT_ID, publicKey: testKeyPair('client').publicKey }],
        ...(scheme === 'https' ? { tls: { certPem: ca.certPem, keyPem: ca.keyPem } } : {}),
      });
      assert.match(sandbox.url, scheme === 'https' ? /^https:\/\/127\.0\.0\.1:\d+$/ : /^http:\/\/127\.0\.0\.1:\d+$/);
      client = makeClient();
    });
    afterEach(() => sandbox.setFaults({}));
    after(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox?.close();
    });

    const payThroughQr = async (qr: string) => {
      const paid = await request(`${qr}/pay`, '', { ca: scheme === 'https' ? ca.caPem : undefined, headers: { Accept: 'application/json' } });
      assert.equal(paid.status, 200, paid.text);
    };

    test('preCreate S with a QR; the customer pays through the QR URL; payQuery S SUCCESS with the amount', async () => {
      const order = newOrder(239);
      const created = await client.preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: order.amount });
      assert.equal(created.httpStatus, 200);
      assert.equal(created.api, 'preCreate');
      const data = expectS(created);
      assert.equal(data.merchantTransId, order.merchantTransId);
      assert.ok(data.orderQrCode.startsWith(`${sandbox.url}/qr/`), data.orderQrCode);
      assert.match(data.acquirementId ?? '', /^\d{8}11\d{16}$/);
      const record = sandbox.orders().find((o) => o.merchantTransId === order.merchantTransId);
      assert.equal(record?.acquirementId, data.acquirementId);
      assert.equal(record?.orderQrCode, data.orderQrCode);

      const before = expectS(await client.payQuery({ merchantTransId: order.merchantTransId }, { amount: order.amount }));
      assert.equal(before.status, 'INIT');
      assert.equal(before.payAmountMinor, 239, 'INIT answers carry the order amount');

      await payThroughQr(data.orderQrCode);

      const byTransId = expectS(await client.payQuery({ merchantTransId: order.merchantTransId }, { amount: order.amount }));
      assert.equal(byTransId.status, 'SUCCESS');
      assert.equal(byTransId.payAmountMinor, 239);
      assert.equal(byTransId.payCurrency, 'USD');
      assert.equal(byTransId.acquirementId, data.acquirementId);
      assert.equal(byTransId.merchantTransId, order.merchantTransId);
      assert.match(byTransId.paymentTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

      const byAcquirementId = expectS(await client.payQuery({ acquirementId: data.acquirementId }, { amount: order.amount }));
      assert.equal(byAcquirementId.status, 'SUCCESS');
      assert.equal(byAcquirementId.merchantTransId, order.merchantTransId);

      // The same query with the wrong expected amount is an integrity failure, not a success.
      const wrongAmount = await client.payQuery({ merchantTransId: order.merchantTransId }, { amount: { currency: 'USD', value: '240' } });
      assert.match(expectU(wrongAmount, 'rejected'), /payAmount does not match/);
    });

    test('payCancel on an unpaid order is S, then payQuery says CANCELLED and the QR cannot be paid', async () => {
      const order = newOrder(500);
      const created = expectS(await client.preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: order.amount }));
      const cancelled = expectS(await client.payCancel({ merchantTransId: order.merchantTransId }));
      assert.equal(cancelled.merchantTransId, order.merchantTransId);
      assert.equal(cancelled.acquirementId, created.acquirementId);
      assert.ok(cancelled.cancelTime);
      const query = expectS(await client.payQuery({ merchantTransId: order.merchantTransId }));
      assert.equal(query.status, 'CANCELLED');
      assert.equal(query.payAmountMinor, 500);
      const paid = await request(`${created.orderQrCode}/pay`, '', { ca: scheme === 'https' ? ca.caPem : undefined, headers: { Accept: 'application/json' } });
      assert.equal(paid.status, 409, paid.text);
      assert.equal(sandbox.orders().find((o) => o.merchantTransId === order.merchantTransId)?.status, 'CANCELLED');
    });

    test('refund: two partial refunds, one over the remainder is F, a retried body returns the same refundId', async () => {
      const order = newOrder(1000);
      const created = expectS(await client.preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: order.amount }));
      sandbox.pay(order.merchantTransId, MERCHANT_ID);
      const acquirementId = created.acquirementId!;
      const refund = (amountMinor: number) => {
        const merchantRefundId = uniqueTransId('R');
        const bodyText = refundBodyText(MERCHANT_ID, { acquirementId, merchantRefundId, amountMinor, currency: 'USD', reason: 'damaged goods' });
        const send = () => client.refund(bodyText, { merchantRefundId, refundAmount: { currency: 'USD', value: String(amountMinor) } });
        return { merchantRefundId, send };
      };

      const first = refund(300);
      const a1 = await first.send();
      const r1 = expectS(a1);
      assert.equal(r1.merchantRefundId, first.merchantRefundId);
      assert.equal(r1.refundAmountMinor, 300);
      assert.match(r1.refundId ?? '', /^\d{8}12\d{16}$/);
      const second = refund(500);
      const r2 = expectS(await second.send());
      assert.equal(r2.refundAmountMinor, 500);
      assert.notEqual(r2.refundId, r1.refundId);

      const over = await refund(201).send();
      assert.equal(over.outcome.kind, 'F');
      assert.equal(over.outcome.kind === 'F' && over.outcome.result.resultCode, 'REFUND_AMOUNT_EXCEED');

      const replayedBefore = sandbox.stats().replays;
      const again = await first.send();
      assert.notEqual(again.reqMsgId, a1.reqMsgId);
      const r1again = expectS(again);
      assert.equal(r1again.refundId, r1.refundId, 'the same merchantRefundId and body give the same refund');
      assert.equal(r1again.refundAmountMinor, 300);
      assert.equal(sandbox.stats().replays, replayedBefore + 1);
      assert.equal(sandbox.orders().find((o) => o.merchantTransId === order.merchantTransId)?.refunded, '800', 'the retry refunded nothing more');

      const rest = expectS(await refund(200).send());
      assert.equal(rest.refundAmountMinor, 200);
      const record = sandbox.orders().find((o) => o.merchantTransId === order.merchantTransId);
      assert.equal(record?.refunded, '1000');
      assert.equal(record?.refunds.length, 3);
      assert.equal(sandbox.stats().repeatInconsistent, 0);
    });

    test('the frozen body re-sent after a U (processed first) returns the original QR and acquirementId', async () => {
      const order = newOrder(239);
      const expect = { merchantTransId: order.merchantTransId, amount: order.amount };
      sandbox.setFaults({ unknown: 1, processFirst: 1 });
      const lost = await client.preCreate(order.bodyText, expect);
      expectU(lost, 'gateway_unknown');
      assert.equal(lost.outcome.kind === 'U' && lost.outcome.result?.resultCode, 'UNKNOWN_EXCEPTION');
      const record = sandbox.orders().find((o) => o.merchantTransId === order.merchantTransId);
      assert.ok(record, 'the gateway created the order before the answer was lost');

      sandbox.setFaults({});
      const stats = sandbox.stats();
      const resent = await client.preCreate(order.bodyText, expect);
      assert.notEqual(resent.reqMsgId, lost.reqMsgId, 'each attempt has its own reqMsgId');
      const data = expectS(resent);
      assert.equal(data.orderQrCode, record.orderQrCode);
      assert.equal(data.acquirementId, record.acquirementId);
      const after = sandbox.stats();
      assert.equal(after.repeatInconsistent, 0);
      assert.equal(after.byResultCode.REPEAT_REQ_INCONSISTENT ?? 0, 0);
      assert.equal(after.replays, stats.replays + 1);
      assert.equal(sandbox.orders().filter((o) => o.merchantTransId === order.merchantTransId).length, 1);
    });

    describe('every fault kind is an unknown outcome with its reason, never S', () => {
      let quick: AlipayClient;
      before(() => {
        quick = makeClient({ timeoutMs: 1_500 });
      });

      for (const kind of FAULT_KINDS) {
        for (const processFirst of [0, 1] as const) {
          test(`${kind}, processFirst=${processFirst}`, async () => {
            const order = newOrder(239);
            const expect = { merchantTransId: order.merchantTransId, amount: order.amount };
            const faultsBefore = sandbox.stats().faults[kind];
            sandbox.setFaults({ [kind]: 1, processFirst, timeoutHoldMs: 4_000, apis: ['preCreate'] });
            const started = Date.now();
            const attempt = await quick.preCreate(order.bodyText, expect);
            const elapsed = Date.now() - started;
            const detail = expectU(attempt, FAULT_REASON[kind]);
            assert.equal(sandbox.stats().faults[kind], faultsBefore + 1, 'the fault really happened');
            const record = sandbox.orders().find((o) => o.merchantTransId === order.merchantTransId);
            assert.equal(record !== undefined, processFirst === 1, 'processFirst decides whether the order exists');

            switch (kind) {
              case 'unknown':
                assert.equal(attempt.httpStatus, 200);
                break;
              case 'http5xx':
                assert.ok(attempt.httpStatus === 502 || attempt.httpStatus === 503, String(attempt.httpStatus));
                assert.match(detail, /HTTP 50[23].*HTML/);
                break;
              case 'drop':
                assert.equal(attempt.httpStatus, undefined);
                break;
              case 'timeout':
                assert.equal(attempt.httpStatus, undefined);
                assert.ok(elapsed >= 1_400 && elapsed < 3_500, `gave up after ${elapsed} ms`);
                assert.match(detail, /1500 ms/);
                break;
              case 'badSignature':
                assert.equal(attempt.httpStatus, 200);
                assert.match(detail, /signature does not verify/);
                break;
              case 'garbage':
                assert.equal(attempt.httpStatus, 200);
                if (/^\s*</.test(attempt.rawResponse ?? '')) assert.match(detail, /HTML/);
                break;
            }

            // With the faults off, the same frozen body settles the order: one order, never two.
            sandbox.setFaults({});
            const settled = expectS(await quick.preCreate(order.bodyText, expect));
            const now = sandbox.orders().filter((o) => o.merchantTransId === order.merchantTransId);
            assert.equal(now.length, 1);
            if (record) assert.equal(settled.orderQrCode, record.orderQrCode);
            assert.equal(sandbox.stats().repeatInconsistent, 0);
          });
        }
      }

      test('garbage: every variant (HTML page, cut JSON, plain text) is rejected', async () => {
        sandbox.setFaults({ garbage: 1, seed: 11, apis: ['payQuery'] });
        const seen = new Set<string>();
        for (let i = 0; i < 12; i += 1) {
          const attempt = await quick.payQuery({ merchantTransId: uniqueTransId('G') });
          const detail = expectU(attempt, 'rejected');
          const raw = attempt.rawResponse ?? '';
          if (raw.startsWith('<!DOCTYPE html>')) {
            seen.add('html');
            assert.match(detail, /HTML/);
          } else if (raw.startsWith('{"response"')) {
            seen.add('cut');
            assert.match(detail, /not acceptable JSON/);
          } else {
            assert.equal(raw, 'OK');
            seen.add('text');
            assert.match(detail, /not acceptable JSON|not a JSON object/);
          }
        }
        assert.deepEqual([...seen].sort(), ['cut', 'html', 'text']);
      });

      test('payCancel and refund answers spoiled after processing are U too', async () => {
        const order = newOrder(239);
        const created = expectS(await quick.preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: order.amount }));
        sandbox.setFaults({ badSignature: 1, processFirst: 1, apis: ['payCancel'] });
        expectU(await quick.payCancel({ merchantTransId: order.merchantTransId }), 'rejected');
        assert.equal(sandbox.orders().find((o) => o.merchantTransId === order.merchantTransId)?.status, 'CANCELLED');

        const paidOrder = newOrder(700);
        const paid = expectS(await quick.preCreate(paidOrder.bodyText, { merchantTransId: paidOrder.merchantTransId, amount: paidOrder.amount }));
        sandbox.pay(paidOrder.merchantTransId, MERCHANT_ID);
        const merchantRefundId = uniqueTransId('R');
        const bodyText = refundBodyText(MERCHANT_ID, { acquirementId: paid.acquirementId!, merchantRefundId, amountMinor: 700, currency: 'USD' });
        const expect = { merchantRefundId, refundAmount: { currency: 'USD', value: '700' } };
        sandbox.setFaults({ drop: 1, processFirst: 1, apis: ['refund'] });
        expectU(await quick.refund(bodyText, expect), 'dropped');
        sandbox.setFaults({});
        const refunded = expectS(await quick.refund(bodyText, expect));
        const record = sandbox.orders().find((o) => o.merchantTransId === paidOrder.merchantTransId);
        assert.equal(record?.refunded, '700');
        assert.equal(record?.refunds.length, 1);
        assert.equal(refunded.refundId, record?.refunds[0]?.refundId);
        assert.ok(created.acquirementId);
      });
    });

    test('a gateway that is down answers U unreachable, quickly', async () => {
      const port = await closedPort();
      const down = makeClient({ baseUrl: `${scheme}://127.0.0.1:${port}` });
      const order = newOrder();
      const started = Date.now();
      const attempt = await down.preCreate(order.bodyText, { merchantTransId: order.merchantTransId, amount: order.amount });
      const elapsed = Date.now() - started;
      assert.match(expectU(attempt, 'unreachable'), /ECONNREFUSED/);
      assert.equal(attempt.httpStatus, undefined);
      assert.ok(elapsed < 1_000, `took ${elapsed} ms`);
    });
  });
}
