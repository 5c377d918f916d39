// What proves a payment is changed at the terminal, and every change is on record (issue
// 11 §2): the screens cannot set the gateway's address, CA or pins, import Alipay's key or
// replace the merchant key; `till config set` and `till keys` journal each change with the
// old and new value or fingerprint and, once the till has taken orders, raise a TRUST
// alarm; the merchant key is not replaced while a day it signed is open; the Z report
// names the keys in force. Real processes, SQLite file, keychain and sandbox.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Till } from '../../main/runtime/open-till';
import { assertErrorDoc, describeRun, ensureBuilt, expectJson, insideKeyringSession, removeTempDirs, startSandboxProcess, tempDir, till, type SandboxProcess, inTill } from '../support/cli-runner';
import { makeTestCa } from '../support/test-ca';
import { screen, setFirstPin, startServices, stateOf } from './ipc-kit';

const PIN = '0582937146';

if (insideKeyringSession(__filename, 'trust changes at the terminal')) {
  describe('who may change what proves a payment', () => {
    let dataDir: string;
    let sandbox: SandboxProcess;
    const run = (...args: string[]) => till(args, { dataDir });
    const inThisTill = <T>(work: (t: Till) => Promise<T> | T) => inTill(dataDir, work);
    const trustEvents = () =>
      inThisTill((t) =>
        (t.db.prepare("SELECT kind, actor, detail FROM events WHERE kind IN ('trust_setting_changed', 'merchant_key_changed', 'alipay_key_changed') ORDER BY id").all() as { kind: string; actor: string; detail: string }[]).map(
          (e): Record<string, unknown> => ({ kind: e.kind, actor: e.actor, ...(JSON.parse(e.detail) as Record<string, unknown>) }),
        ),
      );
    const trustAlarms = () => inThisTill((t) => t.journal.openAlarms().filter((a) => a.kind === 'TRUST').map((a) => a.code));

    before(async () => {
      ensureBuilt();
      dataDir = tempDir();
      sandbox = await startSandboxProcess(dataDir);
    });
    after(async () => {
      await sandbox?.stop();
      removeTempDirs();
    });

    test('on a till being installed (no orders yet) a change is journaled, with no alarm', async () => {
      expectJson(await run('config', 'set', 'gateway.baseUrl', sandbox.url, '--json'), 0);
      const events = await trustEvents();
      assert.deepEqual(events, [{ kind: 'trust_setting_changed', actor: 'cli', key: 'gateway.baseUrl', from: null, to: sandbox.url }]);
      assert.deepEqual(await trustAlarms(), []);
    });

    test('the screens cannot change the gateway, its CA or pins, import Alipay\'s key or replace the merchant key; nothing changes', async () => {
      const services = await startServices(dataDir);
      try {
        const supervisor = screen(services, 'supervisor');
        await setFirstPin(services, supervisor, PIN);
        const before = await stateOf(services);
        for (const key of ['gateway.baseUrl', 'gateway.caFile', 'gateway.pinSha256']) {
          const value = key === 'gateway.baseUrl' ? 'http://127.0.0.1:1' : key === 'gateway.caFile' ? '/etc/hostname' : 'A'.repeat(43) + '=';
          const error = await supervisor.fails('settings.set', { values: { 'store.name': 'X', [key]: value } }, 'SETTING_TERMINAL_ONLY', key);
          assert.match(error.message, new RegExp(`till config set ${key.replace('.', '\\.')}`));
        }
        assert.match((await supervisor.fails('keys.importAlipay', { pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }, 'KEYS_TERMINAL_ONLY')).message, /till keys import-alipay-public/);
        assert.match((await supervisor.fails('keys.generate', { replace: true }, 'KEYS_TERMINAL_ONLY')).message, /till keys generate --replace/);
        await supervisor.fails('keys.generate', {}, 'KEY_EXISTS');
        assert.equal(await stateOf(services), before, 'no setting, event, alarm or key changed');
        const listed = await supervisor.ok('settings.list', {});
        assert.equal(listed.find((s) => s.key === 'gateway.baseUrl')?.value, sandbox.url, 'listed read-only, so the supervisor sees it');
      } finally {
        await services.close();
      }
    });

    test('once the till has orders: a gateway or CA change raises a TRUST alarm; the merchant key is not replaced while its day is open', async () => {
      const order = expectJson(await run('precreate', '--amount', '2.00', '--title', 'Trust', '--no-wait', '--json'), 0);
      const ca = await makeTestCa();
      const caFile = path.join(tempDir(), 'gateway-ca.pem');
      fs.writeFileSync(caFile, ca.caPem);
      expectJson(await run('config', 'set', 'gateway.caFile', caFile, '--json'), 0);
      const events = await trustEvents();
      const last = events[events.length - 1]!;
      assert.equal(last.key, 'gateway.caFile');
      assert.match(String(last.to), new RegExp(`^${caFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(sha256 [0-9a-f]{16}\\)$`), 'the CA bundle by path and content');
      assert.deepEqual(await trustAlarms(), ['GATEWAY_CAFILE']);
      expectJson(await run('config', 'unset', 'gateway.caFile', '--json'), 0);

      const keysBefore = expectJson(await run('keys', 'status', '--json'), 0) as { merchantPrivateKey: { fingerprint: string } };
      const refused = await run('keys', 'generate', '--replace', '--json');
      assert.equal(refused.status, 1, describeRun(refused));
      const error = assertErrorDoc(JSON.parse(refused.stdout), 'KEY_IN_USE', 'merchantPrivateKey');
      assert.match(error.message, /till close-day/);
      assert.equal((expectJson(await run('keys', 'status', '--json'), 0) as typeof keysBefore).merchantPrivateKey.fingerprint, keysBefore.merchantPrivateKey.fingerprint);

      expectJson(await run('resolve', '--settle', order.merchantTransId as string, '--as', 'cancelled', '--reason', 'test: never shown', '--json'), 0);
      const closed = await run('close-day');
      assert.equal(closed.status, 0, describeRun(closed));
      assert.match(closed.stdout, /Keys in force: merchant \S+, sandbox gateway \S+; gateway http\S+ \(sandbox\)/);
      const z = await inThisTill((t) => {
        const { day } = t.db.prepare('SELECT day FROM business_days').get() as { day: string };
        return t.journal.getZReport(day)!;
      });
      const gatewayKey = z.trust?.gatewayKey;
      assert.deepEqual(z.trust, { mode: 'sandbox', gatewayBaseUrl: sandbox.url, merchantKey: keysBefore.merchantPrivateKey.fingerprint, gatewayKey });
      assert.ok(typeof gatewayKey === 'string' && gatewayKey.length > 10 && gatewayKey !== keysBefore.merchantPrivateKey.fingerprint, 'the sandbox gateway key, by fingerprint');

      const replaced = expectJson(await run('keys', 'generate', '--replace', '--json'), 0);
      const change = (await trustEvents()).find((e) => e.kind === 'merchant_key_changed')!;
      assert.deepEqual(change, { kind: 'merchant_key_changed', actor: 'cli', key: 'merchantPrivateKey', from: keysBefore.merchantPrivateKey.fingerprint, to: replaced.fingerprint });
      assert.deepEqual(await trustAlarms(), ['GATEWAY_CAFILE', 'MERCHANTPRIVATEKEY']);
    });
  });
}
