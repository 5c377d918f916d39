// profile.mode through the `till` command (issue 10 §4): a fresh data directory is a
// sandbox; a sandbox refuses a real gateway's address; `config set profile.mode live` is
// said plainly, journaled with an alarm; a live profile on a loopback gateway (a local
// forwarding proxy, here the real `till sandbox`) checks answers with the imported Alipay
// key only: without one nothing is sent, with a key that is not the sandbox's its answers
// are refused as unverified, and nothing says SANDBOX. Real processes, real SQLite, the
// real keychain (re-runs itself inside keyring-session.sh).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openTillDatabase } from '../../main/config/data-dir';
import { KeyVault } from '../../main/config/key-vault';
import { Journal } from '../../main/journal/journal';
import { createKeychain } from '../../native/keychain';
import {
  assertErrorDoc,
  describeRun,
  ensureBuilt,
  expectJson,
  httpRequest,
  insideKeyringSession,
  profileIdOf,
  removeTempDirs,
  sandboxOrders,
  startSandboxProcess,
  tempDir,
  till,
  type SandboxProcess,
} from '../support/cli-runner';

type Doc = Record<string, unknown>;
type Check = { name: string; verdict: string; detail: string };

if (insideKeyringSession(__filename, 'till CLI profile mode tests')) {
  let dataDir: string;
  let sandbox: SandboxProcess;
  const run = (...args: string[]) => till(args, { dataDir });

  /** Requests that reached the gateway's four API paths. */
  async function gatewayRequests(): Promise<number> {
    const answer = await httpRequest(`${sandbox.url}/sandbox/stats`);
    return (JSON.parse(answer.body) as { requests: number }).requests;
  }

  function check(doc: Doc, name: string): Check {
    const found = (doc.checks as Check[]).find((c) => c.name === name);
    assert.ok(found, `no ${name} check in ${JSON.stringify(doc.checks)}`);
    return found;
  }

  function pemFile(name: string, pem: string): string {
    const file = path.join(tempDir('till-mode-keys-'), name);
    fs.writeFileSync(file, pem, { mode: 0o600 });
    return file;
  }

  before(async () => {
    ensureBuilt();
    dataDir = tempDir();
    // The real sandbox gateway for this data directory, playing a live gateway behind a local proxy.
    sandbox = await startSandboxProcess(dataDir);
  });
  after(async () => {
    await sandbox?.stop();
    removeTempDirs();
  });

  describe('a fresh data directory', () => {
    test('is a sandbox, stored (not a default), and says so in doctor --json', async () => {
      const fresh = tempDir();
      assert.deepEqual(expectJson(await till(['config', 'get', 'profile.mode', '--json'], { dataDir: fresh }), 0), {
        ok: true,
        key: 'profile.mode',
        value: 'sandbox',
        isDefault: false,
      });
      const doctor = expectJson(await till(['doctor', '--json'], { dataDir: fresh }), 1);
      assert.equal(doctor.sandbox, true);
      assert.match(check(doctor, 'mode').detail, /^SANDBOX/);
    });

    test('refuses a real gateway while it is a sandbox: PROFILE_MODE_MISMATCH naming gateway.baseUrl, nothing stored', async () => {
      const fresh = tempDir();
      const [human, json] = await Promise.all([
        till(['config', 'set', 'gateway.baseUrl', 'https://open-sea.alipay.com'], { dataDir: fresh }),
        till(['config', 'set', 'gateway.baseUrl', 'https://open-sea.alipay.com', '--json'], { dataDir: fresh }),
      ]);
      assert.equal(human.status, 1, describeRun(human));
      assert.match(human.stderr, /profile\.mode is sandbox.*till config set profile\.mode live.*\[PROFILE_MODE_MISMATCH\]/s);
      assertErrorDoc(expectJson(json, 1), 'PROFILE_MODE_MISMATCH', 'gateway.baseUrl');
      const got = expectJson(await till(['config', 'get', 'gateway.baseUrl', '--json'], { dataDir: fresh }), 0);
      assert.deepEqual([got.value, got.isDefault], ['http://127.0.0.1:8787', true]);
    });
  });

  describe('a live profile on a loopback gateway', () => {
    before(async () => {
      expectJson(await run('config', 'set', 'gateway.baseUrl', sandbox.url, '--json'), 0);
    });

    test('config set profile.mode live: said plainly (and that no Alipay key is imported), journaled by the cli with a PROFILE_MODE alarm', async () => {
      const set = await run('config', 'set', 'profile.mode', 'live');
      assert.equal(set.status, 0, describeRun(set));
      assert.match(set.stdout, /^profile\.mode = live\n/);
      assert.match(set.stdout, /now LIVE: real money moves \(was sandbox\)/);
      assert.match(set.stdout, /No Alipay public key is imported: nothing is sent until `till keys import-alipay-public FILE`/);

      const db = openTillDatabase(dataDir, { readonly: true });
      try {
        const events = db.prepare<[], { actor: string; detail: string }>("SELECT actor, detail FROM events WHERE kind = 'profile_mode_changed'").all();
        assert.deepEqual(events.map((e) => [e.actor, JSON.parse(e.detail)]), [['cli', { from: 'sandbox', to: 'live' }]]);
        const alarms = new Journal(db).openAlarms().filter((a) => a.kind === 'PROFILE_MODE');
        assert.deepEqual(alarms.map((a) => a.code), ['SANDBOX_TO_LIVE']);
      } finally {
        db.close();
      }
    });

    test('without the Alipay public key nothing is sent or journaled, and the error says why', async () => {
      const requests = await gatewayRequests();
      const doc = expectJson(await run('precreate', '--amount', '1.00', '--title', 'Tea', '--no-wait', '--json'), 1);
      const error = assertErrorDoc(doc, 'KEY_MISSING', 'alipayPublicKey');
      assert.match(error.message, /till keys import-alipay-public FILE/);
      assert.equal(await gatewayRequests(), requests, 'no request reached the gateway');
      assert.deepEqual(await sandboxOrders(sandbox.url), []);
      assert.deepEqual(expectJson(await run('orders', '--json'), 0).orders, []);

      const doctor = expectJson(await run('doctor', '--json'), 1);
      assert.equal(doctor.sandbox, false);
      assert.deepEqual([check(doctor, 'gateway key').verdict, check(doctor, 'gateway').verdict], ['fail', 'warn']);
      assert.match(check(doctor, 'gateway key').detail, /live profile without the Alipay public key/);
    });

    test("an imported key that is not the gateway's: its answers (signed by the sandbox's own key) are refused as unverified", async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
      expectJson(await run('keys', 'import-alipay-public', pemFile('other.pem', other), '--json'), 0);
      const doctor = expectJson(await run('doctor', '--json'), 1);
      assert.equal(doctor.sandbox, false);
      assert.equal(check(doctor, 'gateway key').verdict, 'ok');
      const gateway = check(doctor, 'gateway');
      assert.equal(gateway.verdict, 'fail', gateway.detail);
      assert.match(gateway.detail, /signature/i);
      assert.ok((await gatewayRequests()) > 0, 'the gateway was asked and answered');
    });

    test("with the gateway's key imported as Alipay's: verified answers, a QR, and sandbox: false everywhere", async () => {
      const vault = new KeyVault(createKeychain(profileIdOf(dataDir)));
      const gatewayPem = (await vault.getSandboxGatewayPublicKey()).export({ type: 'spki', format: 'pem' }) as string;
      expectJson(await run('keys', 'import-alipay-public', pemFile('gateway.pem', gatewayPem), '--json'), 0);

      const doctor = expectJson(await run('doctor', '--json'), 0);
      assert.equal(doctor.sandbox, false);
      assert.match(check(doctor, 'mode').detail, /^live/);
      // Nothing calls it a sandbox; the open PROFILE_MODE alarm (SANDBOX_TO_LIVE) names the switch itself.
      assert.doesNotMatch(JSON.stringify((doctor.checks as Array<{ name: string }>).filter((c) => c.name !== 'alarm')), /SANDBOX/);
      assert.match(JSON.stringify(doctor.checks), /PROFILE_MODE SANDBOX_TO_LIVE/);

      const doc = expectJson(await run('precreate', '--amount', '2.39', '--title', 'Coffee', '--no-wait', '--json'), 0);
      assert.deepEqual([doc.status, doc.state, doc.sandbox], ['S', 'AWAITING_PAYMENT', false]);
      assert.ok(String(doc.orderQrCode).startsWith(`${sandbox.url}/qr/`));
      const human = await run('order', String(doc.merchantTransId));
      assert.equal(human.status, 0, describeRun(human));
      const shown = await run('precreate', '--amount', '0.50', '--title', 'Water', '--no-wait');
      assert.equal(shown.status, 0, describeRun(shown));
      assert.match(shown.stdout, /scan to pay: http:\/\/127\.0\.0\.1:\d+\/qr\/\S+\n/);
      assert.doesNotMatch(shown.stdout, /SANDBOX/);
    });

    test('back to sandbox (the gateway is loopback, so allowed): recorded live → sandbox, doctor says SANDBOX again', async () => {
      expectJson(await run('config', 'set', 'profile.mode', 'sandbox', '--json'), 0);
      assert.equal(expectJson(await run('doctor', '--json'), 0).sandbox, true);
      const db = openTillDatabase(dataDir, { readonly: true });
      try {
        const codes = new Journal(db).openAlarms().filter((a) => a.kind === 'PROFILE_MODE').map((a) => a.code);
        assert.deepEqual(codes, ['SANDBOX_TO_LIVE', 'LIVE_TO_SANDBOX']);
      } finally {
        db.close();
      }
    });
  });
}
