import { PNG } from 'pngjs';
import type { Align, NativeQr, RasterImage, Slip, TextLine } from './escpos-decoder';
import { glyphColumns, isWide } from './font5x7';

/**
 * Draws a decoded slip the way a thermal printer puts it on paper, one pixel per dot:
 * text lines in a 5×7 dot font in 12×24 cells (font A; 9×17 font B) scaled by GS ! / ESC !,
 * native QR symbols from the stored data at the module size that was set (no quiet zone
 * added, as a printer adds none), raster images dot for dot, all placed by the alignment
 * that was in force. The print area is `dotsPerLine` wide with blank paper either side.
 */

export interface RenderOptions {
  /** Print head width: 384 (58 mm paper) or 576 (80 mm paper). */
  dotsPerLine: number;
  /** Blank paper either side of the print area (default 40 dots on 58 mm paper, 32 on 80 mm). */
  sideMargin?: number;
  /** Blank paper above and below what the slip holds (default 24 dots). */
  endMargin?: number;
}

export interface DrawnSymbol {
  kind: 'qr' | 'image';
  /** Position and size on the page in pixels (= dots). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Native QR: dots per module; raster images: unknown (0). */
  moduleSize: number;
  /**
   * Blank dots around the symbol's ink on the paper: up/down to the next ink or the slip's
   * own first/last dot (the end margin does not count), left/right to the next ink or the
   * paper edge.
   */
  clearance: { top: number; bottom: number; left: number; right: number };
}

export interface RenderedSlip {
  png: Buffer;
  width: number;
  height: number;
  /** 1 = black dot, row by row (width × height). */
  dots: Uint8Array;
  symbols: DrawnSymbol[];
  /** What did not fit (clipped text, images wider than the head). */
  problems: string[];
}

class Page {
  readonly dots: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.dots = new Uint8Array(width * height);
  }
  set(x: number, y: number, v = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.dots[y * this.width + x] = v;
  }
  get(x: number, y: number): number {
    return this.dots[y * this.width + x] ?? 0;
  }
  fill(x: number, y: number, w: number, h: number, v = 1): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, v);
  }
}

const CELL = { A: { w: 12, h: 24, sx: 2, sy: 3, dx: 1, dy: 1 }, B: { w: 9, h: 17, sx: 1, sy: 2, dx: 2, dy: 1 } } as const;

function alignX(align: Align, width: number, area: number): number {
  if (align === 'center') return Math.max(0, Math.floor((area - width) / 2));
  if (align === 'right') return Math.max(0, area - width);
  return 0;
}

/** A text line as rows of characters that fit the head (a printer wraps a too-long line). */
function wrapLine(line: TextLine, dotsPerLine: number): Array<{ chars: string[]; width: number }> {
  const cell = CELL[line.font].w * line.widthScale;
  const rows: Array<{ chars: string[]; width: number }> = [];
  let row: string[] = [];
  let width = 0;
  for (const ch of Array.from(line.text)) {
    const w = cell * (isWide(ch) ? 2 : 1);
    if (width + w > dotsPerLine && row.length > 0) {
      rows.push({ chars: row, width });
      row = [];
      width = 0;
    }
    row.push(ch);
    width += w;
  }
  rows.push({ chars: row, width });
  return rows;
}

function drawChar(page: Page, ch: string, x: number, y: number, line: TextLine): number {
  const c = CELL[line.font];
  const ws = line.widthScale;
  const hs = line.heightScale;
  const wide = isWide(ch);
  const cellW = c.w * ws * (wide ? 2 : 1);
  const cellH = c.h * hs;
  if (line.reverse) page.fill(x, y, cellW, cellH);
  const ink = line.reverse ? 0 : 1;
  const cols = glyphColumns(ch);
  const sx = c.sx * ws;
  const sy = c.sy * hs;
  if (cols) {
    cols.forEach((bits, col) => {
      for (let r = 0; r < 7; r++) {
        if (!(bits & (1 << r))) continue;
        const px = x + c.dx * ws + col * sx;
        const py = y + c.dy * hs + r * sy;
        page.fill(px, py, sx + (line.bold ? 1 : 0), sy, ink);
      }
    });
  } else if (ch !== ' ') {
    // No glyph (CJK, accented letters): a hollow box the size of the character.
    const bx = x + c.dx * ws;
    const by = y + c.dy * hs;
    const bw = cellW - 2 * c.dx * ws;
    const bh = wide ? (c.h - 2 * c.dy) * hs - 2 : 7 * sy;
    page.fill(bx, by, bw, 1, ink);
    page.fill(bx, by + bh - 1, bw, 1, ink);
    page.fill(bx, by, 1, bh, ink);
    page.fill(bx + bw - 1, by, 1, bh, ink);
    if (wide) for (let k = 0; k < Math.min(bw, bh); k++) page.set(bx + k, by + Math.floor((k * bh) / bw), ink);
  }
  if (line.underline) page.fill(x, y + cellH - 2, cellW, 1 + (line.bold ? 1 : 0), ink);
  return cellW;
}

function drawQr(page: Page, qr: NativeQr, x: number, y: number, clipRight: number): void {
  const m = qr.moduleSize;
  for (let r = 0; r < qr.size; r++) {
    for (let col = 0; col < qr.size; col++) {
      const px = x + col * m;
      if (px >= clipRight) break;
      if (qr.modules[r * qr.size + col]) page.fill(px, y + r * m, Math.min(m, clipRight - px), m);
    }
  }
}

