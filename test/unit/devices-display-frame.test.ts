// Customer pole display (2×20, docs/protocol.md §7): Epson and CD5220 frames byte for byte, each
// line exactly 20 printable ASCII columns whatever the input, amounts that fit 20
// columns without losing a digit, and the status messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isTillError } from '../../main/errors';
import { amountLine, displayFrame, displayInit, displayMessages, fitLine, selectChained } from '../../main/devices/display';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): string => Buffer.from(text, 'latin1').toString('hex');

/** The two 20-byte lines of a frame, checking the framing bytes around them. */
function linesOf(protocol: 'epson' | 'cd5220', frame: Uint8Array): [string, string] {
  const b = Buffer.from(frame);
  if (protocol === 'epson') {
    assert.equal(b.length, 1 + 4 + 20 + 4 + 20);
    assert.equal(b.subarray(0, 5).toString('hex'), '0c1f240101');
    assert.equal(b.subarray(25, 29).toString('hex'), '1f240102');
    return [b.subarray(5, 25).toString('latin1'), b.subarray(29).toString('latin1')];
  }
  assert.equal(b.length, 3 + 20 + 1 + 3 + 20 + 1);
  assert.equal(b.subarray(0, 3).toString('hex'), '1b5141');
  assert.equal(b[23], 0x0d);
  assert.equal(b.subarray(24, 27).toString('hex'), '1b5142');
  assert.equal(b[47], 0x0d);
  return [b.subarray(3, 23).toString('latin1'), b.subarray(27, 47).toString('latin1')];
}

describe('displayFrame', () => {
  test('Epson: clear, US $ 1 1, upper, US $ 1 2, lower', () => {
    assert.equal(
      hex(displayFrame('epson', 'Scan with Alipay', 'USD 2.39')),
      '0c1f240101' + ascii('Scan with Alipay    ') + '1f240102' + ascii('USD 2.39            '),
    );
  });

  test('CD5220: ESC Q A <20> CR, ESC Q B <20> CR', () => {
    assert.equal(
      hex(displayFrame('cd5220', 'Paid - thank you', '')),
      '1b5141' + ascii('Paid - thank you    ') + '0d1b5142' + ascii(' '.repeat(20)) + '0d',
    );
  });

  test('long, short, empty and non-ASCII lines all become exactly 20 printable ASCII columns', () => {
    const cases: [string, string][] = [
      ['A very long store name that goes on', 'x'.repeat(100)],
      ['', ''],
      ['Café Zürich — 咖啡', '😀👍🏽 ok'],
      ['tab\there\nnew line', '\x1b@\x0c'],
    ];
    for (const protocol of ['epson', 'cd5220'] as const) {
      for (const [upper, lower] of cases) {
        for (const line of linesOf(protocol, displayFrame(protocol, upper, lower))) {
          assert.equal(line.length, 20);
          assert.match(line, /^[\x20-\x7e]{20}$/);
        }
      }
    }
    assert.deepEqual(linesOf('cd5220', displayFrame('cd5220', 'Café Zürich — 咖啡', '\x1b@')), ['Cafe Zurich - ??    ', '?@                  ']);
  });

  test('property: any input gives the exact frame shape', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ maxLength: 60 }), (upper, lower) => {
      for (const protocol of ['epson', 'cd5220'] as const) {
        for (const line of linesOf(protocol, displayFrame(protocol, upper, lower))) assert.match(line, /^[\x20-\x7e]{20}$/);
      }
    }));
  });

  test('unknown protocol: TillError', () => {
    assert.throws(() => displayFrame('vfd' as 'epson', 'a', 'b'), (e: unknown) => isTillError(e, 'DISPLAY_PROTOCOL_UNKNOWN'));
  });

  test('init and chained selection', () => {
    assert.equal(hex(displayInit('epson')), '1b400c');
    assert.equal(hex(displayInit('cd5220')), '1b400c');
    assert.equal(hex(selectChained('display')), '1b3d02');
    assert.equal(hex(selectChained('printer')), '1b3d01');
    assert.equal(fitLine('abc'), 'abc' + ' '.repeat(17));
  });
});

describe('amountLine', () => {
  test('right-aligned "CODE 1,234.56" in 20 columns for USD, JPY, KWD', () => {
    assert.equal(amountLine(123456, 'USD'), '        USD 1,234.56');
    assert.equal(amountLine(239, 'USD'), '            USD 2.39');
    assert.equal(amountLine(5, 'USD'), '            USD 0.05');
    assert.equal(amountLine(1234, 'JPY'), '           JPY 1,234');
    assert.equal(amountLine(1234567, 'KWD'), '       KWD 1,234.567');
  });

  test('huge amounts drop grouping, then the space, never a digit', () => {
    assert.equal(amountLine(123456789012, 'USD'), 'USD 1,234,567,890.12');
    assert.equal(amountLine(99999999999999, 'USD'), ' USD 999999999999.99');
    assert.equal(amountLine(Number.MAX_SAFE_INTEGER, 'USD'), 'USD90071992547409.91');
    assert.equal(amountLine(Number.MAX_SAFE_INTEGER, 'KWD'), 'KWD9007199254740.991');
    assert.equal(amountLine(Number.MAX_SAFE_INTEGER, 'JPY'), 'JPY 9007199254740991');
  });

  test('property: every safe amount in USD, JPY, KWD fits 20 columns with all its digits', () => {
    fc.assert(fc.property(fc.maxSafeNat(), fc.constantFrom('USD', 'JPY', 'KWD', 'BHD'), (amount, currency) => {
      const line = amountLine(amount, currency);
      assert.equal(line.length, 20);
      assert.ok(line.replace(/\D/g, '').replace(/^0+/, '') === String(amount).replace(/^0+/, ''), `${line} for ${amount}`);
    }));
  });

  test('bad amounts and currencies: TillError', () => {
    assert.throws(() => amountLine(1.5, 'USD'), (e: unknown) => isTillError(e, 'AMOUNT_INVALID'));
    assert.throws(() => amountLine(-1, 'USD'), (e: unknown) => isTillError(e, 'AMOUNT_INVALID'));
    assert.throws(() => amountLine(1, 'usd'), (e: unknown) => isTillError(e, 'CURRENCY_INVALID'));
  });
});

describe('displayMessages', () => {
  test('statuses on the upper line, the amount on the lower', () => {
    assert.deepEqual(displayMessages.scanToPay(239, 'USD'), { upper: 'Scan with Alipay', lower: '            USD 2.39' });
    assert.deepEqual(displayMessages.paid(239, 'USD'), { upper: 'Paid - thank you', lower: '            USD 2.39' });
    assert.deepEqual(displayMessages.paid(), { upper: 'Paid - thank you', lower: '' });
    assert.equal(displayMessages.cancelled().upper, 'Cancelled');
    assert.equal(displayMessages.failed(100, 'JPY').upper, 'Payment failed');
    assert.deepEqual(displayMessages.idle(), { upper: '      Welcome', lower: '' });
    assert.deepEqual(displayMessages.idle('Café Zürich'), { upper: '    Cafe Zurich', lower: '      Welcome' });
  });

  test('every message frames to 20 + 20 columns', () => {
    const all = [
      displayMessages.scanToPay(Number.MAX_SAFE_INTEGER, 'KWD'), displayMessages.paid(1, 'USD'), displayMessages.cancelled(),
      displayMessages.failed(), displayMessages.idle('A store name far longer than twenty columns'),
    ];
    for (const { upper, lower } of all) {
      for (const line of linesOf('epson', displayFrame('epson', upper, lower))) assert.equal(line.length, 20);
    }
  });
});
