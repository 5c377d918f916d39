// The QR on the screens (renderer/src/qr/qr-path.ts): one SVG path of module rectangles.
// The path is read back into a grid and compared with qrcode's own matrix, then painted
// into pixels and scanned with a real decoder (jsQR).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import jsQR from 'jsqr';
import { create } from 'qrcode';
import { modulesPath, QUIET_ZONE, qrDrawing } from '../../renderer/src/qr/qr-path';

const ALIPAY_QR = 'https://qr.alipay.com/bax03431ljhokirwl38f00a7';

/** The dark cells a path paints, from its `M x y h w v 1 h -w z` runs; fails on anything else. */
function paintedCells(path: string): Set<string> {
  const cells = new Set<string>();
  const run = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/y;
  let at = 0;
  while (at < path.length) {
    run.lastIndex = at;
    const m = run.exec(path);
    assert.ok(m !== null, `unexpected path text at ${at}: ${path.slice(at, at + 20)}`);
    const [x, y, w, back] = m.slice(1).map(Number) as [number, number, number, number];
    assert.equal(back, w, 'each run closes on itself');
    assert.ok(w > 0);
    for (let i = 0; i < w; i++) {
      const key = `${x + i},${y}`;
      assert.ok(!cells.has(key), `cell ${key} painted twice`);
      cells.add(key);
    }
    at = run.lastIndex;
  }
  return cells;
}

describe('modulesPath', () => {
  for (const [label, text, level] of [
    ['an Alipay QR link', ALIPAY_QR, 'M'],
    ['a long sandbox URL', `http://127.0.0.1:8787/pay/${'x'.repeat(200)}`, 'M'],
    ['a short text at level H', 'T1', 'H'],
  ] as const) {
    test(`${label}: the painted cells are exactly the dark modules, shifted by the quiet zone`, () => {
      const { modules } = create(text, { errorCorrectionLevel: level });
      const cells = paintedCells(modulesPath(modules));
      let dark = 0;
      for (let row = 0; row < modules.size; row++) {
        for (let col = 0; col < modules.size; col++) {
          const isDark = Boolean(modules.get(row, col));
          if (isDark) dark++;
          assert.equal(cells.has(`${col + QUIET_ZONE},${row + QUIET_ZONE}`), isDark, `module ${row},${col}`);
        }
      }
      assert.equal(cells.size, dark, 'nothing painted outside the symbol');
    });
  }

  test('an empty matrix is an empty path', () => {
    assert.equal(modulesPath({ size: 3, get: () => 0 }), '');
  });

  test('a dark row is one run, not one square per module', () => {
    assert.equal(modulesPath({ size: 3, get: (row) => (row === 1 ? 1 : 0) }, 0), 'M0 1h3v1h-3z');
  });
});

describe('qrDrawing', () => {
  test('the viewBox holds the symbol and a 4-module quiet zone on each side', () => {
    const drawing = qrDrawing(ALIPAY_QR);
    assert.equal(drawing.size, create(ALIPAY_QR, { errorCorrectionLevel: 'M' }).modules.size + 2 * QUIET_ZONE);
  });

  test('painted at 4 px a module, it scans back to the text', () => {
    for (const text of [ALIPAY_QR, 'http://127.0.0.1:8787/qr/T1466796920261125000004?amount=1234']) {
      const drawing = qrDrawing(text);
      const scale = 4;
      const side = drawing.size * scale;
      const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
      for (const cell of paintedCells(drawing.path)) {
        const [x, y] = cell.split(',').map(Number) as [number, number];
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const p = ((y * scale + dy) * side + x * scale + dx) * 4;
            rgba[p] = rgba[p + 1] = rgba[p + 2] = 0;
          }
        }
      }
      assert.equal(jsQR(rgba, side, side)?.data, text);
    }
  });
});
