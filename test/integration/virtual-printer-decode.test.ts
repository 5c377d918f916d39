// The virtual printer over a real socat pty pair, fed with ESC/POS written by hand from
// NOTES §6: text, alignment, feeds, cuts, code pages and Kanji mode, native QR and raster
// images — and the rendered paper scanned back with jsQR.
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { after, before, describe, test } from 'node:test';
import { openPtyPair, writeToPty } from '../support/pty-pair';
import {
  EscPosDecoder,
  VirtualPrinter,
  decodeEscPos,
  decodeQrCodes,
  openPrinterRig,
  renderSlip,
  renderSlipPng,
  slipText,
  type PrinterRig,
  type Slip,
} from '../support/virtual-printer';
import {
  FULL_CUT,
  INIT,
  KANJI_OFF,
  KANJI_ON,
  align,
  feedAndPartialCut,
  feedLines,
  line,
  nativeQrCommands,
  rasterQrCommands,
  scanToPaySlip,
  text,
  urlOfLength,
} from '../support/virtual-printer/hand-built';

const bytes = (...parts: Array<readonly number[] | Uint8Array>): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

let rig: PrinterRig;
before(async () => {
  rig = await openPrinterRig({ dotsPerLine: 576, kanjiEncoding: 'gb18030' });
});
after(() => rig.close());

describe('text, alignment, feeds and cuts', () => {
  test('lines keep their alignment; a cut ends the slip; the next slip starts fresh', async () => {
    const job = bytes(INIT, align(1), line('STORE'), align(2), line('12.34'), align(0), line('left'), FULL_CUT);
    const slip = await rig.print(job);
    assert.deepEqual(
      slip.lines.map((l) => [l.text, l.align]),
      [
        ['STORE', 'center'],
        ['12.34', 'right'],
        ['left', 'left'],
      ],
    );
    assert.equal(slip.cut, true);
    assert.equal(slip.cutKind, 'full');
    assert.deepEqual(slip.problems, []);
    assert.equal(slip.resets, 1);

    const second = await rig.print(bytes(line('second'), feedAndPartialCut(40)));
    assert.deepEqual(second.lines.map((l) => l.text), ['second']);
    assert.equal(second.cutKind, 'partial');
    assert.deepEqual(second.items.at(-1), { kind: 'feed', dots: 40 }, 'GS V 66 n feeds n dots before cutting');
  });

  test('bold, sizes and feeds are tracked; ESC a mid-line applies from the next line', async () => {
    const job = bytes(
      INIT,
      [0x1b, 0x45, 1], line('bold'), [0x1b, 0x45, 0],
      [0x1d, 0x21, 0x11], line('big'), [0x1d, 0x21, 0x00],
      text('ab'), align(1), line('cd'), line('centred'),
      feedLines(3), [0x1b, 0x4a, 50],
      FULL_CUT,
    );
    const slip = await rig.print(job);
    const [bold, big, mixed, centred] = slip.lines;
    assert.equal(bold?.bold, true);
    assert.deepEqual([big?.widthScale, big?.heightScale, big?.advance], [2, 2, 48]);
    assert.deepEqual([mixed?.text, mixed?.align], ['abcd', 'left']);
    assert.equal(centred?.align, 'center');
    assert.deepEqual(slip.items.slice(-2), [
      { kind: 'feed', dots: 90 },
      { kind: 'feed', dots: 50 },
    ]);
  });

  test('code page (ESC t 16 = WPC1252) and Kanji mode (FS &) text is decoded', async () => {
    const gb = iconv.encode('支付宝 收款', 'gb18030');
    const job = bytes(
      INIT,
      [0x1b, 0x74, 16], Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x0a]), // "Café €"
      KANJI_ON, gb, [0x0a], KANJI_OFF,
      line('after'),
      FULL_CUT,
    );
    const slip = await rig.print(job);
    assert.deepEqual(slip.lines.map((l) => l.text), ['Café €', '支付宝 收款', 'after']);
    assert.equal(slip.lines[1]?.kanji, true);
    assert.deepEqual(slip.problems, []);
  });

  test('Big5 text decodes when the printer is configured for Big5', () => {
    const big5 = iconv.encode('繁體中文', 'big5');
    const [slip] = decodeEscPos(bytes(KANJI_ON, big5, [0x0a], KANJI_OFF, FULL_CUT), { kanjiEncoding: 'big5' });
    assert.equal(slip?.lines[0]?.text, '繁體中文');
  });

  test('unknown bytes and bad parameters are problems, never a crash; decoding goes on', async () => {
    const job = bytes(
      INIT,
      [0x1b, 0x7a], // unknown ESC z
      [0x01], // stray control byte
      [0x1b, 0x61, 9], // alignment out of range
      [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 40], // module size 40
      [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30], // print with nothing stored
      line('still here'),
      FULL_CUT,
    );
    const slip = await rig.print(job);
    assert.deepEqual(slip.lines.map((l) => l.text), ['still here']);
    assert.equal(slip.problems.length, 5, slip.problems.join('\n'));
    assert.match(slip.problems[0]!, /at byte \d+: unknown command ESC 0x7a/);
    assert.match(slip.problems[1]!, /unknown control byte 0x01/);
    assert.match(slip.problems[2]!, /ESC a 9/);
    assert.match(slip.problems[3]!, /module size 40 out of range/);
    assert.match(slip.problems[4]!, /no data stored/);
  });

  test('garbage of every byte value never throws', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let round = 0; round < 20; round++) {
      const junk = Uint8Array.from({ length: 4000 }, random);
      const decoder = new EscPosDecoder({ dotsPerLine: 384 });
      for (let k = 0; k < junk.length; k += 97) decoder.push(junk.subarray(k, k + 97));
      const slips = decoder.end();
      for (const slip of slips) renderSlip(slip, { dotsPerLine: 384 });
    }
  });

  test('a job split at every byte decodes the same as in one piece', () => {
    const job = scanToPaySlip(urlOfLength(100), 'native');
    const whole = decodeEscPos(job);
    const decoder = new EscPosDecoder();
    for (const b of job) decoder.push(Uint8Array.of(b));
    assert.deepEqual(decoder.end(), whole);
  });

  test('a stream ending mid-command, or with unprinted text, says so', () => {
    const [slip] = decodeEscPos(bytes(line('x'), text('no LF'), [0x1d, 0x76, 0x30, 0, 10, 0, 10, 0, 1, 2, 3]));
    assert.equal(slip?.cut, false);
    assert.ok(slip?.problems.some((p) => /stream ended inside a command \(11 bytes pending: 0x1d 0x76/.test(p)), slip?.problems.join('\n'));
  });
});

