// The `till` command as a user runs it, payments side: a fresh data directory, `till sandbox`
// in one process and precreate/query/refund/cancel/doctor in others, paying through the QR
// URL, bad input refused before anything is sent, and the gateway going away. Real
// processes, real SQLite, the real keychain (the file re-runs itself inside
// keyring-session.sh) and the sandbox on a free loopback port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ATTEMPT_KEYS,
  assertErrorDoc,
  assertKeys,
  assertNoStack,
  assertTranscriptFreeOf,
  describeRun,
  ensureBuilt,
  expectJson,
  httpRequest,
  insideKeyringSession,
  removeTempDirs,
  sandboxOrders,
  startSandboxProcess,
  storedPrivateKeys,
  tempDir,
  till,
  tillWithRawArg,
  type SandboxProcess,
} from '../support/cli-runner';

const PRECREATE_KEYS = ['ok', 'merchantTransId', 'amount', 'status', 'orderQrCode', 'acquirementId', 'sandbox', 'attempts'];
const QUERY_KEYS = ['ok', 'merchantTransId', 'paymentStatus', 'acquirementId', 'paymentTime', 'payAmount', 'attempt'];
const CANCEL_KEYS = ['ok', 'merchantTransId', 'cancelled', 'attempt'];
const REFUND_KEYS = ['ok', 'merchantTransId', 'merchantRefundId', 'refundAmount', 'refundId', 'attempt'];

