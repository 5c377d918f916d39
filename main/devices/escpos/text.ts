import iconv from 'iconv-lite';
import type { PrinterProfile } from '../profiles';
import { asciiFor } from './ascii';
import { codeTable, concat, kanjiOff, kanjiOn, LF } from './commands';

/**
 * Text for the printer. Every character becomes one of: an ASCII byte; a byte of the
 * profile's single-byte code table; a GB18030/Big5 pair printed in Kanji mode (2 columns
 * wide); or a printable-ASCII stand-in. Raw UTF-8 never goes out.
 */

/** Font A is 12 dots wide: 32 columns on 58 mm (384 dots), 48 on 80 mm (576 dots). */
export function columnsFor(profile: PrinterProfile): number {
  return Math.floor(profile.dotsPerLine / 12);
}

interface Glyph {
  /** What the glyph shows, as a string (the stand-in when transliterated). */
  text: string;
  bytes: readonly number[];
  width: 1 | 2;
  kanji: boolean;
}

// Epson numbering → iconv-lite name. Unknown tables fall back to ASCII stand-ins.
const CODE_TABLES: Readonly<Record<number, string>> = { 0: 'cp437', 2: 'cp850', 16: 'windows1252', 19: 'cp858' };
const codeTableMaps = new Map<number, Map<string, number>>();

/** char → byte for the high half (0x80-0xFF) of a code table, built by decoding once. */
function highBytes(table: number): Map<string, number> {
  let map = codeTableMaps.get(table);
  if (map) return map;
  map = new Map();
  const encoding = CODE_TABLES[table];
  if (encoding) {
    for (let byte = 0x80; byte <= 0xff; byte++) {
      const char = iconv.decode(Buffer.of(byte), encoding);
      const code = char.codePointAt(0) ?? 0;
      // Undefined slots decode to U+FFFD or a C1 control: not a glyph.
      if (char.length === 1 && code > 0x9f && code !== 0xfffd && !map.has(char)) map.set(char, byte);
    }
  }
  codeTableMaps.set(table, map);
  return map;
}

const cjkCache = { gb18030: new Map<string, number[] | null>(), big5: new Map<string, number[] | null>() };

/**
 * The double-byte code of one character, or null. Only 2-byte codes count: GB18030's
 * 4-byte sequences and Big5-HKSCS extensions (lead < 0xA1) are missing from the fonts
 * of most printers and would print as garbage.
 */
function cjkBytes(char: string, charset: 'gb18030' | 'big5'): number[] | null {
  const cache = cjkCache[charset];
  const hit = cache.get(char);
  if (hit !== undefined) return hit;
  const encoded = iconv.encode(char, charset);
  let result: number[] | null = null;
  if (encoded.length === 2 && iconv.decode(encoded, charset) === char) {
    const lead = encoded[0]!;
    const trail = encoded[1]!;
    const valid = charset === 'gb18030'
      ? lead >= 0x81 && lead <= 0xfe && trail >= 0x40 && trail <= 0xfe && trail !== 0x7f
      : lead >= 0xa1 && lead <= 0xf9 && ((trail >= 0x40 && trail <= 0x7e) || (trail >= 0xa1 && trail <= 0xfe));
    if (valid) result = [lead, trail];
  }
  if (cache.size > 20_000) cache.clear();
  cache.set(char, result);
  return result;
}

function glyphsOfChar(char: string, profile: PrinterProfile, out: Glyph[]): void {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) {
    out.push({ text: char, bytes: [code], width: 1, kanji: false });
    return;
  }
  if (profile.cjk) {
    // CJK printers: no single high bytes at all, the printer may be sitting in Kanji mode.
    const pair = cjkBytes(char, profile.cjk);
    if (pair) {
      out.push({ text: char, bytes: pair, width: 2, kanji: true });
      return;
    }
  } else {
    const byte = highBytes(profile.codeTable).get(char);
    if (byte !== undefined) {
      out.push({ text: char, bytes: [byte], width: 1, kanji: false });
      return;
    }
  }
  for (const stand of asciiFor(char)) out.push({ text: stand, bytes: [stand.charCodeAt(0)], width: 1, kanji: false });
}

/** One array of glyphs per line of the input (\r\n, \r and \n all end a line). */
function toGlyphLines(text: string, profile: PrinterProfile): Glyph[][] {
  return text.normalize('NFC').split(/\r\n|\r|\n/).map((line) => {
    const glyphs: Glyph[] = [];
    for (const char of line) glyphsOfChar(char, profile, glyphs);
    return glyphs;
  });
}

const widthOf = (glyphs: readonly Glyph[]): number => glyphs.reduce((sum, g) => sum + g.width, 0);
const isSpace = (g: Glyph): boolean => g.text === ' ';

/**
 * Greedy word wrap of one line to `columns`. A line that fits is kept as it is (spacing
 * included, callers lay out columns with spaces); words longer than a line, and CJK runs
 * (no spaces), are broken at a glyph.
 */
