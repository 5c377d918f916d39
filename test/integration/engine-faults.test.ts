// The checkout engine against a gateway that refuses, stalls, lies and loses answers, and a
// journal that cannot be written: F answers, configuration alarms, traffic limits, every
// kind of unknown outcome (processed first or not), a full disk. Real SQLite, real client,
// real sandbox on loopback.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { isTillError } from '../../main/errors';
import { EngineHarness, sandboxClient, statePath, waitUntil } from '../support/engine-harness';
import { FAULT_REASON, testKeyPair } from '../support/sandbox-requests';


describe('checkout engine: F answers and alarms', { concurrency: 4 }, () => {
  test('RISK_REJECT: SENDING → FAILED with the result code kept; no QR; the next sale goes on', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.setFaults({ forceResult: { preCreate: 'RISK_REJECT' } });
    const till = h.openTill();
    const order = await till.create();
    const failed = await till.waitState(order.id, ['FAILED', 'AWAITING_PAYMENT']);
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.resultCode, 'RISK_REJECT');
    assert.ok(failed.resultMessage);
    assert.equal(failed.qrCode, null);
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'FAILED']);
    assert.equal(till.journal.events(order.id).at(-1)?.detail?.resultCode, 'RISK_REJECT');
    assert.equal(h.sentFor(order.merchantTransId).length, 1, 'an F is final: nothing resent, queried or cancelled');
    assert.deepEqual(till.engine.openAlarms(), []);
    h.setFaults({});
    const next = await till.create();
    assert.notEqual(next.merchantTransId, order.merchantTransId, 'a new attempt gets a new merchantTransId');
    await till.waitState(next.id, 'AWAITING_PAYMENT');
    h.assertConsistent(till.journal);
  });

  test('INVALID_SIGNATURE (the gateway holds another key): FAILED + CONFIG alarm; payments stop until a supervisor clears it', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.sandbox.registerClient({ ...sandboxClient(), publicKey: testKeyPair('intruder').publicKey });
    const till = h.openTill();
    const order = await till.create();
    const failed = await till.waitState(order.id, ['FAILED', 'AWAITING_PAYMENT']);
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.resultCode, 'INVALID_SIGNATURE');
    const [alarm, ...more] = till.engine.openAlarms();
    assert.equal(more.length, 0);
    assert.equal(alarm?.kind, 'CONFIG');
    assert.equal(alarm?.code, 'INVALID_SIGNATURE');
    assert.deepEqual(till.alarms.map((a) => a.id), [alarm!.id], 'the alarm was emitted');

    const sentBefore = h.sent.length;
    await assert.rejects(till.create(), (e) => isTillError(e, 'PAYMENTS_STOPPED') && /INVALID_SIGNATURE/.test(e.message));
    // The stop is journaled: a till started on the same file stops too.
    const other = h.openTill();
    await assert.rejects(other.create(), (e) => isTillError(e, 'PAYMENTS_STOPPED'));
    await other.stop();
    // Fixing the cause alone does not restart sales: a supervisor decides.
    h.sandbox.registerClient(sandboxClient());
    await assert.rejects(till.create(), (e) => isTillError(e, 'PAYMENTS_STOPPED'));
    assert.equal(h.sent.length, sentBefore, 'nothing was sent while payments were stopped');
    assert.equal(till.journal.listOrders().length, 1, 'nothing was journaled either');

    till.engine.clearAlarm(alarm!.id, 'Ann (supervisor)');
    assert.deepEqual(till.engine.openAlarms(), []);
    const next = await till.create();
    await till.waitState(next.id, 'AWAITING_PAYMENT');
    h.assertConsistent(till.journal);
  });

  test('an alarm code forced on preCreate (ACCESS_DENIED) stops payments the same way', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.setFaults({ forceResult: { preCreate: 'ACCESS_DENIED' } });
    const till = h.openTill();
    const order = await till.create();
    const failed = await till.waitState(order.id, ['FAILED', 'AWAITING_PAYMENT']);
    assert.equal(failed.resultCode, 'ACCESS_DENIED');
    const alarm = till.engine.openAlarms().find((a) => a.kind === 'CONFIG');
    assert.equal(alarm?.code, 'ACCESS_DENIED');
    await assert.rejects(till.create(), (e) => isTillError(e, 'PAYMENTS_STOPPED'));
    h.setFaults({});
    till.engine.clearAlarm(alarm!.id, 'supervisor');
    const next = await till.create();
    await till.waitState(next.id, 'AWAITING_PAYMENT');
  });

  test('an alarm on payCancel keeps the order CANCELLING (never dropped) until the cause is fixed and the alarm cleared', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    h.setFaults({ forceResult: { payCancel: 'KEY_NO_FOUND' } });
    till.engine.cancel(order.id);
    await waitUntil('a CONFIG alarm is raised', () => till.alarms.some((a) => a.code === 'KEY_NO_FOUND'));
    assert.equal(till.journal.getOrder(order.id)?.state, 'CANCELLING');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'INIT');
    h.setFaults({});
    till.engine.clearAlarm(till.alarms[0]!.id, 'supervisor');
    await till.waitState(order.id, 'CANCELLED');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
  });

  test('payCancel refused (F) while the order is open: query, retry; CANCELLED once the query finds it closed', async (t) => {
    const h = await EngineHarness.start({ sandbox: { orderLifetimeMs: 600 } });
    t.after(() => h.close());
    const till = h.openTill({ settings: { pollIntervalMs: 30_000 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    h.setFaults({ forceResult: { payCancel: 'PROCESS_FAIL' } });
    till.engine.cancel(order.id);
    const done = await till.waitState(order.id, ['CANCELLED', 'PAID']);
    assert.equal(done.state, 'CANCELLED');
    assert.equal(done.resultCode, 'CLOSED');
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED']);
    const calls = till.journal.attempts(order.id).map((a) => `${a.api}:${a.outcome}:${a.status ?? a.resultCode}`);
    assert.ok(calls.includes('payCancel:F:PROCESS_FAIL'));
    assert.equal(calls.at(-1), 'payQuery:S:CLOSED');
    assert.deepEqual(till.engine.openAlarms(), []);
  });

  test('REQUEST_TRAFFIC_EXCEED_LIMIT: the engine backs off longer each time and re-sends the same body, then succeeds once the limit lifts', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    h.setFaults({ forceResult: { preCreate: 'REQUEST_TRAFFIC_EXCEED_LIMIT' } });
    const till = h.openTill({ settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    await waitUntil('four refused sends', () => till.journal.attempts(order.id).length >= 4);
    assert.equal(till.journal.getOrder(order.id)?.state, 'SENDING');
    const sends = h.sentFor(order.merchantTransId, 'preCreate');
    // The pause grows while the gateway keeps saying it (never less than the jitter's floor of
    // base × 2^(n-1)); a fixed pause, or one reset by each answer, would not pass the later gaps.
    const { baseMs } = till.engine.settings.trafficBackoff;
    for (let i = 1; i < sends.length; i++) {
      const gap = sends[i]!.at - sends[i - 1]!.at;
      assert.ok(gap >= baseMs * 2 ** (i - 1) * 0.8 - 1, `pause ${i}: ${Math.round(gap)} ms, expected at least ${baseMs * 2 ** (i - 1) * 0.8}`);
    }
    const refused = till.journal.attempts(order.id);
    assert.ok(refused.length >= 3 && refused.every((a) => a.outcome === 'F' && a.resultCode === 'REQUEST_TRAFFIC_EXCEED_LIMIT'));
    h.setFaults({});
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT']);
    assert.deepEqual(till.engine.openAlarms(), []);
    h.assertConsistent(till.journal);
  });
});

describe('checkout engine: unknown outcomes are resolved, never guessed', { concurrency: 4 }, () => {
  for (const kind of ['unknown', 'drop', 'timeout', 'garbage', 'badSignature', 'http5xx'] as const) {
    for (const processFirst of [0, 1] as const) {
      test(`${kind}, processFirst ${processFirst}: unresolved while it lasts (resend ×N, then query), then AWAITING_PAYMENT with the gateway's own QR`, async (t) => {
        const h = await EngineHarness.start();
        t.after(() => h.close());
        h.setFaults({ [kind]: 1, processFirst, timeoutHoldMs: 1_000 });
        const till = h.openTill({ settings: { paymentWindowMs: 20_000 }, timeoutMs: kind === 'timeout' ? 250 : 2_000 });
        const told: Array<{ id: number; unknownCount: number }> = [];
        till.engine.on('order', (o) => told.push({ id: o.id, unknownCount: o.unknownCount }));
        const order = await till.create();
        const n = till.engine.settings.resendsBeforeQuery;
        await waitUntil(`${n} preCreates and a payQuery were tried`, () => till.journal.attempts(order.id).some((a) => a.api === 'payQuery'));
        const during = till.journal.getOrder(order.id)!;
        assert.equal(during.state, 'SENDING', 'still unresolved');
        assert.equal(during.qrCode, null, 'no QR without a verified S');
        const counts = told.filter((e) => e.id === order.id).map((e) => e.unknownCount);
        for (let k = 1; k <= n; k++) assert.ok(counts.includes(k), `the screens heard unknown outcome ${k} ("checking…"): ${counts.join(',')}`);
        const tried = till.journal.attempts(order.id);
        assert.deepEqual(
          tried.slice(0, n + 1).map((a) => `${a.api}:${a.outcome}`),
          [...Array<string>(n).fill('preCreate:U'), 'payQuery:U'],
        );
        for (const a of tried.slice(0, n)) assert.ok(a.unknownReason?.startsWith(`${FAULT_REASON[kind]}:`), a.unknownReason ?? '');
        assert.equal(h.sandbox.orders().length, processFirst, processFirst ? 'processed, answer lost' : 'never processed');

        h.setFaults({});
        const awaiting = await till.waitState(order.id, ['AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED', 'FAILED']);
        assert.equal(awaiting.state, 'AWAITING_PAYMENT');
        const gateway = h.sandboxOrder(order.merchantTransId);
        assert.equal(awaiting.qrCode, gateway?.orderQrCode, "the QR is the gateway's only order for this id");
        const preCreates = h.sentFor(order.merchantTransId, 'preCreate');
        assert.ok(preCreates.length >= n + 1);
        assert.equal(new Set(preCreates.map((r) => r.bodyText)).size, 1, 'every resend carried the byte-identical body');
        assert.equal(new Set(preCreates.map((r) => r.reqMsgId)).size, preCreates.length, 'each attempt its own reqMsgId');
        if (processFirst) assert.ok(h.sandbox.stats().replays >= 1, 'the resend was answered from the first');
        assert.equal(h.sandbox.orders().length, 1);
        h.assertConsistent(till.journal);

        h.sandbox.pay(order.merchantTransId);
        await till.waitState(order.id, 'PAID');
      });
    }
  }

  for (const processFirst of [0, 1] as const) {
    test(`unknown past the payment window (processFirst ${processFirst}): SENDING → CANCELLING, and CANCELLED once the gateway answers`, async (t) => {
      const h = await EngineHarness.start();
      t.after(() => h.close());
      h.setFaults({ unknown: 1, processFirst });
      const till = h.openTill({ settings: { paymentWindowMs: 400 } });
      const order = await till.create();
      await till.waitState(order.id, 'CANCELLING');
      await waitUntil('a payCancel was tried', () => h.sentFor(order.merchantTransId, 'payCancel').length >= 1);
      assert.equal(till.journal.events(order.id).find((e) => e.kind === 'cancelling')?.detail?.why, 'outcome unknown past the payment window');
      h.setFaults({});
      const done = await till.waitState(order.id, ['CANCELLED', 'PAID', 'AWAITING_PAYMENT']);
      assert.equal(done.state, 'CANCELLED');
      assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'CANCELLING', 'CANCELLED']);
      if (processFirst) assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
      else {
        // The gateway never had it: cancel and query answer ORDER_NOT_EXIST, and a second query confirms it.
        assert.equal(h.sandboxOrder(order.merchantTransId), undefined);
        assert.equal(done.resultMessage, 'never reached Alipay');
      }
      h.assertConsistent(till.journal);
    });
  }
});

