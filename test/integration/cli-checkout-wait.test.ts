// The `till precreate` that waits for the customer, as a cashier runs it: a short payment
// window (10 s, polled every 500 ms), the customer paying through the QR URL while the
// till waits (exit 0), nobody paying (exit 5, the gateway's order cancelled), Ctrl-C, and
// a cancel from another terminal. Then `till orders` filters over what happened. Real
// processes, real SQLite, the real keychain (re-runs itself inside keyring-session.sh).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ORDER_KEYS,
  TRANS_ID,
  assertKeys,
  assertTranscriptFreeOf,
  awaitSandboxOrder,
  describeRun,
  ensureBuilt,
  expectJson,
  insideKeyringSession,
  payQr,
  removeTempDirs,
  sandboxOrder,
  spawnTill,
  startSandboxProcess,
  storedPrivateKeys,
  tempDir,
  till,
  type RunningTill,
  type SandboxProcess,
  type TillRun,
} from '../support/cli-runner';

const PRECREATE_KEYS = ['ok', 'merchantTransId', 'amount', 'status', 'state', 'orderQrCode', 'acquirementId', 'sandbox', 'attempts'];
const WINDOW_SECONDS = 10;
/** Journaled, sent, and the QR shown (human output; a pipe gets no countdown redraws). */
const QR_SHOWN = /^(T[0-9A-F]{8}\d{14}): journaled, sending USD (\d+\.\d\d)…\nUSD \2 — scan to pay: (http:\/\/\S+) {2}\(SANDBOX\)\n/;

type Doc = Record<string, unknown>;

