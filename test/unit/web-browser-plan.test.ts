import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planBrowser, type BrowserFacts } from '../../main/web/browser-plan';

const FACTS: BrowserFacts = {
  wanted: true,
  customerWindow: false,
  ui: { 'ui.kiosk': false, 'ui.customerWindow': 'auto' },
  chromium: { ok: true, executable: '/usr/bin/chromium' },
  display: null,
  asRoot: false,
  dataDir: '/data',
  urls: { till: 'http://127.0.0.1:1/#token=T', customer: 'http://127.0.0.1:1/#/customer?token=T' },
};

describe('planBrowser', () => {
  test('the till window alone by default, on its own profile under the data directory', () => {
    const plan = planBrowser(FACTS);
    assert.ok(plan.launch);
    assert.equal(plan.executable, '/usr/bin/chromium');
    assert.deepEqual(
      plan.windows.map((w) => [w.name, w.window.url, w.window.userDataDir, w.logFile]),
      [['till', FACTS.urls.till, '/data/chromium/till', '/data/chromium/till.log']],
    );
  });

  test('--customer-window adds the customer display on a profile of its own, never in kiosk mode', () => {
    const plan = planBrowser({ ...FACTS, customerWindow: true, ui: { 'ui.kiosk': true, 'ui.customerWindow': 'auto' } });
    assert.ok(plan.launch);
    assert.deepEqual(
      plan.windows.map((w) => [w.name, w.window.url, w.window.userDataDir, w.window.kiosk]),
      [
        ['till', FACTS.urls.till, '/data/chromium/till', true],
        ['customer', FACTS.urls.customer, '/data/chromium/customer', false],
      ],
    );
  });

  test('no launch, with the reason, for --no-browser, no display or no Chromium', () => {
    assert.deepEqual(planBrowser({ ...FACTS, wanted: false }), { launch: false, reason: '--no-browser' });
    assert.deepEqual(planBrowser({ ...FACTS, display: 'no display' }), { launch: false, reason: 'no display' });
    assert.deepEqual(planBrowser({ ...FACTS, chromium: { ok: false, reason: 'none here' } }), { launch: false, reason: 'none here' });
  });

  test('root turns the Chromium sandbox off in every window', () => {
    const plan = planBrowser({ ...FACTS, asRoot: true, customerWindow: true });
    assert.ok(plan.launch && plan.windows.every((w) => w.window.asRoot));
  });

  test('ui.customerWindow off wins over --customer-window, and says so', () => {
    const plan = planBrowser({ ...FACTS, customerWindow: true, ui: { 'ui.kiosk': false, 'ui.customerWindow': 'off' } });
    assert.ok(plan.launch);
    assert.deepEqual(plan.windows.map((w) => w.name), ['till']);
    assert.match(plan.note ?? '', /ui\.customerWindow is off/);
  });

  test('ui.customerWindow auto alone opens no customer window: the web host cannot see a second screen', () => {
    const plan = planBrowser(FACTS);
    assert.ok(plan.launch && plan.windows.length === 1 && plan.note === undefined);
  });
});
