// String(N) free text: cut to N UTF-8 bytes at a code point boundary (docs/protocol.md §5), and
// the text problems that must never travel (lone surrogates, U+FFFD, control characters).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isTillError } from '../../main/errors';
import { assertText, cutToUtf8Bytes, textProblem, utf8Length } from '../../main/alipay/utf8-text';
import { anyUnicode } from '../support/protocol-fixtures';

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

/** The longest code-point-boundary prefix of `text` within `limit` bytes, by brute force. */
function longestPrefix(text: string, limit: number): string {
  let best = '';
  let prefix = '';
  for (const codePoint of text) {
    prefix += codePoint;
    if (utf8Length(prefix) > limit) break;
    best = prefix;
  }
  return best;
}

describe('utf8Length', () => {
  test('counts UTF-8 bytes, not UTF-16 units', () => {
    assert.equal(utf8Length('abc'), 3);
    assert.equal(utf8Length('é'), 2);
    assert.equal(utf8Length('中文'), 6);
    assert.equal(utf8Length('😀'), 4);
    assert.equal(utf8Length('👩‍👩‍👧'), 18);
  });
});

describe('cutToUtf8Bytes', () => {
  test('property: the longest prefix within the limit, on a code point boundary, never half a surrogate pair', () => {
    fc.assert(
      fc.property(anyUnicode(200), fc.nat({ max: 900 }), (text, limit) => {
        const cut = cutToUtf8Bytes(text, limit);
        assert.ok(text.startsWith(cut), 'a prefix of the input');
        assert.ok(utf8Length(cut) <= limit, 'within the limit');
        if (cut.length > 0) assert.ok(!isHigh(cut.charCodeAt(cut.length - 1)), 'does not end in a high surrogate');
        assert.equal(textProblem(cut) === 'is not valid UTF-8 (lone surrogate)', false);
        assert.equal(cut, longestPrefix(text, limit), 'the longest such prefix');
        if (utf8Length(text) <= limit) assert.equal(cut, text);
      }),
      { numRuns: 600 },
    );
  });

  test('property: limits around the length of astral-heavy text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), fc.integer({ min: -3, max: 3 }), (text, delta) => {
        const limit = Math.max(0, utf8Length(text) + delta);
        const cut = cutToUtf8Bytes(text, limit);
        assert.equal(cut, longestPrefix(text, limit));
      }),
      { numRuns: 300 },
    );
  });

  test('examples at every byte limit of a mixed string', () => {
    const text = 'a中😀é';
    const expected = ['', 'a', 'a', 'a', 'a中', 'a中', 'a中', 'a中', 'a中😀', 'a中😀', 'a中😀é', 'a中😀é'];
    expected.forEach((want, limit) => assert.equal(cutToUtf8Bytes(text, limit), want, `limit ${limit}`));
  });

  test('a ZWJ emoji sequence is cut between its code points, never inside one', () => {
    const family = '👩‍👩‍👧'; // 👩 ZWJ 👩 ZWJ 👧 = 4+3+4+3+4 bytes
    assert.equal(cutToUtf8Bytes(family, 4), '👩');
    assert.equal(cutToUtf8Bytes(family, 6), '👩');
    assert.equal(cutToUtf8Bytes(family, 7), '👩\u200d');
    assert.equal(cutToUtf8Bytes(family, 17), '👩\u200d👩\u200d');
  });

  test('a zero, negative, NaN or fractional limit never splits a code point', () => {
    assert.equal(cutToUtf8Bytes('héllo', 0), '');
    assert.equal(cutToUtf8Bytes('héllo', -1), '');
    assert.equal(cutToUtf8Bytes('héllo', Number.NaN), '');
    assert.equal(cutToUtf8Bytes('é', 1.5), '');
    assert.equal(cutToUtf8Bytes('aé', 2.9), 'a');
    assert.equal(cutToUtf8Bytes('', -5), '');
  });
});

describe('textProblem', () => {
  test('accepts ordinary text, CJK, emoji, tab, LF and CR', () => {
    for (const ok of ['Women Summer Dress', '中文标题', '😀 ok', 'a\tb\nc\r\n', 'é', '\u00A0', '\u0100', "Mike's iPhone"]) {
      assert.equal(textProblem(ok), undefined, JSON.stringify(ok));
    }
  });

  test('refuses lone surrogates, high or low, anywhere', () => {
    for (const bad of ['\uD800', 'a\uDBFFb', '\uDC00', 'x\uDFFF', '😀\uD83D', '\uDE00😀']) {
      assert.match(textProblem(bad) ?? '', /lone surrogate/, JSON.stringify(bad));
    }
  });

  test('refuses U+FFFD (bytes that were not UTF-8)', () => {
    assert.match(textProblem('caf\uFFFD') ?? '', /not UTF-8/);
  });

  test('refuses every C0 control but tab/LF/CR, DEL, and the C1 block', () => {
    for (let c = 0; c <= 0x9f; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      const control = (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c >= 0x7f;
      assert.equal(textProblem(s) === 'contains control characters', control, `U+${c.toString(16).padStart(4, '0')}`);
    }
  });

  test('property: well-formed text without those characters has no problem', () => {
    // eslint-disable-next-line no-control-regex
    const banned = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;
    fc.assert(
      fc.property(anyUnicode(100), (text) => {
        assert.equal(textProblem(text) === undefined, !banned.test(text));
      }),
      { numRuns: 400 },
    );
  });

  test('assertText throws FIELD_INVALID naming the field', () => {
    assert.doesNotThrow(() => assertText('fine', 'title'));
    assert.throws(
      () => assertText('bad\u0000', 'title'),
      (e: unknown) => isTillError(e, 'FIELD_INVALID') && e.field === 'title',
    );
  });
});
