// KeyVault against a real gnome-keyring: keys generated or imported land in the keychain,
// come back as working KeyObjects (also in a fresh vault, i.e. from the keyring and not
// from memory), and status() reports presence without values. Runs itself inside a
// private keyring session like keychain-store.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { describe, test } from 'node:test';
import { KeyVault } from '../../main/config/key-vault';
import { isTillError } from '../../main/errors';
import { SECRET_ACCOUNTS, createKeychain } from '../../native/keychain';

const SESSION_SCRIPT = path.resolve(__dirname, '..', 'support', 'keyring-session.sh');

function freshProfile(): { id: string; store: ReturnType<typeof createKeychain>; vault: KeyVault } {
  const id = `vault-${randomBytes(4).toString('hex')}`;
  const store = createKeychain(id);
  return { id, store, vault: new KeyVault(store) };
}

function signedBy(privateKey: KeyObject, publicKey: KeyObject | string): boolean {
  const body = Buffer.from('{"request":{"head":{},"body":{"orderAmount":{"value":"239"}}}}');
  return verify('sha256', body, publicKey, sign('sha256', body, privateKey));
}

const base64Of = (key: KeyObject, type: 'pkcs8' | 'spki') =>
  (key.export({ type, format: 'der' } as never) as unknown as Buffer).toString('base64');

