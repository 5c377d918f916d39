import { create as createQr, type BitMatrix, type QRCode } from 'qrcode';
import { TillError } from '../../errors';
import type { PrinterProfile } from '../profiles';
import {
  align, concat, feedLines, qrErrorCorrection, qrModuleSize, qrPrint, qrStore, rasterImage,
  type QrErrorCorrection,
} from './commands';

/**
 * The QR job: native `GS ( k` when the printer draws QR codes, else a `GS v 0` raster of
 * the symbol drawn here. Either way the symbol is centred with a quiet zone of at least
 * 4 modules on every side: horizontally by fitting the module size to the paper,
 * vertically by blank lines (the printers leave none of their own).
 *
 * A QR job is always a part of a slip (receipt.ts) that starts with `ESC @` and is centred
 * where the job goes; the job leaves it centred. `ESC @` returns the `GS ( k` settings to
 * their power-on values (model 2, error correction L, module size 3), so a native job sends
 * only what differs from them: on a 9600-baud printer every byte is a millisecond.
 */

export interface QrJobOptions {
  mode?: 'auto' | 'native' | 'raster';
  /** Dots per module; clamped to the profile's range and shrunk until the symbol fits. */
  moduleSize?: number;
  /**
   * Default L: the slip is scanned fresh off the printer, and L keeps the symbol a version
   * smaller than M (version 5 instead of 6 for an Alipay URL), so its modules are larger.
   */
  errorCorrection?: QrErrorCorrection;
}

/** What `ESC @` leaves the printer's QR settings at (Epson ESC/POS reference, GS ( k fn 165/167/169). */
const AFTER_INIT = { errorCorrection: 'L', moduleSize: 3 } as const;

const QUIET_MODULES = 4;
// A blank line is at least one Font A character tall (24 dots) whatever the line spacing.
const MIN_DOTS_PER_LINE = 24;
const LEVELS: readonly QrErrorCorrection[] = ['L', 'M', 'Q', 'H'];
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function payload(url: string): Uint8Array {
  if (typeof url !== 'string' || url.length === 0) throw new TillError('QR_INVALID', 'the QR text is empty', { field: 'url' });
  // TextEncoder would silently turn a lone surrogate into U+FFFD: the QR would scan to other text.
  if (LONE_SURROGATE.test(url)) throw new TillError('QR_INVALID', 'the QR text is not valid Unicode (lone surrogate)', { field: 'url' });
  return new TextEncoder().encode(url);
}

function tooLong(detail: string): TillError {
  return new TillError('QR_TOO_LONG', `the QR text is too long ${detail}`, { field: 'url' });
}

/**
 * The symbol, or QR_TOO_LONG past version 40. Native jobs size the symbol as one byte
 * segment: what a printer's encoder produces at worst, so the width check errs safe.
 */
function symbol(data: Uint8Array | string, level: QrErrorCorrection): QRCode {
  try {
    return createQr(typeof data === 'string' ? data : [{ data, mode: 'byte' }], { errorCorrectionLevel: level });
  } catch (error) {
    throw new TillError('QR_TOO_LONG', `the QR text does not fit a version 40 QR code at error correction ${level}`, { field: 'url', cause: error });
  }
}

/** The requested module size, clamped to the profile, then shrunk until symbol + quiet zone fit the line. */
function fitModuleSize(modules: number, profile: PrinterProfile, requested: number | undefined): number {
  const wanted = requested ?? profile.moduleSize.preferred;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new TillError('QR_OPTION_INVALID', `moduleSize must be a whole number of dots >= 1, got ${String(wanted)}`, { field: 'moduleSize' });
  }
  const clamped = Math.min(profile.moduleSize.max, Math.max(profile.moduleSize.min, wanted));
  const fits = Math.floor(profile.dotsPerLine / (modules + 2 * QUIET_MODULES));
  const size = Math.min(clamped, fits);
  if (size < profile.moduleSize.min || size < 1) {
    throw tooLong(`for ${profile.dotsPerLine}-dot paper: ${modules} modules plus the quiet zone do not fit at ${profile.moduleSize.min} dot(s) per module`);
  }
  return size;
}

function quietLines(moduleSize: number): Uint8Array {
  return feedLines(Math.ceil((QUIET_MODULES * moduleSize) / MIN_DOTS_PER_LINE));
}

