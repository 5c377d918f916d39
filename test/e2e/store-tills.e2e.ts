// Issue 14's end-to-end: three real till processes (`till` on their own data directories,
// keys in the real keychain, each against its own sandbox gateway) join one store on the
// real store server on PostgreSQL; Debian's Chromium shows the store screen. Sales on
// each till appear without a reload; the store total equals the sum of the three tills'
// `till reconcile`; a till cut off from the server is marked stale and catches up when
// back; the store day closes only once every till has closed and sent its day (the screen
// says which till holds it up); the Z report, search, an order's history and the terminals
// screen with each till's version. Screenshots in test-output/e2e.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { adminCall } from '../../server/http/admin-client';
import { ensureBuilt, expectJson, payQr, removeTempDirs, startSandboxProcess, tempDir, till, type SandboxProcess } from '../support/cli-runner';
import { storeServer, type TestStoreServer } from '../support/store-databases';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/web-till';
import { attributeMatching, eventually, visible } from './support/eventually';
import { saveScreenshot } from './support/screenshots';

const PASSWORD = 'correct horse battery';
/** Short, so "not heard from" shows within the test; the tills that stay online send every ~2 s. */
const STALE_AFTER_MS = 12_000;
const VERSION = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;

interface TillProcess {
  name: string;
  dataDir: string;
  sandbox: SandboxProcess;
  run(...args: string[]): ReturnType<typeof till>;
  terminal: string;
}

let server: TestStoreServer;
let browser: Browser;
const tills: TillProcess[] = [];

async function startTill(name: string): Promise<TillProcess> {
  const dataDir = tempDir('till-e2e-store-');
  const sandbox = await startSandboxProcess(dataDir);
  const run = (...args: string[]) => till(args, { dataDir, timeoutMs: 60_000 });
  expectJson(await run('--json', 'config', 'set', 'gateway.baseUrl', sandbox.url), 0);
  const { code } = await adminCall<{ code: string }>(server.dir, 'POST', '/admin/enrol', { store: 'CORNER', name });
  const joined = expectJson(await run('--json', 'store', 'join', server.url, code), 0);
  return { name, dataDir, sandbox, run, terminal: joined.terminal as string };
}

/** A sale paid by the customer (the sandbox's QR), its outcome learnt and journaled by the till (`till resolve`). */
async function paidSale(t: TillProcess, amount: string): Promise<string> {
  const created = expectJson(await t.run('--json', 'precreate', '--amount', amount, '--title', 'Coffee', '--no-wait'), 0);
  await payQr(created.orderQrCode as string);
  const resolved = expectJson(await t.run('--json', 'resolve'), 0);
  assert.deepEqual(resolved.resolved, [{ merchantTransId: created.merchantTransId, state: 'PAID' }]);
  return created.merchantTransId as string;
}

async function cancelledSale(t: TillProcess, amount: string): Promise<string> {
  const created = expectJson(await t.run('--json', 'precreate', '--amount', amount, '--title', 'Tea', '--no-wait'), 0);
  expectJson(await t.run('--json', 'cancel', created.merchantTransId as string), 0);
  return created.merchantTransId as string;
}

async function sync(t: TillProcess): Promise<void> {
  const doc = expectJson(await t.run('--json', 'store', 'sync', '--wait'), 0);
  assert.equal(doc.backlog, 0);
}

async function reconciled(t: TillProcess): Promise<{ day: string; orderCount: number; paidUsd: number }> {
  const report = expectJson(await t.run('--json', 'reconcile'), 0).report as { day: string; orderCount: number; currencies: Array<{ currency: string; paid: { amountMinor: number } }> };
  return { day: report.day, orderCount: report.orderCount, paidUsd: report.currencies.find((c) => c.currency === 'USD')?.paid.amountMinor ?? 0 };
}

async function signIn(page: Page, name: string): Promise<void> {
  await page.goto(server.url);
  await page.getByTestId('store-name-input').fill(name);
  await page.getByTestId('store-password-input').fill(PASSWORD);
  await page.getByTestId('store-sign-in-button').click();
  await visible(page.getByTestId('store-user'));
}