if (insideKeyringSession(__filename, 'till CLI waiting-for-payment tests')) {
  let dataDir: string;
  let sandbox: SandboxProcess;
  let privateKeys: string[] = [];
  /** Started first and left alone: nobody pays it, so its window runs out while the other tests run. */
  let unpaid: { running: RunningTill; startedAt: number; endedAt?: number };

  const run = (...args: string[]) => till(args, { dataDir });
  const wait = (args: string[]) => spawnTill(['precreate', ...args], { dataDir, timeoutMs: 60_000 });

  before(async () => {
    ensureBuilt();
    dataDir = tempDir();
    sandbox = await startSandboxProcess(dataDir);
    privateKeys = await storedPrivateKeys(dataDir);
    for (const [key, value] of [
      ['gateway.baseUrl', sandbox.url],
      ['payment.windowSeconds', String(WINDOW_SECONDS)],
      ['payment.pollIntervalMs', '500'],
    ]) {
      expectJson(await run('config', 'set', key!, value!, '--json'), 0);
    }
    unpaid = { running: wait(['--amount', '4.02', '--title', 'Nobody pays', '--json']), startedAt: Date.now() };
    // When it ended, not when its test looks: the other tests may take their time on a busy machine.
    void unpaid.running.done.then(() => (unpaid.endedAt = Date.now()));
    // It is the day's first order: the listing below relies on that.
    await awaitSandboxOrder(sandbox.url, (o) => o.amount === '402');
  });

  after(async () => {
    unpaid?.running.child.kill('SIGKILL');
    await sandbox?.stop();
    removeTempDirs();
  });

  describe('till precreate waits for the payment', () => {
    test('the customer pays while the till waits: exit 0, PAID', async () => {
      const running = wait(['--amount', '4.01', '--title', 'Paid while waiting', '--json']);
      // --json prints only at the end: the order is found where the customer finds it, at the gateway.
      const order = await awaitSandboxOrder(sandbox.url, (o) => o.amount === '401');
      const started = Date.now();
      await payQr(order.orderQrCode as string);
      const doc = expectJson(await running.done, 0);
      assert.ok(Date.now() - started < 5_000, `noticed the payment after ${Date.now() - started} ms (polled every 500 ms)`);
      assertKeys(doc, PRECREATE_KEYS, 'precreate');
      assert.equal(doc.ok, true);
      assert.equal(doc.merchantTransId, order.merchantTransId);
      assert.match(doc.merchantTransId as string, TRANS_ID);
      assert.equal(doc.status, 'S');
      assert.equal(doc.state, 'PAID');
      assert.equal(doc.orderQrCode, order.orderQrCode);
      assert.equal(doc.acquirementId, order.acquirementId);
      const attempts = (doc.attempts as Doc[]).map((a) => [a.api, a.status]);
      assert.deepEqual(attempts[0], ['preCreate', 'S']);
      assert.deepEqual(attempts.at(-1), ['payQuery', 'S']);
      assert.equal((await sandboxOrder(sandbox.url, order.merchantTransId as string))?.status, 'SUCCESS');
    });

    test('Ctrl-C while waiting cancels: "Cancelling…", exit 5, CANCELLED at the gateway', async () => {
      const running = wait(['--amount', '4.03', '--title', 'Changed my mind']);
      const [, id] = await running.waitForOutput(QR_SHOWN);
      running.child.kill('SIGINT');
      const r = await running.done;
      assert.equal(r.status, 5, describeRun(r));
      assert.match(r.stdout, QR_SHOWN);
      assert.match(r.stdout, new RegExp(`\\nCancelling… \\(Ctrl-C again to stop waiting\\)\\n${id}: CANCELLED — not paid, the QR is void\\n$`));
      assert.equal(r.stderr, '');
      assert.equal((await sandboxOrder(sandbox.url, id!))?.status, 'CANCELLED');
    });

    test('on a pipe the countdown is a line every few seconds; a second Ctrl-C while the cancel hangs stops waiting at once: exit 3, `till resolve` named', async () => {
      // A till of its own, whose gateway holds every cancel for 30 s (the other tests' cancels
      // must not hang): the first Ctrl-C's cancel is still out when the second comes.
      const ownDir = tempDir();
      const holding = await startSandboxProcess(ownDir, ['--faults', 'timeout=1,hold=30000,apis=payCancel']);
      try {
        expectJson(await till(['config', 'set', 'gateway.baseUrl', holding.url, '--json'], { dataDir: ownDir }), 0);
        const running = spawnTill(['precreate', '--amount', '4.09', '--title', 'Impatient'], { dataDir: ownDir, timeoutMs: 60_000 });
        const [, id] = await running.waitForOutput(QR_SHOWN);
        // Not a terminal: a line every few seconds rather than minutes of silence.
        await running.waitForOutput(/Waiting for the customer to pay… \d\d:\d\d left\n/, 15_000);
        running.child.kill('SIGINT');
        await running.waitForOutput(/Cancelling… \(Ctrl-C again to stop waiting\)/);
        // The cancel is on its way (and held) before the second press.
        await new Promise((r) => setTimeout(r, 500));
        const started = Date.now();
        running.child.kill('SIGINT');
        const r = await running.done;
        assert.equal(r.status, 3, describeRun(r));
        assert.ok(Date.now() - started < 5_000, `exited ${Date.now() - started} ms after the second Ctrl-C`);
        assert.match(r.stdout, new RegExp(`${id}: CANCELLING, stopped waiting\\. The order is journaled; \`till resolve\` finishes it\\.`));
        const order = expectJson(await till(['order', id!, '--json'], { dataDir: ownDir }), 0).order as Doc;
        assert.equal(order.state, 'CANCELLING', 'journaled, for `till resolve` to finish');
      } finally {
        await holding.stop();
      }
    });

    test('a cancel from another terminal ends the wait: exit 5', async () => {
      const running = wait(['--amount', '4.04', '--title', 'Cancelled elsewhere']);
      const [, id] = await running.waitForOutput(QR_SHOWN);
      const cancel = expectJson(await run('cancel', id!.slice(-6), '--json'), 0);
      assert.equal(cancel.cancelled, true);
      const started = Date.now();
      const r = await running.done;
      assert.equal(r.status, 5, describeRun(r));
      assert.ok(Date.now() - started < 5_000, `the waiting till noticed after ${Date.now() - started} ms`);
      assert.match(r.stdout, new RegExp(`\\n${id}: CANCELLED — not paid, the QR is void\\n$`));
      assert.equal((await sandboxOrder(sandbox.url, id!))?.status, 'CANCELLED');
    });

    test(`nobody pays within the window (${WINDOW_SECONDS} s): exit 5, CANCELLED, and the sandbox says CANCELLED`, async () => {
      const r: TillRun = await unpaid.running.done;
      const elapsed = (unpaid.endedAt ?? Date.now()) - unpaid.startedAt;
      const doc = expectJson(r, 5);
      assert.ok(elapsed >= WINDOW_SECONDS * 1000, `gave up after ${elapsed} ms`);
      assert.ok(elapsed < (WINDOW_SECONDS + 10) * 1000, `gave up only after ${elapsed} ms`);
      assertKeys(doc, PRECREATE_KEYS, 'precreate');
      assert.equal(doc.ok, false);
      assert.equal(doc.status, 'S', 'the preCreate itself succeeded');
      assert.equal(doc.state, 'CANCELLED');
      assert.deepEqual(doc.amount, { currency: 'USD', value: '402' });
      assert.equal(typeof doc.orderQrCode, 'string');
      const apis = (doc.attempts as Doc[]).map((a) => a.api);
      assert.equal(apis[0], 'preCreate');
      assert.ok(apis.includes('payQuery') && apis.includes('payCancel'), apis.join(' '));
      assert.equal((await sandboxOrder(sandbox.url, doc.merchantTransId as string))?.status, 'CANCELLED');

      const events = (expectJson(await run('order', doc.merchantTransId as string, '--json'), 0).events as Doc[]).map((e) => e.kind);
      assert.deepEqual(events.slice(-2), ['cancelling', 'cancelled']);
    });
  });

  describe('till orders over what happened', () => {
    let all: Doc[];
    before(async () => {
      const doc = expectJson(await run('orders', '--json'), 0);
      assertKeys(doc, ['ok', 'orders'], 'orders');
      all = doc.orders as Doc[];
    });

    test('newest first, every order with the documented keys', () => {
      for (const order of all) assertKeys(order, ORDER_KEYS, 'orders[]');
      assert.deepEqual(
        all.map((o) => [(o.amount as { value: string }).value, o.state]),
        [
          ['404', 'CANCELLED'],
          ['403', 'CANCELLED'],
          ['401', 'PAID'],
          ['402', 'CANCELLED'],
        ],
      );
      const ids = all.map((o) => o.merchantTransId as string);
      assert.deepEqual([...ids].sort().reverse(), ids);
    });

    test('--state, --limit and --date filter; nothing matching is "No orders."', async () => {
      const day = all[0]!.businessDay as string;
      const [cancelled, paid, limited, byDay, none, noneHuman] = await Promise.all([
        run('orders', '--state', 'CANCELLED', '--json'),
        run('orders', '--state', 'paid', '--json'),
        run('orders', '--limit', '1', '--json'),
        run('orders', '--date', day, '--json'),
        run('orders', '--date', '2020-01-01', '--json'),
        run('orders', '--state', 'REFUNDED'),
      ]);
      const ids = (r: TillRun) => (expectJson(r, 0).orders as Doc[]).map((o) => o.merchantTransId);
      const idsOf = (state: string) => all.filter((o) => o.state === state).map((o) => o.merchantTransId);
      assert.deepEqual(ids(cancelled), idsOf('CANCELLED'));
      assert.deepEqual(ids(paid), idsOf('PAID'));
      assert.deepEqual(ids(limited), [all[0]!.merchantTransId]);
      assert.deepEqual(ids(byDay), all.map((o) => o.merchantTransId));
      assert.deepEqual(expectJson(none, 0), { ok: true, orders: [] });
      assert.equal(noneHuman.status, 0, describeRun(noneHuman));
      assert.equal(noneHuman.stdout, 'No orders.\n');
    });

    test('`till resolve` with nothing unresolved: exit 0 at once', async () => {
      const started = Date.now();
      const doc = expectJson(await run('resolve', '--json'), 0);
      assert.deepEqual(doc, { ok: true, resolved: [], unresolved: 0, pendingRefunds: 0, connectivity: 'online' });
      assert.ok(Date.now() - started < 5_000);
    });

    test("no output of this file's processes holds private key material", () => {
      assertTranscriptFreeOf(privateKeys);
    });
  });
}
