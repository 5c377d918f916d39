import { TillError } from '../errors';

/**
 * Text rules for String(N) fields. Whether the gateway counts characters or bytes is
 * unconfirmed (docs/protocol.md §5), so limits are read the strict way: UTF-8 bytes.
 */

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// U+FFFD is what Node puts where argv or a file held bytes that were not UTF-8.
// C0 (but tab, LF, CR), DEL and the C1 block U+0080-U+009F (text decoded with the wrong code page).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;

/** Why a string cannot travel as UTF-8 text, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'is not valid UTF-8 (lone surrogate)';
  if (text.includes('\uFFFD')) return 'is not valid UTF-8 (contains bytes that were not UTF-8)';
  if (FORBIDDEN_CHARS.test(text)) return 'contains control characters';
  return undefined;
}

export function assertText(text: string, field: string): void {
  const problem = textProblem(text);
  if (problem) throw new TillError('FIELD_INVALID', `${field} ${problem}`, { field });
}

/**
 * Cuts free text to at most maxBytes of UTF-8 without splitting a code point. Surrogate
 * pairs are one code point, so a cut never leaves half of an emoji behind.
 */
export function cutToUtf8Bytes(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || utf8Length(text) <= maxBytes) return text;
  // A negative, NaN or fractional limit must not reach subarray (which counts from the end
  // for negatives and truncates fractions, either way splitting a code point).
  if (!(maxBytes >= 1)) return '';
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.floor(maxBytes);
  // Step back over continuation bytes (10xxxxxx) to the start of the cut code point.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
