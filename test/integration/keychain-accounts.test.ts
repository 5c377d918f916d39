// The keychain layer's own logic over a recording stand-in for keytar: the on-disk naming
// contract, validation, timeouts and the mapping of every failure to KEYCHAIN_UNAVAILABLE.
// The real Secret Service is exercised in keychain-store/keychain-vault.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  KEYCHAIN_SERVICE,
  KeychainUnavailableError,
  SECRET_ACCOUNTS,
  createKeychain,
  type KeytarLike,
} from '../../native/keychain';

type Call = [op: string, service: string, account: string];

/** An in-memory keytar that records every call; `fail` makes it reject like libsecret does. */
function recordingKeytar(fail?: { op: 'get' | 'set' | 'delete'; message: string }): KeytarLike & { calls: Call[] } {
  const items = new Map<string, string>();
  const calls: Call[] = [];
  const maybeFail = (op: 'get' | 'set' | 'delete') => {
    if (fail?.op === op) throw new Error(fail.message);
  };
  return {
    calls,
    getPassword: async (service, account) => {
      calls.push(['get', service, account]);
      maybeFail('get');
      return items.get(`${service}\n${account}`) ?? null;
    },
    setPassword: async (service, account, password) => {
      calls.push(['set', service, account]);
      maybeFail('set');
      items.set(`${service}\n${account}`, password);
    },
    deletePassword: async (service, account) => {
      calls.push(['delete', service, account]);
      maybeFail('delete');
      return items.delete(`${service}\n${account}`);
    },
  };
}

async function rejectsUnavailable(work: Promise<unknown>, reason: string, forbidden: string[] = []): Promise<KeychainUnavailableError> {
  let caught: unknown;
  await work.then(
    () => assert.fail('expected KEYCHAIN_UNAVAILABLE'),
    (error: unknown) => (caught = error),
  );
  assert.ok(caught instanceof KeychainUnavailableError, `got ${String(caught)}`);
  assert.equal(caught.code, 'KEYCHAIN_UNAVAILABLE');
  assert.equal(caught.reason, reason);
  for (const text of forbidden) assert.ok(!caught.message.includes(text), 'message leaks a secret');
  return caught;
}

describe('naming contract', () => {
  test('one fixed service, accounts "<profileId>/<name>"', async () => {
    const keytar = recordingKeytar();
    const store = createKeychain('shop-1', { loadKeytar: () => keytar });
    await store.set(SECRET_ACCOUNTS.merchantPrivateKey, 'pem');
    assert.equal(await store.get(SECRET_ACCOUNTS.merchantPrivateKey), 'pem');
    assert.deepEqual(keytar.calls, [
      ['set', 'alipay-till', 'shop-1/merchant-private-key'],
      ['get', 'alipay-till', 'shop-1/merchant-private-key'],
    ]);
    assert.equal(KEYCHAIN_SERVICE, 'alipay-till');
  });

  test('account names are fixed strings (renaming orphans installed keys)', () => {
    assert.deepEqual(SECRET_ACCOUNTS, {
      merchantPrivateKey: 'merchant-private-key',
      alipayPublicKey: 'alipay-public-key',
      supervisorPinHash: 'supervisor-pin-hash',
      supervisorPinSetupCode: 'supervisor-pin-setup-code',
      isvAccessToken: 'isv-access-token',
      storeToken: 'store-token',
      sandboxGatewayPrivateKey: 'sandbox-gateway-private-key',
    });
  });

  test('bad profile ids, bad names and the reserved probe prefix are refused before keytar is touched', async () => {
    let loaded = false;
    const load = () => {
      loaded = true;
      return recordingKeytar();
    };
    for (const id of ['', 'a/b', '../x', ' shop', 'x'.repeat(65)]) {
      assert.throws(() => createKeychain(id, { loadKeytar: load }), { code: 'KEYCHAIN_PROFILE_INVALID' });
    }
    const store = createKeychain('shop-1', { loadKeytar: load });
    for (const name of ['', 'a/b', 'Merchant', 'keychain-probe-1', 'x'.repeat(65)]) {
      await assert.rejects(store.get(name), { code: 'KEYCHAIN_ACCOUNT_INVALID' });
    }
    await assert.rejects(store.set('ok-name', ''), { code: 'KEYCHAIN_SECRET_INVALID' });
    await assert.rejects(store.set('ok-name', 'a\0b'), { code: 'KEYCHAIN_SECRET_INVALID' });
    assert.equal(loaded, false);
  });

  test('importing the keychain module and creating a store do not load keytar', () => {
    createKeychain('shop-1');
    const loaded = Object.keys(require.cache).filter((file) => /[\\/]keytar[\\/]/.test(file));
    assert.deepEqual(loaded, []);
  });

  test('keytar is loaded by the first call, not by createKeychain', async () => {
    let loads = 0;
    const keytar = recordingKeytar();
    const store = createKeychain('shop-1', {
      loadKeytar: () => {
        loads += 1;
        return keytar;
      },
    });
    assert.equal(loads, 0);
    await store.set('x', 'y');
    assert.equal(loads, 1);
  });
});

