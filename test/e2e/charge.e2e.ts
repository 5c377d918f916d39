// A sale end to end, as people do it: the cashier keys an amount and charges, the test reads
// the QR off the screen's pixels, opens it as the customer's phone would and pays on the
// sandbox's page; the till and the customer display show Paid, and the receipt comes out
// of the (virtual) printer. Real engine, sandbox, SQLite file, keychain and serial pty.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { insideKeyringSession, storedPrivateKeys } from '../support/cli-runner';
import { decodeQrCodes, renderSlipPng, slipText } from '../support/virtual-printer';
import { startWebTill, type WebTill } from '../support/web-till';
import { attributeMatching, textMatching, visible } from './support/eventually';
import { ordersOf } from './support/journal';
import { keyAmount } from './support/keypad';
import { readQrOnScreen } from './support/screen-qr';
import { saveScreenshot } from './support/screenshots';
import { assertNoSecretsLeaked } from './support/secret-scan';

if (insideKeyringSession(__filename, 'the charge end-to-end tests')) {
  describe('charge: keypad → QR on screen → the customer pays → Paid, receipt printed', { timeout: 180_000 }, () => {
    let w: WebTill;
    let customer: Page;
    let qrText = '';
    let merchantTransId = '';

    before(async () => {
      w = await startWebTill({ printer: true });
    });
    after(async () => {
      await w?.close();
    });

    test('the till screen comes up idle on the sandbox, and so does the customer display', async (t) => {
      await visible(w.page.getByTestId('till-screen'));
      await visible(w.page.getByTestId('banner-sandbox'));
      await attributeMatching(w.page.getByTestId('amount-display'), 'data-minor', /^0$/);
      await saveScreenshot(t, w.page, 'till-idle');

      customer = await w.newPage(w.customerUrl);
      await visible(customer.getByTestId('customer-idle'));
    });

    test('the amount keyed on the keypad is charged: a QR on the till and on the customer display', async (t) => {
      await keyAmount(w.page, '1234');
      await attributeMatching(w.page.getByTestId('amount-display'), 'data-minor', /^1234$/);
      await textMatching(w.page.getByTestId('amount-display'), /12\.34/);
      await w.page.getByTestId('charge-button').click();

      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^waiting$/);
      const onTill = await readQrOnScreen(w.page, w.page.getByTestId('payment-qr'));
      qrText = onTill.text;
      assert.match(qrText, new RegExp(`^${w.sandboxUrl}/qr/[A-Za-z0-9_-]+$`), 'the QR is the sandbox gateway orderQrCode');
      await textMatching(w.page.getByTestId('payment-amount'), /12\.34/);
      await saveScreenshot(t, w.page, 'till-qr');

      const [order] = await ordersOf(w);
      assert.ok(order, 'the order is in the journal');
      assert.equal(order.state, 'AWAITING_PAYMENT');
      assert.deepEqual(order.amount, { currency: 'USD', value: '1234' });
      assert.equal(order.qrCode, qrText, 'the screen shows exactly the journaled QR');
      merchantTransId = order.merchantTransId;
      await textMatching(w.page.getByTestId('payment-trans-id'), new RegExp(merchantTransId));

      await textMatching(customer.getByTestId('customer-amount'), /12\.34/);
      const onDisplay = await readQrOnScreen(customer, customer.getByTestId('customer-qr'));
      assert.equal(onDisplay.text, qrText, 'the customer display shows the same QR');
      await saveScreenshot(t, customer, 'customer-display');
    });

    test('the scan-to-pay slip on the printer scans to the same URL', async () => {
      const printer = w.printer!;
      const [slip] = await printer.waitForSlips(1, 20_000);
      assert.ok(slip);
      assert.deepEqual(slip.qrPayloads, [qrText], 'the native QR stores the orderQrCode');
      assert.deepEqual(decodeQrCodes(renderSlipPng(slip, { dotsPerLine: 384 })), [qrText], 'and the QR drawn on paper scans to it');
      assert.ok(slipText(slip).includes(merchantTransId));
      assert.deepEqual(slip.problems, []);
    });

    test('the customer pays on the sandbox page: the till and the customer display show Paid', async (t) => {
      const phone = await w.newPage(qrText);
      await textMatching(phone.locator('#amount'), /12\.34 USD/);
      await phone.locator('#pay').click();
      await attributeMatching(phone.locator('#status'), 'data-status', /^SUCCESS$/);
      await phone.close();

      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^paid$/);
      assert.equal(await w.page.getByTestId('payment-qr').count(), 0, 'the QR is gone once paid');
      await saveScreenshot(t, w.page, 'till-paid');

      await visible(customer.getByTestId('customer-thanks'));
      await attributeMatching(customer.getByTestId('customer-status'), 'data-phase', /^paid$/);
      await saveScreenshot(t, customer, 'customer-thanks');

      const [order] = await ordersOf(w);
      assert.equal(order?.merchantTransId, merchantTransId);
      assert.equal(order?.state, 'PAID');
      assert.ok(order?.acquirementId, 'the journal holds the Alipay transaction id');
    });

    test('the receipt arrives on the virtual printer with the order reference and the amount', async () => {
      const printer = w.printer!;
      const slips = await printer.waitForSlips(2, 20_000);
      const receipt = slipText(slips[1]!);
      assert.match(receipt, /PAID/);
      assert.ok(receipt.includes(merchantTransId), `the receipt names ${merchantTransId}:\n${receipt}`);
      assert.match(receipt, /USD 12\.34/);
      assert.deepEqual(slips[1]!.problems, []);
    });

    test('the recent orders list shows the paid order', async () => {
      await w.page.getByTestId('new-sale-button').click();
      await attributeMatching(w.page.getByTestId('amount-display'), 'data-minor', /^0$/);
      const row = w.page.locator(`[data-trans-id="${merchantTransId}"]`);
      await visible(row);
      await textMatching(row, /12\.34/);
    });

    test('no private key material crossed the bridge or reached the host’s output', async (t) => {
      const scan = await assertNoSecretsLeaked(w);
      t.diagnostic(`scanned ${scan.frames} frames (${scan.bytes} bytes)`);
    });

    test('the scan itself finds a key that did leak (bare base64, no PEM marker)', async () => {
      const [pem] = await storedPrivateKeys(w.dataDir);
      assert.ok(pem);
      const body = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
      const planted = { page: 'planted', payload: JSON.stringify({ id: 9, result: { ok: true, value: { note: body.slice(3, 6).join('') } } }) };
      await assert.rejects(assertNoSecretsLeaked({ ...w, framesReceived: [...w.framesReceived, planted] }), /private key material/);
    });
  });
}
