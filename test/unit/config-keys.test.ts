import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CONFIG_KEYS, getConfig, isSandboxProfile, listConfig, parseConfigValue, setConfig, setConfigValues, unsetConfig } from '../../main/config/settings-schema';
import { openTillDatabase } from '../../main/config/data-dir';
import { SettingsStore } from '../../main/config/settings-store';
import { tillErrorOf } from '../support/till-error-of';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-config-keys-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
function withStore(fn: (store: SettingsStore) => void): void {
  const db = openTillDatabase(path.join(root, `case-${++counter}`));
  try {
    fn(new SettingsStore(db));
  } finally {
    db.close();
  }
}


const pin = Buffer.alloc(32, 7).toString('base64');

describe('configuration keys', () => {
  test('a fresh profile gets the sandbox defaults', () => {
    withStore((store) => {
      const config = getConfig(store);
      assert.equal(config['gateway.baseUrl'], 'http://127.0.0.1:8787');
      assert.equal(config['gateway.caFile'], undefined);
      assert.equal(config['gateway.pinSha256'], undefined);
      assert.equal(config['gateway.connectTimeoutMs'], 5000);
      assert.equal(config['gateway.timeoutMs'], 15000);
      assert.equal(config['client.id'], 'SANDBOX_CLIENT');
      assert.equal(config['merchant.id'], 'SANDBOX_MERCHANT');
      assert.equal(config['seller.id'], 'SANDBOX_SELLER');
      assert.equal(config['seller.name'], 'Sandbox Store');
      assert.equal(config['seller.mcc'], '5499');
      assert.equal(config['store.id'], 'STORE-1');
      assert.equal(config['store.name'], 'Sandbox Store #1');
      assert.equal(config['store.mcc'], '5499');
      assert.match(config['terminal.id'], /^T[0-9A-F]{8}$/);
      assert.equal(config['currency.default'], 'USD');
      assert.equal(config.site, 'ALIPAY_HK');
      assert.equal(config['trade.businessType'], undefined);
      assert.equal(config['payment.windowSeconds'], 120);
      assert.equal(config['payment.pollIntervalMs'], 2000);
      assert.equal(config.locale, 'en');
      assert.equal(isSandboxProfile(config), true);
      assert.deepEqual(Object.keys(config).sort(), [...CONFIG_KEYS].sort());
    });
  });

  test('set values are validated, converted, listed and can be unset', () => {
    withStore((store) => {
      // Real gateways only for a live profile: the mode and the address go in together.
      setConfigValues(store, { 'profile.mode': 'live', 'gateway.baseUrl': 'https://open-sea.alipay.com' });
      setConfig(store, 'gateway.pinSha256', `${pin}, ${pin}`);
      setConfig(store, 'payment.windowSeconds', '300');
      setConfig(store, 'trade.businessType', '4');
      setConfig(store, 'seller.name', `${'中'.repeat(42)}ab`); // exactly 128 UTF-8 bytes
      setConfig(store, 'currency.default', 'HKD');
      const config = getConfig(store);
      assert.equal(config['gateway.baseUrl'], 'https://open-sea.alipay.com');
      assert.deepEqual(config['gateway.pinSha256'], [pin, pin]);
      assert.equal(config['payment.windowSeconds'], 300);
      assert.equal(config['trade.businessType'], '4');
      assert.equal(config['currency.default'], 'HKD');
      assert.equal(isSandboxProfile(config), false);

      const listed = new Map(listConfig(store).map((entry) => [entry.key, entry]));
      assert.equal(listed.size, CONFIG_KEYS.length);
      assert.deepEqual(
        { value: listed.get('payment.windowSeconds')?.value, isDefault: listed.get('payment.windowSeconds')?.isDefault },
        { value: '300', isDefault: false },
      );
      assert.equal(listed.get('locale')?.isDefault, true);
      assert.equal(listed.get('locale')?.value, 'en');
      assert.ok((listed.get('locale')?.description.length ?? 0) > 10);

      assert.equal(unsetConfig(store, 'payment.windowSeconds'), true);
      setConfig(store, 'gateway.pinSha256', '');
      assert.equal(getConfig(store)['payment.windowSeconds'], 120);
      assert.equal(store.get('gateway.pinSha256'), undefined);
    });
  });

  test('loopback hosts may use plain http; others need https', () => {
    for (const url of ['http://127.0.0.1:8787', 'http://127.9.8.7/', 'http://localhost:1', 'http://[::1]:8787', 'https://127.0.0.1:8443']) {
      assert.equal(parseConfigValue('gateway.baseUrl', url), url);
    }
  });

  test('the mode is said, not read from the URL: live on loopback is live, sandbox needs loopback', () => {
    assert.equal(isSandboxProfile({ 'profile.mode': 'live' }), false);
    assert.equal(isSandboxProfile({ 'profile.mode': 'sandbox' }), true);
    withStore((store) => {
      setConfig(store, 'profile.mode', 'live');
      const config = getConfig(store);
      assert.equal(config['gateway.baseUrl'], 'http://127.0.0.1:8787');
      assert.equal(isSandboxProfile(config), false, 'a loopback URL does not make a live profile a sandbox');
    });
    withStore((store) => {
      const attempts: Record<string, string>[] = [{ 'gateway.baseUrl': 'https://open-sea.alipay.com' }, { 'gateway.baseUrl': 'https://10.0.0.2:8443', 'store.id': 'S2' }];
      for (const values of attempts) {
        const error = tillErrorOf(() => setConfigValues(store, values));
        assert.deepEqual([error.code, error.field], ['PROFILE_MODE_MISMATCH', 'gateway.baseUrl']);
        assert.match(error.message, /profile\.mode is sandbox.*till config set profile\.mode live/);
      }
      assert.equal(store.get('gateway.baseUrl'), undefined, 'nothing stored');
      assert.equal(store.get('store.id'), undefined, 'nothing stored');
      setConfigValues(store, { 'profile.mode': 'live', 'gateway.baseUrl': 'https://open-sea.alipay.com' });
      const back = tillErrorOf(() => setConfig(store, 'profile.mode', 'sandbox'));
      assert.deepEqual([back.code, back.field], ['PROFILE_MODE_MISMATCH', 'profile.mode']);
      assert.deepEqual([tillErrorOf(() => unsetConfig(store, 'profile.mode')).code], ['PROFILE_MODE_MISMATCH']);
      assert.equal(getConfig(store)['profile.mode'], 'live');
    });
  });

  test('a stored mismatch (an older till, a hand edit) is refused at every read, naming profile.mode', () => {
    withStore((store) => {
      store.set('gateway.baseUrl', 'https://open-sea.alipay.com');
      const error = tillErrorOf(() => getConfig(store));
      assert.deepEqual([error.code, error.field], ['PROFILE_MODE_MISMATCH', 'profile.mode']);
      setConfig(store, 'profile.mode', 'live');
      assert.equal(isSandboxProfile(getConfig(store)), false);
    });
  });

  const bad: Array<[string, string]> = [
    ['gateway.baseUrl', 'http://open-sea.alipay.com'],
    ['gateway.baseUrl', 'http://128.0.0.1'],
    ['gateway.baseUrl', 'http://localhost.example.com'],
    ['gateway.baseUrl', 'ftp://127.0.0.1'],
    ['gateway.baseUrl', 'not a url'],
    ['gateway.baseUrl', 'https://user:secret@open-sea.alipay.com'],
    ['gateway.baseUrl', 'https://open-sea.alipay.com/?x=1'],
    ['gateway.baseUrl', ''],
    ['profile.mode', 'Live'],
    ['profile.mode', 'production'],
    ['profile.mode', ''],
    ['gateway.caFile', 'relative/ca.pem'],
    ['gateway.pinSha256', 'abc'],
    ['gateway.pinSha256', `${pin},`],
    ['gateway.pinSha256', Buffer.alloc(31).toString('base64')],
    ['gateway.connectTimeoutMs', '0'],
    ['gateway.connectTimeoutMs', '-1'],
    ['gateway.connectTimeoutMs', '1.5'],
    ['gateway.timeoutMs', 'abc'],
    ['gateway.timeoutMs', '999999'],
    ['client.id', 'C'.repeat(33)],
    ['client.id', 'clïent'],
    ['merchant.id', 'M'.repeat(65)],
    ['seller.id', 'S'.repeat(33)],
    ['seller.name', '中'.repeat(43)],
    ['seller.name', ''],
    ['seller.engName', 'e'.repeat(257)],
    ['seller.mcc', '54a9'],
    ['store.id', 'S'.repeat(33)],
    ['store.name', 'x'.repeat(129)],
    ['store.mcc', '1'.repeat(33)],
    ['terminal.id', 'T'.repeat(65)],
    ['operator.id', 'o'.repeat(65)],
    ['currency.default', 'usd'],
    ['currency.default', 'US'],
    ['currency.default', 'ZZZ'],
    ['currency.default', 'XAU'], // ISO 4217 minor unit N.A.: not payable
    ['site', 'ALIPAY_US'],
    ['settleContractId', 'c'.repeat(65)],
    ['notifyUrl', 'ftp://notify.example.com'],
    ['notifyUrl', `https://example.com/${'n'.repeat(240)}`],
    ['merchantRedirectUrl', `https://example.com/${'r'.repeat(500)}`],
    ['merchantRedirectUrl', 'javascript:alert(1)'],
    ['trade.businessType', '6'],
    ['trade.businessType', '0'],
    ['trade.businessType', '1|1'],
    // 1-3 need hotel/flight/study fields the till cannot fill: every sale would fail
    ['trade.businessType', '1'],
    ['trade.businessType', '2'],
    ['trade.businessType', '3'],
    ['trade.businessType', '1|4'],
    ['trade.otherBusinessType', 'o'.repeat(257)],
    ['payment.windowSeconds', '9'],
    ['payment.windowSeconds', '7201'],
    ['payment.pollIntervalMs', '499'],
    ['payment.pollIntervalMs', '60001'],
    ['locale', 'fr'],
    ['store.name', ' leading space'],
    ['store.name', 'line\nbreak'],
  ];

  test('business types: 1-3 refused naming what they need; 5 only together with trade.otherBusinessType', () => {
    withStore((store) => {
      const hotel = tillErrorOf(() => setConfig(store, 'trade.businessType', '1'));
      assert.match(hotel.message, /hotelName/);
      const other = tillErrorOf(() => setConfig(store, 'trade.businessType', '5'));
      assert.equal(other.code, 'CONFIG_INVALID');
      assert.equal(other.field, 'trade.otherBusinessType');
      assert.equal(store.get('trade.businessType'), undefined);
      setConfigValues(store, { 'trade.businessType': '4|5', 'trade.otherBusinessType': 'Airport pick up service' });
      assert.equal(getConfig(store)['trade.businessType'], '4|5');
      // Removing the description would leave a type-5 configuration without it.
      assert.equal(tillErrorOf(() => unsetConfig(store, 'trade.otherBusinessType')).field, 'trade.otherBusinessType');
      assert.equal(tillErrorOf(() => setConfig(store, 'trade.otherBusinessType', '')).field, 'trade.otherBusinessType');
      setConfig(store, 'trade.businessType', '4');
      assert.equal(unsetConfig(store, 'trade.otherBusinessType'), true);
    });
  });

  test('each bad value is rejected with CONFIG_INVALID naming its key, and nothing is stored', () => {
    withStore((store) => {
      // profile.mode is stored from the first open (sandbox here): it must stay as it was.
      const before = store.get('profile.mode');
      assert.equal(before, 'sandbox');
      for (const [key, value] of bad) {
        const error = tillErrorOf(() => setConfig(store, key, value));
        assert.equal(error.code, 'CONFIG_INVALID', `${key}=${value}: ${error.message}`);
        assert.equal(error.field, key);
        assert.ok(error.message.startsWith(`${key} `), error.message);
        assert.equal(store.get(key), key === 'profile.mode' ? before : undefined, `${key} must not be stored`);
      }
    });
  });

  test('unknown keys are rejected, including profile keys', () => {
    withStore((store) => {
      for (const key of ['gateway.baseurl', 'merchant.privateKey', 'profile.id', '']) {
        const error = tillErrorOf(() => setConfig(store, key, 'x'));
        assert.equal(error.code, 'CONFIG_UNKNOWN_KEY', key);
        assert.equal(error.field, key);
      }
      assert.equal(tillErrorOf(() => unsetConfig(store, 'nope')).code, 'CONFIG_UNKNOWN_KEY');
    });
  });

  test('setConfigValues stores all or nothing', () => {
    withStore((store) => {
      const error = tillErrorOf(() => setConfigValues(store, { 'seller.id': 'S-2', locale: 'fr' }));
      assert.equal(error.field, 'locale');
      assert.equal(store.get('seller.id'), undefined);
      setConfigValues(store, { 'seller.id': 'S-2', locale: 'zh-HK' });
      assert.equal(getConfig(store).locale, 'zh-HK');
    });
  });

  test('an invalid value already in the database is reported as stored, naming the key', () => {
    withStore((store) => {
      store.set('payment.pollIntervalMs', '5');
      const error = tillErrorOf(() => getConfig(store));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.field, 'payment.pollIntervalMs');
      assert.match(error.message, /^stored payment\.pollIntervalMs/);
    });
  });
});
