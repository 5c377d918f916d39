// SecretStore against a real gnome-keyring. Always runs inside a private keyring session
// (test/support/keyring-session.sh): started plainly, this file re-runs itself in one, so
// a developer's own keyring is never written to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SECRET_ACCOUNTS, createKeychain } from '../../native/keychain';

const SESSION_SCRIPT = path.resolve(__dirname, '..', 'support', 'keyring-session.sh');
const profile = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

if (process.env.TILL_KEYRING_SESSION !== '1') {
  test('keychain store tests pass inside a private gnome-keyring session', () => {
    // Without NODE_TEST_CONTEXT the inner runner reports in plain TAP instead of to this runner.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const args = [SESSION_SCRIPT, process.execPath, '--import', 'tsx', '--test', '--test-reporter=tap', __filename];
    const run = spawnSync('sh', args, { encoding: 'utf8', timeout: 120_000, env });
    assert.equal(run.status, 0, `inside keyring-session.sh:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /# pass [1-9]/);
    assert.match(run.stdout, /# fail 0/);
  });
} else {
  describe('SecretStore over gnome-keyring', () => {
    test('probe succeeds', async () => {
      await createKeychain(profile('probe')).probe();
    });

    test('set, get, overwrite, delete round trip', async () => {
      const store = createKeychain(profile('roundtrip'));
      const name = SECRET_ACCOUNTS.isvAccessToken;
      assert.equal(await store.get(name), null);
      await store.set(name, 'first');
      assert.equal(await store.get(name), 'first');
      await store.set(name, 'second');
      assert.equal(await store.get(name), 'second');
      assert.equal(await store.delete(name), true);
      assert.equal(await store.get(name), null);
      assert.equal(await store.delete(name), false);
    });

    test('a second store for the same profile reads what the first wrote (it is in the keyring, not in memory)', async () => {
      const id = profile('persist');
      await createKeychain(id).set('token', 'kept');
      assert.equal(await createKeychain(id).get('token'), 'kept');
    });

    test('two profiles do not see each other', async () => {
      const a = createKeychain(profile('a'));
      const b = createKeychain(profile('b'));
      const name = SECRET_ACCOUNTS.merchantPrivateKey;
      await a.set(name, 'key of A');
      assert.equal(await b.get(name), null);
      await b.set(name, 'key of B');
      assert.equal(await a.get(name), 'key of A');
      assert.equal(await b.get(name), 'key of B');
      assert.equal(await a.delete(name), true);
      assert.equal(await b.get(name), 'key of B');
    });

    test('profile ids that share a prefix stay apart', async () => {
      const base = profile('shop');
      const short = createKeychain(base);
      const long = createKeychain(`${base}0`);
      await short.set('x', 'short');
      assert.equal(await long.get('x'), null);
    });

    test('unicode and multi-line secrets come back byte for byte', async () => {
      const store = createKeychain(profile('unicode'));
      const secrets = [
        '密钥 🔑 ключ ñé — 鍵',
        '-----BEGIN PRIVATE KEY-----\nAbC+/=\n-----END PRIVATE KEY-----\n',
        'emoji 👩‍👩‍👧‍👦 and astral 𝒳 and RTL שלום',
        'x'.repeat(20_000),
      ];
      for (const [i, secret] of secrets.entries()) {
        await store.set(`s${i}`, secret);
        assert.equal(await store.get(`s${i}`), secret);
      }
    });

    test('concurrent writers and probes on one keyring', async () => {
      const store = createKeychain(profile('concurrent'));
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => store.set(`k${i}`, `v${i}`)),
        store.probe(),
        store.probe(),
      ]);
      const values = await Promise.all(Array.from({ length: 10 }, (_, i) => store.get(`k${i}`)));
      assert.deepEqual(values, Array.from({ length: 10 }, (_, i) => `v${i}`));
    });
  });
}
