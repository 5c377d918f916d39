// The supervisor PIN guards reconciliation, refunds and settings: five wrong PINs lock the
// supervisor screen, on every window (the lock is the router's, kept in the journal's
// settings), and even the right PIN is refused until the lock ends.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { insideKeyringSession } from '../support/cli-runner';
import { startWebTill, type WebTill } from '../support/web-till';
import { attributeMatching, eventually, textMatching, visible } from './support/eventually';
import { tapPin, typePin } from './support/pin';
import { saveScreenshot } from './support/screenshots';
import { assertNoSecretsLeaked } from './support/secret-scan';

const PIN = '582047';
const WRONG = '111111';
const MAX_FAILURES = 5;

if (insideKeyringSession(__filename, 'the supervisor lockout end-to-end tests')) {
  describe('supervisor lockout: first PIN, log out, five wrong PINs → locked', { timeout: 180_000 }, () => {
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

    test('a till without a PIN asks for the first one, twice; then the supervisor is in', async () => {
      supervisor = await w.newPage(w.supervisorUrl);
      await visible(supervisor.getByTestId('pin-setup'));
      await tapPin(supervisor, PIN);
      await tapPin(supervisor, PIN);
      await visible(supervisor.getByTestId('tab-day'));
      await visible(supervisor.getByTestId('day-tab'));
    });

    test('log out: back to the PIN pad', async () => {
      await supervisor.getByTestId('logout-button').click();
      await visible(supervisor.getByTestId('pin-login'));
      assert.equal(await supervisor.getByTestId('tab-day').count(), 0);
    });

    test(`${MAX_FAILURES} wrong PINs: each refused, the last locks the screen`, async (t) => {
      for (let attempt = 1; attempt < MAX_FAILURES; attempt++) {
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

    test('the right PIN from another window is refused too while locked', async () => {
      const other = await w.newPage(w.supervisorUrl);
      await visible(other.getByTestId('pin-login'));
      const before = replies('PIN_LOCKED');
      await tapPin(other, PIN);
      await visible(other.getByTestId('pin-lockout'));
      assert.ok(replies('PIN_LOCKED') > before, 'the lock is the router’s, not one screen’s');
      assert.equal(await other.getByTestId('tab-day').count(), 0, 'no supervisor session was opened');
      await other.close();
    });

    test('no private key, PIN or PIN hash crossed the bridge or reached the host’s output', async () => {
      await assertNoSecretsLeaked(w, [PIN, WRONG]);
    });
  });
}
