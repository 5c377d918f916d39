import { TillError } from '../../errors';

/**
 * ESC/POS byte builders (docs/protocol.md §6). Each returns a fresh array; arguments are checked
 * because an out-of-range byte does not fail on the printer, it prints the wrong thing.
 */

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
export const LF = 0x0a;

function byteArg(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TillError('ESCPOS_ARGUMENT', `${name} must be a whole number from ${min} to ${max}, got ${String(value)}`, { field: name });
  }
  return value;
}

/** ESC @: clears the buffer and resets modes (alignment, size, bold, QR settings). */
export function init(): Uint8Array {
  return Uint8Array.of(ESC, 0x40);
}

export type Alignment = 'left' | 'center' | 'right';
const ALIGN: Record<Alignment, number> = { left: 0, center: 1, right: 2 };

/** ESC a n: only takes effect at the start of a line. */
export function align(alignment: Alignment): Uint8Array {
  return Uint8Array.of(ESC, 0x61, ALIGN[alignment]);
}

/** n line feeds as bare LF bytes (1 byte each, cheaper than ESC d n for small n). */
export function feedLines(lines: number): Uint8Array {
  return new Uint8Array(byteArg('lines', lines, 0, 255)).fill(LF);
}

/** ESC d n: print the buffer and feed n lines. */
export function printAndFeed(lines: number): Uint8Array {
  return Uint8Array.of(ESC, 0x64, byteArg('lines', lines, 0, 255));
}

/** GS V 0: full cut where the paper is now (the last lines may still be under the head). */
export function cutFull(): Uint8Array {
  return Uint8Array.of(GS, 0x56, 0x00);
}

/** GS V 66 n: feed to the cutter plus n motion units, then partial cut. */
export function feedAndPartialCut(n = 0): Uint8Array {
  return Uint8Array.of(GS, 0x56, 0x42, byteArg('n', n, 0, 255));
}

/** ESC t n: single-byte code table (model specific numbering, see the profile). */
export function codeTable(n: number): Uint8Array {
  return Uint8Array.of(ESC, 0x74, byteArg('codeTable', n, 0, 255));
}

/** FS &: Kanji mode on, bytes >= 0x80 are read as double-byte (GB18030/Big5) characters. */
export function kanjiOn(): Uint8Array {
  return Uint8Array.of(FS, 0x26);
}

/** FS .: Kanji mode off, back to the single-byte code table. */
export function kanjiOff(): Uint8Array {
  return Uint8Array.of(FS, 0x2e);
}

/** ESC E n. */
export function bold(on: boolean): Uint8Array {
  return Uint8Array.of(ESC, 0x45, on ? 1 : 0);
}

/** GS ! n: character width and height multipliers 1-8. */
export function textSize(width: number, height: number): Uint8Array {
  const w = byteArg('width', width, 1, 8) - 1;
  const h = byteArg('height', height, 1, 8) - 1;
  return Uint8Array.of(GS, 0x21, (w << 4) | h);
}

// GS ( k, cn = 49 (QR): 1D 28 6B pL pH 31 fn ..., pL + 256·pH counts the bytes after pH.

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';
const EC_BYTE: Record<QrErrorCorrection, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };

/** fn 67: module size in dots (Epson 1-16, some clones 1-8: the profile clamps first). */
export function qrModuleSize(dots: number): Uint8Array {
  return Uint8Array.of(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, byteArg('moduleSize', dots, 1, 16));
}

/** fn 69: error correction level. */
export function qrErrorCorrection(level: QrErrorCorrection): Uint8Array {
  const n = EC_BYTE[level];
  if (n === undefined) throw new TillError('ESCPOS_ARGUMENT', `errorCorrection must be L, M, Q or H, got ${JSON.stringify(level)}`, { field: 'errorCorrection' });
  return Uint8Array.of(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, n);
}

/** Largest payload one fn 80 store can carry: pL + 256·pH = length + 3 <= 0xFFFF. */
export const QR_STORE_MAX_BYTES = 0xffff - 3;

/**
 * fn 80: store the payload. The length is the payload's BYTE count + 3 (cn, fn, m): a
 * string's .length undercounts UTF-8 and the printer then swallows the following bytes.
 */
export function qrStore(data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length > QR_STORE_MAX_BYTES) {
    throw new TillError('QR_TOO_LONG', `QR payload must be 1 to ${QR_STORE_MAX_BYTES} bytes, got ${data.length}`, { field: 'url' });
  }
  const length = data.length + 3;
  const out = new Uint8Array(8 + data.length);
  out.set([GS, 0x28, 0x6b, length & 0xff, length >> 8, 0x31, 0x50, 0x30]);
  out.set(data, 8);
  return out;
}

/** fn 81: print the stored symbol. */
export function qrPrint(): Uint8Array {
  return Uint8Array.of(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30);
}

/**
 * GS v 0 m xL xH yL yH d...: raster image, x = bytes per row, y = rows (dots), MSB is the
 * leftmost dot, 1 = black. Must start a line. m: 0 normal, 1 double width, 2 double
 * height, 3 quadruple.
 */
export function rasterImage(bits: Uint8Array, bytesPerRow: number, rows: number, mode: 0 | 1 | 2 | 3 = 0): Uint8Array {
  byteArg('bytesPerRow', bytesPerRow, 1, 0xffff);
  byteArg('rows', rows, 1, 0xffff);
  if (bits.length !== bytesPerRow * rows) {
    throw new TillError('ESCPOS_ARGUMENT', `raster data must be bytesPerRow × rows = ${bytesPerRow * rows} bytes, got ${bits.length}`, { field: 'bits' });
  }
  const out = new Uint8Array(8 + bits.length);
  out.set([GS, 0x76, 0x30, mode, bytesPerRow & 0xff, bytesPerRow >> 8, rows & 0xff, rows >> 8]);
  out.set(bits, 8);
  return out;
}

export type StatusKind = 1 | 2 | 3 | 4;

/**
 * DLE EOT n: real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper roll).
 * Answered at once even when the printer is busy or its buffer is full.
 */
export function statusRequest(n: StatusKind): Uint8Array {
  return Uint8Array.of(DLE, 0x04, byteArg('n', n, 1, 4));
}

/** Concatenates command parts into one job. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
