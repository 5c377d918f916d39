/**
 * A strict reading of JSON text for messages whose bytes are signed. JSON.parse keeps the
 * last of two equal keys silently, which would let a forged duplicate ride on a valid
 * signature; this scanner refuses duplicates at every depth and reports where each
 * top-level member's value starts and ends, so the signed text can be cut out exactly.
 */

export class JsonShapeError extends Error {
  constructor(
    readonly reason: 'syntax' | 'duplicate_key' | 'too_deep' | 'not_object',
    message: string,
  ) {
    super(message);
    this.name = 'JsonShapeError';
  }
}

export interface TopLevelMember {
  start: number;
  end: number;
}

const MAX_DEPTH = 64;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new JsonShapeError('syntax', `invalid JSON at offset ${this.pos}: ${what}`);
  }

  skipWs(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  string(): string {
    const t = this.text;
    const start = ++this.pos;
    let simple = true;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) {
        simple = false;
        const e = t.charCodeAt(this.pos + 1);
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) this.fail('bad \\u escape');
          this.pos += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(String.fromCharCode(e)) || Number.isNaN(e)) this.fail('bad escape');
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    const raw = t.slice(start, this.pos);
    this.pos++;
    return simple ? raw : (JSON.parse(`"${raw}"`) as string);
  }

  number(): void {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    if (!m.test(this.text)) this.fail('bad number');
    this.pos = m.lastIndex;
  }

  literal(word: string): void {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected token');
    this.pos += word.length;
  }

  value(depth: number, members?: Map<string, TopLevelMember>): void {
    if (depth > MAX_DEPTH) throw new JsonShapeError('too_deep', `JSON nested deeper than ${MAX_DEPTH}`);
    this.skipWs();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) this.object(depth, members);
    else if (c === 0x5b) this.array(depth);
    else if (c === 0x22) this.string();
    else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.number();
    else this.fail('unexpected character');
  }

  object(depth: number, members?: Map<string, TopLevelMember>): void {
    this.pos++;
    const seen = new Set<string>();
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('expected a key');
      const key = this.string();
      if (seen.has(key)) throw new JsonShapeError('duplicate_key', `duplicate key ${JSON.stringify(key.slice(0, 40))}`);
      seen.add(key);
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail('expected :');
      this.pos++;
      this.skipWs();
      const start = this.pos;
      this.value(depth + 1);
      members?.set(key, { start, end: this.pos });
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return;
      if (c !== 0x2c) this.fail('expected , or }');
    }
  }

  array(depth: number): void {
    this.pos++;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return;
      if (c !== 0x2c) this.fail('expected , or ]');
    }
  }
}

/** Checks the whole text; returns the spans of the top-level object's members. */
export function scanTopLevel(text: string): Map<string, TopLevelMember> {
  const scanner = new Scanner(text);
  scanner.skipWs();
  if (text.charCodeAt(scanner.pos) !== 0x7b) throw new JsonShapeError('not_object', 'the message is not a JSON object');
  const members = new Map<string, TopLevelMember>();
  scanner.value(0, members);
  scanner.skipWs();
  if (scanner.pos !== text.length) scanner.fail('text after the end of the object');
  return members;
}

/** JSON.parse, but refusing what JSON.parse lets through (duplicate keys, deep nesting). */
export function parseStrict(text: string): unknown {
  const scanner = new Scanner(text);
  scanner.value(0);
  scanner.skipWs();
  if (scanner.pos !== text.length) scanner.fail('text after the end of the value');
  return JSON.parse(text);
}
