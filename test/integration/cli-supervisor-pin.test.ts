// The supervisor PIN at the terminal (issue 11 §1, §4): `till keys set-pin` reads the PIN
// from stdin (never an argument) and takes 6 to 12 digits; `set-pin --code` prints a
// one-time code for the screen, only while no PIN is set, a newer code replacing an older;
// `unlock-pin` ends a lockout with the PIN unchanged; each change is journaled and raises
// the SUPERVISOR_PIN alarm the supervisor sees. Real processes, SQLite file and keychain.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOCKOUT_SETTINGS } from '../../main/config/supervisor-pin';
import type { Till } from '../../main/runtime/open-till';
import { assertErrorDoc, describeRun, ensureBuilt, expectJson, insideKeyringSession, removeTempDirs, tempDir, till, inTill } from '../support/cli-runner';

const PIN = '0582937146';

if (insideKeyringSession(__filename, 'till keys set-pin / unlock-pin')) {
  describe('till keys set-pin, set-pin --code, unlock-pin', () => {
    let dataDir: string;
    const run = (args: string[], input?: string) => till(args, { dataDir, input });
    const inThisTill = <T>(work: (t: Till) => Promise<T> | T) => inTill(dataDir, work);
    const pinAlarms = () => inThisTill((t) => t.journal.openAlarms().filter((a) => a.kind === 'SUPERVISOR_PIN').map((a) => a.code));

    before(() => {
      ensureBuilt();
      dataDir = tempDir();
    });
    after(() => removeTempDirs());

    test('a short PIN is refused by name and nothing is set; a good one from stdin is set, journaled and raises an alarm', async () => {
      const short = await run(['keys', 'set-pin', '--json'], '12345\n');
      assert.equal(short.status, 1, describeRun(short));
      assertErrorDoc(JSON.parse(short.stdout), 'PIN_FORMAT', 'pin');
      assert.match(short.stdout, /6 to 12 digits/);
      assert.equal(expectJson(await run(['keys', 'status', '--json']), 0).supervisorPinSet, false);

      const set = await run(['keys', 'set-pin', '--json'], `${PIN}\n`);
      assert.deepEqual(expectJson(set, 0), { ok: true });
      assert.ok(!set.stdout.includes(PIN) && !set.stderr.includes(PIN), 'the PIN is never echoed');
      assert.equal(expectJson(await run(['keys', 'status', '--json']), 0).supervisorPinSet, true);
      assert.deepEqual(await pinAlarms(), ['SET_AT_TERMINAL']);
      const check = await inThisTill((t) => t.vault.checkSupervisorPin(PIN));
      assert.equal(check, 'match');
    });

    test('a setup code is refused while a PIN is set; after reset-pin it is 8 digits, works once, and a newer code replaces an older one', async () => {
      const refused = await run(['keys', 'set-pin', '--code', '--json']);
      assert.equal(refused.status, 1, describeRun(refused));
      assert.match(assertErrorDoc(JSON.parse(refused.stdout), 'PIN_ALREADY_SET').message, /reset-pin/);

      assert.deepEqual(expectJson(await run(['keys', 'reset-pin', '--json']), 0), { ok: true, removed: true });
      const first = expectJson(await run(['keys', 'set-pin', '--code', '--json']), 0);
      const second = expectJson(await run(['keys', 'set-pin', '--code', '--json']), 0);
      for (const issued of [first, second]) {
        assert.match(issued.code as string, /^\d{8}$/);
        const ttl = Date.parse(issued.expiresAt as string) - Date.now();
        assert.ok(ttl > 14 * 60_000 && ttl <= 15 * 60_000, `expires in 15 minutes (${ttl} ms)`);
      }
      const now = Date.now();
      const results = await inThisTill(async (t) => [
        await t.vault.takePinSetupCode(first.code as string, now),
        await t.vault.takePinSetupCode(second.code as string, now),
        await t.vault.takePinSetupCode(second.code as string, now),
      ]);
      assert.deepEqual(results, [first.code === second.code ? 'match' : 'mismatch', 'match', 'none']);

      const expired = expectJson(await run(['keys', 'set-pin', '--code', '--json']), 0);
      assert.equal(await inThisTill((t) => t.vault.takePinSetupCode(expired.code as string, now + 16 * 60_000)), 'expired');
      assert.deepEqual(await pinAlarms(), ['SET_AT_TERMINAL', 'RESET_AT_TERMINAL']);
    });

    test('unlock-pin ends a lockout and keeps the PIN; --code belongs to set-pin only', async () => {
      expectJson(await run(['keys', 'set-pin', '--json'], `${PIN}\n`), 0);
      await inThisTill((t) => t.settings.setMany({ [LOCKOUT_SETTINGS.lockedUntil]: String(Date.now() + 3_600_000), [LOCKOUT_SETTINGS.lockouts]: '4' }));
      assert.deepEqual(expectJson(await run(['keys', 'unlock-pin', '--json']), 0), { ok: true, wasLocked: true });
      const after = await inThisTill((t) => [t.settings.get(LOCKOUT_SETTINGS.lockedUntil), t.settings.get(LOCKOUT_SETTINGS.lockouts)]);
      assert.deepEqual(after, ['0', '0']);
      assert.equal(await inThisTill((t) => t.vault.checkSupervisorPin(PIN)), 'match');
      const events = await inThisTill((t) => t.db.prepare("SELECT kind FROM events WHERE kind LIKE 'supervisor_pin%' ORDER BY id").all() as { kind: string }[]);
      assert.deepEqual(
        events.map((e) => e.kind),
        ['supervisor_pin_set', 'supervisor_pin_reset', 'supervisor_pin_code_issued', 'supervisor_pin_code_issued', 'supervisor_pin_code_issued', 'supervisor_pin_set', 'supervisor_pin_unlocked'],
      );
      const misuse = await run(['keys', 'status', '--code']);
      assert.equal(misuse.status, 2, describeRun(misuse));
      assert.match(misuse.stderr, /--code is for set-pin/);
    });
  });
}
