import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { till } from '../../support/cli-runner';

/** Taps a PIN on the supervisor's PIN pad and presses the submit button. */
export async function tapPin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByTestId(`pin-key-${digit}`).click();
  await page.getByTestId('pin-submit').click();
}

/** Types a PIN on the physical keyboard and presses Enter. */
export async function typePin(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.keyboard.press(digit);
  await page.keyboard.press('Enter');
}

/**
 * The first PIN as an installer sets it up for the supervisor's screen: `till keys set-pin
 * --code` at the terminal prints a one-time code, typed on the screen, then the PIN twice.
 */
export async function setFirstPinWithCode(page: Page, dataDir: string, pin: string): Promise<void> {
  const run = await till(['--data-dir', dataDir, '--json', 'keys', 'set-pin', '--code'], { timeoutMs: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  const { code } = JSON.parse(run.stdout) as { code: string };
  assert.match(code, /^\d{8}$/);
  await page.getByTestId('pin-setup-code').waitFor();
  await tapPin(page, code);
  await tapPin(page, pin);
  await tapPin(page, pin);
}
