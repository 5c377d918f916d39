// The tests' type check reaches this file from test/, so it names its declaration itself.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./qrcode-core.d.ts" />
import { create, type QrModules } from 'qrcode/lib/core/qrcode';

/**
 * A QR code as one SVG path over a grid of 1-unit modules: each run of dark modules in a
 * row is one rectangle, so the drawing is exact at any size (with crispEdges).
 */

/** The blank border scanners need, in modules (ISO/IEC 18004). */
export const QUIET_ZONE = 4;

export interface QrDrawing {
  /** Width and height of the viewBox in modules, quiet zone included. */
  size: number;
  path: string;
}

export function modulesPath(modules: QrModules, quiet = QUIET_ZONE): string {
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      const width = col - start;
      parts.push(`M${start + quiet} ${row + quiet}h${width}v1h-${width}z`);
    }
  }
  return parts.join('');
}

export function qrDrawing(text: string): QrDrawing {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size + 2 * QUIET_ZONE, path: modulesPath(modules) };
}
