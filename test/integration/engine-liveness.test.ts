// Every loop of the engine ends (issue 10 §2): an order the gateway never saw is cancelled
// as such, answers that do not end an order back off and ask a supervisor, a wrong Alipay
// key raises an INTEGRITY alarm, and a cancel that beats the QR keeps the QR off every
// screen. Real SQLite, the real client, the real sandbox over loopback HTTP; requests are
// counted as they leave the till.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../main/checkout/engine-context';
import type { Till } from '../support/engine-harness';
import { EngineHarness, statePath, waitUntil } from '../support/engine-harness';
import { testKeyPair } from '../support/sandbox-requests';

const FINAL = ['CANCELLED', 'PAID', 'FAILED'] as const;

describe('checkout engine: every loop ends', { concurrency: 4 }, () => {
  test('an order the gateway never saw ends CANCELLED "never reached Alipay" within the window plus a minute, with few requests after the window', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    // Every preCreate is lost before the gateway acts on it: it never creates the order.
    h.setFaults({ unknown: 1, processFirst: 0, apis: ['preCreate'] });
    const windowMs = 1_500;
    // After the window the product's own waits apply, not the harness's fast ones.
    const till = h.openTill({ settings: { paymentWindowMs: windowMs, confirmNotFoundMs: DEFAULT_SETTINGS.confirmNotFoundMs, stalledBackoff: DEFAULT_SETTINGS.stalledBackoff } });
    const started = performance.now();
    const order = await till.create();
    const done = await till.waitState(order.id, FINAL, windowMs + 60_000);
    assert.equal(done.state, 'CANCELLED');
    assert.equal(done.resultMessage, 'never reached Alipay');
    assert.equal(done.qrCode, null);
    assert.ok(performance.now() - started < windowMs + 60_000);
    assert.equal(h.sandboxOrder(order.merchantTransId), undefined);

    // From CANCELLING on: one cancel and one query, a pause, one more of each to confirm.
    const cancellingAt = till.journal.events(order.id).find((e) => e.kind === 'cancelling')!.at;
    const after = h.sentFor(order.merchantTransId).filter((r) => r.api !== 'preCreate').slice(-4);
    assert.deepEqual(after.map((r) => r.api), ['payCancel', 'payQuery', 'payCancel', 'payQuery']);
    assert.ok(after[2]!.at - after[1]!.at >= DEFAULT_SETTINGS.confirmNotFoundMs - 50, `the confirming pair waited ${Math.round(after[2]!.at - after[1]!.at)} ms`);
    assert.ok(till.journal.events(order.id).some((e) => e.kind === 'gateway_not_found' && e.at >= cancellingAt));

    // Ended means ended: nothing more goes out for it.
    const sent = h.sentFor(order.merchantTransId).length;
    await new Promise((r) => setTimeout(r, 1_000));
    await till.engine.resolveNow();
    assert.equal(h.sentFor(order.merchantTransId).length, sent);
    h.assertConsistent(till.journal);
  });

  test('a cancel refused while the order stays open: pauses that grow, one cancel and one query per try, then NEEDS_REVIEW; it ends once the gateway does', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const stalledBackoff = { baseMs: 200, maxMs: 3_200 };
    const till = h.openTill({ settings: { paymentWindowMs: 300, stalledBackoff, reviewAfter: 4 } });
    const order = await till.create();
    await till.waitState(order.id, 'AWAITING_PAYMENT');
    // The gateway refuses the cancel and keeps reporting the order open (INIT).
    h.setFaults({ forceResult: { payCancel: 'PROCESS_FAIL' } });
    const review = await waitForAlarm(till, 'NEEDS_REVIEW', 20_000);
    assert.equal(review.orderId, order.id);
    assert.match(review.message, new RegExp(`Order ${order.merchantTransId}: 4 answers`));
    assert.match(review.message, /till resolve --settle/);
    assert.equal(till.journal.getOrder(order.id)?.state, 'CANCELLING');

    const cancels = h.sentFor(order.merchantTransId, 'payCancel');
    assert.ok(cancels.length >= 4);
    for (let i = 1; i < cancels.length; i++) {
      const gap = cancels[i]!.at - cancels[i - 1]!.at;
      const least = Math.min(stalledBackoff.maxMs, stalledBackoff.baseMs * 2 ** (i - 1)) * 0.8;
      assert.ok(gap >= least - 1, `try ${i}: ${Math.round(gap)} ms after the last, expected at least ${least}`);
      // Between two cancels: at most the window's last poll and the one query that asks why.
      const between = h.sentFor(order.merchantTransId, 'payQuery').filter((q) => q.at > cancels[i - 1]!.at && q.at < cancels[i]!.at);
      assert.ok(between.length <= 2, `${between.length} queries between two cancels`);
    }

    h.setFaults({});
    const done = await till.waitState(order.id, FINAL, 10_000);
    assert.equal(done.state, 'CANCELLED');
    assert.deepEqual(statePath(till.journal, order.id), ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED']);
    h.assertConsistent(till.journal);
  });

  test("a wrong Alipay public key: every answer is unknown, and an INTEGRITY alarm names the key within a few tries", async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const till = h.openTill({ alipayPublicKey: testKeyPair('intruder').publicKey, settings: { paymentWindowMs: 30_000 } });
    const order = await till.create();
    const alarm = await waitForAlarm(till, 'INTEGRITY', 10_000);
    assert.equal(alarm.code, 'BAD_SIGNATURE');
    assert.match(alarm.message, /Alipay public key/);
    const tries = till.journal.attempts(order.id);
    assert.ok(tries.every((a) => a.outcome === 'U' && a.unknownReason?.startsWith('rejected')), JSON.stringify(tries.map((a) => a.unknownReason)));
    const beforeAlarm = tries.filter((a) => a.receivedAt <= alarm.raisedAt).reduce((n, a) => n + a.repeats, 0);
    assert.equal(beforeAlarm, 3, 'raised on the third rejected answer in a row');
    // Unknown, not failed and not paid: the order waits for the key to be fixed.
    assert.equal(till.journal.getOrder(order.id)?.qrCode, null);
    assert.ok(!FINAL.includes(till.journal.getOrder(order.id)!.state as (typeof FINAL)[number]));
  });

  test('a cancel while the preCreate is on its way: the S that comes back shows no QR, and the order is cancelled at the gateway', async (t) => {
    const h = await EngineHarness.start();
    t.after(() => h.close());
    const cashier: { till?: Till } = {};
    const till1 = h.openTill({
      beforeSend: (request) => {
        // The cashier presses Cancel after the request left and before its answer arrives.
        const till = cashier.till;
        if (request.api !== 'preCreate' || !till) return;
        const order = till.journal.getByTransId(request.key);
        if (order && !order.cancelRequested) till.engine.cancel(order.id);
      },
    });
    cashier.till = till1;
    const order = await till1.create();
    const done = await till1.waitState(order.id, FINAL);
    assert.equal(done.state, 'CANCELLED');
    assert.deepEqual(statePath(till1.journal, order.id), ['NEW', 'SENDING', 'CANCELLING', 'CANCELLED']);
    assert.ok(till1.orderEvents.every((o) => o.id !== order.id || o.state !== 'AWAITING_PAYMENT'), 'never waiting with a QR on a screen');
    assert.equal(till1.journal.events(order.id).find((e) => e.kind === 'cancelling')?.detail?.why, 'requested before the QR arrived');
    assert.equal(h.sandboxOrder(order.merchantTransId)?.status, 'CANCELLED');
    h.assertConsistent(till1.journal);
  });
});

async function waitForAlarm(till: Till, kind: string, timeoutMs: number) {
  await waitUntil(`a ${kind} alarm`, () => till.engine.openAlarms().some((a) => a.kind === kind), timeoutMs);
  return till.engine.openAlarms().find((a) => a.kind === kind)!;
}
