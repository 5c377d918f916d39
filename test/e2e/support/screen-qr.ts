import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import { decodeQrCodes } from '../../support/virtual-printer';
import { eventually } from './eventually';

/**
 * Reads a QR off the screen the way a phone would: from pixels. The symbol's box, with a
 * margin of page around it for the quiet zone, is cut out of a screenshot and decoded with
 * jsQR; the whole screenshot is the fallback (what a customer's camera sees).
 */

function decodePng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height, {
    inversionAttempts: 'dontInvert',
  });
  return found ? found.data : null;
}

export async function readQrOnScreen(page: Page, symbol: Locator): Promise<{ text: string; png: Buffer }> {
  return eventually('a QR on the screen that decodes', async () => {
    await symbol.first().waitFor({ state: 'visible', timeout: 5_000 });
    const box = await symbol.first().boundingBox();
    if (!box || box.width < 21 || box.height < 21) return undefined;
    const margin = Math.max(16, Math.round(box.width / 8));
    const viewport = page.viewportSize() ?? { width: 1024, height: 768 };
    const x = Math.max(0, Math.floor(box.x - margin));
    const y = Math.max(0, Math.floor(box.y - margin));
    const clip = { x, y, width: Math.min(viewport.width - x, Math.ceil(box.width + 2 * margin)), height: Math.min(viewport.height - y, Math.ceil(box.height + 2 * margin)) };
    const png = await page.screenshot({ clip });
    const text = decodePng(png) ?? decodeQrCodes(await page.screenshot())[0] ?? null;
    return text === null ? undefined : { text, png };
  });
}
