// The supervisor PIN guards reconciliation, refunds and settings. The first PIN needs the
// one-time code from the terminal; three wrong PINs make that screen wait (even the right
// PIN is refused there until the wait ends), while another window still logs in: one
// screen cannot lock the supervisor out (the till-wide lock after ten is in
// test/integration/ipc-router-supervisor.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { insideKeyringSession } from '../support/cli-runner';
import { startWebTill, type WebTill } from '../support/web-till';
import { attributeMatching, eventually, textMatching, visible } from './support/eventually';
import { setFirstPinWithCode, tapPin, typePin } from './support/pin';
import { saveScreenshot } from './support/screenshots';
import { assertNoSecretsLeaked } from './support/secret-scan';

const PIN = '582047';
const WRONG = '111111';
const SCREEN_FAILURES = 3;

if (insideKeyringSession(__filename, 'the supervisor lockout end-to-end tests')) {
  describe('supervisor lockout: first PIN with the terminal code, log out, three wrong PINs → this screen waits', { timeout: 180_000 }, () => {
    let w: WebTill;
    let supervisor: Page;

    /** Replies the till has sent with this error code so far (each PIN try gets exactly one). */
    const replies = (code: string) => w.framesReceived.filter((f) => f.payload.includes(`"code":"${code}"`)).length;

    before(async () => {
      w = await startWebTill();
    });
    after(async () => {
      await w?.close();
    });

    test('a till without a PIN asks for the terminal\'s code, then the first PIN twice; then the supervisor is in', async () => {
      supervisor = await w.newPage(w.supervisorUrl);
      await visible(supervisor.getByTestId('pin-setup'));
      await textMatching(supervisor.getByTestId('pin-setup'), /till keys set-pin/);
      await setFirstPinWithCode(supervisor, w.dataDir, PIN);
      await visible(supervisor.getByTestId('tab-day'));
      await visible(supervisor.getByTestId('day-tab'));
    });

    test('log out: back to the PIN pad', async () => {
      await supervisor.getByTestId('logout-button').click();
      await visible(supervisor.getByTestId('pin-login'));
      assert.equal(await supervisor.getByTestId('tab-day').count(), 0);
    });

    test(`${SCREEN_FAILURES} wrong PINs: each refused, the last makes this screen wait`, async (t) => {
      for (let attempt = 1; attempt < SCREEN_FAILURES; attempt++) {
        const before = replies('PIN_INVALID');
        await typePin(supervisor, WRONG);
        await eventually(`wrong PIN #${attempt} to be refused`, async () => replies('PIN_INVALID') > before);
        await attributeMatching(supervisor.getByTestId('pin-error'), 'data-code', /^PIN_INVALID$/);
      }
      await tapPin(supervisor, WRONG);
      await textMatching(supervisor.getByTestId('pin-lockout'), /\d+:\d\d/);
      assert.ok(replies('PIN_LOCKED') >= 1, 'the router said PIN_LOCKED');
      assert.ok(await supervisor.getByTestId('pin-submit').isDisabled(), 'the PIN pad is closed while locked');
      await saveScreenshot(t, supervisor, 'supervisor-lockout');
    });

    test('another window still logs in with the right PIN: one screen cannot lock the supervisor out', async () => {
      const other = await w.newPage(w.supervisorUrl);
      await visible(other.getByTestId('pin-login'));
      await tapPin(other, PIN);
      await visible(other.getByTestId('day-tab'));
      assert.ok(await supervisor.getByTestId('pin-submit').isDisabled(), 'the guessing screen still waits');
      await other.getByTestId('logout-button').click();
      await other.close();
    });

    test('no private key, PIN or PIN hash crossed the bridge or reached the host’s output', async () => {
      await assertNoSecretsLeaked(w, [PIN, WRONG]);
    });
  });
}
