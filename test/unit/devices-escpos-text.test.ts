// Printer text: ASCII as is, the code table for Latin accents, GB18030/Big5 inside
// FS & ... FS . on CJK profiles, an ASCII stand-in everywhere else (never raw UTF-8,
// never a control byte), and wrapping to the profile's columns.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { asciiFor, toAscii } from '../../main/devices/escpos/ascii';
import { columnsFor, encodeLine, encodeText, textSetup, textWidth, twoColumns, wrap } from '../../main/devices/escpos/text';
import { getProfile } from '../../main/devices/profiles';

const generic = getProfile('generic'); // PC437, 32 columns
const tmT20 = getProfile('epson-tm-t20'); // WPC1252, 48 columns
const gb = getProfile('epson-tm-t88-cn');
const big5 = getProfile('big5-80mm');

const hex = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('hex');
const KANJI_ON = '1c26';
const KANJI_OFF = '1c2e';

describe('columns', () => {
  test('Font A: 32 on 384 dots, 48 on 576', () => {
    assert.equal(columnsFor(generic), 32);
    assert.equal(columnsFor(tmT20), 48);
  });
});

describe('Latin printers', () => {
  test('ASCII goes through byte for byte', () => {
    assert.equal(Buffer.from(encodeText('Latte x2  USD 4.00', generic)).toString('latin1'), 'Latte x2  USD 4.00');
  });

  test('accents use the code table: PC437 on generic, WPC1252 on the TM-T20', () => {
    assert.equal(hex(encodeText('é', generic)), '82');
    assert.equal(hex(encodeText('Ñ', generic)), 'a5');
    assert.equal(hex(encodeText('é€', tmT20)), 'e980');
    assert.equal(hex(textSetup(generic)), '1b7400');
    assert.equal(hex(textSetup(tmT20)), '1b7410');
  });

  test('what the table lacks gets an ASCII stand-in; CJK becomes ?; never a byte of UTF-8', () => {
    assert.equal(Buffer.from(encodeText('€5 — “ok”', generic)).toString('latin1'), 'EUR5 - "ok"');
    assert.equal(Buffer.from(encodeText('咖啡 Café', generic)).toString('latin1'), '?? Caf\x82');
    assert.equal(Buffer.from(encodeText('Łódź', generic)).toString('latin1'), 'L\xa2dz');
    const out = encodeText('😀 中文', tmT20);
    assert.equal(Buffer.from(out).toString('latin1'), '? ??');
  });

  test('control characters never reach the printer (an ESC in a name would be a command)', () => {
    const out = encodeText('Shop\x1b@\x1dV\x00A\x7f\u009b', generic);
    assert.equal(Buffer.from(out).toString('latin1'), 'Shop?@?V?A??');
    assert.equal(Buffer.from(encodeText('a\tb', generic)).toString('latin1'), 'a b');
  });

  test('property: Latin-only output is printable bytes and LF only, no FS &', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
      for (const byte of encodeText(text, generic)) assert.ok(byte === 0x0a || byte >= 0x20, `byte ${byte}`);
    }));
  });
});

describe('CJK printers', () => {
  test('GB18030: Kanji mode around the run, bytes from iconv-lite', () => {
    const out = encodeText('店 咖啡', gb);
    assert.equal(hex(out), KANJI_ON + hex(iconv.encode('店 咖啡', 'gb18030')) + KANJI_OFF);
    assert.equal(hex(textSetup(gb)), '1b7400' + KANJI_OFF, 'jobs start outside Kanji mode');
  });

  test('Big5: traditional characters in Kanji mode, ASCII around them outside', () => {
    const out = encodeText('A 咖啡店 B', big5);
    assert.equal(hex(out), '4120' + KANJI_ON + hex(iconv.encode('咖啡店', 'big5')) + KANJI_OFF + '2042');
  });

  test('each line leaves Kanji mode before its LF', () => {
    const out = hex(encodeText('中文\n文字', gb));
    assert.equal(out, KANJI_ON + hex(iconv.encode('中文', 'gb18030')) + KANJI_OFF + '0a' + KANJI_ON + hex(iconv.encode('文字', 'gb18030')) + KANJI_OFF);
  });

  test('what the double-byte set lacks is an ASCII stand-in outside Kanji mode', () => {
    // U+20000 is a 4-byte GB18030 sequence (missing from printer fonts); an emoji has no Big5 code.
    assert.equal(hex(encodeText('\u{20000}x', gb)), '3f78');
    assert.equal(hex(encodeText('😀', big5)), '3f');
    // é is HKSCS in iconv-lite's Big5 (lead 0x88), not in a Big5 printer's font.
    assert.equal(hex(encodeText('é', big5)), '65');
  });
});

