// The till's own ESC/POS encoders (main/devices/escpos) printed on the virtual printer over
// a real pty pair: the QR on the paper — native GS ( k or raster GS v 0 — scans to exactly
// the URL (the sandbox gateway's orderQrCode included), with its quiet zone; receipts and
// test slips decode to the text that was meant. Two rendered slips are kept in test-output/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { qrJob } from '../../main/devices/escpos/qr-job';
import { TEST_SLIP_URL, receiptJob, scanToPaySlip, testSlip } from '../../main/devices/escpos/receipt';
import { getProfile, PRINTER_PROFILES, type PrinterProfile } from '../../main/devices/profiles';
import { isTillError } from '../../main/errors';
import { startTestSandbox, preCreateBody, type TestSandbox } from '../support/sandbox-requests';
import { openPrinterRig, renderSlip, scanQrCodes, slipText, type PrinterRig, type Slip } from '../support/virtual-printer';
import { urlOfLength } from '../support/virtual-printer/hand-built';

const OUTPUT = path.resolve(__dirname, '..', '..', 'test-output');
const AT = new Date(2026, 10, 25, 17, 20, 1);

/** One rig per paper width: the printer's decoder checks widths against its head. */
const rigs = new Map<number, PrinterRig>();
before(async () => {
  for (const dots of [384, 576]) rigs.set(dots, await openPrinterRig({ dotsPerLine: dots, kanjiEncoding: 'gb18030' }));
});
after(async () => {
  for (const rig of rigs.values()) await rig.close();
});

function rigFor(profile: PrinterProfile): PrinterRig {
  return rigs.get(profile.dotsPerLine)!;
}

function scanData(url: string) {
  return { storeName: 'Corner Shop', merchantTransId: 'T-20261125-0001', amountMinor: 1234, currency: 'CNY', qrUrl: url, at: AT };
}

/**
 * Prints, renders, scans. Asserts one QR that reads exactly `url`, no problem on the slip or
 * the paper, and a quiet zone of at least 4 modules on every side.
 */
async function printAndScan(profile: PrinterProfile, job: Uint8Array, url: string, save?: string, rig = rigFor(profile)): Promise<Slip> {
  const slip = await rig.print(job);
  assert.deepEqual(slip.problems, [], 'the printer saw no problem');
  assert.equal(slip.cut, true);
  const rendered = renderSlip(slip, { dotsPerLine: profile.dotsPerLine });
  if (save) {
    fs.mkdirSync(OUTPUT, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT, save), rendered.png);
  }
  assert.deepEqual(rendered.problems, []);
  const found = scanQrCodes(rendered.png);
  assert.deepEqual(
    found.map((f) => f.data),
    [url],
  );
  assert.equal(rendered.symbols.length, 1);
  const symbol = rendered.symbols[0]!;
  // Module size: as set for a native symbol; for a raster one, the drawn width over the modules.
  const modules = 17 + 4 * found[0]!.version;
  const moduleDots = symbol.kind === 'qr' ? symbol.moduleSize : Math.round(inkWidth(rendered, symbol) / modules);
  assert.ok(moduleDots >= 1);
  for (const side of ['top', 'bottom', 'left', 'right'] as const) {
    assert.ok(symbol.clearance[side] >= 4 * moduleDots, `quiet zone ${side}: ${symbol.clearance[side]} dots < 4 × ${moduleDots}`);
  }
  return slip;
}

function inkWidth(rendered: ReturnType<typeof renderSlip>, box: { x: number; y: number; width: number; height: number }): number {
  let x0 = Infinity;
  let x1 = -1;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      if (!rendered.dots[y * rendered.width + x]) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
    }
  }
  return x1 - x0 + 1;
}

describe('scan-to-pay slips from the encoders scan to exactly the URL', () => {
  const cases: Array<{ profile: string; mode: 'native' | 'raster'; lengths: number[]; tooLong: number[] }> = [
    { profile: 'generic', mode: 'native', lengths: [20, 100, 300], tooLong: [600] },
    { profile: 'raster-only', mode: 'raster', lengths: [20, 100, 300], tooLong: [600] },
    { profile: 'epson-tm-t20', mode: 'native', lengths: [20, 100, 300, 600], tooLong: [] },
    { profile: 'epson-tm-t20', mode: 'raster', lengths: [20, 100, 300, 600], tooLong: [] },
  ];
  for (const c of cases) {
    const profile = getProfile(c.profile);
    for (const length of c.lengths) {
      test(`${c.profile}, ${c.mode}, ${length}-character URL`, async () => {
        const url = urlOfLength(length);
        const save = length === 100 && profile.dotsPerLine === 384 ? `virtual-printer-${c.mode}.png` : undefined;
        const slip = await printAndScan(profile, scanToPaySlip(scanData(url), profile, { mode: c.mode }), url, save);
        if (c.mode === 'native') {
          assert.deepEqual(slip.qrPayloads, [url]);
          assert.equal(slip.images.length, 0);
          assert.equal(slip.qrCodes[0]!.data.length, Buffer.byteLength(url), 'pL/pH carries the UTF-8 byte length');
        } else {
          assert.deepEqual(slip.qrPayloads, []);
          assert.equal(slip.images.length, 1);
        }
        const text = slipText(slip);
        for (const expected of ['Corner Shop', 'CNY 12.34', 'T-20261125-0001', '2026-11-25 17:20:01']) assert.ok(text.includes(expected), `${expected} in\n${text}`);
      });
    }
    for (const length of c.tooLong) {
      test(`${c.profile}, ${c.mode}, ${length}-character URL is refused before anything is sent`, () => {
        assert.throws(
          () => scanToPaySlip(scanData(urlOfLength(length)), profile, { mode: c.mode }),
          (err: unknown) => isTillError(err) && err.code === 'QR_TOO_LONG',
        );
      });
    }
  }
});

