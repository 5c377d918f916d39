// ESC/POS byte builders against the values written in docs/protocol.md §6 (hex spelled out here,
// not rebuilt from the code under test), and the DLE EOT answer decoder.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTillError } from '../../main/errors';
import {
  align, bold, codeTable, concat, cutFull, feedAndPartialCut, feedLines, init, kanjiOff, kanjiOn, printAndFeed,
  qrErrorCorrection, qrModuleSize, qrPrint, qrStore, rasterImage, statusRequest, textSize,
} from '../../main/devices/escpos/commands';
import { decodeStatus, isStatusByte } from '../../main/devices/escpos/status';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');

function throwsTill(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => isTillError(e) && e.code === code);
}

describe('basic commands', () => {
  test('init, align, code table, Kanji mode, cuts', () => {
    assert.equal(hex(init()), '1b 40');
    assert.equal(hex(align('left')), '1b 61 00');
    assert.equal(hex(align('center')), '1b 61 01');
    assert.equal(hex(align('right')), '1b 61 02');
    assert.equal(hex(codeTable(16)), '1b 74 10');
    assert.equal(hex(kanjiOn()), '1c 26');
    assert.equal(hex(kanjiOff()), '1c 2e');
    assert.equal(hex(cutFull()), '1d 56 00');
    assert.equal(hex(feedAndPartialCut(3)), '1d 56 42 03');
    assert.equal(hex(feedAndPartialCut()), '1d 56 42 00');
  });

  test('feeds, bold and size', () => {
    assert.equal(hex(feedLines(3)), '0a 0a 0a');
    assert.equal(feedLines(0).length, 0);
    assert.equal(hex(printAndFeed(4)), '1b 64 04');
    assert.equal(hex(bold(true)), '1b 45 01');
    assert.equal(hex(bold(false)), '1b 45 00');
    assert.equal(hex(textSize(1, 1)), '1d 21 00');
    assert.equal(hex(textSize(2, 2)), '1d 21 11');
    assert.equal(hex(textSize(1, 2)), '1d 21 01');
    assert.equal(hex(textSize(8, 8)), '1d 21 77');
  });

  test('out-of-range arguments are refused, not wrapped into another byte', () => {
    throwsTill(() => codeTable(256), 'ESCPOS_ARGUMENT');
    throwsTill(() => codeTable(-1), 'ESCPOS_ARGUMENT');
    throwsTill(() => feedLines(1.5), 'ESCPOS_ARGUMENT');
    throwsTill(() => textSize(0, 1), 'ESCPOS_ARGUMENT');
    throwsTill(() => textSize(1, 9), 'ESCPOS_ARGUMENT');
    throwsTill(() => feedAndPartialCut(300), 'ESCPOS_ARGUMENT');
  });
});

describe('GS ( k QR functions', () => {
  test('module size, error correction, print', () => {
    assert.equal(hex(qrModuleSize(1)), '1d 28 6b 03 00 31 43 01');
    assert.equal(hex(qrModuleSize(16)), '1d 28 6b 03 00 31 43 10');
    assert.equal(hex(qrErrorCorrection('L')), '1d 28 6b 03 00 31 45 30');
    assert.equal(hex(qrErrorCorrection('M')), '1d 28 6b 03 00 31 45 31');
    assert.equal(hex(qrErrorCorrection('Q')), '1d 28 6b 03 00 31 45 32');
    assert.equal(hex(qrErrorCorrection('H')), '1d 28 6b 03 00 31 45 33');
    assert.equal(hex(qrPrint()), '1d 28 6b 03 00 31 51 30');
    throwsTill(() => qrModuleSize(0), 'ESCPOS_ARGUMENT');
    throwsTill(() => qrModuleSize(17), 'ESCPOS_ARGUMENT');
  });

  test('store: pL pH = byte length + 3, little-endian, data after 31 50 30', () => {
    assert.equal(hex(qrStore(Buffer.from('AB'))), '1d 28 6b 05 00 31 50 30 41 42');
    const long = new Uint8Array(300).fill(0x61);
    const stored = qrStore(long);
    assert.equal(hex(stored.subarray(0, 8)), '1d 28 6b 2f 01 31 50 30'); // 303 = 0x012F
    assert.equal(stored.length, 308);
    throwsTill(() => qrStore(new Uint8Array(0)), 'QR_TOO_LONG');
    throwsTill(() => qrStore(new Uint8Array(0xffff - 2)), 'QR_TOO_LONG');
  });
});

describe('GS v 0 raster', () => {
  test('header m xL xH yL yH then the data', () => {
    const bits = new Uint8Array(3 * 300).fill(0xff);
    const image = rasterImage(bits, 3, 300);
    assert.equal(hex(image.subarray(0, 8)), '1d 76 30 00 03 00 2c 01');
    assert.equal(image.length, 8 + 900);
    assert.equal(hex(rasterImage(new Uint8Array(1), 1, 1, 3).subarray(0, 4)), '1d 76 30 03');
  });

  test('data that does not match x × y is refused', () => {
    throwsTill(() => rasterImage(new Uint8Array(5), 3, 2), 'ESCPOS_ARGUMENT');
    throwsTill(() => rasterImage(new Uint8Array(0), 0, 0), 'ESCPOS_ARGUMENT');
  });
});

describe('DLE EOT status', () => {
  test('requests', () => {
    assert.equal(hex(statusRequest(1)), '10 04 01');
    assert.equal(hex(statusRequest(2)), '10 04 02');
    assert.equal(hex(statusRequest(3)), '10 04 03');
    assert.equal(hex(statusRequest(4)), '10 04 04');
  });

  test('answers: fixed bits 0xx1xx10, then the flags NOTES lists', () => {
    assert.equal(isStatusByte(0x12), true);
    assert.equal(isStatusByte(0x00), false);
    assert.equal(isStatusByte(0x92), false);
    assert.equal(isStatusByte(0x13), false);
    assert.equal(decodeStatus(1, 0x41), undefined);
    assert.deepEqual(decodeStatus(1, 0x12), { offline: false });
    assert.deepEqual(decodeStatus(1, 0x1a), { offline: true });
    assert.deepEqual(decodeStatus(2, 0x12 | 0x04), { coverOpen: true, paperEndStop: false, error: false });
    assert.deepEqual(decodeStatus(2, 0x12 | 0x20 | 0x40), { coverOpen: false, paperEndStop: true, error: true });
    assert.deepEqual(decodeStatus(3, 0x12 | 0x08), { autocutterError: true, unrecoverableError: false, autoRecoverableError: false });
    assert.deepEqual(decodeStatus(4, 0x12 | 0x0c), { paperNearEnd: true, paperOut: false });
    assert.deepEqual(decodeStatus(4, 0x12 | 0x60), { paperNearEnd: false, paperOut: true });
    assert.deepEqual(decodeStatus(4, 0x12), { paperNearEnd: false, paperOut: false });
  });
});

test('concat joins parts in order', () => {
  assert.equal(hex(concat([init(), new Uint8Array(0), cutFull()])), '1b 40 1d 56 00');
});