function drawImage(page: Page, image: RasterImage, x: number, y: number, clipRight: number): void {
  for (let r = 0; r < image.heightDots; r++) {
    for (let bx = 0; bx < image.bytesPerRow; bx++) {
      const byte = image.data[r * image.bytesPerRow + bx] ?? 0;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if (!(byte & (0x80 >> bit))) continue;
        const px = x + (bx * 8 + bit) * image.scaleX;
        if (px >= clipRight) continue;
        page.fill(px, y + r * image.scaleY, Math.min(image.scaleX, clipRight - px), image.scaleY);
      }
    }
  }
}

function itemHeight(item: Slip['items'][number], dotsPerLine: number): number {
  switch (item.kind) {
    case 'text':
      return wrapLine(item.line, dotsPerLine).length * item.line.advance;
    case 'feed':
      return item.dots;
    case 'qr':
      return item.qr.size * item.qr.moduleSize;
    case 'image':
      return item.image.heightDots * item.image.scaleY;
  }
}

/** Blank dots from a symbol's box to the next ink in each direction. */
function clearance(page: Page, box: { x: number; y: number; width: number; height: number }, top: number, bottom: number) {
  const rowBlank = (y: number) => {
    for (let x = box.x; x < box.x + box.width; x++) if (page.get(x, y)) return false;
    return true;
  };
  const colBlank = (x: number) => {
    for (let y = box.y; y < box.y + box.height; y++) if (page.get(x, y)) return false;
    return true;
  };
  let up = 0;
  while (box.y - up - 1 >= top && rowBlank(box.y - up - 1)) up++;
  let down = 0;
  while (box.y + box.height + down < bottom && rowBlank(box.y + box.height + down)) down++;
  let left = 0;
  while (box.x - left - 1 >= 0 && colBlank(box.x - left - 1)) left++;
  let right = 0;
  while (box.x + box.width + right < page.width && colBlank(box.x + box.width + right)) right++;
  return { top: up, bottom: down, left, right };
}

export function renderSlip(slip: Slip, options: RenderOptions): RenderedSlip {
  const dotsPerLine = options.dotsPerLine;
  const side = options.sideMargin ?? (dotsPerLine <= 384 ? 40 : 32);
  const end = options.endMargin ?? 24;
  const contentHeight = slip.items.reduce((sum, item) => sum + itemHeight(item, dotsPerLine), 0);
  const page = new Page(dotsPerLine + 2 * side, Math.max(1, contentHeight + 2 * end));
  const problems: string[] = [];
  const placed: Array<Omit<DrawnSymbol, 'clearance'>> = [];
  const clipRight = side + dotsPerLine;

  let y = end;
  for (const item of slip.items) {
    switch (item.kind) {
      case 'text': {
        const rows = wrapLine(item.line, dotsPerLine);
        if (rows.length > 1) problems.push(`text line wrapped over ${rows.length} lines: ${JSON.stringify(item.line.text)}`);
        for (const row of rows) {
          let x = side + alignX(item.line.align, row.width, dotsPerLine);
          for (const ch of row.chars) x += drawChar(page, ch, x, y, item.line);
          y += item.line.advance;
        }
        break;
      }
      case 'feed':
        y += item.dots;
        break;
      case 'qr': {
        const w = item.qr.size * item.qr.moduleSize;
        if (w > dotsPerLine) problems.push(`QR ${w} dots wide does not fit ${dotsPerLine} dots (clipped)`);
        const x = side + alignX(item.qr.align, w, dotsPerLine);
        drawQr(page, item.qr, x, y, clipRight);
        placed.push({ kind: 'qr', x, y, width: Math.min(w, clipRight - x), height: w, moduleSize: item.qr.moduleSize });
        y += w;
        break;
      }
      case 'image': {
        const w = item.image.widthDots * item.image.scaleX;
        const h = item.image.heightDots * item.image.scaleY;
        if (w > dotsPerLine) problems.push(`raster image ${w} dots wide does not fit ${dotsPerLine} dots (clipped)`);
        const x = side + alignX(item.image.align, w, dotsPerLine);
        drawImage(page, item.image, x, y, clipRight);
        placed.push({ kind: 'image', x, y, width: Math.min(w, clipRight - x), height: h, moduleSize: 0 });
        y += h;
        break;
      }
    }
  }

  const symbols: DrawnSymbol[] = placed.map((s) => {
    // Measure around the ink (a raster image usually carries its own white border).
    const ink = inkBox(page, s);
    return { ...s, clearance: ink ? clearance(page, ink, end, end + contentHeight) : { top: 0, bottom: 0, left: 0, right: 0 } };
  });

  const png = new PNG({ width: page.width, height: page.height });
  for (let k = 0; k < page.dots.length; k++) {
    const v = page.dots[k] ? 0 : 255;
    png.data[4 * k] = v;
    png.data[4 * k + 1] = v;
    png.data[4 * k + 2] = v;
    png.data[4 * k + 3] = 255;
  }
  return {
    png: PNG.sync.write(png, { colorType: 0 }),
    width: page.width,
    height: page.height,
    dots: page.dots,
    symbols,
    problems,
  };
}

function inkBox(page: Page, box: { x: number; y: number; width: number; height: number }) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      if (!page.get(x, y)) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** What would be on paper, as a PNG (one pixel per dot). */
export function renderSlipPng(slip: Slip, options: RenderOptions): Buffer {
  return renderSlip(slip, options).png;
}
