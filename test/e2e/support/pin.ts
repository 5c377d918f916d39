import type { Page } from 'playwright-core';

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
