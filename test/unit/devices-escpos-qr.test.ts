// The QR job (docs/protocol.md §6): native GS ( k with the store length counted in UTF-8 bytes,
// module size fitted to the paper, quiet zone; the GS v 0 raster read back dot by dot
// against qrcode's module matrix and scanned with a real decoder (jsQR).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import jsQR from 'jsqr';
import { create } from 'qrcode';
import { isTillError } from '../../main/errors';
import { qrJob, smallestNativeQrJobBytes } from '../../main/devices/escpos/qr-job';
import { getProfile, type PrinterProfile } from '../../main/devices/profiles';

const generic = getProfile('generic');
const tmT20 = getProfile('epson-tm-t20');
const rasterOnly = getProfile('raster-only');
const URL_100 = 'https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII?order=' + '7'.repeat(34);
const URL_UNICODE = 'https://example.com/商店/付款?名=咖啡&x=é😀';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function indexOf(hay: Uint8Array, needle: readonly number[], from = 0): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function throwsTill(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => isTillError(e) && e.code === code);
}

/** The payload stored by GS ( k fn 80, read with the declared pL pH. */
function storedPayload(job: Uint8Array): { declared: number; data: Uint8Array } {
  const at = indexOf(job, [0x1d, 0x28, 0x6b]);
  let i = at;
  while (i !== -1) {
    if (job[i + 5] === 0x31 && job[i + 6] === 0x50) {
      const declared = job[i + 3]! + 256 * job[i + 4]!;
      return { declared, data: job.subarray(i + 8, i + 5 + declared) };
    }
    i = indexOf(job, [0x1d, 0x28, 0x6b], i + 1);
  }
  throw new Error('no fn 80 store in the job');
}

interface Raster {
  mode: number;
  bytesPerRow: number;
  rows: number;
  data: Uint8Array;
  before: Uint8Array;
  after: Uint8Array;
}

function readRaster(job: Uint8Array): Raster {
  const at = indexOf(job, [0x1d, 0x76, 0x30]);
  assert.notEqual(at, -1, 'a GS v 0 image');
  const bytesPerRow = job[at + 4]! + 256 * job[at + 5]!;
  const rows = job[at + 6]! + 256 * job[at + 7]!;
  const end = at + 8 + bytesPerRow * rows;
  assert.ok(end <= job.length, 'the image data is all there');
  return { mode: job[at + 3]!, bytesPerRow, rows, data: job.subarray(at + 8, end), before: job.subarray(0, at), after: job.subarray(end) };
}

