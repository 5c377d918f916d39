// The supervisor session over the router, with the real keychain: the first PIN, login,
// the lockout after five wrong PINs (with retryAfterMs, persisted across a restart of the
// whole till, doubling on the next lock), sessions per connection that end when idle, on
// logout and on close, and a PIN change that needs the current PIN and ends the other
// screens' sessions. The router's clock is injected; the till's data is real.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SECRET_ACCOUNTS, createKeychain } from '../../native/keychain';
import { LOCKOUT_SETTINGS } from '../../main/ipc/supervisor-pin';
import type { TillServices } from '../../main/runtime/till-services';
import { ensureBuilt, expectJson, insideKeyringSession, removeTempDirs, till } from '../support/cli-runner';
import { assertNothingSecretLeaked, freshDataDir, screen, startServices, type Screen } from './ipc-kit';

const PIN = '0582937146';
const NEW_PIN = '0619482735';
const WRONG = '0000000000';
const MINUTE = 60_000;

if (insideKeyringSession(__filename, 'router supervisor tests')) {
  describe('router: supervisor PIN and sessions', () => {
    let dataDir: string;
    let services: TillServices;
    let clock = Date.UTC(2030, 0, 1);
    const start = async () => {
      services = await startServices(dataDir, { router: { now: () => clock } });
    };

    before(async () => {
      dataDir = await freshDataDir();
      await start();
    });

    after(async () => {
      await services?.close();
      removeTempDirs();
    });

    test('before a PIN is set: login is PIN_NOT_SET; setupPin stores only a hash, logs in and tells the screens', async () => {
      const a = screen(services, 'screen A');
      assert.equal((await a.ok('till.status', {})).supervisorPinSet, false);
      await a.fails('supervisor.login', { pin: PIN }, 'PIN_NOT_SET');
      const reply = await a.ok('supervisor.setupPin', { pin: PIN });
      assert.equal(reply.expiresAt, clock + 10 * MINUTE);
      await a.waitForEvent('status', (e) => e.type === 'status');
      const status = await a.ok('till.status', {});
      assert.equal(status.supervisorPinSet, true);
      assert.equal(status.supervisor, true);
      const stored = await createKeychain(services.till.profile.id).get(SECRET_ACCOUNTS.supervisorPinHash);
      assert.ok(stored !== null && /^scrypt\$/.test(stored) && !stored.includes(PIN), 'the keychain holds a salted hash, not the PIN');
      await a.fails('supervisor.setupPin', { pin: NEW_PIN }, 'PIN_ALREADY_SET');
      assert.equal((await a.ok('keys.status', {})).supervisorPinSet, true);
      a.connection.close();
    });

    test('a session belongs to one connection and ends with it, on logout, and after 10 idle minutes', async () => {
      const a = screen(services, 'screen A');
      const b = screen(services, 'screen B');
      await a.ok('supervisor.login', { pin: PIN });
      await a.ok('settings.list', {});
      await b.fails('settings.list', {}, 'SUPERVISOR_REQUIRED');
      assert.equal((await b.ok('till.status', {})).supervisor, false);

      clock += 9 * MINUTE;
      await a.ok('day.reconcile', {});
      clock += 9 * MINUTE;
      await a.ok('day.reconcile', {}); // each call starts the idle time again
      clock += 10 * MINUTE;
      await a.fails('day.reconcile', {}, 'SUPERVISOR_REQUIRED');
      assert.equal((await a.ok('till.status', {})).supervisor, false);

      await a.ok('supervisor.login', { pin: PIN });
      await a.ok('supervisor.logout', {});
      await a.fails('keys.status', {}, 'SUPERVISOR_REQUIRED');

      await a.ok('supervisor.login', { pin: PIN });
      a.connection.close();
      await a.fails('keys.status', {}, 'CONNECTION_CLOSED');
      b.connection.close();
    });

    test('five wrong PINs lock the supervisor screen for 5 minutes; the lock survives a restart; the next lock is 10', async () => {
      const a = screen(services, 'screen A');
      for (let i = 1; i <= 4; i++) {
        const error = await a.fails('supervisor.login', { pin: WRONG }, 'PIN_INVALID', 'pin');
        assert.match(error.message, new RegExp(`${5 - i} more tr`));
        assert.ok(!error.message.includes(WRONG));
      }
      const locked = await a.fails('supervisor.login', { pin: WRONG }, 'PIN_LOCKED', 'pin');
      assert.equal(locked.retryAfterMs, 5 * MINUTE);
      // Locked: even the right PIN is refused, and says how long is left.
      clock += MINUTE;
      assert.equal((await a.fails('supervisor.login', { pin: PIN }, 'PIN_LOCKED')).retryAfterMs, 4 * MINUTE);
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.lockedUntil), String(clock - MINUTE + 5 * MINUTE));

      await services.close();
      await start();
      const b = screen(services, 'screen B after restart');
      assert.equal((await b.fails('supervisor.login', { pin: PIN }, 'PIN_LOCKED')).retryAfterMs, 4 * MINUTE);
      // Another screen cannot slip around it either.
      assert.equal((await screen(services, 'screen C').fails('supervisor.login', { pin: PIN }, 'PIN_LOCKED')).retryAfterMs, 4 * MINUTE);

      clock += 4 * MINUTE;
      for (let i = 1; i <= 4; i++) await b.fails('supervisor.login', { pin: WRONG }, 'PIN_INVALID');
      assert.equal((await b.fails('supervisor.login', { pin: WRONG }, 'PIN_LOCKED')).retryAfterMs, 10 * MINUTE, 'the second lock is twice as long');
      clock += 10 * MINUTE;
      await b.ok('supervisor.login', { pin: PIN });
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.failures), '0');
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.lockouts), '0', 'a right PIN forgives the earlier locks');
      await b.ok('supervisor.logout', {});
    });

    test('wrong PINs from several screens at once are all counted', async () => {
      const screens: Screen[] = Array.from({ length: 6 }, (_, i) => screen(services, `racing screen ${i}`));
      const results = await Promise.all(screens.map((s) => s.call('supervisor.login', { pin: WRONG })));
      const codes = results.map((r) => (r.ok ? 'OK' : r.error.code)).sort();
      assert.deepEqual(codes, ['PIN_INVALID', 'PIN_INVALID', 'PIN_INVALID', 'PIN_INVALID', 'PIN_LOCKED', 'PIN_LOCKED']);
      clock += 5 * MINUTE;
    });

    test('changePin needs the current PIN, counts a wrong one, and ends the other screens\' sessions', async () => {
      const a = screen(services, 'screen A');
      const b = screen(services, 'screen B');
      await a.fails('supervisor.changePin', { currentPin: PIN, newPin: NEW_PIN }, 'SUPERVISOR_REQUIRED');
      await a.ok('supervisor.login', { pin: PIN });
      await b.ok('supervisor.login', { pin: PIN });
      const wrong = await a.fails('supervisor.changePin', { currentPin: WRONG, newPin: NEW_PIN }, 'PIN_INVALID', 'currentPin');
      assert.match(wrong.message, /4 more tries/);
      assert.deepEqual(await a.ok('supervisor.changePin', { currentPin: PIN, newPin: NEW_PIN }), { ok: true });
      await a.ok('keys.status', {});
      await b.fails('keys.status', {}, 'SUPERVISOR_REQUIRED');
      await b.fails('supervisor.login', { pin: PIN }, 'PIN_INVALID');
      await b.ok('supervisor.login', { pin: NEW_PIN });
    });

    test('a PIN hash changed outside the till is a typed error, not a crash, and costs no try', async () => {
      const keychain = createKeychain(services.till.profile.id);
      const stored = (await keychain.get(SECRET_ACCOUNTS.supervisorPinHash))!;
      const a = screen(services, 'screen A');
      try {
        const salt = 'c2FsdHNhbHRzYWx0c2FsdA==';
        const hash = 'A'.repeat(43) + '=';
        for (const tampered of ['not a hash', `scrypt$1073741824$8$1$${salt}$${hash}`, `scrypt$16384$99$1$${salt}$${hash}`, NEW_PIN]) {
          await keychain.set(SECRET_ACCOUNTS.supervisorPinHash, tampered);
          await a.fails('supervisor.login', { pin: NEW_PIN }, 'PIN_HASH_INVALID');
        }
        assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.failures), '0');
      } finally {
        await keychain.set(SECRET_ACCOUNTS.supervisorPinHash, stored);
      }
      await a.ok('supervisor.login', { pin: NEW_PIN });
    });

    test('a forgotten PIN: `till keys reset-pin` removes it and the lockout; the screen then sets a new one', async () => {
      ensureBuilt();
      const a = screen(services, 'screen A');
      for (let i = 0; i < 5; i++) await a.call('supervisor.login', { pin: WRONG });
      await a.fails('supervisor.login', { pin: NEW_PIN }, 'PIN_LOCKED');
      assert.deepEqual(expectJson(await till(['--json', 'keys', 'reset-pin'], { dataDir }), 0), { ok: true, removed: true });
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.lockedUntil), '0');
      await a.fails('supervisor.login', { pin: NEW_PIN }, 'PIN_NOT_SET');
      await a.ok('supervisor.setupPin', { pin: NEW_PIN });
      await a.ok('supervisor.logout', {});
      await a.ok('supervisor.login', { pin: NEW_PIN });
    });

    test('no reply, event or log line holds key material, a PIN or the PIN hash', async () => {
      await assertNothingSecretLeaked(dataDir, [PIN, NEW_PIN, WRONG]);
    });
  });
}
