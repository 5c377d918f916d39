// The cashier changes their mind: an amount typed on the physical keyboard, charged with
// Enter, then Cancel. The screen says Cancelled and so do the journal and the gateway.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insideKeyringSession, sandboxOrder } from '../support/cli-runner';
import { startWebTill, type WebTill } from '../support/web-till';
import { attributeMatching, textMatching, visible } from './support/eventually';
import { ordersOf } from './support/journal';
import { saveScreenshot } from './support/screenshots';
import { assertNoSecretsLeaked } from './support/secret-scan';

if (insideKeyringSession(__filename, 'the cancel end-to-end tests')) {
  describe('cancel: charge, then Cancel → Cancelled on screen and in the journal', { timeout: 180_000 }, () => {
    let w: WebTill;
    let merchantTransId = '';
    let qrText = '';

    before(async () => {
      w = await startWebTill();
    });
    after(async () => {
      await w?.close();
    });

    test('digits, Backspace and Escape on the keyboard edit the amount; Enter charges', async () => {
      await visible(w.page.getByTestId('till-screen'));
      const amount = w.page.getByTestId('amount-display');
      await attributeMatching(amount, 'data-minor', /^0$/);
      for (const key of ['9', '9']) await w.page.keyboard.press(key);
      await attributeMatching(amount, 'data-minor', /^99$/);
      await w.page.keyboard.press('Escape');
      await attributeMatching(amount, 'data-minor', /^0$/);
      for (const key of ['2', '5', '0', '7', 'Backspace']) await w.page.keyboard.press(key);
      await attributeMatching(amount, 'data-minor', /^250$/);
      await textMatching(amount, /2\.50/);

      await w.page.keyboard.press('Enter');
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^waiting$/);
      await visible(w.page.getByTestId('payment-qr'));
      await textMatching(w.page.getByTestId('payment-amount'), /2\.50/);
      const [order] = await ordersOf(w);
      assert.equal(order?.state, 'AWAITING_PAYMENT');
      assert.deepEqual(order?.amount, { currency: 'USD', value: '250' });
      merchantTransId = order!.merchantTransId;
      qrText = order!.qrCode!;
    });

    test('Cancel: the screen says Cancelled, the journal and the gateway agree', async (t) => {
      await w.page.getByTestId('cancel-button').click();
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^cancelled$/);
      assert.equal(await w.page.getByTestId('payment-qr').count(), 0, 'no QR is left to scan');
      assert.equal(await w.page.getByTestId('cancel-button').count(), 0, 'nothing left to cancel');
      await saveScreenshot(t, w.page, 'till-cancelled');

      const [order] = await ordersOf(w);
      assert.equal(order?.merchantTransId, merchantTransId);
      assert.equal(order?.state, 'CANCELLED');
      const atGateway = await sandboxOrder(w.sandboxUrl, merchantTransId);
      assert.equal(atGateway?.status, 'CANCELLED', 'the gateway voided it (payCancel), not only the screen');
    });

    test('the customer can no longer pay the cancelled QR', async () => {
      const phone = await w.newPage(qrText);
      await attributeMatching(phone.locator('#status'), 'data-status', /^CANCELLED$/);
      assert.equal(await phone.locator('#pay').count(), 0, 'no Pay button on a cancelled order');
      await phone.close();
    });

    test('Escape after the end starts a new sale', async () => {
      await w.page.keyboard.press('Escape');
      await attributeMatching(w.page.getByTestId('amount-display'), 'data-minor', /^0$/);
      const row = w.page.locator(`[data-trans-id="${merchantTransId}"]`);
      await visible(row);
    });

    test('no private key material crossed the bridge or reached the host’s output', async (t) => {
      const scan = await assertNoSecretsLeaked(w);
      t.diagnostic(`scanned ${scan.frames} frames (${scan.bytes} bytes)`);
    });
  });
}
