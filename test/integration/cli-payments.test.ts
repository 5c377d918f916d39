// The `till` command as a user runs it, payments side: a fresh data directory, `till sandbox`
// in one process and precreate/cancel/query/resolve/refund/orders/order/reconcile/close-day
// in others, paying through the QR URL, bad input refused before anything is sent or
// journaled, and the gateway going away and coming back. Real processes, real SQLite, the
// real keychain (the file re-runs itself inside keyring-session.sh) and the sandbox on a
// free loopback port. Waiting for the payment is in cli-checkout-wait.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { refundIdFor } from '../../main/checkout/refund-key';
import { after, before, describe, test } from 'node:test';
import {
  ATTEMPT_KEYS,
  ORDER_KEYS,
  TRANS_ID,
  assertErrorDoc,
  assertKeys,
  assertNoStack,
  assertTranscriptFreeOf,
  awaitSandboxOrder,
  describeRun,
  ensureBuilt,
  expectJson,
  httpRequest,
  insideKeyringSession,
  payQr,
  removeTempDirs,
  sandboxOrder,
  sandboxOrders,
  setSandboxFaults,
  spawnTill,
  startSandboxProcess,
  storedPrivateKeys,
  tempDir,
  till,
  tillWithRawArg,
  type SandboxProcess,
} from '../support/cli-runner';

const PRECREATE_KEYS = ['ok', 'merchantTransId', 'amount', 'status', 'state', 'orderQrCode', 'acquirementId', 'sandbox', 'attempts'];
const QUERY_KEYS = ['ok', 'merchantTransId', 'paymentStatus', 'acquirementId', 'paymentTime', 'payAmount', 'attempt'];
const CANCEL_KEYS = ['ok', 'merchantTransId', 'cancelled', 'order'];
const REFUND_KEYS = ['ok', 'merchantTransId', 'merchantRefundId', 'state', 'refundAmount', 'refundId', 'resultCode', 'repeated'];
const ORDER_DOC_KEYS = ['ok', 'order', 'events', 'attempts', 'refunds'];
const EVENT_KEYS = ['at', 'actor', 'kind', 'from', 'to', 'detail'];
const ORDER_REFUND_KEYS = ['merchantRefundId', 'state', 'amount', 'reason', 'refundId'];
const RESOLVE_KEYS = ['ok', 'resolved', 'unresolved', 'pendingRefunds', 'connectivity'];
const REPORT_KEYS = ['day', 'closed', 'closedAt', 'orderCount', 'currencies', 'exceptions'];
const CURRENCY_KEYS = ['currency', 'paid', 'refunded', 'netMinor', 'cancelled', 'failed', 'unresolved'];
const CSV_HEADER = 'business_day,merchant_trans_id,created_at,state,currency,amount_minor,amount,refunded_minor,acquirement_id,result_code,paid_at,alarm';

type Doc = Record<string, unknown>;

