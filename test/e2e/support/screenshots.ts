import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT } from '../../support/cli-runner';

/** Where the screens of a run are kept for CI (git-ignored: test-output/). */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-output', 'e2e');

/** Saves the page as test-output/e2e/NAME.png and names the file in the test output. */
export async function saveScreenshot(t: TestContext, page: Page, name: string): Promise<Buffer> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  const png = await page.screenshot({ path: file, fullPage: false });
  t.diagnostic(`screenshot ${name}: ${path.relative(ROOT, file)}`);
  return png;
}