function wrapGlyphs(line: Glyph[], columns: number): Glyph[][] {
  if (widthOf(line) <= columns) return [line];
  const out: Glyph[][] = [];
  let current: Glyph[] = [];
  let width = 0;
  let i = 0;
  while (i < line.length) {
    if (isSpace(line[i]!)) {
      i++;
      continue;
    }
    let end = i;
    while (end < line.length && !isSpace(line[end]!)) end++;
    const word = line.slice(i, end);
    const wordWidth = widthOf(word);
    const gap = current.length > 0 ? 1 : 0;
    if (width + gap + wordWidth <= columns) {
      if (gap) current.push(line[i - 1]!);
      current.push(...word);
      width += gap + wordWidth;
    } else if (wordWidth <= columns) {
      out.push(current);
      current = [...word];
      width = wordWidth;
    } else {
      // Too long for any line: fill the current line, then break glyph by glyph.
      if (gap && width + 1 < columns) {
        current.push(line[i - 1]!);
        width += 1;
      } else if (current.length > 0) {
        out.push(current);
        current = [];
        width = 0;
      }
      for (const glyph of word) {
        if (width + glyph.width > columns) {
          out.push(current);
          current = [];
          width = 0;
        }
        current.push(glyph);
        width += glyph.width;
      }
    }
    i = end;
  }
  if (current.length > 0 || out.length === 0) out.push(current);
  return out;
}

function defaultColumns(profile: PrinterProfile, columns: number | undefined): number {
  const n = columns ?? columnsFor(profile);
  // A double-width glyph needs 2 columns to be placeable at all.
  return Math.max(2, Math.floor(n));
}

/** Lines as they would print (stand-ins applied), each within `columns` (profile width by default). */
export function wrap(text: string, profile: PrinterProfile, columns?: number): string[] {
  const cols = defaultColumns(profile, columns);
  return toGlyphLines(text, profile).flatMap((line) => wrapGlyphs(line, cols)).map((line) => line.map((g) => g.text).join(''));
}

/** Printed width in columns (Kanji-mode characters count 2). */
export function textWidth(text: string, profile: PrinterProfile): number {
  return toGlyphLines(text, profile).reduce((max, line) => Math.max(max, widthOf(line)), 0);
}

/** `left` and `right` on one line with `right` flush right, or on two lines when they do not fit. */
export function twoColumns(left: string, right: string, profile: PrinterProfile, columns?: number): string[] {
  const cols = defaultColumns(profile, columns);
  const leftWidth = textWidth(left, profile);
  const rightWidth = textWidth(right, profile);
  if (leftWidth + 1 + rightWidth <= cols) return [left + ' '.repeat(cols - leftWidth - rightWidth) + right];
  return [...wrap(left, profile, cols), ...wrap(right, profile, cols).map((line) => ' '.repeat(Math.max(0, cols - textWidth(line, profile))) + line)];
}

/**
 * Sent once at the start of a job, before any encodeText output: selects the code table
 * and, on CJK printers, leaves Kanji mode (many power up in it), so single bytes are ASCII.
 */
export function textSetup(profile: PrinterProfile): Uint8Array {
  return profile.cjk ? concat([codeTable(profile.codeTable), kanjiOff()]) : codeTable(profile.codeTable);
}

/**
 * The bytes of `text`, wrapped to `columns` (the profile's Font A width by default; pass
 * fewer for double-width text), lines joined by LF, no LF after the last line. Kanji mode
 * is entered for each run of double-byte characters and always left before the line ends.
 */
export function encodeText(text: string, profile: PrinterProfile, options: { columns?: number } = {}): Uint8Array {
  const cols = defaultColumns(profile, options.columns);
  const out: number[] = [];
  const on = kanjiOn();
  const off = kanjiOff();
  const lines = toGlyphLines(text, profile).flatMap((line) => wrapGlyphs(line, cols));
  lines.forEach((line, index) => {
    if (index > 0) out.push(LF);
    // ASCII between two Kanji characters stays inside the run: GB18030 and Big5 keep
    // bytes < 0x80 as ASCII, and each FS . / FS & pair would cost 4 bytes.
    let last = -1;
    for (let i = line.length - 1; i >= 0; i--) {
      if (line[i]!.kanji) {
        last = i;
        break;
      }
    }
    let inKanji = false;
    line.forEach((glyph, i) => {
      if (glyph.kanji && !inKanji) {
        out.push(...on);
        inKanji = true;
      }
      out.push(...glyph.bytes);
      if (inKanji && i === last) {
        out.push(...off);
        inKanji = false;
      }
    });
  });
  return Uint8Array.from(out);
}

/** encodeText followed by LF. */
export function encodeLine(text: string, profile: PrinterProfile, options: { columns?: number } = {}): Uint8Array {
  const body = encodeText(text, profile, options);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  out[body.length] = LF;
  return out;
}