describe('width and wrap', () => {
  test('Kanji-mode characters are 2 columns, others 1', () => {
    assert.equal(textWidth('abc', gb), 3);
    assert.equal(textWidth('中文ab', gb), 6);
    assert.equal(textWidth('中文ab', generic), 4, 'stand-ins are one column each');
  });

  test('words wrap at the profile width, long words break, short lines are kept as they are', () => {
    const lines = wrap('The quick brown fox jumps over the lazy dog and keeps running far away', generic);
    assert.deepEqual(lines, ['The quick brown fox jumps over', 'the lazy dog and keeps running', 'far away']);
    assert.deepEqual(wrap('  2 x 1.00', generic), ['  2 x 1.00']);
    assert.deepEqual(wrap('x'.repeat(70), generic), ['x'.repeat(32), 'x'.repeat(32), 'x'.repeat(6)]);
    assert.deepEqual(wrap('ab ' + 'x'.repeat(40), generic), ['ab ' + 'x'.repeat(29), 'x'.repeat(11)]);
  });

  test('CJK breaks between characters, never inside one', () => {
    const lines = wrap('中文'.repeat(10), big5, 9);
    assert.deepEqual(lines, ['中文中文', '中文中文', '中文中文', '中文中文', '中文中文']);
    for (const line of lines) assert.ok(textWidth(line, big5) <= 9);
  });

  test('property: every wrapped line fits its columns', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.integer({ min: 2, max: 48 }), (text, cols) => {
      for (const profile of [generic, gb, big5]) {
        for (const line of wrap(text, profile, cols)) assert.ok(textWidth(line, profile) <= cols, `${JSON.stringify(line)} in ${cols}`);
      }
    }));
  });

  test('encodeText wraps with LF between lines, encodeLine adds the last LF', () => {
    assert.equal(Buffer.from(encodeText('aaaa bbbb', generic, { columns: 4 })).toString('latin1'), 'aaaa\nbbbb');
    assert.equal(Buffer.from(encodeLine('ok', generic)).toString('latin1'), 'ok\n');
  });

  test('twoColumns: right part flush right, or on its own line when both do not fit', () => {
    assert.deepEqual(twoColumns('TOTAL', 'USD 2.39', generic), ['TOTAL' + ' '.repeat(32 - 5 - 8) + 'USD 2.39']);
    assert.deepEqual(twoColumns('咖啡', '2.00', gb, 10), ['咖啡  2.00']);
    const split = twoColumns('Order', 'T'.repeat(30), generic);
    assert.deepEqual(split, ['Order', '  ' + 'T'.repeat(30)]);
  });
});

describe('ASCII stand-ins', () => {
  test('look-alikes, dropped marks, ? for the rest', () => {
    assert.equal(toAscii('Crème brûlée'), 'Creme brulee');
    assert.equal(toAscii('Straße Œuvre'), 'Strasse OEuvre');
    assert.equal(toAscii('ｆｕｌｌ　ｗｉｄｔｈ'), 'full width');
    assert.equal(toAscii('e\u0301'), 'e', 'decomposed input composes first');
    assert.equal(toAscii('👍🏽'), '?', 'skin tone modifier dropped with the emoji');
    assert.equal(toAscii('line\nbreak'), 'line break');
    assert.equal(asciiFor('\u0007'), '?');
    assert.equal(asciiFor('\ud800'), '?');
  });
});
