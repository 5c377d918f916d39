// The till runs on a 1024×768 terminal and on a 1920×1080 screen: at both sizes every
// screen fits the width (no horizontal scroll) and the touch targets stay large.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { insideKeyringSession } from '../support/cli-runner';
import { startWebTill, type Viewport, type WebTill } from '../support/web-till';
import { attributeMatching, visible } from './support/eventually';
import { keyAmount } from './support/keypad';
import { saveScreenshot } from './support/screenshots';
import { assertNoSecretsLeaked } from './support/secret-scan';

const SIZES: readonly Viewport[] = [
  { width: 1024, height: 768 },
  { width: 1920, height: 1080 },
];

/** Large enough for a finger (WCAG 2.5.5 asks 44 CSS px). */
const MIN_TOUCH_PX = 44;

// A string: the tests compile without the DOM library; this runs in the page.
const MEASURE_WIDTH = `(() => {
  const root = document.scrollingElement ?? document.documentElement;
  return { scrollWidth: Math.max(root.scrollWidth, document.body.scrollWidth), clientWidth: root.clientWidth };
})()`;

function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate<{ scrollWidth: number; clientWidth: number }>(MEASURE_WIDTH);
}

async function assertFitsWidth(page: Page, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await horizontalOverflow(page);
  assert.ok(scrollWidth <= clientWidth, `${what}: scrollWidth ${scrollWidth} > clientWidth ${clientWidth} (horizontal scroll)`);
}

async function smallestKey(page: Page): Promise<number> {
  const boxes = await Promise.all(
    ['key-1', 'key-0', 'charge-button'].map(async (id) => {
      const box = await page.getByTestId(id).boundingBox();
      assert.ok(box, `${id} is on screen`);
      return Math.min(box.width, box.height);
    }),
  );
  return Math.min(...boxes);
}

if (insideKeyringSession(__filename, 'the layout end-to-end tests')) {
  describe('layout: no horizontal scroll at 1024×768 and 1920×1080', { timeout: 180_000 }, () => {
    let w: WebTill;

    before(async () => {
      w = await startWebTill();
    });
    after(async () => {
      await w?.close();
    });

    for (const size of SIZES) {
      test(`the idle till screen at ${size.width}×${size.height}`, async (t) => {
        await w.page.setViewportSize(size);
        await visible(w.page.getByTestId('till-screen'));
        await visible(w.page.getByTestId('charge-button'));
        await assertFitsWidth(w.page, `till idle ${size.width}×${size.height}`);
        assert.ok((await smallestKey(w.page)) >= MIN_TOUCH_PX, 'keypad keys and Charge are finger-sized');
        await saveScreenshot(t, w.page, `till-idle-${size.width}x${size.height}`);
      });
    }

    test('the payment screen fits at both sizes', async (t) => {
      await w.page.setViewportSize(SIZES[0]!);
      await keyAmount(w.page, '4200');
      await w.page.getByTestId('charge-button').click();
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^waiting$/);
      for (const size of SIZES) {
        await w.page.setViewportSize(size);
        await visible(w.page.getByTestId('payment-qr'));
        await assertFitsWidth(w.page, `payment ${size.width}×${size.height}`);
        const qr = await w.page.getByTestId('payment-qr').boundingBox();
        assert.ok(qr && qr.width >= 200, `the QR is drawn large enough to scan (${qr?.width} px)`);
        await saveScreenshot(t, w.page, `till-qr-${size.width}x${size.height}`);
      }
      await w.page.getByTestId('cancel-button').click();
      await attributeMatching(w.page.getByTestId('payment-status'), 'data-phase', /^cancelled$/);
    });

    test('the customer display and the supervisor screen fit at both sizes', async () => {
      const customer = await w.newPage(w.customerUrl);
      const supervisor = await w.newPage(w.supervisorUrl);
      await visible(customer.getByTestId('customer-screen'));
      await visible(supervisor.getByTestId('pin-pad'));
      for (const size of SIZES) {
        for (const [name, page] of [
          ['customer display', customer],
          ['supervisor', supervisor],
        ] as const) {
          await page.setViewportSize(size);
          await assertFitsWidth(page, `${name} ${size.width}×${size.height}`);
        }
      }
      await customer.close();
      await supervisor.close();
    });

    test('no private key material crossed the bridge or reached the host’s output', async () => {
      await assertNoSecretsLeaked(w);
    });
  });
}