describe('failures become KEYCHAIN_UNAVAILABLE with advice', () => {
  const secret = 'S3CRET-VALUE-never-shown';

  test('keytar failing to load', async () => {
    const store = createKeychain('p', {
      loadKeytar: () => {
        throw new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory');
      },
    });
    const error = await rejectsUnavailable(store.set('x', secret), 'module', [secret]);
    assert.match(error.message, /apt-get install -y libsecret-1-0/);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['Could not connect: No such file or directory', 'no-session-bus', /D-Bus session bus/],
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-session-bus', /dbus-run-session/],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'no-secret-service', /start gnome-keyring \(apt-get install -y gnome-keyring dbus\)/],
    ['Cannot create an item in a locked collection', 'locked', /locked.*--unlock/],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'locked', /locked/],
    ['something new went wrong', 'unknown', /keychain failed.*something new went wrong/],
  ];
  for (const [libsecretSays, reason, advice] of cases) {
    test(`"${libsecretSays}" → ${reason}`, async () => {
      const store = createKeychain('p', { loadKeytar: () => recordingKeytar({ op: 'set', message: libsecretSays }) });
      const error = await rejectsUnavailable(store.set('x', secret), reason, [secret]);
      assert.match(error.message, advice);
      assert.match(error.message, /while writing "p\/x"/);
    });
  }

  test('an error text that echoes the secret is dropped from the message and the cause', async () => {
    const store = createKeychain('p', { loadKeytar: () => recordingKeytar({ op: 'set', message: `bad value ${secret}` }) });
    const error = await rejectsUnavailable(store.set('x', secret), 'unknown', [secret]);
    assert.equal(error.cause, undefined);
  });

  test('a synchronous throw from keytar is mapped too', async () => {
    const keytar = recordingKeytar();
    keytar.getPassword = () => {
      throw new Error('Could not connect: Connection refused');
    };
    await rejectsUnavailable(createKeychain('p', { loadKeytar: () => keytar }).get('x'), 'no-session-bus');
  });

  test('no answer within timeoutMs (an unlock prompt nobody answers) → timeout', async () => {
    const keytar = recordingKeytar();
    keytar.getPassword = () => new Promise(() => {});
    const started = Date.now();
    const error = await rejectsUnavailable(createKeychain('p', { loadKeytar: () => keytar, timeoutMs: 150 }).get('x'), 'timeout');
    assert.ok(Date.now() - started < 2000);
    assert.match(error.message, /did not answer within 0\.2 s/);
  });
});

describe('absence is only reported from a usable keychain', () => {
  test('get → null triggers a write/read/delete probe that leaves nothing behind', async () => {
    const keytar = recordingKeytar();
    const store = createKeychain('p', { loadKeytar: () => keytar });
    assert.equal(await store.get('missing'), null);
    assert.deepEqual(keytar.calls.map(([op]) => op), ['get', 'set', 'get', 'delete']);
    const probeAccount = keytar.calls[1]?.[2] ?? '';
    assert.match(probeAccount, /^p\/keychain-probe-[0-9a-f]{12}$/);
    assert.equal(await keytar.getPassword(KEYCHAIN_SERVICE, probeAccount), null);
  });

  test('a locked collection reads as "not found"; get rejects instead of returning null', async () => {
    const keytar = recordingKeytar({ op: 'set', message: 'Cannot create an item in a locked collection' });
    const store = createKeychain('p', { loadKeytar: () => keytar });
    const error = await rejectsUnavailable(store.get(SECRET_ACCOUNTS.merchantPrivateKey), 'locked');
    assert.match(error.message, /checking why "p\/merchant-private-key" was not found/);
    await rejectsUnavailable(store.delete(SECRET_ACCOUNTS.merchantPrivateKey), 'locked');
  });

  test('a keychain that does not return what was stored fails the probe', async () => {
    const keytar = recordingKeytar();
    keytar.getPassword = async () => 'something else';
    await rejectsUnavailable(createKeychain('p', { loadKeytar: () => keytar }).probe(), 'inconsistent');
  });

  test('concurrent probes do not disturb each other', async () => {
    const keytar = recordingKeytar();
    const store = createKeychain('p', { loadKeytar: () => keytar });
    await Promise.all(Array.from({ length: 8 }, () => store.probe()));
    assert.equal(keytar.calls.filter(([op]) => op === 'set').length, 8);
  });
});