describe('qrJob', () => {
  test("mode 'auto' prints native on a QR-capable profile and raster on raster-only", async () => {
    const url = urlOfLength(100);
    for (const [id, kind] of [
      ['generic', 'native'],
      ['raster-only', 'raster'],
    ] as const) {
      const profile = getProfile(id);
      const job = Uint8Array.from([0x1b, 0x40, ...qrJob(url, profile, { mode: 'auto' }), 0x1d, 0x56, 0x00]);
      const slip = await printAndScan(profile, job, url);
      assert.equal(kind === 'native' ? slip.qrCodes.length : slip.images.length, 1, `${id} prints ${kind}`);
    }
  });

  test('the module size and error correction asked for are what the printer is told (the slip centres; ESC @ resets the rest)', async () => {
    const profile = getProfile('epson-tm-t20');
    const url = urlOfLength(100);
    const job = Uint8Array.from([0x1b, 0x40, 0x1b, 0x61, 0x01, ...qrJob(url, profile, { mode: 'native', moduleSize: 5, errorCorrection: 'H' }), 0x1d, 0x56, 0x00]);
    const slip = await printAndScan(profile, job, url);
    const qr = slip.qrCodes[0]!;
    assert.deepEqual([qr.model, qr.moduleSize, qr.errorCorrection, qr.align], [2, 5, 'H', 'center']);
  });

  test('settings left by an earlier job (EC H, size 16) do not leak into the next slip: its ESC @ resets them', async () => {
    const profile = getProfile('epson-tm-t20');
    const url = urlOfLength(100);
    const earlier = Uint8Array.from([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x33, 0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x10]);
    const job = Uint8Array.from([...earlier, ...scanToPaySlip(scanData(url), profile, { mode: 'native' })]);
    const slip = await printAndScan(profile, job, url);
    const qr = slip.qrCodes[0]!;
    assert.deepEqual([qr.model, qr.moduleSize, qr.errorCorrection, qr.align], [2, profile.moduleSize.preferred, 'L', 'center']);
  });
});

describe("the sandbox gateway's orderQrCode", () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  test('prints native and raster and scans back to exactly orderQrCode', async () => {
    const answer = await sandbox.call('preCreate', preCreateBody());
    const orderQrCode = answer.body.orderQrCode;
    assert.equal(typeof orderQrCode, 'string');
    for (const id of ['generic', 'raster-only', 'epson-tm-t20']) {
      const profile = getProfile(id);
      await printAndScan(profile, scanToPaySlip(scanData(orderQrCode as string), profile), orderQrCode as string);
    }
  });
});

describe('receipts and test slips', () => {
  test('a receipt decodes to its store, items, total, result and acquirementId; CJK through GB18030', async () => {
    const profile = getProfile('epson-tm-t88-cn');
    const job = receiptJob(
      {
        storeName: '街角小店',
        at: AT,
        merchantTransId: 'T-20261125-0002',
        amountMinor: 2468,
        currency: 'CNY',
        items: [{ name: '咖啡 Coffee', quantity: 2, unitPriceMinor: 1234 }],
        state: 'PAID',
        acquirementId: '2026112511223344',
      },
      profile,
    );
    const slip = await rigFor(profile).print(job);
    assert.deepEqual(slip.problems, []);
    assert.equal(slip.cut, true);
    const text = slipText(slip);
    for (const expected of ['街角小店', '咖啡 Coffee', 'T-20261125-0002', 'CNY 24.68', 'PAID', '2026112511223344']) {
      assert.ok(text.includes(expected), `${expected} in\n${text}`);
    }
    assert.ok(slip.lines.find((l) => l.text.includes('街角小店'))?.kanji, 'the store name went through Kanji mode');
    const rendered = renderSlip(slip, { dotsPerLine: profile.dotsPerLine });
    fs.mkdirSync(OUTPUT, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT, 'virtual-printer-receipt.png'), rendered.png);
  });

  for (const id of Object.keys(PRINTER_PROFILES)) {
    test(`the test slip of ${id} decodes cleanly and its QR scans`, async () => {
      const profile = getProfile(id);
      // A Big5 printer reads Kanji mode as Big5: it gets a printer of its own.
      const own = profile.cjk === 'big5' ? await openPrinterRig({ dotsPerLine: profile.dotsPerLine, kanjiEncoding: 'big5' }) : undefined;
      try {
        const slip = await printAndScan(profile, testSlip(profile, AT), TEST_SLIP_URL, undefined, own);
        const text = slipText(slip);
        assert.ok(text.includes(`Profile: ${id}`), text);
        if (profile.cjk === 'gb18030') assert.ok(text.includes('中文 打印 测试'), text);
        if (profile.cjk === 'big5') assert.ok(text.includes('中文 列印 測試'), text);
      } finally {
        await own?.close();
      }
    });
  }
});