/** Keeps some tills in touch with the server, as their running app's worker would. */
function keepSyncing(list: TillProcess[]): () => Promise<void> {
  let running = true;
  const loops = list.map(async (t) => {
    while (running) {
      await t.run('--json', 'store', 'sync');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

describe('three tills, one store, one screen', { timeout: 600_000 }, () => {
  before(async () => {
    ensureBuilt();
    server = await storeServer('postgres', { staleAfterMs: STALE_AFTER_MS });
    await adminCall(server.dir, 'POST', '/admin/users', { name: 'sam', role: 'supervisor', stores: ['CORNER'], password: PASSWORD });
    await adminCall(server.dir, 'POST', '/admin/users', { name: 'olive', role: 'owner', password: PASSWORD });
    for (const name of ['Till 1', 'Till 2', 'Till 3']) tills.push(await startTill(name));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });
  after(async () => {
    await browser?.close();
    for (const t of tills) await t.sandbox.stop();
    removeTempDirs();
  });

  test('live totals, a till cut off and back, the store day closed once every till has, Z, search, an order, terminals', async (t) => {
    for (const [i, x] of tills.entries()) {
      await paidSale(x, `${i + 1}.50`);
      await cancelledSale(x, '3.00');
      await sync(x);
    }
    const { day } = await reconciled(tills[0]!);
    const paidSum = async () => (await Promise.all(tills.map(reconciled))).reduce((n, r) => n + r.paidUsd, 0);

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, 'sam');
    await page.getByTestId('store-date').fill(day);
    await attributeMatching(page.getByTestId('store-live'), 'data-live', /^yes$/, 15_000);
    const total = page.getByTestId('store-total').locator('tr[data-currency="USD"]');
    await attributeMatching(total, 'data-paid-minor', new RegExp(`^${await paidSum()}$`), 15_000);

    // A sale on Till 2 reaches the screen within seconds, without a reload.
    await paidSale(tills[1]!, '7.77');
    await sync(tills[1]!);
    await attributeMatching(total, 'data-paid-minor', new RegExp(`^${await paidSum()}$`), 10_000);
    await saveScreenshot(t, page, 'store-three-tills');

    // Till 3 is cut off: it sells on, the others stay in touch; the screen marks Till 3 stale.
    const stopSyncing = keepSyncing(tills.slice(0, 2));
    let offline: string;
    try {
      offline = await paidSale(tills[2]!, '4.20');
      const cutOff = page.getByTestId(`store-terminal-${tills[2]!.terminal}`);
      await attributeMatching(cutOff, 'data-stale', /^yes$/, STALE_AFTER_MS + 20_000);
      assert.match(await cutOff.getByTestId('store-terminal-stale').innerText(), /Not heard from since/);
      assert.equal(await page.getByTestId(`store-terminal-${tills[0]!.terminal}`).getAttribute('data-stale'), 'no');
      assert.notEqual(await total.getAttribute('data-paid-minor'), String(await paidSum()), 'the cut-off sale is not in the store total yet');
      assert.match((await tills[2]!.run('store', 'status')).stdout, /\d+ changes? not yet sent/);
      await saveScreenshot(t, page, 'store-till-cut-off');
      // Back: it catches up, and the store total is the three tills' reconciliations again.
      await sync(tills[2]!);
      await attributeMatching(cutOff, 'data-stale', /^no$/, 15_000);
      await attributeMatching(total, 'data-paid-minor', new RegExp(`^${await paidSum()}$`), 15_000);
    } finally {
      // Also when an assertion fails: the loops would keep the test process alive.
      await stopSyncing();
    }

    // The store day: held up by each till until it has closed the day and sent it.
    await attributeMatching(page.getByTestId('store-close'), 'data-closed', /^no$/);
    await visible(page.getByTestId('store-holding-up'));
    assert.equal(await page.getByTestId('store-holding-up').locator('li').count(), 3);
    for (const [i, x] of tills.entries()) {
      expectJson(await x.run('--json', 'close-day', '--date', day), 0);
      await sync(x);
      if (i === 1) {
        await eventually('Till 3 alone holding the day up', async () => (await page.getByTestId('store-holding-up').locator('li').count()) === 1, 15_000);
        assert.match(await page.getByTestId('store-holding-up').innerText(), /Till 3 has not closed/);
        await saveScreenshot(t, page, 'store-close-held-up');
      }
    }
    await page.getByTestId('store-close-button').click();
    await page.getByTestId('store-close-confirm').click();
    await attributeMatching(page.getByTestId('store-close'), 'data-closed', /^yes$/, 10_000);
    assert.match(await page.getByTestId('store-closed-by').innerText(), /Closed by sam/);
    await page.getByTestId('store-z-open').click();
    await visible(page.getByTestId('store-z-total'));
    assert.equal(await page.getByTestId('store-z-total').locator('tr[data-currency="USD"]').getAttribute('data-paid-minor'), String(await paidSum()));
    await page.emulateMedia({ media: 'print' });
    await saveScreenshot(t, page, 'store-z-report');
    await page.emulateMedia({ media: 'screen' });
    await page.getByTestId('store-z-back').click();

    // The day as CSV: one line per order of the three tills.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('store-csv').click()]);
    const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
    assert.equal(lines.length - 1, (await Promise.all(tills.map(reconciled))).reduce((n, r) => n + r.orderCount, 0));

    // Search by the last digits of the cut-off sale, and its history.
    await page.getByTestId('store-tab-search').click();
    await page.getByTestId('store-search-q').fill(offline.slice(-6));
    await page.getByTestId('store-search-terminal').selectOption(tills[2]!.terminal);
    await page.getByTestId('store-search-find').click();
    const row = page.locator(`[data-testid="store-search-row"][data-trans-id="${offline}"]`);
    await visible(row);
    await saveScreenshot(t, page, 'store-search');
    await row.locator('button').click();
    await attributeMatching(page.getByTestId('store-order-summary'), 'data-state', /^PAID$/);
    assert.match(await page.getByTestId('store-order-attempts').innerText(), /SUCCESS/);
    await saveScreenshot(t, page, 'store-order');
    await context.close();

    // The owner's terminals screen: each till with its version; a new one's one-time code.
    const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const owner = await ownerContext.newPage();
    await signIn(owner, 'olive');
    await owner.getByTestId('store-tab-terminals').click();
    await visible(owner.getByTestId('store-terminal-row').first());
    assert.deepEqual(await owner.getByTestId('store-terminal-version').allInnerTexts(), [VERSION, VERSION, VERSION]);
    await owner.getByTestId('store-enrol-name').fill('Till 4');
    await owner.getByTestId('store-enrol').click();
    assert.match(await owner.getByTestId('store-enrol-code').innerText(), /One-time code for Till 4: \S+/);
    await saveScreenshot(t, owner, 'store-terminals');
    await ownerContext.close();
  });
});
