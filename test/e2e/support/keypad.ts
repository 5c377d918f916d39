import type { Page } from 'playwright-core';

/** Presses the till's on-screen keys one by one ("1234" → 1, 2, 3, 4), as a cashier taps them. */
export async function keyAmount(page: Page, digits: string): Promise<void> {
  for (const digit of digits) {
    if (!/^[0-9]$/.test(digit)) throw new Error(`not a keypad digit: ${digit}`);
    await page.getByTestId(`key-${digit}`).click();
  }
}
