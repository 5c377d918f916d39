// The supervisor session over the router, with the real keychain: the first PIN (only with
// the terminal's one-time code), login, the till-wide lockout after ten wrong PINs (with
// retryAfterMs, persisted across a restart of the whole till, doubling on the next lock,
// never longer than an hour), one screen's own wait after three, sessions per connection
// that end when idle, on logout and on close, and a PIN change that needs the current PIN,
// takes only 6+ digits and ends the other screens' sessions. The router's clock is
// injected; the till's data is real. The terminal's side (set-pin, reset-pin, unlock-pin):
// cli-supervisor-pin.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SECRET_ACCOUNTS, createKeychain } from '../../native/keychain';
import { LOCKOUT_SETTINGS, SupervisorPin } from '../../main/config/supervisor-pin';
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

    test('before a PIN is set: login is PIN_NOT_SET; a screen cannot set it without the terminal\'s one-time code', async () => {
      const a = screen(services, 'screen A');
      assert.equal((await a.ok('till.status', {})).supervisorPinSet, false);
      await a.fails('supervisor.login', { pin: PIN }, 'PIN_NOT_SET');
      const refused = await a.fails('supervisor.setupPin', { code: '12345678', pin: PIN }, 'PIN_SETUP_CODE_REQUIRED', 'code');
      assert.match(refused.message, /till keys set-pin/);
      await a.fails('supervisor.setupPin', { pin: PIN }, 'BAD_REQUEST', 'code');
      const issuer = new SupervisorPin(services.till.vault, services.till.settings, services.till.journal, () => clock);
      const { code } = await issuer.issueSetupCode();
      const wrongCode = code === '00000000' ? '11111111' : '00000000';
      await a.fails('supervisor.setupPin', { code: wrongCode, pin: PIN }, 'PIN_SETUP_CODE_INVALID', 'code');
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.failures), '1', 'a wrong code counts like a wrong PIN');
      await a.fails('supervisor.setupPin', { code, pin: '12345' }, 'BAD_REQUEST', 'pin');
      assert.equal((await a.ok('till.status', {})).supervisorPinSet, false);
      assert.equal((await a.ok('till.status', {})).supervisor, false);
      a.connection.close();
    });

    test('the code and a new PIN set the first PIN: only a hash is stored, the screen is logged in, the code is used up, an alarm says so', async () => {
      const a = screen(services, 'screen A');
      const issuer = new SupervisorPin(services.till.vault, services.till.settings, services.till.journal, () => clock);
      const { code } = await issuer.issueSetupCode();
      const reply = await a.ok('supervisor.setupPin', { code, pin: PIN });
      assert.equal(reply.expiresAt, clock + 10 * MINUTE);
      await a.waitForEvent('status', (e) => e.type === 'status');
      const status = await a.ok('till.status', {});
      assert.equal(status.supervisorPinSet, true);
      assert.equal(status.supervisor, true);
      const stored = await createKeychain(services.till.profile.id).get(SECRET_ACCOUNTS.supervisorPinHash);
      assert.ok(stored !== null && /^scrypt\$/.test(stored) && !stored.includes(PIN), 'the keychain holds a salted hash, not the PIN');
      await a.fails('supervisor.setupPin', { code, pin: NEW_PIN }, 'PIN_ALREADY_SET');
      await assert.rejects(issuer.issueSetupCode(), /PIN is already set/);
      assert.equal((await a.ok('keys.status', {})).supervisorPinSet, true);
      const alarms = (await a.ok('day.reconcile', {})).alarms.filter((x) => x.kind === 'SUPERVISOR_PIN');
      assert.equal(alarms.length, 1);
      assert.match(alarms[0]!.message, /set on a screen with a one-time code/);
      await a.ok('alarm.clear', { alarmId: alarms[0]!.id });
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

    test('one screen waits after three wrong PINs, alone: the others still log in', async () => {
      const a = screen(services, 'screen A');
      const b = screen(services, 'screen B');
      for (let i = 1; i <= 2; i++) await a.fails('supervisor.login', { pin: WRONG }, 'PIN_INVALID', 'pin');
      assert.equal((await a.fails('supervisor.login', { pin: WRONG }, 'PIN_LOCKED', 'pin')).retryAfterMs, 30_000);
      assert.equal((await a.fails('supervisor.login', { pin: PIN }, 'PIN_LOCKED')).retryAfterMs, 30_000, 'even the right PIN waits on this screen');
      await b.ok('supervisor.login', { pin: PIN });
      await b.ok('supervisor.logout', {});
      clock += 30_000;
      assert.equal((await a.fails('supervisor.login', { pin: WRONG }, 'PIN_LOCKED')).retryAfterMs, 60_000, 'the screen\'s wait doubles');
      clock += 60_000;
      await a.ok('supervisor.login', { pin: PIN });
      await a.ok('supervisor.logout', {});
      a.connection.close();
      b.connection.close();
    });

    test('ten wrong PINs from any screens lock every screen for 5 minutes, raise an alarm, survive a restart; locks double to at most an hour', async () => {
      const wrongFrom = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const fresh = screen(services, `guessing screen ${i}`);
          const reply = await fresh.call('supervisor.login', { pin: WRONG });
          fresh.connection.close();
          if (!reply.ok && reply.error.code === 'PIN_LOCKED') return reply.error;
          assert.ok(!reply.ok && reply.error.code === 'PIN_INVALID' && !reply.error.message.includes(WRONG));
        }
        return undefined;
      };
      assert.equal(await wrongFrom(9), undefined);
      const locked = await wrongFrom(1);
      assert.equal(locked?.retryAfterMs, 5 * MINUTE);
      // Locked: even the right PIN is refused, and says how long is left.
      clock += MINUTE;
      const a = screen(services, 'screen A');
      assert.equal((await a.fails('supervisor.login', { pin: PIN }, 'PIN_LOCKED')).retryAfterMs, 4 * MINUTE);
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.lockedUntil), String(clock - MINUTE + 5 * MINUTE));
      const alarm = services.till.journal.openAlarms().filter((x) => x.kind === 'SUPERVISOR_PIN');
      assert.deepEqual(alarm.map((x) => x.code), ['LOCKED']);
      assert.match(alarm[0]!.message, /till keys unlock-pin/);

      await services.close();
      await start();
      const b = screen(services, 'screen B after restart');
      assert.equal((await b.fails('supervisor.login', { pin: PIN }, 'PIN_LOCKED')).retryAfterMs, 4 * MINUTE);

      const expected = [10, 20, 40, 60, 60];
      for (const minutes of expected) {
        clock += 60 * MINUTE;
        assert.equal(await wrongFrom(9), undefined);
        assert.equal((await wrongFrom(1))?.retryAfterMs, minutes * MINUTE, `the next lock is ${minutes} minutes`);
      }
      clock += 60 * MINUTE;
      const c = screen(services, 'screen C');
      await c.ok('supervisor.login', { pin: PIN });
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.failures), '0');
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.lockouts), '0', 'a right PIN forgives the earlier locks');
      for (const open of services.till.journal.openAlarms()) services.till.journal.clearAlarm(open.id, 'test');
      await c.ok('supervisor.logout', {});
    });

    test('wrong PINs from several screens at once are all counted', async () => {
      const screens: Screen[] = Array.from({ length: 12 }, (_, i) => screen(services, `racing screen ${i}`));
      const results = await Promise.all(screens.map((s) => s.call('supervisor.login', { pin: WRONG })));
      const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
      assert.equal(codes.filter((c) => c === 'PIN_INVALID').length, 9);
      assert.equal(codes.filter((c) => c === 'PIN_LOCKED').length, 3);
      clock += 5 * MINUTE;
      for (const s of screens) s.connection.close();
    });

    test('changePin needs the current PIN, counts a wrong one, and ends the other screens\' sessions', async () => {
      const a = screen(services, 'screen A');
      const b = screen(services, 'screen B');
      await a.fails('supervisor.changePin', { currentPin: PIN, newPin: NEW_PIN }, 'SUPERVISOR_REQUIRED');
      await a.ok('supervisor.login', { pin: PIN });
      await b.ok('supervisor.login', { pin: PIN });
      const wrong = await a.fails('supervisor.changePin', { currentPin: WRONG, newPin: NEW_PIN }, 'PIN_INVALID', 'currentPin');
      assert.match(wrong.message, /9 more tries/);
      await a.fails('supervisor.changePin', { currentPin: PIN, newPin: '12345' }, 'BAD_REQUEST', 'newPin');
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

    test('a forgotten PIN: `till keys reset-pin` removes it and the lockout; the terminal\'s code lets the screen set a new one', async () => {
      ensureBuilt();
      // The `till` command's clock is the real one; the code it prints expires by it.
      clock = Date.now();
      const a = screen(services, 'screen A');
      for (let i = 0; i < 10; i++) await screen(services, `guess ${i}`).call('supervisor.login', { pin: WRONG });
      await a.fails('supervisor.login', { pin: NEW_PIN }, 'PIN_LOCKED');
      assert.deepEqual(expectJson(await till(['--json', 'keys', 'reset-pin'], { dataDir }), 0), { ok: true, removed: true });
      assert.equal(services.till.settings.get(LOCKOUT_SETTINGS.lockedUntil), '0');
      await a.fails('supervisor.login', { pin: NEW_PIN }, 'PIN_NOT_SET');
      await a.fails('supervisor.setupPin', { code: '12345678', pin: NEW_PIN }, 'PIN_SETUP_CODE_REQUIRED');
      const issued = expectJson(await till(['--json', 'keys', 'set-pin', '--code'], { dataDir }), 0) as { code: string };
      await a.ok('supervisor.setupPin', { code: issued.code, pin: NEW_PIN });
      await a.ok('supervisor.logout', {});
      await a.ok('supervisor.login', { pin: NEW_PIN });
      const codes = services.till.journal.openAlarms().filter((x) => x.kind === 'SUPERVISOR_PIN').map((x) => x.code);
      assert.deepEqual(codes, ['LOCKED', 'RESET_AT_TERMINAL', 'SET_WITH_CODE']);
    });

    test('no reply, event or log line holds key material, a PIN or the PIN hash', async () => {
      await assertNothingSecretLeaked(dataDir, [PIN, NEW_PIN, WRONG]);
    });
  });
}
