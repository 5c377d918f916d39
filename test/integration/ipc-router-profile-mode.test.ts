// profile.mode over the router, with a real till (real SQLite, real keychain, the real
// sandbox gateway over HTTP on loopback): a live profile on a loopback gateway checks
// answers with the imported Alipay key only and shows no sandbox; the screens cannot change
// the mode and a sandbox refuses a real gateway from them too; a stored mismatch stops the
// till at start-up and leaves a blocking alarm the supervisor clears.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { startSandbox } from '../../main/alipay/sandbox/server';
import { setConfig } from '../../main/config/settings-schema';
import { openTillDatabase } from '../../main/config/data-dir';
import { SettingsStore } from '../../main/config/settings-store';
import { isTillError } from '../../main/errors';
import { Journal } from '../../main/journal/journal';
import { httpRequest, insideKeyringSession, removeTempDirs } from '../support/cli-runner';
import { freePort, freshDataDir, screen, startServices, stateOf, setFirstPin } from './ipc-kit';

const PIN = '0582937146';

function withStore<T>(dataDir: string, fn: (store: SettingsStore, db: ReturnType<typeof openTillDatabase>) => T): T {
  const db = openTillDatabase(dataDir);
  try {
    return fn(new SettingsStore(db), db);
  } finally {
    db.close();
  }
}

