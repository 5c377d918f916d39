// The Z report's record of the keys in force (issue 11 §2): fingerprints only, and a day
// still closes when the keychain cannot be read just then (the keys are recorded unknown).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trustInForce } from '../../main/config/key-changes';
import type { KeyVault } from '../../main/config/key-vault';

const config = () => ({ 'profile.mode': 'live', 'gateway.baseUrl': 'https://open-sea-global.alipay.com' });
const presence = (fingerprint: string) => ({ present: true, valid: true, fingerprint });

test('live: the merchant key and the imported Alipay key, by fingerprint', async () => {
  const vault = { status: async () => ({ merchantPrivateKey: presence('aa:bb'), alipayPublicKey: presence('cc:dd') }) } as unknown as KeyVault;
  assert.deepEqual(await trustInForce({ vault, config, sandbox: () => false }), {
    mode: 'live',
    gatewayBaseUrl: 'https://open-sea-global.alipay.com',
    merchantKey: 'aa:bb',
    gatewayKey: 'cc:dd',
  });
});

test('a keychain that cannot be read: the day still closes, the keys recorded as unknown', async () => {
  const vault = {
    status: () => Promise.reject(Object.assign(new Error('The keychain is locked'), { code: 'KEYCHAIN_LOCKED' })),
  } as unknown as KeyVault;
  assert.deepEqual(await trustInForce({ vault, config, sandbox: () => false }), {
    mode: 'live',
    gatewayBaseUrl: 'https://open-sea-global.alipay.com',
    merchantKey: null,
    gatewayKey: null,
  });
});
