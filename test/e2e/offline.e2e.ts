// The network between the till and Alipay fails, then comes back. The sandbox's own fault
// switch (POST /sandbox/faults) makes it drop every request, or answer with a signature
// that does not verify: the till must say it is offline (with how many orders wait), never
// guess an outcome, and resolve everything by itself once the gateway answers again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insideKeyringSession, payQr, setSandboxFaults } from '../support/cli-runner';
import { startWebTill, type WebTill } from '../support/web-till';
import { attributeMatching, eventually, gone, textMatching, visible } from './support/eventually';
import { orderOf, ordersOf } from './support/journal';
import { keyAmount } from './support/keypad';
import { readQrOnScreen } from './support/screen-qr';
import { saveScreenshot } from './support/screenshots';
import { assertNoSecretsLeaked } from './support/secret-scan';

const UNRESOLVED = ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING'];

if (insideKeyringSession(__filename, 'the offline end-to-end tests')) {
  describe('faults and offline: banner with the unresolved count → recovery', { timeout: 240_000 }, () => {
    let w: WebTill;

    before(async () => {
      w = await startWebTill();
    });
    after(async () => {
      await setSandboxFaults(w.sandboxUrl, '').catch(() => {});
      await w?.close();
    });

    test('online: no offline banner', async () => {
      await visible(w.page.getByTestId('till-screen'));
      await visible(w.page.getByTestId('banner-sandbox'));
      assert.equal(await w.page.getByTestId('banner-offline').count(), 0);
    });

    test('the gateway drops every request: the order waits on "checking", the banner says offline with 1', async (t) => {
      await setSandboxFaults(w.sandboxUrl, 'drop=1');
      await keyAmount(w.page, '500');
      await w.page.getByTestId('charge-button').click();
      await visible(w.page.getByTestId('payment-panel'));
      await textMatching(w.page.getByTestId('banner-offline'), /\b1\b/);
      // Unknown is never shown as a result: no QR, no paid, no failed, but "checking…".
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^checking$/);
      assert.equal(await w.page.getByTestId('payment-qr').count(), 0);
      await saveScreenshot(t, w.page, 'till-offline');
    });

    test('a second order while offline: the banner counts 2', async () => {
      await w.page.getByTestId('new-sale-button').click();
      await keyAmount(w.page, '725');
      await w.page.getByTestId('charge-button').click();
      // Offline, the engine holds this one back (only the oldest probes the gateway): not sent yet, or unknown.
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^(creating|checking)$/);
      // The count follows the orders as they are made, not only when the link changes.
      await textMatching(w.page.getByTestId('banner-offline'), /\b2\b/, 5_000);
    });

    test('the journal holds both, unresolved: nothing was guessed', async () => {
      const orders = await ordersOf(w);
      assert.deepEqual(orders.map((o) => o.amount.value), ['725', '500']);
      for (const order of orders) assert.ok(UNRESOLVED.includes(order.state), `${order.merchantTransId} is ${order.state}, not resolved by a guess`);
    });

    test('the gateway answers again: the banner goes, the orders are resolved and payable', async (t) => {
      await setSandboxFaults(w.sandboxUrl, '');
      await gone(w.page.getByTestId('banner-offline'), 60_000);

      // The second order is on screen: it gets its QR without the cashier doing anything.
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^waiting$/, 60_000);
      const qr = await readQrOnScreen(w.page, w.page.getByTestId('payment-qr'));
      await saveScreenshot(t, w.page, 'till-recovered');
      await payQr(qr.text);
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^paid$/);

      const [second, first] = await ordersOf(w);
      assert.equal(second?.state, 'PAID');
      assert.deepEqual(second?.amount, { currency: 'USD', value: '725' });
      assert.ok(first, 'the first order is still journaled');
      // The first order is resolved too: resent and payable (then its customer pays), or voided
      // if its retries ran past the payment window. The till's own engine does it, no one else.
      const firstNow = await eventually('the first order to leave SENDING', async () => {
        const order = await orderOf(w, first.merchantTransId);
        return order.state === 'AWAITING_PAYMENT' || order.state === 'CANCELLED' ? order : undefined;
      }, 60_000);
      if (firstNow.state === 'AWAITING_PAYMENT') {
        await payQr(firstNow.qrCode!);
        await eventually('the first order to be paid', async () => (await orderOf(w, first.merchantTransId)).state === 'PAID', 30_000);
      }
      assert.deepEqual((await ordersOf(w)).filter((o) => UNRESOLVED.includes(o.state)), [], 'nothing is left unresolved');
    });

    test('answers that fail verification: the screen says checking, never paid or failed, and it resolves once they verify', async (t) => {
      await setSandboxFaults(w.sandboxUrl, 'badsig=1');
      await w.page.getByTestId('new-sale-button').click();
      await keyAmount(w.page, '1999');
      await w.page.getByTestId('charge-button').click();
      // The first unverifiable answer is news the screen hears at once (the engine tells it).
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^checking$/, 5_000);
      assert.equal(await w.page.getByTestId('payment-qr').count(), 0, 'a QR only after a verified S');
      assert.equal(await w.page.getByTestId('banner-offline').count(), 0, 'the gateway answered: that is not offline');
      await saveScreenshot(t, w.page, 'till-checking');

      await setSandboxFaults(w.sandboxUrl, '');
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^waiting$/, 60_000);
      const [order] = await ordersOf(w);
      assert.equal(order?.state, 'AWAITING_PAYMENT');
      const qr = await readQrOnScreen(w.page, w.page.getByTestId('payment-qr'));
      assert.equal(qr.text, order?.qrCode);
    });

    test('no private key material crossed the bridge or reached the host’s output', async (t) => {
      const scan = await assertNoSecretsLeaked(w);
      t.diagnostic(`scanned ${scan.frames} frames (${scan.bytes} bytes)`);
    });
  });
}