describe('checkout engine: a journal that cannot be written', () => {
  test('full disk: create() throws JOURNAL_WRITE_FAILED and nothing reaches the gateway; sales resume when space returns', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill();
    const first = await till.create();
    await till.waitState(first.id, 'AWAITING_PAYMENT');
    till.engine.cancel(first.id);
    await till.waitState(first.id, 'CANCELLED');
    await till.engine.resolveNow();

    // A cart whose order row needs pages of its own: random names do not compress, and the
    // body cuts each to 64 bytes, so the journal keeps them whole beside it.
    const items = Array.from({ length: 60 }, (_, i) => ({ name: `Item ${i} ${randomBytes(200).toString('base64')}`, quantity: 1, unitPriceMinor: 10 }));
    const bigCart = { amountMinor: 600, title: 'Big basket', items };
    assert.equal(till.db.pragma('freelist_count', { simple: true }), 0, 'no free pages to fall back on');
    const pages = till.db.pragma('page_count', { simple: true }) as number;
    till.db.pragma(`max_page_count = ${pages}`);
    const sentBefore = h.sent.length;
    const requestsBefore = h.sandbox.stats().requests;
    const ordersBefore = till.journal.listOrders().length;

    await assert.rejects(till.create(bigCart), (e) => isTillError(e, 'JOURNAL_WRITE_FAILED') && /disk is full/.test(e.message));
    await till.engine.resolveNow();
    assert.equal(h.sent.length, sentBefore, 'the till sent nothing');
    assert.equal(h.sandbox.stats().requests, requestsBefore, 'the gateway received nothing');
    assert.equal(till.journal.listOrders().length, ordersBefore, 'no half-written order');
    assert.equal(till.journal.countUnresolved(), 0);

    till.db.pragma('max_page_count = 1073741823');
    const next = await till.create(bigCart);
    await till.waitState(next.id, 'AWAITING_PAYMENT');
    assert.equal(h.sandboxOrder(next.merchantTransId)?.amount, '600');
    h.assertConsistent(till.journal);
  });
});