describe('native QR (GS ( k)', () => {
  for (const length of [20, 100, 300, 600]) {
    test(`a ${length}-character URL with non-ASCII segments scans back exactly from the paper`, async () => {
      const url = urlOfLength(length);
      const moduleSize = length > 300 ? 3 : 5;
      const slip = await rig.print(scanToPaySlip(url, 'native', moduleSize));
      assert.deepEqual(slip.problems, []);
      assert.deepEqual(slip.qrPayloads, [url]);
      const qr = slip.qrCodes[0]!;
      assert.deepEqual([qr.model, qr.moduleSize, qr.errorCorrection, qr.align], [2, moduleSize, 'M', 'center']);
      assert.equal(qr.data.length, Buffer.byteLength(url), 'the stored length is the UTF-8 byte length');
      const rendered = renderSlip(slip, { dotsPerLine: 576 });
      assert.deepEqual(rendered.problems, []);
      assert.deepEqual(decodeQrCodes(rendered.png), [url]);
      const [symbol] = rendered.symbols;
      assert.equal(symbol?.width, qr.size * moduleSize, 'drawn at the module size that was set');
      for (const side of ['top', 'bottom', 'left', 'right'] as const) {
        assert.ok(symbol!.clearance[side] >= 4 * moduleSize, `quiet zone ${side}: ${symbol!.clearance[side]} dots`);
      }
    });
  }

  test('pL/pH counting characters instead of UTF-8 bytes (the known library bug) shows on the slip', async () => {
    const url = urlOfLength(100);
    const good = nativeQrCommands(url, 4);
    // Rewrite the store length as url.length + 3 (string length, not byte length).
    const at = good.findIndex((_, k) => good[k] === 0x1d && good[k + 5] === 0x31 && good[k + 6] === 0x50);
    const wrong = [...good];
    wrong[at + 3] = (url.length + 3) & 0xff;
    wrong[at + 4] = (url.length + 3) >> 8;
    const slip = await rig.print(bytes(INIT, align(1), wrong, [0x0a], FULL_CUT));
    assert.notDeepEqual(slip.qrPayloads, [url]);
    assert.ok(slip.problems.length > 0 || slip.lines.some((l) => l.text.length > 0), 'the tail of the data ends up as text or as a problem');
    assert.notDeepEqual(decodeQrCodes(renderSlipPng(slip, { dotsPerLine: 576 })), [url]);
  });

  test('two symbols on one slip are both found, in order', async () => {
    const a = urlOfLength(60);
    const b = urlOfLength(140);
    const job = bytes(INIT, align(1), [0x1b, 0x4a, 40], nativeQrCommands(a, 4), [0x1b, 0x4a, 40], nativeQrCommands(b, 4), [0x1b, 0x4a, 40], FULL_CUT);
    const slip = await rig.print(job);
    assert.deepEqual(slip.qrPayloads, [a, b]);
    assert.deepEqual(decodeQrCodes(renderSlipPng(slip, { dotsPerLine: 576 })), [a, b]);
  });

  test('data too long for any QR version prints nothing and is a problem', () => {
    const [slip] = decodeEscPos(bytes(nativeQrCommands('x'.repeat(3000), 3, 'H'), FULL_CUT));
    assert.deepEqual(slip?.qrPayloads, []);
    assert.match(slip?.problems.join('\n') ?? '', /does not fit at level H/);
  });

  test('a symbol wider than the head is a problem and does not scan from the paper', () => {
    const url = urlOfLength(300);
    const [slip] = decodeEscPos(bytes(align(1), nativeQrCommands(url, 8), FULL_CUT), { dotsPerLine: 384 });
    assert.match(slip?.problems.join('\n') ?? '', /dots wide > 384 dots per line/);
    const rendered = renderSlip(slip!, { dotsPerLine: 384 });
    assert.match(rendered.problems.join('\n'), /does not fit 384 dots/);
    assert.deepEqual(decodeQrCodes(rendered.png), []);
  });
});

