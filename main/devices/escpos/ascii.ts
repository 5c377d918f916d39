/**
 * Printable-ASCII fallback for one code point, for devices that cannot show it (pole
 * displays, Latin-only printers). Raw UTF-8 must never reach them: each byte >= 0x80
 * prints as some unrelated glyph, and a control byte (ESC, GS...) smuggled in through a
 * store or item name would run as a command.
 */

const SPECIAL: Readonly<Record<string, string>> = {
  'ß': 'ss', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'ø': 'o', 'Ø': 'O', 'đ': 'd', 'Đ': 'D',
  'ð': 'd', 'Ð': 'D', 'ł': 'l', 'Ł': 'L', 'þ': 'th', 'Þ': 'Th', 'ı': 'i', 'ħ': 'h', 'Ħ': 'H',
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
  '‘': "'", '’': "'", '‚': "'", '′': "'", '“': '"', '”': '"', '„': '"', '″': '"', '«': '"', '»': '"',
  '…': '...', '•': '*', '·': '.', '×': 'x', '÷': '/', '€': 'EUR', '£': 'GBP', '¢': 'c', '©': '(C)', '®': '(R)', '°': 'o',
};

// Marks that only modify a neighbour: dropped, not replaced (é → e, not e?): combining
// accents, zero-width joiners and spaces, variation selectors, skin tones, emoji tags.
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f], [0x200b, 0x200d], [0x2060, 0x2060], [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
  [0x1f3fb, 0x1f3ff], [0xe0020, 0xe007f], [0xe0100, 0xe01ef],
];

function isInvisible(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return INVISIBLE_RANGES.some(([from, to]) => code >= from && code <= to);
}

/** ASCII for one code point: itself, a look-alike ("é" → "e", "—" → "-"), "" or "?". */
export function asciiFor(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f) return char;
  if (char === '\t' || char === '\u00a0') return ' ';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return '?';
  const special = SPECIAL[char];
  if (special !== undefined) return special;
  if (isInvisible(char)) return '';
  // NFKD splits accents off (é → e + U+0301) and folds compatibility forms (ｆｕｌｌ → full, ﬁ → fi).
  let out = '';
  for (const part of char.normalize('NFKD')) {
    const partCode = part.codePointAt(0) ?? 0;
    if (partCode >= 0x20 && partCode < 0x7f) out += part;
    else if (isInvisible(part)) continue;
    else if (partCode === 0x3000 || partCode === 0x00a0) out += ' ';
    else return '?';
  }
  return out === '' ? '?' : out;
}

/** The whole string as printable ASCII (line breaks become spaces: callers lay out lines). */
export function toAscii(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    out += char === '\n' || char === '\r' ? ' ' : asciiFor(char);
  }
  return out;
}