if (insideKeyringSession(__filename, 'till CLI payment tests')) {
  let dataDir: string;
  let sandbox: SandboxProcess;
  let privateKeys: string[] = [];
  /** The business day of this file's orders (yyyy-MM-dd), from the first order. */
  let day = '';
  /** What this file did to every order it journaled: the reconciliation must say the same. */
  const ledger = new Map<string, { amountMinor: number; state: string }>();
  const refundedMinor: number[] = [];

  const run = (...args: (string | Buffer)[]) => till(args, { dataDir });

  async function precreate(amount: string, title = 'Coffee'): Promise<Doc> {
    const doc = expectJson(await run('precreate', '--amount', amount, '--title', title, '--no-wait', '--json'), 0);
    assert.equal(doc.status, 'S');
    assert.equal(doc.state, 'AWAITING_PAYMENT');
    ledger.set(doc.merchantTransId as string, { amountMinor: Number((doc.amount as { value: string }).value), state: 'AWAITING_PAYMENT' });
    return doc;
  }

  async function orderDoc(id: string): Promise<Doc> {
    const doc = expectJson(await run('order', id, '--json'), 0);
    assertKeys(doc, ORDER_DOC_KEYS, 'order');
    assertKeys(doc.order, ORDER_KEYS, 'order.order');
    return doc;
  }

  async function journalOrders(...filter: string[]): Promise<Doc[]> {
    const doc = expectJson(await run('orders', '--limit', '9999', ...filter, '--json'), 0);
    assertKeys(doc, ['ok', 'orders'], 'orders');
    assert.equal(doc.ok, true);
    const orders = doc.orders as Doc[];
    for (const order of orders) assertKeys(order, ORDER_KEYS, 'orders[]');
    return orders;
  }

  const tail = (id: string, digits = 4) => id.slice(-digits);

  before(async () => {
    ensureBuilt();
    dataDir = tempDir();
    sandbox = await startSandboxProcess(dataDir);
    await Promise.all([
      run('config', 'set', 'gateway.baseUrl', sandbox.url, '--json').then((r) => expectJson(r, 0)),
      storedPrivateKeys(dataDir).then((keys) => (privateKeys = keys)),
    ]);
    // Resolution polls the gateway at this interval: short keeps `till resolve` quick.
    expectJson(await run('config', 'set', 'payment.pollIntervalMs', '500', '--json'), 0);
  });

  after(async () => {
    await sandbox?.stop();
    removeTempDirs();
  });

  describe('till against its sandbox, from a fresh data directory', () => {
    test('sandbox generated the merchant key and the gateway key, in the keychain', () => {
      assert.equal(privateKeys.length, 2);
    });

    test('precreate --amount 2.39 --title Coffee --no-wait --json: exit 0, journaled, a QR, the documented keys', async () => {
      const doc = await precreate('2.39');
      assertKeys(doc, PRECREATE_KEYS, 'precreate');
      assert.equal(doc.ok, true);
      const id = doc.merchantTransId as string;
      assert.match(id, TRANS_ID);
      assert.ok(id.endsWith('000001'), `the first order of the day is sequence 1: ${id}`);
      assert.deepEqual(doc.amount, { currency: 'USD', value: '239' });
      assert.equal(doc.sandbox, true);
      assert.ok((doc.orderQrCode as string).startsWith(`${sandbox.url}/qr/`), String(doc.orderQrCode));
      assert.equal(typeof doc.acquirementId, 'string');
      const attempts = doc.attempts as Doc[];
      assert.equal(attempts.length, 1);
      assertKeys(attempts[0], ATTEMPT_KEYS, 'attempt');
      assert.equal(attempts[0]!.api, 'preCreate');
      assert.equal(attempts[0]!.status, 'S');
      assert.equal(attempts[0]!.resultCode, 'SUCCESS');
      assert.equal(attempts[0]!.action, 'proceed');
      assert.equal(attempts[0]!.unknownReason, null);
      assert.equal(attempts[0]!.httpStatus, 200);
      const order = await sandboxOrder(sandbox.url, id);
      assert.ok(order);
      assert.equal(order.amount, '239');
      assert.equal(order.currency, 'USD');
      assert.equal(order.status, 'INIT');

      // Journaled: the order is in the till's own record, with its business day in its id.
      const journaled = (await orderDoc(id)).order as Doc;
      day = journaled.businessDay as string;
      assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(id.slice(9, 17), day.replaceAll('-', ''));
      assert.deepEqual(
        { ...journaled, createdAt: null, updatedAt: null },
        {
          merchantTransId: id,
          businessDay: day,
          state: 'AWAITING_PAYMENT',
          amount: { currency: 'USD', value: '239' },
          refunded: { currency: 'USD', value: '0' },
          title: 'Coffee',
          qrCode: doc.orderQrCode,
          acquirementId: doc.acquirementId,
          resultCode: 'SUCCESS',
          resultMessage: journaled.resultMessage,
          paidAt: null,
          alarm: null,
          createdAt: null,
          updatedAt: null,
        },
      );
    });

    test('precreate --no-wait without --json: the journaled line, where to scan, the sandbox mark', async () => {
      const r = await run('precreate', '--amount', '0.50', '--title', 'Tea', '--no-wait');
      assert.equal(r.status, 0, describeRun(r));
      const m = /^(T[0-9A-F]{8}\d{14}): journaled, sending USD 0\.50…\nUSD 0\.50 — scan to pay: http:\/\/127\.0\.0\.1:\d+\/qr\/\S+ {2}\(SANDBOX\)\n$/.exec(r.stdout);
      assert.ok(m, r.stdout);
      assert.equal(r.stderr, '');
      ledger.set(m[1]!, { amountMinor: 50, state: 'AWAITING_PAYMENT' });
    });

    test('cancel an awaiting order by its id (--json) and by its last digits; cancelling again or refunding it is refused', async () => {
      const [first, second] = [...ledger.keys()] as [string, string];
      const cancel = expectJson(await run('cancel', first, '--json'), 0);
      assertKeys(cancel, CANCEL_KEYS, 'cancel');
      assert.equal(cancel.ok, true);
      assert.equal(cancel.cancelled, true);
      assert.equal(cancel.merchantTransId, first);
      assertKeys(cancel.order, ORDER_KEYS, 'cancel order');
      assert.equal((cancel.order as Doc).state, 'CANCELLED');
      assert.equal((cancel.order as Doc).merchantTransId, first);
      assert.equal((await sandboxOrder(sandbox.url, first))?.status, 'CANCELLED');
      ledger.get(first)!.state = 'CANCELLED';

      const human = await run('cancel', tail(second));
      assert.equal(human.status, 0, describeRun(human));
      assert.match(human.stdout, new RegExp(`^${second} {2}CANCELLED {8}\\s+USD 0\\.50 {2}Tea\\n$`));
      assert.equal((await sandboxOrder(sandbox.url, second))?.status, 'CANCELLED');
      ledger.get(second)!.state = 'CANCELLED';

      const query = expectJson(await run('query', first, '--json'), 0);
      assert.equal(query.paymentStatus, 'CANCELLED');

      const [again, refund] = await Promise.all([run('cancel', first, '--json'), run('refund', first, '--amount', '1.00', '--json')]);
      assert.match(assertErrorDoc(expectJson(again, 1), 'ORDER_FINAL', 'order').message, /already CANCELLED/);
      assertErrorDoc(expectJson(refund, 1), 'ORDER_NOT_REFUNDABLE', 'order');
      assert.deepEqual((await orderDoc(first)).refunds, []);
    });

    test('pay through the QR URL → query SUCCESS → till resolve → PAID in `orders` and in `order <last 4 digits>`', async () => {
      const created = await precreate('2.39');
      const id = created.merchantTransId as string;

      const unpaid = expectJson(await run('query', id, '--json'), 0);
      assertKeys(unpaid, QUERY_KEYS, 'query');
      assert.equal(unpaid.paymentStatus, 'INIT');

      await payQr(created.orderQrCode as string);

      const query = expectJson(await run('query', id, '--json'), 0);
      assertKeys(query, QUERY_KEYS, 'query');
      assert.equal(query.ok, true);
      assert.equal(query.merchantTransId, id);
      assert.equal(query.paymentStatus, 'SUCCESS');
      assert.equal(query.acquirementId, created.acquirementId);
      assert.equal(typeof query.paymentTime, 'string');
      assert.deepEqual(query.payAmount, { currency: 'USD', value: '239' });
      assertKeys(query.attempt, ATTEMPT_KEYS, 'query attempt');

      // query asks the gateway only; the journal learns of the payment when the engine runs.
      const human = await run('query', tail(id));
      assert.equal(human.status, 0, describeRun(human));
      assert.match(human.stdout, new RegExp(`^${id}: SUCCESS USD 2\\.39 at `));
      assert.deepEqual((await journalOrders('--state', 'AWAITING_PAYMENT')).map((o) => o.merchantTransId), [id]);

      const resolve = expectJson(await run('resolve', '--json'), 0);
      assertKeys(resolve, RESOLVE_KEYS, 'resolve');
      assert.deepEqual(resolve, { ok: true, resolved: [{ merchantTransId: id, state: 'PAID' }], unresolved: 0, pendingRefunds: 0, connectivity: 'online' });
      ledger.get(id)!.state = 'PAID';

      const listed = (await journalOrders()).find((o) => o.merchantTransId === id);
      assert.equal(listed?.state, 'PAID');
      assert.equal(listed.acquirementId, created.acquirementId);
      assert.equal(listed.paidAt, query.paymentTime);

      const doc = await orderDoc(tail(id));
      assert.equal(doc.ok, true);
      assert.deepEqual(doc.order, listed);
      const events = doc.events as Doc[];
      for (const event of events) assertKeys(event, EVENT_KEYS, 'event');
      assert.deepEqual(
        events.map((e) => [e.actor, e.kind, e.from, e.to]),
        [
          ['cli', 'created', null, 'NEW'],
          ['engine', 'sending', 'NEW', 'SENDING'],
          ['engine', 'qr_ready', 'SENDING', 'AWAITING_PAYMENT'],
          ['engine', 'paid', 'AWAITING_PAYMENT', 'PAID'],
        ],
      );
      const times = events.map((e) => Date.parse(e.at as string));
      assert.deepEqual([...times].sort((a, b) => a - b), times);
      const attempts = doc.attempts as Doc[];
      for (const attempt of attempts) assertKeys(attempt, ATTEMPT_KEYS, 'order attempt');
      assert.deepEqual(attempts[0], (created.attempts as Doc[])[0]);
      assert.deepEqual(attempts.at(-1) && [attempts.at(-1)!.api, attempts.at(-1)!.status], ['payQuery', 'S']);
      assert.deepEqual(doc.refunds, []);

      const shown = await run('order', tail(id));
      assert.equal(shown.status, 0, describeRun(shown));
      assert.match(shown.stdout, new RegExp(`^${id} {2}PAID {12}\\s+USD 2\\.39 {2}Coffee\\nQR: ${created.orderQrCode as string}\\nAlipay transaction: ${created.acquirementId as string}\\nHistory:\\n`));
      assert.match(shown.stdout, /^ {2}\S+ {2}engine {5}paid AWAITING_PAYMENT → PAID {2}\(SUCCESS\)$/m);
    });

    test('refund part twice (the same command twice is one refund), then more than is left: REFUND_TOO_LARGE and nothing sent; the rest → REFUNDED', async () => {
      const id = [...ledger].find(([, o]) => o.state === 'PAID')![0];

      const refund = expectJson(await run('refund', id, '--amount', '1.00', '--reason', 'spilt', '--json'), 0);
      assertKeys(refund, REFUND_KEYS, 'refund');
      assert.equal(refund.ok, true);
      assert.equal(refund.merchantTransId, id);
      const r1 = refundIdFor(id, 'amount-100');
      const r2 = refundIdFor(id, 'amount-50');
      assert.equal(refund.merchantRefundId, r1);
      assert.equal(refund.repeated, false);
      assert.equal(refund.state, 'SUCCEEDED');
      assert.deepEqual(refund.refundAmount, { currency: 'USD', value: '100' });
      assert.equal(typeof refund.refundId, 'string');
      assert.equal(refund.resultCode, 'SUCCESS');
      assert.equal((await sandboxOrder(sandbox.url, id))?.refunded, '100');
      refundedMinor.push(100);

      // The same command again (a retry after a timeout or a crash): that refund, not a second one.
      const retried = expectJson(await run('refund', id, '--amount', '1.00', '--reason', 'spilt', '--json'), 0);
      assert.equal(retried.merchantRefundId, r1);
      assert.equal(retried.repeated, true);
      assert.equal((await sandboxOrder(sandbox.url, id))?.refunded, '100', 'refunded once');

      // By its last digits, without --json: a second, separate refund with its own id.
      const second = await run('refund', tail(id), '--amount', '0.50');
      assert.equal(second.status, 0, describeRun(second));
      assert.equal(second.stdout, `${r2}: refunded USD 0.50\n`);
      assert.equal((await sandboxOrder(sandbox.url, id))?.refunded, '150');
      refundedMinor.push(50);

      const [tooLarge, tooLargeHuman] = await Promise.all([run('refund', id, '--amount', '1.00', '--key', 'more', '--json'), run('refund', id, '--amount', '0.90')]);
      const error = assertErrorDoc(expectJson(tooLarge, 1), 'REFUND_TOO_LARGE', 'amount');
      assert.match(error.message, /USD 1\.00 is more than the USD 0\.89 left/);
      assert.equal(tooLargeHuman.status, 1, describeRun(tooLargeHuman));
      assert.match(tooLargeHuman.stderr, /USD 0\.89 left.*\[REFUND_TOO_LARGE\]\n$/);
      const atGateway = await sandboxOrder(sandbox.url, id);
      assert.equal(atGateway?.refunded, '150', 'a refused refund is never sent');
      assert.equal((atGateway.refunds as unknown[]).length, 2);

      const doc = await orderDoc(id);
      assert.equal((doc.order as Doc).state, 'PAID');
      assert.deepEqual((doc.order as Doc).refunded, { currency: 'USD', value: '150' });
      const refunds = doc.refunds as Doc[];
      for (const r of refunds) assertKeys(r, ORDER_REFUND_KEYS, 'order refund');
      assert.deepEqual(
        refunds.map((r) => [r.merchantRefundId, r.state, r.amount, r.reason]),
        [
          [r1, 'SUCCEEDED', { currency: 'USD', value: '100' }, 'spilt'],
          [r2, 'SUCCEEDED', { currency: 'USD', value: '50' }, null],
        ],
      );
      assert.equal(refunds[0]!.refundId, refund.refundId);
      assert.equal((doc.attempts as Doc[]).filter((a) => a.api === 'refund').length, 2);
      const shown = await run('order', id);
      assert.match(shown.stdout, new RegExp(`\\nrefund ${r1}: SUCCEEDED USD 1\\.00\\nrefund ${r2}: SUCCEEDED USD 0\\.50\\nHistory:\\n`));
      assert.match(shown.stdout, new RegExp(`^${id} {2}PAID {12}\\s+USD 2\\.39 \\(refunded 1\\.50\\) {2}Coffee\\n`));

      const rest = expectJson(await run('refund', id, '--amount', '0.89', '--json'), 0);
      assert.equal(rest.merchantRefundId, refundIdFor(id, 'amount-89'));
      assert.equal(rest.state, 'SUCCEEDED');
      refundedMinor.push(89);
      ledger.get(id)!.state = 'REFUNDED';
      const after = (await orderDoc(id)).order as Doc;
      assert.equal(after.state, 'REFUNDED');
      assert.deepEqual(after.refunded, { currency: 'USD', value: '239' });
      assert.equal((await sandboxOrder(sandbox.url, id))?.refunded, '239');
      assert.match(assertErrorDoc(expectJson(await run('refund', id, '--amount', '0.01', '--json'), 1), 'ORDER_NOT_REFUNDABLE', 'order').message, /refunded in full/);
    });

    test('a preCreate the gateway declines (RISK_REJECT) is FAILED: exit 4, nothing to resolve', async () => {
      await setSandboxFaults(sandbox.url, 'force.preCreate=RISK_REJECT');
      try {
        // One after the other: each till process carries on every unresolved order it finds.
        const json = await run('precreate', '--amount', '1.00', '--title', 'Cake', '--json');
        const human = await run('precreate', '--amount', '1.00', '--title', 'Cake');
        const doc = expectJson(json, 4);
        assertKeys(doc, PRECREATE_KEYS, 'precreate');
        assert.equal(doc.ok, false);
        assert.equal(doc.status, 'F');
        assert.equal(doc.state, 'FAILED');
        assert.equal(doc.orderQrCode, null);
        assert.equal(doc.acquirementId, null);
        const attempts = doc.attempts as Doc[];
        assert.equal(attempts.length, 1);
        assert.deepEqual([attempts[0]!.api, attempts[0]!.status, attempts[0]!.resultCode, attempts[0]!.action], ['preCreate', 'F', 'RISK_REJECT', 'fail']);
        ledger.set(doc.merchantTransId as string, { amountMinor: 100, state: 'FAILED' });

        assert.equal(human.status, 4, describeRun(human));
        const m = /^(T[0-9A-F]{8}\d{14}): journaled, sending USD 1\.00…\n\1: declined — /.exec(human.stdout);
        assert.ok(m, human.stdout);
        assert.equal(human.stderr, '');
        ledger.set(m[1]!, { amountMinor: 100, state: 'FAILED' });
        assert.equal(((await orderDoc(m[1]!)).order as Doc).state, 'FAILED');
        assertErrorDoc(expectJson(await run('cancel', m[1]!, '--json'), 1), 'ORDER_FINAL', 'order');
      } finally {
        await setSandboxFaults(sandbox.url, '');
      }
    });

    test('query, cancel, order and refund without an id are usage errors (exit 2); --refund-id is gone', async () => {
      const runs = await Promise.all([run('query'), run('cancel'), run('order'), run('refund', '--amount', '1.00')]);
      const usages = [/usage: till query MERCHANT_TRANS_ID/, /usage: till cancel ID/, /usage: till order ID/, /usage: till refund ID --amount/];
      runs.forEach((r, i) => {
        assert.equal(r.status, 2, describeRun(r));
        assert.match(r.stderr, usages[i]!);
        assertNoStack(r);
      });
      const paid = [...ledger].find(([, o]) => o.state === 'REFUNDED')![0];
      const [noAmount, refundId] = await Promise.all([
        run('refund', paid, '--json'),
        run('refund', paid, '--amount', '1.00', '--refund-id', `${paid}-R1`),
      ]);
      assert.match(assertErrorDoc(expectJson(noAmount, 2), 'USAGE').message, /--amount is required/);
      assert.equal(refundId.status, 2, describeRun(refundId));
      assert.match(refundId.stderr, /--refund-id/);
    });

    test('an id that is nobody\'s is ORDER_NOT_FOUND; tail digits that fit two orders are ORDER_AMBIGUOUS', async () => {
      const first = [...ledger.keys()][0]!;
      const [order, cancel, refund, odd, human] = await Promise.all([
        run('order', '424242', '--json'),
        run('cancel', '424242', '--json'),
        run('refund', '424242', '--amount', '1.00', '--json'),
        run('order', 'no/such', '--json'),
        run('order', `${first}9`),
      ]);
      for (const r of [order, cancel, refund, odd]) assertErrorDoc(expectJson(r, 1), 'ORDER_NOT_FOUND', 'ID');
      assert.equal(human.status, 1, describeRun(human));
      assert.match(human.stderr, new RegExp(`^till: no order ${first}9 in this till's journal \\[ORDER_NOT_FOUND\\]\\n$`));

      // Another terminal id in the same journal: its first order ends like this till's first.
      expectJson(await run('config', 'set', 'terminal.id', 'TESTZ', '--json'), 0);
      try {
        const other = (await precreate('0.01', 'Mint')).merchantTransId as string;
        assert.equal(other, `TESTZ${day.replaceAll('-', '')}000001`);
        const [ambiguous, ambiguousHuman, longer, whole] = await Promise.all([
          run('order', '000001', '--json'),
          run('cancel', '1'),
          run('order', other.slice(-15), '--json'),
          run('order', first, '--json'),
        ]);
        const error = assertErrorDoc(expectJson(ambiguous, 1), 'ORDER_AMBIGUOUS', 'ID');
        assert.ok(error.message.includes(first) && error.message.includes(other), error.message);
        assert.equal(ambiguousHuman.status, 1, describeRun(ambiguousHuman));
        assert.match(ambiguousHuman.stderr, /give more digits \[ORDER_AMBIGUOUS\]\n$/);
        assert.equal(((expectJson(longer, 0).order as Doc).merchantTransId), other);
        assert.equal(((expectJson(whole, 0).order as Doc).merchantTransId), first);
        const cancel = expectJson(await run('cancel', other, '--json'), 0);
        assert.equal(cancel.cancelled, true);
        ledger.get(other)!.state = 'CANCELLED';
      } finally {
        expectJson(await run('config', 'unset', 'terminal.id', '--json'), 0);
      }
    });

    test('doctor --json: ok, with the keychain, merchant key, gateway and clock checks', async () => {
      const doc = expectJson(await run('doctor', '--json'), 0);
      assertKeys(doc, ['ok', 'sandbox', 'checks'], 'doctor');
      assert.equal(doc.ok, true);
      assert.equal(doc.sandbox, true);
      const checks = doc.checks as Doc[];
      for (const check of checks) {
        assertKeys(check, ['name', 'verdict', 'detail'], 'doctor check');
        assert.ok(['ok', 'warn', 'fail'].includes(check.verdict as string));
      }
      const names = checks.map((c) => c.name);
      for (const name of ['mode', 'keychain', 'merchant key', 'gateway', 'clock']) {
        const check = checks.find((c) => c.name === name);
        assert.equal(check?.verdict, 'ok', `${name}: ${JSON.stringify(checks)}`);
      }
      assert.ok(names.includes('data'));
      assert.equal(checks.find((c) => c.name === 'till app')?.detail, 'none is running on this data directory');
      assert.match(checks.find((c) => c.name === 'gateway')!.detail as string, /SANDBOX/);
    });
  });

  describe('bad input is refused before anything is sent or journaled', () => {
    let ordersBefore: number;
    let journaledBefore: number;
    before(async () => {
      ordersBefore = (await sandboxOrders(sandbox.url)).length;
      journaledBefore = (await journalOrders()).length;
    });

    const BAD_AMOUNTS: [string[], string][] = [
      [['--amount', '0'], 'zero'],
      [['--amount=-1'], 'negative'],
      [['--amount', '2.391'], 'too many decimals'],
      [['--amount', '1e3'], 'exponent'],
      [['--amount', '12345678901234567'], '17 digits'],
      [['--amount', 'abc'], 'not a number'],
      [['--amount', ''], 'empty'],
    ];

    for (const [amountArgs, what] of BAD_AMOUNTS) {
      test(`amount ${amountArgs.join(' ')} (${what}): exit 1 AMOUNT_INVALID or 2 usage, no stack`, async () => {
        const [human, json] = await Promise.all([
          run('precreate', ...amountArgs, '--title', 'Coffee'),
          run('precreate', ...amountArgs, '--title', 'Coffee', '--json'),
        ]);
        assertNoStack(human);
        assert.ok(human.status === 1 || human.status === 2, describeRun(human));
        assert.equal(human.stdout, '');
        assert.match(human.stderr, human.status === 1 ? /^till: .*amount.* \[AMOUNT_INVALID\]\n$/ : /usage: till precreate/);
        const doc = expectJson(json, human.status!);
        if (json.status === 1) assertErrorDoc(doc, 'AMOUNT_INVALID', 'amount');
        else assertErrorDoc(doc, 'USAGE', null);
      });
    }

    test('--amount -1 (as a separate word) is a usage error that says how to pass it', async () => {
      const r = await run('precreate', '--amount', '-1', '--title', 'Coffee');
      assert.equal(r.status, 2, describeRun(r));
      assert.match(r.stderr, /--amount=-XYZ/);
      assertNoStack(r);
    });

    test('an unknown currency is CURRENCY_UNKNOWN (lower case: CURRENCY_INVALID), a missing title is usage', async () => {
      const [currency, lower, noTitle] = await Promise.all([
        run('precreate', '--amount', '1.00', '--currency', 'XYZ', '--title', 'Coffee', '--json'),
        run('precreate', '--amount', '1.00', '--currency', 'usd', '--title', 'Coffee', '--json'),
        run('precreate', '--amount', '1.00', '--json'),
      ]);
      assertErrorDoc(expectJson(currency, 1), 'CURRENCY_UNKNOWN', 'currency');
      assert.match(jsonOfError(currency), /XYZ/);
      assertErrorDoc(expectJson(lower, 1), 'CURRENCY_INVALID', 'currency');
      assert.match(assertErrorDoc(expectJson(noTitle, 2), 'USAGE').message, /--title is required/);
    });

    test('a title that is not UTF-8 (0xff) is FIELD_INVALID, given as a Buffer or as raw bytes', async () => {
      const [buffer, raw] = await Promise.all([
        run('precreate', '--amount', '1.00', '--json', '--title', Buffer.from([0x43, 0x61, 0x66, 0xff, 0x65])),
        tillWithRawArg(['precreate', '--amount', '1.00', '--json', '--title'], 'Caf\\377e', { dataDir }),
      ]);
      for (const r of [buffer, raw]) assertErrorDoc(expectJson(r, 1), 'FIELD_INVALID', 'title');
    });

    test('unknown flags and extra words are usage errors', async () => {
      const [flag, extra] = await Promise.all([
        run('precreate', '--amount', '1.00', '--title', 'Coffee', '--tip', '5'),
        run('precreate', 'now', '--amount', '1.00', '--title', 'Coffee', '--json'),
      ]);
      assert.equal(flag.status, 2, describeRun(flag));
      assert.match(flag.stderr, /--tip/);
      assertErrorDoc(expectJson(extra, 2), 'USAGE');
    });

    test('bad --date, --state, --limit, --wait are usage errors (exit 2)', async () => {
      const cases: [string[], RegExp][] = [
        [['orders', '--date', '2026-02-30'], /--date must be a date/],
        [['orders', '--state', 'PAYED'], /--state must be one of NEW, SENDING, AWAITING_PAYMENT/],
        [['orders', '--limit', '0'], /--limit must be 1\.\.9999/],
        [['resolve', '--wait', 'soon'], /--wait must be whole seconds/],
        [['reconcile', '--date', '25.11.2026'], /--date must be a date/],
        [['close-day', '--date', 'today'], /--date must be a date/],
        [['order', '1', '2'], /usage: till order ID/],
      ];
      const runs = await Promise.all(cases.map(([args]) => run(...args, '--json')));
      runs.forEach((r, i) => assert.match(assertErrorDoc(expectJson(r, 2), 'USAGE', null).message, cases[i]![1]));
    });

    test('none of the refused commands reached the gateway or the journal', async () => {
      assert.equal((await sandboxOrders(sandbox.url)).length, ordersBefore);
      assert.equal((await journalOrders()).length, journaledBefore);
    });
  });

  describe('long titles', () => {
    test('a 300-byte CJK title is accepted and cut to the gateway limit on a character boundary', async () => {
      const title = '咖啡'.repeat(50);
      assert.equal(Buffer.byteLength(title), 300);
      const doc = await precreate('1.00', title);
      const page = await httpRequest(doc.orderQrCode as string);
      assert.equal(page.status, 200);
      const shown = /<p id="title">([^<]*)<\/p>/.exec(page.body)?.[1];
      assert.ok(shown, page.body);
      assert.ok(Buffer.byteLength(shown) <= 256, `${Buffer.byteLength(shown)} bytes`);
      assert.ok(Buffer.byteLength(shown) > 250, `cut too short: ${Buffer.byteLength(shown)} bytes`);
      assert.ok(title.startsWith(shown), shown);
      // The journal keeps the title as it was sent.
      const id = doc.merchantTransId as string;
      assert.equal(((await orderDoc(id)).order as Doc).title, shown);
      assert.equal(expectJson(await run('cancel', id, '--json'), 0).cancelled, true);
      ledger.get(id)!.state = 'CANCELLED';
    });
  });

  describe('the gateway goes away, and comes back', () => {
    let port: number;
    let offlineJson: string;
    let offlineHuman: string;

    test('the sandbox stops on SIGTERM with exit 0', async () => {
      port = Number(new URL(sandbox.url).port);
      assert.equal(await sandbox.stop(), 0);
      assert.doesNotMatch(sandbox.stderr(), /WARNING/, 'on loopback: no warning');
    });

    test('a sandbox listening beyond this machine says so, loudly, on stderr', async () => {
      const open = await startSandboxProcess(dataDir, ['--host', '0.0.0.0']);
      try {
        const deadline = Date.now() + 10_000;
        while (!/WARNING: the sandbox listens on 0\.0\.0\.0/.test(open.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.match(open.stderr(), /WARNING: the sandbox listens on 0\.0\.0\.0, not only on this machine/);
      } finally {
        assert.equal(await open.stop(), 0);
      }
    });

    test('precreate exits 3 (outcome unknown) at once, says the gateway cannot be reached, and journals the order', async () => {
      // One after the other: the second process also carries on the first one's order.
      const started = Date.now();
      const json = await run('precreate', '--amount', '2.39', '--title', 'Coffee', '--json');
      const elapsed = Date.now() - started;
      const human = await run('precreate', '--amount', '2.39', '--title', 'Coffee');
      const doc = expectJson(json, 3);
      assert.ok(elapsed < 5_000, `precreate took ${elapsed} ms against an unreachable gateway`);
      assertKeys(doc, PRECREATE_KEYS, 'precreate');
      assert.equal(doc.ok, false);
      assert.equal(doc.status, 'U');
      assert.equal(doc.state, 'SENDING');
      assert.equal(doc.orderQrCode, null);
      assert.equal(doc.acquirementId, null);
      const attempts = doc.attempts as Doc[];
      // At most one try: none at all when an older unresolved order (carried on by this
      // process) already found the gateway offline — new orders then wait their turn.
      assert.ok(attempts.length <= 1, `an unreachable gateway is not re-sent to while the cashier waits (${attempts.length} attempts)`);
      for (const attempt of attempts) {
        assertKeys(attempt, ATTEMPT_KEYS, 'attempt');
        assert.equal(attempt.status, 'U');
        assert.equal(attempt.unknownReason, 'unreachable');
        assert.equal(attempt.action, 'retry');
        assert.equal(attempt.httpStatus, null);
        assert.match(attempt.resultMessage as string, /cannot be reached/);
      }
      offlineJson = doc.merchantTransId as string;
      ledger.set(offlineJson, { amountMinor: 239, state: 'SENDING' });

      assert.equal(human.status, 3, describeRun(human));
      const m = /^(T[0-9A-F]{8}\d{14}): journaled, sending USD 2\.39…\n\1: the gateway cannot be reached; the order is journaled and will be resolved \(`till resolve`\)\. Nothing was charged\.\n$/.exec(
        human.stdout,
      );
      assert.ok(m, human.stdout);
      assertNoStack(human);
      offlineHuman = m[1]!;
      ledger.set(offlineHuman, { amountMinor: 239, state: 'SENDING' });
    });

    test('`orders --state SENDING` lists them (the second may not have been sent yet: NEW)', async () => {
      const sending = (await journalOrders('--state', 'SENDING')).map((o) => o.merchantTransId);
      assert.ok(sending.includes(offlineJson), JSON.stringify(sending));
      const human = (await journalOrders()).find((o) => o.merchantTransId === offlineHuman);
      assert.ok(human?.state === 'SENDING' || human?.state === 'NEW', JSON.stringify(human));
      const listed = await run('orders', '--state', 'sending');
      assert.equal(listed.status, 0, describeRun(listed));
      assert.match(listed.stdout, new RegExp(`^${offlineJson} {2}SENDING {10}\\s+USD 2\\.39 {2}Coffee$`, 'm'));
    });

    test('doctor exits 1 and its gateway check says unreachable', async () => {
      const doc = expectJson(await run('doctor', '--json'), 1);
      assertKeys(doc, ['ok', 'sandbox', 'checks'], 'doctor');
      assert.equal(doc.ok, false);
      const gateway = (doc.checks as Doc[]).find((c) => c.name === 'gateway');
      assert.equal(gateway?.verdict, 'fail');
      assert.match(gateway?.detail as string, /cannot be reached.*is `till sandbox` running\?/);
      const human = await run('doctor');
      assert.equal(human.status, 1);
      assert.match(human.stdout, /^FAIL {2}gateway {6}.*cannot be reached/m);
    });

    test('close-day is refused (DAY_UNRESOLVED) while they are unresolved; reconcile lists them', async () => {
      const [json, human, reconcile] = await Promise.all([
        run('close-day', '--date', day, '--json'),
        run('close-day', '--date', day),
        run('reconcile', '--date', day, '--json'),
      ]);
      const error = assertErrorDoc(expectJson(json, 1), 'DAY_UNRESOLVED', 'date');
      assert.ok(error.message.includes(offlineJson) && error.message.includes(offlineHuman), error.message);
      assert.match(error.message, /2 orders are unresolved/);
      assert.equal(human.status, 1, describeRun(human));
      assert.match(human.stderr, /^till: cannot close \d{4}-\d{2}-\d{2}: 2 orders are unresolved .*resolve them first \[DAY_UNRESOLVED\]\n$/);
      const report = expectJson(reconcile, 0).report as Doc;
      assert.equal(report.closed, false);
      const exceptions = report.exceptions as Doc[];
      assert.deepEqual(exceptions.map((e) => [e.kind, e.merchantTransId]).sort(), [
        ['UNRESOLVED', offlineHuman],
        ['UNRESOLVED', offlineJson],
      ].sort());
      const usd = (report.currencies as Doc[]).find((c) => c.currency === 'USD');
      assert.deepEqual(usd?.unresolved, { count: 2, amountMinor: 478 });
    });

    test('the sandbox comes back on the same port: `till resolve --wait 30` re-sends, the customer pays, exit 0', async () => {
      sandbox = await startSandboxProcess(dataDir, [], { port });
      assert.equal(Number(new URL(sandbox.url).port), port);
      const started = Date.now();
      const resolving = spawnTill(['resolve', '--wait', '30', '--json'], { dataDir, timeoutMs: 45_000 });
      // The new sandbox knows nothing of them: the re-sent preCreates create them now.
      for (const id of [offlineJson, offlineHuman]) {
        const order = await awaitSandboxOrder(sandbox.url, (o) => o.merchantTransId === id && typeof o.orderQrCode === 'string', 20_000);
        assert.equal(order.amount, '239');
        await payQr(order.orderQrCode as string);
      }
      const doc = expectJson(await resolving.done, 0);
      assert.ok(Date.now() - started < 30_000);
      assertKeys(doc, RESOLVE_KEYS, 'resolve');
      assert.equal(doc.ok, true);
      assert.deepEqual(
        (doc.resolved as Doc[]).sort((a, b) => String(a.merchantTransId).localeCompare(String(b.merchantTransId))),
        [offlineJson, offlineHuman].sort().map((id) => ({ merchantTransId: id, state: 'PAID' })),
      );
      assert.equal(doc.unresolved, 0);
      assert.equal(doc.pendingRefunds, 0);
      assert.equal(doc.connectivity, 'online');
      for (const id of [offlineJson, offlineHuman]) ledger.get(id)!.state = 'PAID';
      // Each till process that found it unresolved while the gateway was away tried once more.
      const events = ((await orderDoc(offlineJson)).events as Doc[]).map((e) => e.kind).join(' ');
      assert.match(events, /^created sending (outcome_unknown ){1,2}qr_ready paid$/);
      assert.deepEqual(await journalOrders('--state', 'SENDING'), []);
    });

    test('close-day now takes the Z report; a second close-day is DAY_CLOSED', async () => {
      const doc = expectJson(await run('close-day', '--date', day, '--json'), 0);
      assertKeys(doc, ['ok', 'report', 'backup'], 'close-day');
      assert.equal(doc.ok, true);
      // The day's journal copy (issue 15 §4), in backups/ of the data directory, checked whole.
      assert.equal(doc.backup, path.join(dataDir, 'backups', `till-${day}.sqlite`));
      assert.ok(fs.existsSync(doc.backup as string));
      const report = doc.report as Doc;
      assertKeys(report, [...REPORT_KEYS, 'closedBy', 'trust'], 'Z report');
      // What proved the day's payments (issue 11 §2): fingerprints and the gateway, no key material.
      assertKeys(report.trust as Doc, ['gatewayBaseUrl', 'gatewayKey', 'merchantKey', 'mode'], 'Z report trust');
      assert.doesNotMatch(JSON.stringify(report.trust), /BEGIN|PRIVATE/);
      assert.equal(report.closed, true);
      assert.equal(report.closedBy, 'cli');
      assert.equal(typeof report.closedAt, 'number');
      assertMatchesLedger(report);

      const [again, human] = await Promise.all([run('close-day', '--date', day, '--json'), run('close-day', '--date', day)]);
      assert.match(assertErrorDoc(expectJson(again, 1), 'DAY_CLOSED', 'date').message, /already closed/);
      assert.equal(human.status, 1, describeRun(human));
      assert.match(human.stderr, /\[DAY_CLOSED\]\n$/);
    });

    test('reconcile --json --csv FILE: the sums are what this file did; the CSV has the header and one line per order', async () => {
      const csvFile = path.join(tempDir('till-csv-'), 'day.csv');
      const doc = expectJson(await run('reconcile', '--date', day, '--csv', csvFile, '--json'), 0);
      assertKeys(doc, ['ok', 'report', 'csv'], 'reconcile');
      assert.equal(doc.ok, true);
      assert.equal(doc.csv, csvFile);
      const report = doc.report as Doc;
      assertKeys(report, REPORT_KEYS, 'report');
      assert.equal(report.closed, true);
      assertMatchesLedger(report);

      const lines = fs.readFileSync(csvFile, 'utf8').split('\r\n');
      assert.equal(lines.pop(), '', 'CRLF after every line');
      assert.equal(lines.shift(), CSV_HEADER);
      assert.equal(lines.length, ledger.size);
      const orders = (await journalOrders('--date', day)).reverse();
      assert.deepEqual(
        lines.map((line) => line.split(',').slice(0, 8)),
        orders.map((o) => {
          const { value } = o.amount as { value: string };
          return [day, o.merchantTransId, o.createdAt, o.state, 'USD', value, major(value), (o.refunded as { value: string }).value];
        }),
      );
      for (const line of lines) {
        const [, id, , state, , amountMinor] = line.split(',');
        assert.deepEqual({ state, amountMinor: Number(amountMinor) }, ledger.get(id!), line);
      }

      const human = await run('reconcile', '--date', day, '--csv', csvFile);
      assert.equal(human.status, 0, describeRun(human));
      assert.match(human.stdout, new RegExp(`^Business day ${day} \\(closed\\): ${ledger.size} orders\\n {2}USD: paid 3 = USD 7\\.17, refunded 3 = USD 2\\.39, net USD 4\\.78\\n`));
      assert.match(human.stdout, new RegExp(`CSV written to ${csvFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));

      const empty = expectJson(await run('reconcile', '--date', '2020-01-01', '--json'), 0).report as Doc;
      assert.deepEqual(empty, { day: '2020-01-01', closed: false, closedAt: null, orderCount: 0, currencies: [], exceptions: [] });
    });

    test("no output of this file's processes holds private key material", () => {
      assertTranscriptFreeOf(privateKeys);
    });
  });

  /** The report's USD totals against the ledger this file kept. */
  function assertMatchesLedger(report: Doc): void {
    assert.equal(report.day, day);
    assert.equal(report.orderCount, ledger.size);
    assert.deepEqual(report.exceptions, []);
    const sum = (states: string[]) => {
      const orders = [...ledger.values()].filter((o) => states.includes(o.state));
      return { count: orders.length, amountMinor: orders.reduce((n, o) => n + o.amountMinor, 0) };
    };
    const paid = sum(['PAID', 'REFUNDED']);
    const refunded = { count: refundedMinor.length, amountMinor: refundedMinor.reduce((n, v) => n + v, 0) };
    const usd = (report.currencies as Doc[])[0];
    assert.equal((report.currencies as Doc[]).length, 1);
    assertKeys(usd, CURRENCY_KEYS, 'currency totals');
    assert.deepEqual(usd, {
      currency: 'USD',
      paid,
      refunded,
      netMinor: paid.amountMinor - refunded.amountMinor,
      cancelled: sum(['CANCELLED']),
      failed: sum(['FAILED']),
      unresolved: { count: 0, amountMinor: 0 },
    });
    // What this file did, in figures: 3 paid (one refunded in full), 4 cancelled, 2 declined.
    assert.deepEqual([paid.count, paid.amountMinor, refunded.amountMinor, sum(['CANCELLED']).count, sum(['FAILED']).count], [3, 717, 239, 4, 2]);
  }
}

/** '239' → '2.39' (USD), as text: no amount goes through floating point. */
function major(minor: string): string {
  const digits = minor.padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function jsonOfError(run: { stdout: string }): string {
  return (JSON.parse(run.stdout) as { error: { message: string } }).error.message;
}