if (insideKeyringSession(__filename, 'router profile mode tests')) {
  describe('router: profile.mode', () => {
    after(() => removeTempDirs());

    test('live on a loopback gateway: no sandbox anywhere; no Alipay key sends nothing; only the imported key vouches for answers', async (t) => {
      const dataDir = await freshDataDir({ 'profile.mode': 'live' });
      const services = await startServices(dataDir);
      t.after(() => services.close());
      assert.equal(services.sandboxUrl, null, 'a live profile never starts the built-in sandbox');
      const { till: own } = services;
      const config = own.config();
      await own.vault.generateMerchantKey();
      // The real sandbox gateway where the live till looks (a local forwarding proxy, say),
      // signing with this profile's own sandbox key: the key a guess from the URL would trust.
      const sandbox = await startSandbox({
        host: '127.0.0.1',
        port: Number(new URL(config['gateway.baseUrl']).port),
        gatewayPrivateKey: await own.vault.getSandboxGatewayPrivateKey(),
        clients: [{ clientId: config['client.id'], merchantId: config['merchant.id'], publicKey: createPublicKey(await own.vault.getMerchantPrivateKey()) }],
      });
      t.after(() => sandbox.close());

      const till = screen(services, 'till');
      const status = await till.ok('till.status', {});
      assert.deepEqual([status.sandbox, status.canSign], [false, true]);
      const supervisor = screen(services, 'supervisor');
      await setFirstPin(services, supervisor, PIN);
      const keys = await supervisor.ok('keys.status', {});
      assert.deepEqual([keys.sandbox, keys.alipayKeyPresent], [false, false], 'the sandbox key is not reported as the Alipay key');
      // The switch to live (made here with the library, as `till config set` does) is an alarm the supervisor sees.
      const report = await supervisor.ok('day.reconcile', {});
      assert.deepEqual(report.alarms.map((a) => a.kind), ['PROFILE_MODE']);

      const error = await till.fails('order.create', { amountMinor: 120, cartId: 'live-no-key' }, 'KEY_MISSING', 'alipayPublicKey');
      assert.match(error.message, /till keys import-alipay-public FILE/);
      assert.equal(sandbox.stats().requests, 0, 'nothing reached the gateway');
      assert.equal(own.journal.listOrders().length, 0, 'nothing journaled');

      const ref = () => ({ merchantTransId: `MODE${randomBytes(6).toString('hex')}` });
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
      await own.vault.importAlipayPublicKey(other);
      const refused = await own.client().payQuery(ref());
      assert.equal(refused.outcome.kind, 'U', JSON.stringify(refused.outcome));
      assert.equal(refused.outcome.kind === 'U' && refused.outcome.reason, 'rejected');
      assert.equal(sandbox.stats().requests, 1, 'the gateway answered; its answer was not believed');

      const gatewayPem = (await own.vault.getSandboxGatewayPublicKey()).export({ type: 'spki', format: 'pem' }) as string;
      await own.vault.importAlipayPublicKey(gatewayPem);
      const verified = await own.client().payQuery(ref());
      assert.notEqual(verified.outcome.kind, 'U', JSON.stringify(verified.outcome));
      const order = await till.ok('order.create', { amountMinor: 120, cartId: 'live-with-key' });
      assert.equal(order.state, 'AWAITING_PAYMENT');
      assert.ok(order.qrCode?.startsWith(sandbox.url), String(order.qrCode));
      assert.equal((await till.ok('till.status', {})).sandbox, false);
    });

    test('a switch made at the terminal while the till runs holds at its next request: status, and the key answers are checked with', async (t) => {
      const dataDir = await freshDataDir();
      const services = await startServices(dataDir);
      t.after(() => services.close());
      assert.ok(services.sandboxUrl, 'the built-in sandbox runs');
      const requests = async () => (JSON.parse((await httpRequest(`${services.sandboxUrl}/sandbox/stats`)).body) as { requests: number }).requests;
      const till = screen(services, 'till');
      assert.equal((await till.ok('till.status', {})).sandbox, true);
      const client = services.till.client();
      const ref = () => ({ merchantTransId: `MODE${randomBytes(6).toString('hex')}` });
      assert.notEqual((await client.payQuery(ref())).outcome.kind, 'U', 'the sandbox key checks the sandbox');

      // `till config set profile.mode live` in another process: its own connection to the file.
      withStore(dataDir, (store) => setConfig(store, 'profile.mode', 'live'));
      assert.equal((await till.ok('till.status', {})).sandbox, false);
      const sent = await requests();
      assert.equal(services.till.client(), client, 'the same client');
      await assert.rejects(client.payQuery(ref()), (e: unknown) => isTillError(e, 'KEY_MISSING') && e.field === 'alipayPublicKey');
      assert.equal(await requests(), sent, 'nothing sent without the Alipay key');
      const supervisor = screen(services, 'supervisor');
      await setFirstPin(services, supervisor, PIN);
      const alarms = (await supervisor.ok('day.reconcile', {})).alarms;
      assert.deepEqual(alarms.map((a) => a.kind), ['PROFILE_MODE']);
      assert.match(alarms[0]!.message, /from sandbox to live/);
    });

    test('the screens cannot change profile.mode (SETTING_TERMINAL_ONLY naming it, nothing saved or recorded); nor the gateway', async (t) => {
      const services = await startServices(await freshDataDir());
      t.after(() => services.close());
      const supervisor = screen(services, 'supervisor');
      await setFirstPin(services, supervisor, PIN);
      const listed = await supervisor.ok('settings.list', {});
      assert.equal(listed.find((s) => s.key === 'profile.mode')?.value, 'sandbox', 'listed, so the supervisor sees it');
      const before = await stateOf(services);
      for (const values of [{ 'profile.mode': 'live' }, { 'store.name': 'Corner Shop', 'profile.mode': 'sandbox' }, { 'profile.mode': '' }]) {
        const error = await supervisor.fails('settings.set', { values }, 'SETTING_TERMINAL_ONLY', 'profile.mode');
        assert.match(error.message, /till config set profile\.mode/);
      }
      // The gateway's address is the terminal's too (issue 11 §2): refused before anything else.
      await supervisor.fails('settings.set', { values: { 'gateway.baseUrl': 'https://open-sea.alipay.com' } }, 'SETTING_TERMINAL_ONLY', 'gateway.baseUrl');
      assert.equal(await stateOf(services), before, 'no setting, event, alarm or key changed');
      assert.equal((await supervisor.ok('till.status', {})).sandbox, true);
    });

    test('a stored mismatch (sandbox with a real gateway) stops the till at start-up with a blocking alarm; fixed at the terminal, a supervisor clears it before payments', async () => {
      const dataDir = await freshDataDir();
      // As an older till (or a hand edit) could leave it: written past the checks.
      withStore(dataDir, (store) => store.set('gateway.baseUrl', 'https://open-sea.alipay.com'));
      await assert.rejects(startServices(dataDir), (e: unknown) => isTillError(e, 'PROFILE_MODE_MISMATCH') && e.field === 'profile.mode');
      const alarm = withStore(dataDir, (_store, db) => new Journal(db).openAlarms());
      assert.deepEqual(alarm.map((a) => [a.kind, a.code]), [['CONFIG', 'PROFILE_MODE_MISMATCH']]);
      assert.match(alarm[0]!.message, /refused to start.*profile\.mode is sandbox/);

      // Fixed at the terminal: the sandbox's own address again (`till config set gateway.baseUrl`).
      const port = await freePort();
      withStore(dataDir, (store) => setConfig(store, 'gateway.baseUrl', `http://127.0.0.1:${port}`));
      const services = await startServices(dataDir);
      try {
        assert.ok(services.sandboxUrl, 'a sandbox again: the built-in gateway runs');
        const till = screen(services, 'till');
        assert.equal((await till.ok('till.status', {})).sandbox, true);
        await till.fails('order.create', { amountMinor: 120, cartId: 'after-fix' }, 'PAYMENTS_STOPPED');
        const supervisor = screen(services, 'supervisor');
        await setFirstPin(services, supervisor, PIN);
        await supervisor.ok('alarm.clear', { alarmId: alarm[0]!.id });
        const order = await till.ok('order.create', { amountMinor: 120, cartId: 'after-clear' });
        assert.equal(order.state, 'AWAITING_PAYMENT');
      } finally {
        await services.close();
      }
    });
  });
}