describe('raster images (GS v 0)', () => {
  for (const length of [20, 100, 300, 600]) {
    test(`a ${length}-character URL drawn as a raster QR scans back exactly from the paper`, async () => {
      const url = urlOfLength(length);
      const moduleSize = length > 300 ? 3 : 4;
      const slip = await rig.print(scanToPaySlip(url, 'raster', moduleSize));
      assert.deepEqual(slip.problems, []);
      assert.deepEqual(slip.qrPayloads, [], 'a raster image is not a native QR');
      assert.equal(slip.images.length, 1);
      const image = slip.images[0]!;
      assert.equal(image.data.length, image.bytesPerRow * image.heightDots);
      assert.deepEqual(decodeQrCodes(renderSlipPng(slip, { dotsPerLine: 576 })), [url]);
    });
  }

  test('an image is copied dot for dot (MSB = leftmost dot) at the alignment in force', () => {
    // 2 bytes × 3 rows: a diagonal-ish pattern.
    const image = [0x80, 0x01, 0x40, 0x02, 0xff, 0xff];
    const [slip] = decodeEscPos(bytes(align(2), [0x1d, 0x76, 0x30, 0x00, 2, 0, 3, 0], image, FULL_CUT));
    const rendered = renderSlip(slip!, { dotsPerLine: 384, sideMargin: 0, endMargin: 0 });
    const dot = (x: number, y: number) => rendered.dots[y * rendered.width + x];
    const x0 = 384 - 16; // right aligned, 16 dots wide
    assert.equal(rendered.height, 3);
    assert.deepEqual([dot(x0, 0), dot(x0 + 1, 0), dot(x0 + 15, 0), dot(x0 + 14, 0)], [1, 0, 1, 0]);
    assert.deepEqual([dot(x0 + 1, 1), dot(x0 + 14, 1)], [1, 1]);
    for (let x = x0; x < 384; x++) assert.equal(dot(x, 2), 1);
    assert.equal(dot(x0 - 1, 2), 0);
  });

  test('a raster QR with several hundred rows survives the pty in one write', async () => {
    const url = urlOfLength(300);
    const raster = rasterQrCommands(url, 6);
    assert.ok(raster.length > 20_000, `${raster.length} bytes`);
    const slip = await rig.print(bytes(INIT, align(0), raster, FULL_CUT));
    assert.deepEqual(decodeQrCodes(renderSlipPng(slip, { dotsPerLine: 576 })), [url]);
  });
});

describe('the device end', () => {
  test('bytes written before the printer opens the device end are not lost', async () => {
    const pair = await openPtyPair();
    try {
      await writeToPty(pair.till, bytes(INIT, line('early'), FULL_CUT));
      const printer = await VirtualPrinter.open(pair.device);
      try {
        const [slip] = await printer.waitForSlips(1);
        assert.equal(slipText(slip as Slip), 'early');
      } finally {
        await printer.close();
      }
    } finally {
      await pair.close();
    }
  });
});