const dot = (r: Raster, x: number, y: number): boolean => x < r.bytesPerRow * 8 && (r.data[y * r.bytesPerRow + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;

/** The paper as a jsQR image: `dotsPerLine` wide, the raster with `margin` white rows above and below. */
function scan(r: Raster, dotsPerLine: number, margin: number): string | undefined {
  const height = r.rows + 2 * margin;
  const rgba = new Uint8ClampedArray(dotsPerLine * height * 4).fill(255);
  for (let y = 0; y < r.rows; y++) {
    for (let x = 0; x < dotsPerLine; x++) {
      if (!dot(r, x, y)) continue;
      const p = ((y + margin) * dotsPerLine + x) * 4;
      rgba[p] = rgba[p + 1] = rgba[p + 2] = 0;
    }
  }
  return jsQR(rgba, dotsPerLine, height)?.data;
}

function checkRaster(url: string, profile: PrinterProfile, level: 'L' | 'M' | 'Q' | 'H' = 'M'): { raster: Raster; scale: number; pad: number } {
  const job = qrJob(url, profile, { mode: 'raster', errorCorrection: level });
  const raster = readRaster(job);
  const matrix = create(url, { errorCorrectionLevel: level }).modules;
  assert.equal(raster.mode, 0, 'plain m = 0');
  assert.equal(raster.rows % matrix.size, 0, 'y is the matrix size × an integer scale');
  const scale = raster.rows / matrix.size;
  assert.ok(scale >= 1);
  // The top-left finder pattern makes module (0,0) black: its first dot is the left pad.
  let pad = 0;
  while (!dot(raster, pad, 0)) pad++;
  assert.ok(raster.bytesPerRow * 8 <= profile.dotsPerLine, 'x fits dotsPerLine');
  assert.equal(raster.bytesPerRow, Math.ceil((pad + matrix.size * scale) / 8), 'rows end at the symbol edge');
  // Every dot of the image is the module it falls in (white outside the symbol).
  for (let y = 0; y < raster.rows; y++) {
    for (let x = 0; x < raster.bytesPerRow * 8; x++) {
      const c = Math.floor((x - pad) / scale);
      const expected = x >= pad && c < matrix.size ? matrix.get(Math.floor(y / scale), c) === 1 : false;
      if (dot(raster, x, y) !== expected) assert.fail(`dot (${x}, ${y}) differs from module (${Math.floor(y / scale)}, ${c})`);
    }
  }
  // Centred with the 4-module quiet zone on both sides.
  const right = profile.dotsPerLine - pad - matrix.size * scale;
  assert.ok(pad >= 4 * scale && right >= 4 * scale, `quiet zone: left ${pad}, right ${right} dots at scale ${scale}`);
  assert.ok(Math.abs(pad - right) <= 1, 'centred');
  // Blank lines above and below: at least 4 modules at 24 dots per line.
  const lfBefore = raster.before.filter((b) => b === 0x0a).length;
  const lfAfter = raster.after.filter((b) => b === 0x0a).length;
  assert.ok(lfBefore * 24 >= 4 * scale && lfAfter * 24 >= 4 * scale, `quiet lines ${lfBefore}/${lfAfter}`);
  assert.equal(scan(raster, profile.dotsPerLine, 4 * scale), url, 'jsQR reads the URL back');
  return { raster, scale, pad };
}

describe('native QR job', () => {
  test('byte-exact for the generic profile: feeds, size 6, store, print, feeds (model 2 and EC L are what ESC @ leaves)', () => {
    const url = 'https://qr.alipay.com/bax01234';
    const job = qrJob(url, generic);
    const data = Buffer.from(url).toString('hex');
    const n = (url.length + 3).toString(16).padStart(2, '0');
    assert.equal(hex(job), [
      '0a',
      '1d286b0300314306',
      `1d286b${n}00315030${data}`, '1d286b0300315130',
      '0a',
    ].join(''));
  });

  test('no model command; EC only when it is not L; module size only when it is not 3', () => {
    assert.equal(indexOf(qrJob(URL_100, generic), [0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41]), -1, 'model');
    assert.equal(indexOf(qrJob(URL_100, generic, { moduleSize: 3 }), [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43]), -1, 'size 3');
    assert.equal(indexOf(qrJob(URL_100, generic, { moduleSize: 4 }), [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 4]) > 0, true, 'size 4');
  });

  test('the store length is the UTF-8 byte length + 3, not the string length', () => {
    const bytes = Buffer.from(URL_UNICODE, 'utf8');
    assert.ok(bytes.length > URL_UNICODE.length + 10, 'the fixture really has multi-byte characters');
    const { declared, data } = storedPayload(qrJob(URL_UNICODE, tmT20));
    assert.equal(declared, bytes.length + 3);
    assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(data), URL_UNICODE);
    const over256 = 'https://example.com/' + '支'.repeat(80); // 260 bytes: pH must be 1
    const stored = storedPayload(qrJob(over256, tmT20));
    assert.equal(stored.declared, Buffer.byteLength(over256) + 3);
    assert.ok(stored.declared > 255);
  });

  test('module size: clamped to the profile, shrunk to fit the paper with the quiet zone', () => {
    const M = { errorCorrection: 'M' } as const;
    const sizeOf = (job: Uint8Array): number => job[indexOf(job, [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43]) + 7]!;
    assert.equal(sizeOf(qrJob(URL_100, generic, M)), 6, 'preferred');
    assert.equal(sizeOf(qrJob(URL_100, generic, { ...M, moduleSize: 12 })), 7, 'generic allows 8, but 41 + 8 modules × 8 > 384 dots');
    assert.equal(sizeOf(qrJob(URL_100, tmT20, { ...M, moduleSize: 12 })), 11, '576 / (41 + 8) = 11');
    assert.equal(sizeOf(qrJob('https://a.b/c', generic, { ...M, moduleSize: 40 })), 8, 'clone range max');
    assert.equal(sizeOf(qrJob('https://a.b/c', generic, { ...M, moduleSize: 1 })), 1);
    // 400 bytes at M is version 15 (77 modules): (77 + 8) × 4 = 340 <= 384.
    assert.equal(sizeOf(qrJob('https://example.com/' + 'x'.repeat(380), generic, M)), 4);
    throwsTill(() => qrJob(URL_100, generic, { ...M, moduleSize: 2.5 }), 'QR_OPTION_INVALID');
  });

  test('error correction defaults to L (not sent) and follows the option', () => {
    const ecAt = (job: Uint8Array): number => indexOf(job, [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45]);
    const ecOf = (job: Uint8Array): number => job[ecAt(job) + 7]!;
    assert.equal(ecAt(qrJob(URL_100, generic)), -1);
    assert.equal(ecAt(qrJob(URL_100, generic, { errorCorrection: 'L' })), -1);
    assert.equal(ecOf(qrJob(URL_100, generic, { errorCorrection: 'H' })), 0x33);
    assert.equal(ecOf(qrJob(URL_100, generic, { errorCorrection: 'M' })), 0x31);
    throwsTill(() => qrJob(URL_100, generic, { errorCorrection: 'X' as 'L' }), 'QR_OPTION_INVALID');
  });

  test('bigger modules get more blank lines (4 modules at >= 24 dots a line)', () => {
    const job = qrJob('https://a.b/c', tmT20, { moduleSize: 16 });
    assert.equal(hex(job.subarray(0, 4)), '0a0a0a1d', '4 × 16 = 64 dots: 3 lines');
    assert.equal(hex(job.subarray(job.length - 4)), '300a0a0a');
  });

  test('smallestNativeQrJobBytes is store + print only', () => {
    const url = 'https://qr.alipay.com/x';
    assert.equal(hex(smallestNativeQrJobBytes(url)), `1d286b1a00315030${Buffer.from(url).toString('hex')}1d286b0300315130`);
    assert.equal(smallestNativeQrJobBytes(URL_100).length, 8 + 100 + 8);
  });
});

describe('raster QR job', () => {
  test('the generic profile: header dims = matrix × scale, every dot matches the module, jsQR reads it', () => {
    const { raster, scale } = checkRaster(URL_100, generic);
    assert.equal(scale, 6, 'the preferred module size fits 384 dots');
    assert.equal(raster.rows, create(URL_100, { errorCorrectionLevel: 'M' }).modules.size * 6);
  });

  test('80 mm paper, multi-byte URL, each error correction level', () => {
    for (const level of ['L', 'M', 'Q', 'H'] as const) checkRaster(URL_UNICODE, tmT20, level);
  });

  test('a long URL shrinks the scale until symbol + quiet zone fit the line', () => {
    const { scale } = checkRaster('https://example.com/' + 'x'.repeat(380), rasterOnly);
    assert.equal(scale, 4);
  });

  test('left alignment is set before the image (the padding does the centring) and centre restored after', () => {
    const { raster } = checkRaster(URL_100, rasterOnly);
    assert.ok(hex(raster.before).endsWith('1b6100'));
    assert.ok(hex(raster.after).endsWith('1b6101'));
  });

  test('auto: native when the profile has it, raster when it does not', () => {
    assert.notEqual(indexOf(qrJob(URL_100, generic), [0x1d, 0x28, 0x6b]), -1);
    assert.equal(indexOf(qrJob(URL_100, generic), [0x1d, 0x76, 0x30]), -1);
    assert.equal(indexOf(qrJob(URL_100, rasterOnly), [0x1d, 0x28, 0x6b]), -1);
    assert.notEqual(indexOf(qrJob(URL_100, rasterOnly), [0x1d, 0x76, 0x30]), -1);
    assert.notEqual(indexOf(qrJob(URL_100, rasterOnly, { mode: 'native' }), [0x1d, 0x28, 0x6b]), -1, 'an explicit mode wins');
  });
});

describe('bad input', () => {
  test('over the profile maxQrBytes (counted in bytes): QR_TOO_LONG', () => {
    const ascii = 'https://example.com/' + 'a'.repeat(generic.maxQrBytes - 20);
    assert.equal(Buffer.byteLength(ascii), generic.maxQrBytes);
    qrJob(ascii, tmT20);
    qrJob(ascii, generic, { moduleSize: 1 });
    throwsTill(() => qrJob(ascii + 'a', generic), 'QR_TOO_LONG');
    // 200 characters but 600 bytes.
    throwsTill(() => qrJob('中'.repeat(200), generic), 'QR_TOO_LONG');
  });

  test('past version 40 at the level: QR_TOO_LONG, native and raster', () => {
    const big = 'https://example.com/' + 'a'.repeat(2400); // over 2331 bytes (40-M), under 2953 (40-L)
    throwsTill(() => qrJob(big, tmT20, { errorCorrection: 'M' }), 'QR_TOO_LONG');
    throwsTill(() => qrJob(big, tmT20, { mode: 'raster', errorCorrection: 'M' }), 'QR_TOO_LONG');
  });

  test('a symbol that cannot fit the paper even at the smallest module: QR_TOO_LONG', () => {
    // Version 40 is 177 + 8 modules: at 1 dot each it fits 384, so raise the smallest module.
    const tight: PrinterProfile = { ...generic, maxQrBytes: 2953, moduleSize: { min: 3, max: 8, preferred: 6 } };
    const url = 'https://example.com/' + 'x'.repeat(1180); // version 30 at M: (137 + 8) × 3 > 384
    throwsTill(() => qrJob(url, tight, { errorCorrection: 'M' }), 'QR_TOO_LONG');
    throwsTill(() => qrJob(url, tight, { mode: 'raster', errorCorrection: 'M' }), 'QR_TOO_LONG');
    assert.ok(qrJob(url, { ...tight, moduleSize: { min: 2, max: 8, preferred: 6 } }, { errorCorrection: 'M' }).length > 1200, 'fits at 2 dots');
  });

  test('empty text, lone surrogate, unknown mode', () => {
    throwsTill(() => qrJob('', generic), 'QR_INVALID');
    throwsTill(() => qrJob('https://x/\ud800', generic), 'QR_INVALID');
    throwsTill(() => qrJob(URL_100, generic, { mode: 'vector' as 'auto' }), 'QR_OPTION_INVALID');
  });
});
