// The supervisor's day: log in with the PIN, the reconciliation shows the paid order's
// totals, part of it is refunded (and listed), the day's CSV is downloaded and holds the
// order; the settings screen opens. The journal, read by the `till` command, agrees.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DAY_CSV_COLUMNS } from '../../main/journal/csv';
import { expectJson, insideKeyringSession, payQr } from '../support/cli-runner';
import { startWebTill, type WebTill } from '../support/web-till';
import { attributeMatching, eventually, textMatching, visible } from './support/eventually';
import { ordersOf, type JournalOrder } from './support/journal';
import { keyAmount } from './support/keypad';
import { setFirstPinWithCode, typePin } from './support/pin';
import { saveScreenshot } from './support/screenshots';
import { assertNoSecretsLeaked } from './support/secret-scan';

const PIN = '730915';

/** RFC 4180 as the till writes it; the fields checked here hold no quotes or commas. */
function csvRows(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

if (insideKeyringSession(__filename, 'the supervisor end-to-end tests')) {
  describe('supervisor: login, reconciliation, refund, CSV export', { timeout: 240_000 }, () => {
    let w: WebTill;
    let supervisor: Page;
    let paid: JournalOrder;

    before(async () => {
      w = await startWebTill();
    });
    after(async () => {
      await w?.close();
    });

    test('a sale is charged on the till and paid by the customer', async () => {
      await visible(w.page.getByTestId('till-screen'));
      await keyAmount(w.page, '1234');
      await w.page.getByTestId('charge-button').click();
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^waiting$/);
      const [order] = await ordersOf(w);
      assert.ok(order?.qrCode);
      await payQr(order.qrCode);
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^paid$/);
      [paid] = (await ordersOf(w)) as [JournalOrder];
      assert.equal(paid.state, 'PAID');
    });

    test('the first PIN is set, the supervisor logs out and back in', async () => {
      supervisor = await w.newPage(w.supervisorUrl);
      await visible(supervisor.getByTestId('pin-setup'));
      await setFirstPinWithCode(supervisor, w.dataDir, PIN);
      await visible(supervisor.getByTestId('day-tab'));
      await supervisor.getByTestId('logout-button').click();
      await visible(supervisor.getByTestId('pin-login'));
      await typePin(supervisor, PIN);
      await visible(supervisor.getByTestId('day-tab'));
    });

    test('setting the PIN raised an alarm the supervisor sees and acknowledges', async () => {
      const alarms = supervisor.getByTestId('day-alarms');
      await textMatching(alarms, /PIN was set on a screen with a one-time code/);
      await supervisor.locator('[data-testid^="alarm-clear-"]').first().click();
      await visible(supervisor.getByTestId('day-no-exceptions'));
    });

    test('the reconciliation shows the paid order in the day’s totals', async (t) => {
      const paidRow = supervisor.getByTestId('total-USD-paid');
      await attributeMatching(paidRow, 'data-count', /^1$/);
      await attributeMatching(paidRow, 'data-minor', /^1234$/);
      await textMatching(paidRow, /12\.34/);
      await attributeMatching(supervisor.getByTestId('total-USD-net'), 'data-minor', /^1234$/);
      await attributeMatching(supervisor.getByTestId('total-USD-refunded'), 'data-count', /^0$/);
      await visible(supervisor.getByTestId('day-no-exceptions'));
      await textMatching(supervisor.getByTestId('day-heading'), new RegExp(paid.businessDay));
      await saveScreenshot(t, supervisor, 'supervisor-day');
    });

    test('part of the order is refunded from its history; the refund is listed', async (t) => {
      await supervisor.getByTestId('tab-orders').click();
      await supervisor.getByTestId('order-search-input').fill(paid.merchantTransId.slice(-4));
      await supervisor.getByTestId('order-search-button').click();
      const history = supervisor.getByTestId('order-history');
      await visible(history);
      await textMatching(history, new RegExp(paid.merchantTransId));
      await supervisor.getByTestId('order-refund-button').click();
      await visible(supervisor.getByTestId('refund-form'));
      await supervisor.getByTestId('refund-amount').fill('4.00');
      await supervisor.getByTestId('refund-reason').fill('cup was cracked');
      await supervisor.getByTestId('refund-submit').click();
      await attributeMatching(supervisor.getByTestId('refund-result'), 'data-state', /^(PENDING|SUCCEEDED)$/);

      // The journal settles the refund with the gateway; the order keeps the rest paid.
      const settled = await eventually('the refund to succeed in the journal', async () => {
        const run = await w.cli(['--json', 'order', paid.merchantTransId]);
        const doc = expectJson(run, 0) as { order: JournalOrder; refunds: Array<{ state: string; amount: { value: string }; reason: string | null }> };
        return doc.refunds[0]?.state === 'SUCCEEDED' ? doc : undefined;
      });
      assert.equal(settled.refunds.length, 1);
      assert.deepEqual(settled.refunds[0]!.amount, { currency: 'USD', value: '400' });
      assert.equal(settled.refunds[0]!.reason, 'cup was cracked');
      assert.deepEqual(settled.order.refunded, { currency: 'USD', value: '400' });
      assert.equal(settled.order.state, 'PAID', 'a partial refund leaves the order paid');

      // Looking the order up afresh shows the refund in its history.
      await supervisor.getByTestId('tab-day').click();
      await visible(supervisor.getByTestId('day-tab'));
      await supervisor.getByTestId('tab-orders').click();
      await supervisor.getByTestId('order-search-input').fill(paid.merchantTransId.slice(-4));
      await supervisor.getByTestId('order-search-button').click();
      await visible(supervisor.getByTestId('order-refunds'));
      const listed = supervisor.getByTestId('order-refunds').locator('li');
      await attributeMatching(listed, 'data-state', /^SUCCEEDED$/);
      await textMatching(listed, /4\.00/);
      await saveScreenshot(t, supervisor, 'supervisor-refund');
    });

    test('the day’s totals count the refund', async () => {
      await supervisor.getByTestId('tab-day').click();
      await attributeMatching(supervisor.getByTestId('total-USD-refunded'), 'data-count', /^1$/);
      await attributeMatching(supervisor.getByTestId('total-USD-refunded'), 'data-minor', /^400$/);
      await attributeMatching(supervisor.getByTestId('total-USD-net'), 'data-minor', /^834$/);
    });

    test('CSV export: a download with the header row and the order’s row', async (t) => {
      const [download] = await Promise.all([supervisor.waitForEvent('download', { timeout: 20_000 }), supervisor.getByTestId('csv-button').click()]);
      assert.match(download.suggestedFilename(), /\.csv$/);
      const file = await download.path();
      const text = fs.readFileSync(file, 'utf8');
      const rows = csvRows(text);
      assert.deepEqual(rows[0], [...DAY_CSV_COLUMNS], 'the header row');
      const column = (name: (typeof DAY_CSV_COLUMNS)[number]) => DAY_CSV_COLUMNS.indexOf(name);
      const row = rows.find((r) => r[column('merchant_trans_id')] === paid.merchantTransId);
      assert.ok(row, `the CSV has a row for ${paid.merchantTransId}:\n${text}`);
      assert.equal(row[column('state')], 'PAID');
      assert.equal(row[column('currency')], 'USD');
      assert.equal(row[column('amount_minor')], '1234');
      assert.equal(row[column('amount')], '12.34');
      assert.equal(row[column('refunded_minor')], '400');
      assert.equal(row[column('acquirement_id')], paid.acquirementId);
      assert.equal(rows.length, 2, 'one order, one row');
      await visible(supervisor.getByTestId('day-notice'));
      t.diagnostic(`CSV download ${download.suggestedFilename()} (${text.length} bytes)`);
    });

    test('the settings screen shows the till’s configuration', async (t) => {
      await supervisor.getByTestId('tab-settings').click();
      await visible(supervisor.getByTestId('settings-form'));
      // Whether money moves is shown but changed only at the terminal (`till config set profile.mode`).
      const mode = supervisor.getByTestId('setting-profile.mode');
      assert.equal(await mode.inputValue(), 'sandbox');
      assert.equal(await mode.getAttribute('readonly'), '');
      await saveScreenshot(t, supervisor, 'supervisor-settings');
    });

    test('no private key, PIN or PIN hash crossed the bridge or reached the host’s output', async (t) => {
      const scan = await assertNoSecretsLeaked(w, [PIN]);
      t.diagnostic(`scanned ${scan.frames} frames (${scan.bytes} bytes)`);
    });
  });
}