if (insideKeyringSession(__filename, 'till CLI payment tests')) {
  let dataDir: string;
  let sandbox: SandboxProcess;
  let privateKeys: string[] = [];

  const run = (...args: (string | Buffer)[]) => till(args, { dataDir });

  async function precreate(amount: string, title = 'Coffee'): Promise<Record<string, unknown>> {
    const doc = expectJson(await run('precreate', '--amount', amount, '--title', title, '--json'), 0);
    assert.equal(doc.status, 'S');
    return doc;
  }

  before(async () => {
    ensureBuilt();
    dataDir = tempDir();
    sandbox = await startSandboxProcess(dataDir);
    expectJson(await run('config', 'set', 'gateway.baseUrl', sandbox.url, '--json'), 0);
    privateKeys = await storedPrivateKeys(dataDir);
  });

  after(async () => {
    await sandbox?.stop();
    removeTempDirs();
  });

  describe('till against its sandbox, from a fresh data directory', () => {
    test('sandbox generated the merchant key and the gateway key, in the keychain', () => {
      assert.equal(privateKeys.length, 2);
    });

    test('precreate --amount 2.39 --title Coffee --json: exit 0, a QR, the documented keys', async () => {
      const doc = await precreate('2.39');
      assertKeys(doc, PRECREATE_KEYS, 'precreate');
      assert.equal(doc.ok, true);
      assert.match(doc.merchantTransId as string, /^T[0-9A-F]{8}-\d{14}-\d{4}$/);
      assert.deepEqual(doc.amount, { currency: 'USD', value: '239' });
      assert.equal(doc.sandbox, true);
      assert.ok((doc.orderQrCode as string).startsWith(`${sandbox.url}/qr/`), String(doc.orderQrCode));
      assert.equal(typeof doc.acquirementId, 'string');
      const attempts = doc.attempts as Record<string, unknown>[];
      assert.equal(attempts.length, 1);
      assertKeys(attempts[0], ATTEMPT_KEYS, 'attempt');
      assert.equal(attempts[0]!.api, 'preCreate');
      assert.equal(attempts[0]!.status, 'S');
      const order = (await sandboxOrders(sandbox.url)).find((o) => o.merchantTransId === doc.merchantTransId);
      assert.ok(order);
      assert.equal(order.amount, '239');
      assert.equal(order.currency, 'USD');
    });

    test('precreate without --json says where to scan, and marks the sandbox', async () => {
      const r = await run('precreate', '--amount', '0.50', '--title', 'Tea');
      assert.equal(r.status, 0, describeRun(r));
      assert.match(r.stdout, /USD 0\.50 — scan to pay: http:\/\/127\.0\.0\.1:\d+\/qr\/\S+ {2}\(SANDBOX\)/);
      assert.equal(r.stderr, '');
    });

    test('pay through the QR URL → query SUCCESS → refund 1.00 → the same --refund-id again is the same refund', async () => {
      const created = await precreate('2.39');
      const id = created.merchantTransId as string;

      const unpaid = expectJson(await run('query', id, '--json'), 0);
      assertKeys(unpaid, QUERY_KEYS, 'query');
      assert.equal(unpaid.paymentStatus, 'INIT');

      const paid = await httpRequest(`${created.orderQrCode as string}/pay`, { method: 'POST', headers: { accept: 'application/json' } });
      assert.equal(paid.status, 200, paid.body);

      const query = expectJson(await run('query', id, '--json'), 0);
      assertKeys(query, QUERY_KEYS, 'query');
      assert.equal(query.ok, true);
      assert.equal(query.merchantTransId, id);
      assert.equal(query.paymentStatus, 'SUCCESS');
      assert.equal(query.acquirementId, created.acquirementId);
      assert.equal(typeof query.paymentTime, 'string');
      assert.deepEqual(query.payAmount, { currency: 'USD', value: '239' });
      assertKeys(query.attempt, ATTEMPT_KEYS, 'query attempt');

      const human = await run('query', id);
      assert.equal(human.status, 0, describeRun(human));
      assert.match(human.stdout, new RegExp(`^${id}: SUCCESS USD 2\\.39 at `));

      const refundId = `${id}-R1`;
      const refundArgs = ['refund', id, '--amount', '1.00', '--reason', 'x', '--refund-id', refundId, '--json'];
      const refund = expectJson(await run(...refundArgs), 0);
      assertKeys(refund, REFUND_KEYS, 'refund');
      assert.equal(refund.ok, true);
      assert.equal(refund.merchantTransId, id);
      assert.equal(refund.merchantRefundId, refundId);
      assert.deepEqual(refund.refundAmount, { currency: 'USD', value: '100' });
      assert.equal(typeof refund.refundId, 'string');
      assertKeys(refund.attempt, ATTEMPT_KEYS, 'refund attempt');

      const again = expectJson(await run(...refundArgs), 0);
      assert.equal(again.ok, true);
      assert.equal(again.refundId, refund.refundId);
      const order = (await sandboxOrders(sandbox.url)).find((o) => o.merchantTransId === id);
      assert.equal(order?.refunded, '100', 'the retry must not refund twice');

      // A refund without --refund-id gets a fresh id: a second, separate refund.
      const second = expectJson(await run('refund', id, '--amount', '0.39', '--json'), 0);
      assert.notEqual(second.merchantRefundId, refundId);
      assert.notEqual(second.refundId, refund.refundId);
      assert.equal((await sandboxOrders(sandbox.url)).find((o) => o.merchantTransId === id)?.refunded, '139');
    });

    test('cancel an unpaid order → cancelled; query then says CANCELLED; refunding it is refused', async () => {
      const id = (await precreate('3.00')).merchantTransId as string;
      const cancel = expectJson(await run('cancel', id, '--json'), 0);
      assertKeys(cancel, CANCEL_KEYS, 'cancel');
      assert.equal(cancel.ok, true);
      assert.equal(cancel.cancelled, true);
      assert.equal(cancel.merchantTransId, id);
      assertKeys(cancel.attempt, ATTEMPT_KEYS, 'cancel attempt');

      const query = expectJson(await run('query', id, '--json'), 0);
      assert.equal(query.paymentStatus, 'CANCELLED');

      const refund = expectJson(await run('refund', id, '--amount', '1.00', '--json'), 1);
      assertErrorDoc(refund, 'ORDER_NOT_REFUNDABLE', 'ID');
    });

    test('query and cancel without an id are usage errors (exit 2)', async () => {
      for (const command of ['query', 'cancel']) {
        const r = await run(command);
        assert.equal(r.status, 2, describeRun(r));
        assert.match(r.stderr, new RegExp(`usage: till ${command} MERCHANT_TRANS_ID`));
        assertNoStack(r);
      }
    });

    test('doctor --json: ok, with the keychain, merchant key, gateway and clock checks', async () => {
      const doc = expectJson(await run('doctor', '--json'), 0);
      assertKeys(doc, ['ok', 'checks'], 'doctor');
      assert.equal(doc.ok, true);
      const checks = doc.checks as Record<string, unknown>[];
      for (const check of checks) {
        assertKeys(check, ['name', 'verdict', 'detail'], 'doctor check');
        assert.ok(['ok', 'warn', 'fail'].includes(check.verdict as string));
      }
      const names = checks.map((c) => c.name);
      for (const name of ['keychain', 'merchant key', 'gateway', 'clock']) {
        const check = checks.find((c) => c.name === name);
        assert.equal(check?.verdict, 'ok', `${name}: ${JSON.stringify(checks)}`);
      }
      assert.ok(names.includes('data'));
      assert.match(checks.find((c) => c.name === 'gateway')!.detail as string, /SANDBOX/);
    });
  });

  describe('bad input is refused before anything is sent', () => {
    let ordersBefore: number;
    before(async () => {
      ordersBefore = (await sandboxOrders(sandbox.url)).length;
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

    test('none of the refused precreates reached the gateway', async () => {
      assert.equal((await sandboxOrders(sandbox.url)).length, ordersBefore);
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
    });
  });

  describe('the gateway goes away', () => {
    test('the sandbox stops on SIGTERM with exit 0', async () => {
      assert.equal(await sandbox.stop(), 0);
    });

    test('precreate exits 3 (outcome unknown) and says the gateway cannot be reached', async () => {
      const [human, json] = await Promise.all([
        run('precreate', '--amount', '2.39', '--title', 'Coffee'),
        run('precreate', '--amount', '2.39', '--title', 'Coffee', '--json'),
      ]);
      assert.equal(human.status, 3, describeRun(human));
      assert.match(human.stdout, /cannot be reached/);
      assert.match(human.stdout, /till query T[0-9A-F]{8}-/);
      assertNoStack(human);
      const doc = expectJson(json, 3);
      assertKeys(doc, PRECREATE_KEYS, 'precreate');
      assert.equal(doc.ok, false);
      assert.equal(doc.status, 'U');
      assert.equal(doc.orderQrCode, null);
      const attempts = doc.attempts as Record<string, unknown>[];
      assert.equal(attempts.length, 1, 'an unreachable gateway is not re-sent to');
      assertKeys(attempts[0], ATTEMPT_KEYS, 'attempt');
      assert.equal(attempts[0]!.unknownReason, 'unreachable');
      assert.match(attempts[0]!.resultMessage as string, /cannot be reached/);
    });

    test('doctor exits 1 and its gateway check says unreachable', async () => {
      const doc = expectJson(await run('doctor', '--json'), 1);
      assertKeys(doc, ['ok', 'checks'], 'doctor');
      assert.equal(doc.ok, false);
      const gateway = (doc.checks as Record<string, unknown>[]).find((c) => c.name === 'gateway');
      assert.equal(gateway?.verdict, 'fail');
      assert.match(gateway?.detail as string, /cannot be reached.*is `till sandbox` running\?/);
      const human = await run('doctor');
      assert.equal(human.status, 1);
      assert.match(human.stdout, /^FAIL {2}gateway {6}.*cannot be reached/m);
    });

    test("no output of this file's processes holds private key material", () => {
      assertTranscriptFreeOf(privateKeys);
    });
  });
}

function jsonOfError(run: { stdout: string }): string {
  return (JSON.parse(run.stdout) as { error: { message: string } }).error.message;
}
