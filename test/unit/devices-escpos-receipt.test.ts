// The three slips: scan-to-pay (QR before payment), the receipt, the test slip. Checked
// as bytes: a whole job (ESC @ first, cut last), the texts a cashier and customer rely
// on, and CJK names in Kanji mode on CJK printers only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { isTillError } from '../../main/errors';
import { qrJob } from '../../main/devices/escpos/qr-job';
import { receiptJob, scanToPaySlip, testSlip, type ReceiptData } from '../../main/devices/escpos/receipt';
import { PRINTER_PROFILES, getProfile } from '../../main/devices/profiles';

const generic = getProfile('generic');
const gb = getProfile('epson-tm-t88-cn');
const big5 = getProfile('big5-80mm');
// Built from local time parts so the printed time does not depend on the test machine's zone.
const AT = new Date(2026, 10, 25, 17, 20, 1);
const URL = 'https://global.alipay.com/281002042tmCd8ZkTS2sxBuzSNu431cII';

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

function contains(hay: Uint8Array, needle: Uint8Array | string): boolean {
  return Buffer.from(hay).includes(typeof needle === 'string' ? Buffer.from(needle, 'latin1') : Buffer.from(needle));
}

function throwsTill(fn: () => unknown, code: string, field?: string): void {
  assert.throws(fn, (e: unknown) => isTillError(e) && e.code === code && (field === undefined || e.field === field));
}

function assertWholeJob(job: Uint8Array): void {
  assert.equal(Buffer.from(job.subarray(0, 2)).toString('hex'), '1b40', 'ESC @ first');
  assert.equal(Buffer.from(job.subarray(job.length - 4)).toString('hex'), '1d564203', 'feed and partial cut last');
}

const paid: ReceiptData = {
  storeName: 'Corner Coffee',
  at: AT,
  merchantTransId: 'T0000BENCH-20261125-000001',
  amountMinor: 123456,
  currency: 'USD',
  items: [{ name: 'Latte', quantity: 2, unitPriceMinor: 450 }, { name: 'Cake', quantity: 1, unitPriceMinor: 122556 }],
  state: 'PAID',
  acquirementId: '20261125000000000000000000002747',
};

describe('scanToPaySlip', () => {
  const data = { storeName: 'Corner Coffee', merchantTransId: 'T0000BENCH-20261125-000001', amountMinor: 239, currency: 'USD', qrUrl: URL, at: AT };

  test('store, amount, the call to scan, the QR job itself, the id, time, cut', () => {
    const job = scanToPaySlip(data, generic);
    assertWholeJob(job);
    const text = latin1(job);
    for (const expected of ['Corner Coffee', 'USD 2.39', 'Scan with Alipay to pay', 'T0000BENCH-20261125-000001', '2026-11-25 17:20:01']) {
      assert.ok(text.includes(expected), expected);
    }
    assert.ok(contains(job, qrJob(URL, generic)), 'the native QR job, as qrJob builds it');
    assert.ok(!text.includes('SANDBOX'));
    assert.ok(text.indexOf('Scan with Alipay') < text.indexOf(URL), 'the instruction above the QR');
  });

  test('QR options pass through (raster on request) and sandbox is marked', () => {
    const job = scanToPaySlip({ ...data, sandbox: true }, generic, { mode: 'raster' });
    assert.ok(contains(job, qrJob(URL, generic, { mode: 'raster' })));
    assert.equal(latin1(job).split('SANDBOX - NOT A REAL PAYMENT').length - 1, 2, 'top and bottom');
  });

  test('bad amount or currency: TillError before anything is built', () => {
    throwsTill(() => scanToPaySlip({ ...data, amountMinor: 2.5 }, generic), 'AMOUNT_INVALID', 'amountMinor');
    throwsTill(() => scanToPaySlip({ ...data, currency: 'XYZ' }, generic), 'CURRENCY_UNKNOWN');
    throwsTill(() => scanToPaySlip({ ...data, at: new Date(Number.NaN) }, generic), 'FIELD_INVALID', 'at');
  });
});

