import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/**
 * Finds and decodes every QR code on a rendered page with a real decoder (jsQR), the way a
 * phone would read the paper. The page is cut into horizontal bands of ink separated by
 * blank rows (a receipt stacks its content); each band is decoded, the symbol found is
 * whited out and the band tried again (two symbols side by side), then the whole page is
 * tried for anything the bands missed. A band that does not decode is tried again scaled ×2
 * (jsQR reads 1-dot modules poorly).
 */

export interface FoundQr {
  data: string;
  bytes: Uint8Array;
  version: number;
  /** Bounding box on the page, in pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Mask {
  width: number;
  height: number;
  /** 1 = dark. */
  dark: Uint8Array;
}

function toMask(png: Buffer): Mask {
  const image = PNG.sync.read(png);
  const dark = new Uint8Array(image.width * image.height);
  for (let k = 0; k < dark.length; k++) {
    const r = image.data[4 * k]!;
    const g = image.data[4 * k + 1]!;
    const b = image.data[4 * k + 2]!;
    const a = image.data[4 * k + 3]!;
    const lum = (0.299 * r + 0.587 * g + 0.114 * b) * (a / 255) + 255 * (1 - a / 255);
    dark[k] = lum < 128 ? 1 : 0;
  }
  return { width: image.width, height: image.height, dark };
}

/** RGBA of mask rows [y0, y1) columns [x0, x1), with `pad` white pixels around, scaled. */
function crop(mask: Mask, x0: number, y0: number, x1: number, y1: number, pad: number, scale: number) {
  const w = (x1 - x0 + 2 * pad) * scale;
  const h = (y1 - y0 + 2 * pad) * scale;
  const rgba = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (!mask.dark[y * mask.width + x]) continue;
      for (let sy = 0; sy < scale; sy++) {
        for (let sx = 0; sx < scale; sx++) {
          const px = (x - x0 + pad) * scale + sx;
          const py = (y - y0 + pad) * scale + sy;
          const k = 4 * (py * w + px);
          rgba[k] = 0;
          rgba[k + 1] = 0;
          rgba[k + 2] = 0;
        }
      }
    }
  }
  return { rgba, w, h };
}

/** Row bands holding ink, separated by at least `gap` blank rows. */
function bands(mask: Mask, gap: number): Array<[number, number]> {
  const inked = (y: number) => {
    const row = mask.dark.subarray(y * mask.width, (y + 1) * mask.width);
    return row.includes(1);
  };
  const out: Array<[number, number]> = [];
  let start = -1;
  let blank = 0;
  for (let y = 0; y < mask.height; y++) {
    if (inked(y)) {
      if (start < 0) start = y;
      blank = 0;
    } else if (start >= 0) {
      blank += 1;
      if (blank >= gap) {
        out.push([start, y - blank + 1]);
        start = -1;
        blank = 0;
      }
    }
  }
  if (start >= 0) out.push([start, mask.height - blank]);
  return out;
}

/** The columns [x0, x1) holding ink in rows [y0, y1). */
function inkColumns(mask: Mask, y0: number, y1: number): [number, number] {
  let x0 = mask.width;
  let x1 = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * mask.width;
    for (let x = 0; x < mask.width; x++) {
      if (!mask.dark[row + x]) continue;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
    }
  }
  return x0 < x1 ? [x0, x1] : [0, mask.width];
}

/** Tries to decode one symbol in the region; on success whites it out of the mask. */
function decodeRegion(mask: Mask, x0: number, y0: number, x1: number, y1: number, scales: number[]): FoundQr | null {
  const pad = 16;
  for (const scale of scales) {
    if ((x1 - x0 + 2 * pad) * scale * (y1 - y0 + 2 * pad) * scale > 40_000_000) break;
    const { rgba, w, h } = crop(mask, x0, y0, x1, y1, pad, scale);
    const found = jsQR(rgba, w, h, { inversionAttempts: 'dontInvert' });
    if (!found) continue;
    const corners = [
      found.location.topLeftCorner,
      found.location.topRightCorner,
      found.location.bottomLeftCorner,
      found.location.bottomRightCorner,
    ];
    const toPage = (v: number, origin: number) => v / scale - pad + origin;
    const xs = corners.map((p) => toPage(p.x, x0));
    const ys = corners.map((p) => toPage(p.y, y0));
    const bx0 = Math.max(0, Math.floor(Math.min(...xs)) - 2);
    const by0 = Math.max(0, Math.floor(Math.min(...ys)) - 2);
    const bx1 = Math.min(mask.width, Math.ceil(Math.max(...xs)) + 2);
    const by1 = Math.min(mask.height, Math.ceil(Math.max(...ys)) + 2);
    for (let y = by0; y < by1; y++) mask.dark.fill(0, y * mask.width + bx0, y * mask.width + bx1);
    return {
      data: found.data,
      bytes: Uint8Array.from(found.binaryData),
      version: found.version,
      x: bx0,
      y: by0,
      width: bx1 - bx0,
      height: by1 - by0,
    };
  }
  return null;
}

/** Every QR on the page with where it is, top to bottom. */
export function scanQrCodes(png: Buffer): FoundQr[] {
  const mask = toMask(png);
  const found: FoundQr[] = [];
  for (const [y0, y1] of bands(mask, 4)) {
    if (y1 - y0 < 21) continue; // shorter than the smallest symbol
    const [x0, x1] = inkColumns(mask, y0, y1);
    // Small symbols may have 1–2 dot modules: try them enlarged too.
    const scales = y1 - y0 < 150 ? [1, 2, 3] : [1, 2];
    for (let k = 0; k < 16; k++) {
      const qr = decodeRegion(mask, x0, y0, x1, y1, scales);
      if (!qr) break;
      found.push(qr);
    }
  }
  // Anything the bands missed (a symbol touching text, or split by a blank row).
  for (let k = 0; k < 16; k++) {
    if (!mask.dark.includes(1)) break;
    const qr = decodeRegion(mask, 0, 0, mask.width, mask.height, [1]);
    if (!qr) break;
    found.push(qr);
  }
  return found.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** The decoded text of every QR on the page, top to bottom. */
export function decodeQrCodes(png: Buffer): string[] {
  return scanQrCodes(png).map((qr) => qr.data);
}