if (process.env.TILL_KEYRING_SESSION !== '1') {
  test('key vault tests pass inside a private gnome-keyring session', () => {
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
  describe('KeyVault over gnome-keyring', () => {
    test('missing keys are KEY_MISSING naming the key and the command that fixes it', async () => {
      const { vault } = freshProfile();
      await assert.rejects(vault.getMerchantPrivateKey(), (error: unknown) => {
        assert.ok(isTillError(error, 'KEY_MISSING'));
        assert.equal(error.field, 'merchantPrivateKey');
        assert.match(error.message, /till keys generate/);
        return true;
      });
      await assert.rejects(vault.getAlipayPublicKey(), (error: unknown) => {
        assert.ok(isTillError(error, 'KEY_MISSING'));
        assert.equal(error.field, 'alipayPublicKey');
        assert.match(error.message, /till keys import-alipay-public FILE/);
        return true;
      });
      await assert.rejects(vault.merchantPublicKeyPem(), { code: 'KEY_MISSING' });
    });

    test('generate → the stored key signs, the returned public key verifies, also from a fresh vault', async () => {
      const { id, store, vault } = freshProfile();
      const info = await vault.generateMerchantKey();
      assert.match(info.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
      assert.match(info.fingerprint, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
      assert.equal(await vault.merchantPublicKeyPem(), info.publicKeyPem);
      assert.ok(signedBy(await vault.getMerchantPrivateKey(), info.publicKeyPem));

      const stored = await store.get(SECRET_ACCOUNTS.merchantPrivateKey);
      assert.match(stored ?? '', /^-----BEGIN PRIVATE KEY-----\n/);
      const reopened = new KeyVault(createKeychain(id));
      assert.ok(signedBy(await reopened.getMerchantPrivateKey(), info.publicKeyPem));
    });

    test('the private key is parsed once and cached, also under concurrent first use', async () => {
      const { id, vault } = freshProfile();
      await vault.generateMerchantKey();
      const fresh = new KeyVault(createKeychain(id));
      const [a, b] = await Promise.all([fresh.getMerchantPrivateKey(), fresh.getMerchantPrivateKey()]);
      assert.equal(a, b);
      assert.equal(await fresh.getMerchantPrivateKey(), a);
    });

    test('an existing merchant key is not replaced unless asked; re-importing the same key is fine', async () => {
      const { vault } = freshProfile();
      const first = await vault.generateMerchantKey();
      await assert.rejects(vault.generateMerchantKey(), (error: unknown) => isTillError(error, 'KEY_EXISTS'));
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await assert.rejects(vault.importMerchantPrivateKey(base64Of(other.privateKey, 'pkcs8')), { code: 'KEY_EXISTS' });
      assert.equal(await vault.merchantPublicKeyPem(), first.publicKeyPem);

      const second = await vault.generateMerchantKey({ replace: true });
      assert.notEqual(second.fingerprint, first.fingerprint);
      assert.ok(signedBy(await vault.getMerchantPrivateKey(), second.publicKeyPem));
      assert.ok(!signedBy(await vault.getMerchantPrivateKey(), first.publicKeyPem));
    });

    test('import a PKCS#1 PEM merchant key: accepted, stored as PKCS#8, signs for its public key', async () => {
      const { store, vault } = freshProfile();
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const info = await vault.importMerchantPrivateKey(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
      assert.equal(info.publicKeyPem, pair.publicKey.export({ type: 'spki', format: 'pem' }));
      assert.match((await store.get(SECRET_ACCOUNTS.merchantPrivateKey)) ?? '', /^-----BEGIN PRIVATE KEY-----\n/);
      assert.ok(signedBy(await vault.getMerchantPrivateKey(), pair.publicKey));
    });

    test('import a bare base64 merchant key and a bare base64 Alipay public key (as the portal gives them)', async () => {
      const { id, vault } = freshProfile();
      const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const merchantBase64 = base64Of(merchant.privateKey, 'pkcs8');
      await vault.importMerchantPrivateKey(merchantBase64);
      await vault.importMerchantPrivateKey(merchantBase64); // same key again: no KEY_EXISTS
      await vault.importAlipayPublicKey(base64Of(alipay.publicKey, 'spki'));

      const reopened = new KeyVault(createKeychain(id));
      assert.ok(signedBy(await reopened.getMerchantPrivateKey(), merchant.publicKey));
      assert.ok(signedBy(alipay.privateKey, await reopened.getAlipayPublicKey()));
      assert.ok(!signedBy(merchant.privateKey, await reopened.getAlipayPublicKey()));
    });

    test("the merchant's own public key is refused as the Alipay public key", async () => {
      const { vault } = freshProfile();
      const info = await vault.generateMerchantKey();
      await assert.rejects(vault.importAlipayPublicKey(info.publicKeyPem), (error: unknown) => {
        assert.ok(isTillError(error, 'KEY_INVALID'));
        assert.equal(error.field, 'alipayPublicKey');
        assert.match(error.message, /merchant's own public key/);
        return true;
      });
      await assert.rejects(vault.getAlipayPublicKey(), { code: 'KEY_MISSING' });
    });

    test('a corrupted stored key is KEY_INVALID, not a crash, and status says invalid', async () => {
      const { store, vault } = freshProfile();
      await store.set(SECRET_ACCOUNTS.alipayPublicKey, 'this is not a key!');
      await assert.rejects(vault.getAlipayPublicKey(), { code: 'KEY_INVALID', field: 'alipayPublicKey' });
      const status = await vault.status();
      assert.deepEqual(status.alipayPublicKey, { present: true, valid: false, fingerprint: null });
    });

    test('status reports presence, fingerprints and pair checks, never values', async () => {
      const { store, vault } = freshProfile();
      assert.deepEqual(await vault.status(), {
        merchantPrivateKey: { present: false, valid: false, fingerprint: null },
        alipayPublicKey: { present: false, valid: false, fingerprint: null },
        merchantKeyPairConsistent: null,
        alipayKeyIsMerchantKey: null,
        supervisorPinSet: false,
        isvTokenSet: false,
      });

      const merchant = await vault.generateMerchantKey();
      const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const alipayInfo = await vault.importAlipayPublicKey(alipay.publicKey.export({ type: 'spki', format: 'pem' }) as string);
      const token = `isv-${randomBytes(24).toString('base64url')}`;
      await vault.setIsvToken(token);
      await store.set(SECRET_ACCOUNTS.supervisorPinHash, 'scrypt$pin-hash-value');

      const status = await vault.status();
      assert.deepEqual(status, {
        merchantPrivateKey: { present: true, valid: true, fingerprint: merchant.fingerprint },
        alipayPublicKey: { present: true, valid: true, fingerprint: alipayInfo.fingerprint },
        merchantKeyPairConsistent: true,
        alipayKeyIsMerchantKey: false,
        supervisorPinSet: true,
        isvTokenSet: true,
      });
      const json = JSON.stringify(status);
      const privatePem = (await store.get(SECRET_ACCOUNTS.merchantPrivateKey)) ?? '';
      assert.ok(!json.includes(token));
      assert.ok(!json.includes('pin-hash-value'));
      assert.ok(!json.includes(privatePem.split('\n')[1] ?? '-'));
    });

    test('status flags an Alipay key equal to the merchant key stored behind the vault', async () => {
      const { store, vault } = freshProfile();
      const merchant = await vault.generateMerchantKey();
      await store.set(SECRET_ACCOUNTS.alipayPublicKey, merchant.publicKeyPem);
      assert.equal((await vault.status()).alipayKeyIsMerchantKey, true);
    });

    test('ISV token: set, read from a fresh vault, delete; bad tokens refused without echo', async () => {
      const { id, vault } = freshProfile();
      assert.equal(await vault.getIsvToken(), null);
      await vault.setIsvToken('  tok-123.abc  ');
      assert.equal(await new KeyVault(createKeychain(id)).getIsvToken(), 'tok-123.abc');
      for (const bad of ['', 'has space', 'ctl\u0007char', 'x'.repeat(5000)]) {
        await assert.rejects(vault.setIsvToken(bad), (error: unknown) => {
          assert.ok(isTillError(error, 'TOKEN_INVALID'));
          assert.ok(bad === '' || !error.message.includes(bad));
          return true;
        });
      }
      assert.equal(await vault.deleteIsvToken(), true);
      assert.equal(await vault.getIsvToken(), null);
      assert.equal(await new KeyVault(createKeychain(id)).getIsvToken(), null);
    });

    test('forget() makes the vault re-read keys changed by another process', async () => {
      const { id, vault } = freshProfile();
      const first = await vault.generateMerchantKey();
      await new KeyVault(createKeychain(id)).generateMerchantKey({ replace: true });
      assert.equal(await vault.merchantPublicKeyPem(), first.publicKeyPem); // cached
      vault.forget();
      assert.notEqual(await vault.merchantPublicKeyPem(), first.publicKeyPem);
    });

    test('the sandbox gateway key is generated once and then kept in the keychain', async () => {
      const { id, store, vault } = freshProfile();
      assert.equal(await store.get(SECRET_ACCOUNTS.sandboxGatewayPrivateKey), null);
      const key = await vault.getSandboxGatewayPrivateKey();
      assert.ok(signedBy(key, await vault.getSandboxGatewayPublicKey()));
      const again = await new KeyVault(createKeychain(id)).getSandboxGatewayPrivateKey();
      const spki = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'pem' });
      assert.equal(spki(again), spki(key));
    });
  });
}