describe('receiptJob', () => {
  test('store, time, id, items, total with currency, PAID, acquirementId, cut', () => {
    const job = receiptJob(paid, generic);
    assertWholeJob(job);
    const text = latin1(job);
    for (const expected of ['Corner Coffee', '2026-11-25 17:20:01', 'T0000BENCH-20261125-000001', 'Latte', '  2 x 4.50', '9.00', 'Cake', '1,225.56', 'TOTAL', 'USD 1,234.56', 'PAID', '20261125000000000000000000002747']) {
      assert.ok(text.includes(expected), expected);
    }
    assert.ok(!text.includes('REPRINT') && !text.includes('SANDBOX') && !text.includes('NOT PAID'));
    assert.ok(text.indexOf('Latte') < text.indexOf('TOTAL') && text.indexOf('TOTAL') < text.indexOf('PAID'));
  });

  test('lines fit the paper: 32 columns on 58 mm', () => {
    // Drop the commands (ESC @, ESC E/a/t n, GS ! n, GS V B n) to measure the printed text.
    // eslint-disable-next-line no-control-regex
    const text = latin1(receiptJob(paid, generic)).replace(/\x1b@|\x1b[Eat]./g, '').replace(/\x1d!./g, '').replace(/\x1dVB./g, '');
    assert.match(text, /^[\n\x20-\x7e]+$/, 'nothing but text and LF left');
    for (const line of text.split('\n')) assert.ok(line.length <= 32, JSON.stringify(line));
  });

  test('sandbox and reprint are marked; no items is fine', () => {
    const text = latin1(receiptJob({ ...paid, items: undefined, sandbox: true, reprint: true }, generic));
    assert.ok(text.includes('SANDBOX - NOT A REAL PAYMENT'));
    assert.ok(text.includes('REPRINT'));
    assert.ok(!text.includes('Latte'));
  });

  test('CANCELLED and FAILED say NOT PAID and carry no acquirementId', () => {
    for (const state of ['CANCELLED', 'FAILED'] as const) {
      const text = latin1(receiptJob({ ...paid, state }, generic));
      assert.ok(text.includes('NOT PAID'), state);
      assert.ok(!text.includes(paid.acquirementId!), `${state}: no acquirementId`);
    }
    assert.ok(latin1(receiptJob({ ...paid, state: 'FAILED' }, generic)).includes('PAYMENT FAILED'));
  });

  test('REFUNDED shows the refund; PAID without an acquirementId prints without it', () => {
    const text = latin1(receiptJob({ ...paid, state: 'REFUNDED', refundedMinor: 900 }, generic));
    assert.ok(text.includes('REFUNDED') && text.includes('Refunded') && text.includes('USD 9.00'));
    assert.ok(!latin1(receiptJob({ ...paid, acquirementId: null }, generic)).includes('Alipay'));
  });

  test('JPY (no decimals) and KWD (3) amounts', () => {
    assert.ok(latin1(receiptJob({ ...paid, currency: 'JPY', amountMinor: 1200, items: [] }, generic)).includes('JPY 1,200'));
    assert.ok(latin1(receiptJob({ ...paid, currency: 'KWD', amountMinor: 1234, items: [] }, generic)).includes('KWD 1.234'));
  });

  test('Chinese names: GB18030 / Big5 in Kanji mode on CJK printers, stand-ins on Latin ones', () => {
    const data = { ...paid, storeName: '街角咖啡', items: [{ name: '拿鐵', quantity: 1, unitPriceMinor: 450 }] };
    const onGb = receiptJob(data, gb);
    assert.ok(contains(onGb, Buffer.concat([Buffer.from([0x1c, 0x26]), iconv.encode('街角咖啡', 'gb18030'), Buffer.from([0x1c, 0x2e])])));
    assert.ok(contains(onGb, Buffer.concat([Buffer.from([0x1c, 0x26]), iconv.encode('拿鐵', 'gb18030'), Buffer.from([0x1c, 0x2e])])));
    const onBig5 = receiptJob(data, big5);
    assert.ok(contains(onBig5, Buffer.concat([Buffer.from([0x1c, 0x26]), iconv.encode('街角咖啡', 'big5'), Buffer.from([0x1c, 0x2e])])));
    const onLatin = receiptJob(data, generic);
    assert.ok(!contains(onLatin, Uint8Array.of(0x1c, 0x26)), 'no Kanji mode on a Latin printer');
    assert.ok(latin1(onLatin).includes('????'));
    assert.ok(!contains(onLatin, Buffer.from('街', 'utf8')), 'no raw UTF-8');
  });

  test('bad input: TillError naming the field', () => {
    throwsTill(() => receiptJob({ ...paid, state: 'PENDING' as 'PAID' }, generic), 'FIELD_INVALID', 'state');
    throwsTill(() => receiptJob({ ...paid, items: [{ name: 'x', quantity: 0, unitPriceMinor: 1 }] }, generic), 'FIELD_INVALID', 'items[0].quantity');
    throwsTill(() => receiptJob({ ...paid, items: [{ name: 'x', quantity: 1, unitPriceMinor: -1 }] }, generic), 'AMOUNT_INVALID', 'items[0].unitPriceMinor');
    throwsTill(() => receiptJob({ ...paid, items: [{ name: 'x', quantity: 2 ** 30, unitPriceMinor: 2 ** 30 }] }, generic), 'AMOUNT_INVALID');
  });
});

describe('testSlip', () => {
  test('every profile: name, code page line, QR of the test URL (native or raster per profile)', () => {
    for (const profile of Object.values(PRINTER_PROFILES)) {
      const job = testSlip(profile, AT);
      assertWholeJob(job);
      assert.ok(latin1(job).replace(/\n/g, ' ').includes(profile.name), `${profile.id}: the name (wrapped to the paper)`);
      assert.ok(latin1(job).includes(profile.cjk ? 'Kanji mode' : `Code table: ESC t ${profile.codeTable}`), profile.id);
      assert.ok(contains(job, Uint8Array.of(...(profile.supports('qrCode') ? [0x1d, 0x28, 0x6b] : [0x1d, 0x76, 0x30]))), profile.id);
    }
    assert.ok(contains(testSlip(gb, AT), Buffer.concat([Buffer.from([0x1c, 0x26]), iconv.encode('中文', 'gb18030')])));
  });
});