/**
 * The symbol's dots, `scale` dots per module, shifted right by `leftPad` dots, packed MSB
 * first as GS v 0 wants. Rows stop at the symbol's right edge: white needs no bytes.
 */
export function rasterBits(matrix: BitMatrix, scale: number, leftPad: number): { bits: Uint8Array; bytesPerRow: number; rows: number } {
  const size = matrix.size;
  const dots = size * scale;
  const bytesPerRow = Math.ceil((leftPad + dots) / 8);
  const rows = dots;
  const bits = new Uint8Array(bytesPerRow * rows);
  const row = new Uint8Array(bytesPerRow);
  for (let r = 0; r < size; r++) {
    row.fill(0);
    for (let c = 0; c < size; c++) {
      if (!matrix.get(r, c)) continue;
      const start = leftPad + c * scale;
      for (let x = start; x < start + scale; x++) row[x >> 3]! |= 0x80 >> (x & 7);
    }
    // Each module row is `scale` identical dot rows.
    for (let k = 0; k < scale; k++) bits.set(row, (r * scale + k) * bytesPerRow);
  }
  return { bits, bytesPerRow, rows };
}

function nativeJob(data: Uint8Array, profile: PrinterProfile, options: QrJobOptions, level: QrErrorCorrection): Uint8Array {
  const modules = symbol(data, level).modules.size;
  const moduleSize = fitModuleSize(modules, profile, options.moduleSize);
  const quiet = quietLines(moduleSize);
  // The model is not sent: model 2 is what ESC @ leaves, and what every profile prints.
  return concat([
    quiet,
    level === AFTER_INIT.errorCorrection ? new Uint8Array(0) : qrErrorCorrection(level),
    moduleSize === AFTER_INIT.moduleSize ? new Uint8Array(0) : qrModuleSize(moduleSize),
    qrStore(data), qrPrint(),
    quiet,
  ]);
}

function rasterJob(url: string, profile: PrinterProfile, options: QrJobOptions, level: QrErrorCorrection): Uint8Array {
  const matrix = symbol(url, level).modules;
  const scale = fitModuleSize(matrix.size, profile, options.moduleSize);
  // Centred by padding: printers differ on whether ESC a moves a raster image, so it is
  // sent left-aligned with the white margin drawn in (at least the 4-module quiet zone).
  const leftPad = Math.floor((profile.dotsPerLine - matrix.size * scale) / 2);
  const { bits, bytesPerRow, rows } = rasterBits(matrix, scale, leftPad);
  const quiet = quietLines(scale);
  return concat([quiet, align('left'), rasterImage(bits, bytesPerRow, rows), quiet, align('center')]);
}

/** The job that prints `url` as a QR code on a printer of this profile. */
export function qrJob(url: string, profile: PrinterProfile, options: QrJobOptions = {}): Uint8Array {
  const level = options.errorCorrection ?? AFTER_INIT.errorCorrection;
  if (!LEVELS.includes(level)) {
    throw new TillError('QR_OPTION_INVALID', `errorCorrection must be L, M, Q or H, got ${JSON.stringify(level)}`, { field: 'errorCorrection' });
  }
  const mode = options.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'native' && mode !== 'raster') {
    throw new TillError('QR_OPTION_INVALID', `mode must be auto, native or raster, got ${JSON.stringify(mode)}`, { field: 'mode' });
  }
  const data = payload(url);
  if (data.length > profile.maxQrBytes) {
    throw tooLong(`for printer profile ${profile.id}: ${data.length} bytes, at most ${profile.maxQrBytes}`);
  }
  const native = mode === 'native' || (mode === 'auto' && profile.supports('qrCode'));
  if (native) return nativeJob(data, profile, options, level);
  if (!profile.supports('rasterImage')) {
    throw new TillError('QR_UNSUPPORTED', `printer profile ${profile.id} draws no QR code itself and prints no raster images; choose another profile or mode`, { field: 'mode' });
  }
  return rasterJob(url, profile, options, level);
}

/** The least a native job can be (store + print, every setting left at what ESC @ leaves): the bench's yardstick. */
export function smallestNativeQrJobBytes(url: string): Uint8Array {
  return concat([qrStore(payload(url)), qrPrint()]);
}
