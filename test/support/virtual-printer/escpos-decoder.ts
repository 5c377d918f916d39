import iconv from 'iconv-lite';
import * as QRCode from 'qrcode';

/**
 * A streaming ESC/POS decoder: bytes in (in chunks of any size, split anywhere), slips out.
 * It keeps the state a printer keeps (alignment, sizes, code table, Kanji mode, QR settings)
 * and turns what would reach the paper into a list of items: text lines, feeds, native QR
 * symbols (GS ( k) and raster images (GS v 0). A cut (GS V, ESC i/m) ends a slip.
 *
 * It never throws on input: anything it does not know, or a parameter out of range, is a
 * problem recorded on the slip (with the byte offset), and decoding goes on like a printer
 * would. Real-time requests (DLE EOT, DLE ENQ, DLE DC4) and the buffered status/ID requests
 * (GS r, GS I) are handed to `onRequest` so a virtual printer can answer them.
 */

export type Align = 'left' | 'center' | 'right';
export type ErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface TextLine {
  text: string;
  align: Align;
  bold: boolean;
  underline: boolean;
  reverse: boolean;
  font: 'A' | 'B';
  widthScale: number;
  heightScale: number;
  /** Kanji mode (FS &) was on for some of the text. */
  kanji: boolean;
  /** Dots of paper the line takes (line spacing or the character height, whichever is larger). */
  advance: number;
}

export interface NativeQr {
  /** The stored data decoded as UTF-8 (what a phone shows after scanning). */
  payload: string;
  /** The stored bytes exactly as sent (length from pL/pH). */
  data: Uint8Array;
  model: 1 | 2 | 3;
  moduleSize: number;
  errorCorrection: ErrorCorrection;
  align: Align;
  /** The symbol the printer prints: `qrcode` built from the stored bytes. */
  version: number;
  size: number;
  /** size × size, 1 = dark module. No quiet zone: a printer adds none (NOTES §6). */
  modules: Uint8Array;
  offset: number;
}

export interface RasterImage {
  /** Width in dots (8 × bytes per row) and height in dots, before scaling. */
  widthDots: number;
  heightDots: number;
  bytesPerRow: number;
  /** GS v 0 m: 0 normal, 1 double width, 2 double height, 3 quadruple. */
  scaleX: 1 | 2;
  scaleY: 1 | 2;
  /** Rows of bytes, MSB = leftmost dot, 1 = black. */
  data: Uint8Array;
  align: Align;
  offset: number;
}

export type SlipItem =
  | { kind: 'text'; line: TextLine }
  | { kind: 'feed'; dots: number }
  | { kind: 'qr'; qr: NativeQr }
  | { kind: 'image'; image: RasterImage };

export interface RealtimeRequest {
  command: 'DLE EOT' | 'DLE ENQ' | 'DLE DC4' | 'GS r' | 'GS I';
  n: number;
  offset: number;
}

export interface Slip {
  lines: TextLine[];
  /** Payloads of the native QR symbols, in print order. */
  qrPayloads: string[];
  qrCodes: NativeQr[];
  images: RasterImage[];
  /** Everything that reached the paper, in order (what the renderer draws). */
  items: SlipItem[];
  cut: boolean;
  cutKind: 'full' | 'partial' | null;
  problems: string[];
  requests: RealtimeRequest[];
  /** ESC @ seen inside this slip. */
  resets: number;
  drawerPulses: number;
  barcodes: Array<{ type: number; data: string }>;
  /** Stream offsets [start, end) of the bytes of this slip. */
  startOffset: number;
  endOffset: number;
}

export interface DecoderOptions {
  /** iconv-lite encoding of the bytes inside FS & … FS . (default 'gb18030'; 'big5', 'shift_jis', 'euc-kr'). */
  kanjiEncoding?: string;
  /** ESC t n → iconv-lite encoding; merged over the usual Epson table. */
  codePages?: Record<number, string>;
  /** The print width in dots; a QR or image wider than this is a problem. */
  dotsPerLine?: number;
  /** Module sizes the printer accepts (default 1–16; some clones 1–8). */
  maxModuleSize?: number;
  onRequest?: (request: RealtimeRequest) => void;
  onSlip?: (slip: Slip) => void;
}

const NUL = 0x00;
const HT = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const DLE = 0x10;
const CAN = 0x18;
const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;

/** ESC t n as most Epson-compatible printers number it. */
export const DEFAULT_CODE_PAGES: Record<number, string> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  16: 'windows-1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
};

const FONT_HEIGHT = { A: 24, B: 17 } as const;
const DEFAULT_LINE_SPACING = 30;
const EC_LEVELS: ErrorCorrection[] = ['L', 'M', 'Q', 'H'];

/** Is it what a 2D-code capable printer would encode as UTF-8 text? */
function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

interface Run {
  encoding: string;
  bytes: number[];
}

interface State {
  align: Align;
  bold: boolean;
  underline: boolean;
  reverse: boolean;
  font: 'A' | 'B';
  widthScale: number;
  heightScale: number;
  kanji: boolean;
  codeTable: number;
  lineSpacing: number;
  qrModel: 1 | 2 | 3;
  qrModuleSize: number;
  qrEc: ErrorCorrection;
  qrData: Uint8Array | null;
  qrDataOffset: number;
}

function initialState(): State {
  return {
    align: 'left',
    bold: false,
    underline: false,
    reverse: false,
    font: 'A',
    widthScale: 1,
    heightScale: 1,
    kanji: false,
    codeTable: 0,
    lineSpacing: DEFAULT_LINE_SPACING,
    qrModel: 2,
    qrModuleSize: 3,
    qrEc: 'L',
    qrData: null,
    qrDataOffset: 0,
  };
}

function emptySlip(offset: number): Slip {
  return {
    lines: [],
    qrPayloads: [],
    qrCodes: [],
    images: [],
    items: [],
    cut: false,
    cutKind: null,
    problems: [],
    requests: [],
    resets: 0,
    drawerPulses: 0,
    barcodes: [],
    startOffset: offset,
    endOffset: offset,
  };
}

/** A slip with nothing in it (no items, no problems): a stream that ended on a cut. */
export function isEmptySlip(slip: Slip): boolean {
  return slip.items.length === 0 && slip.problems.length === 0 && !slip.cut;
}

/** The text of a slip, one line per printed line. */
export function slipText(slip: Slip): string {
  return slip.lines.map((l) => l.text).join('\n');
}

/** Need more bytes. */
const MORE = 0;

export class EscPosDecoder {
  /** Finished (cut) slips. */
  readonly slips: Slip[] = [];
  private current: Slip;
  private state: State = initialState();
  private buffer: Uint8Array = new Uint8Array(0);
  /** Stream offset of buffer[0]. */
  private offset = 0;
  private runs: Run[] = [];
  private lineAttrs: Omit<TextLine, 'text' | 'advance'> | null = null;
  private readonly kanjiEncoding: string;
  private readonly codePages: Record<number, string>;
  private readonly unknownCodeTables = new Set<number>();

  constructor(private readonly options: DecoderOptions = {}) {
    this.kanjiEncoding = options.kanjiEncoding ?? 'gb18030';
    this.codePages = { ...DEFAULT_CODE_PAGES, ...options.codePages };
    if (!iconv.encodingExists(this.kanjiEncoding)) throw new Error(`iconv-lite does not know ${this.kanjiEncoding}`);
    this.current = emptySlip(0);
  }

  /** The slip being printed (everything since the last cut). */
  get pending(): Slip {
    return this.current;
  }

  /** Bytes of an incomplete command waiting for the rest. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Total bytes pushed so far. */
  get received(): number {
    return this.offset + this.buffer.length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.buffer.length === 0) {
      this.buffer = chunk;
    } else {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer, 0);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
    }
    let i = 0;
    while (i < this.buffer.length) {
      let used: number;
      try {
        used = this.step(this.buffer, i);
      } catch (err) {
        // A decoder bug must not stop the printer: record it and skip the byte.
        this.problem(this.offset + i, `decoder error: ${(err as Error).message}`);
        used = 1;
      }
      if (used === MORE) break;
      i += used;
    }
    this.offset += i;
    this.buffer = this.buffer.slice(i);
    this.current.endOffset = this.offset;
  }

  /**
   * Records an incomplete command as a problem (the link dropped, or the stream ended) and
   * forgets its bytes. The printer state itself is kept.
   */
  abandonPartial(reason: string): void {
    if (this.buffer.length === 0) return;
    const head = Array.from(this.buffer.subarray(0, 8), hex).join(' ');
    this.problem(this.offset, `${reason} inside a command (${this.buffer.length} bytes pending: ${head}${this.buffer.length > 8 ? ' …' : ''})`);
    this.offset += this.buffer.length;
    this.buffer = new Uint8Array(0);
    this.current.endOffset = this.offset;
  }

  /**
   * Ends the stream: an incomplete command becomes a problem, text still in the line buffer
   * (never printed by LF) is noted, and every slip is returned — the last one uncut unless
   * the stream ended on a cut and nothing followed it.
   */
  end(): Slip[] {
    this.abandonPartial('stream ended');
    if (this.runs.length > 0) {
      this.problem(this.offset, `text never printed (no LF): ${JSON.stringify(this.lineText())}`);
      this.runs = [];
      this.lineAttrs = null;
    }
    const all = [...this.slips];
    if (!isEmptySlip(this.current)) all.push(this.current);
    return all;
  }

  // ------------------------------------------------------------------ helpers

  private problem(offset: number, message: string): void {
    this.current.problems.push(`at byte ${offset}: ${message}`);
  }

  private request(command: RealtimeRequest['command'], n: number, offset: number): void {
    const req = { command, n, offset };
    this.current.requests.push(req);
    this.options.onRequest?.(req);
  }

  private encodingFor(table: number): string {
    const enc = this.codePages[table];
    if (enc && iconv.encodingExists(enc)) return enc;
    if (!this.unknownCodeTables.has(table)) {
      this.unknownCodeTables.add(table);
      this.problem(this.offset, `ESC t ${table}: no known code page, bytes ≥ 0x80 shown as Latin-1`);
    }
    return 'latin1';
  }

  private lineText(): string {
    return this.runs.map((r) => iconv.decode(Buffer.from(r.bytes), r.encoding as iconv.Encoding)).join('');
  }

  private addText(bytes: Uint8Array): void {
    const s = this.state;
    if (!this.lineAttrs) {
      this.lineAttrs = {
        align: s.align,
        bold: s.bold,
        underline: s.underline,
        reverse: s.reverse,
        font: s.font,
        widthScale: s.widthScale,
        heightScale: s.heightScale,
        kanji: s.kanji,
      };
    } else {
      this.lineAttrs.widthScale = Math.max(this.lineAttrs.widthScale, s.widthScale);
      this.lineAttrs.heightScale = Math.max(this.lineAttrs.heightScale, s.heightScale);
      this.lineAttrs.bold ||= s.bold;
      this.lineAttrs.kanji ||= s.kanji;
    }
    const encoding = s.kanji ? this.kanjiEncoding : this.encodingFor(s.codeTable);
    const last = this.runs[this.runs.length - 1];
    if (last && last.encoding === encoding) for (const b of bytes) last.bytes.push(b);
    else this.runs.push({ encoding, bytes: Array.from(bytes) });
  }

  /** Prints the line buffer (an empty one prints a blank line) and advances `advance` dots. */
  private printLine(advance?: number): void {
    const s = this.state;
    const attrs = this.lineAttrs ?? {
      align: s.align,
      bold: s.bold,
      underline: s.underline,
      reverse: s.reverse,
      font: s.font,
      widthScale: s.widthScale,
      heightScale: s.heightScale,
      kanji: s.kanji,
    };
    const charHeight = FONT_HEIGHT[attrs.font] * attrs.heightScale;
    const line: TextLine = {
      text: this.lineText(),
      ...attrs,
      advance: Math.max(charHeight, advance ?? s.lineSpacing),
    };
    this.runs = [];
    this.lineAttrs = null;
    this.current.lines.push(line);
    this.current.items.push({ kind: 'text', line });
  }

  private get lineStarted(): boolean {
    return this.runs.length > 0;
  }

  /** Commands valid only at the start of a line print what is buffered first, and say so. */
  private startOfLine(offset: number, what: string): void {
    if (!this.lineStarted) return;
    this.problem(offset, `${what} not at the start of a line (text ${JSON.stringify(this.lineText())} pending; printed first)`);
    this.printLine();
  }

  private feed(dots: number): void {
    if (dots > 0) this.current.items.push({ kind: 'feed', dots });
  }

  private cut(kind: 'full' | 'partial', offset: number, endOffset: number): void {
    this.startOfLine(offset, 'cut');
    const slip = this.current;
    slip.cut = true;
    slip.cutKind = kind;
    slip.endOffset = endOffset;
    this.slips.push(slip);
    this.current = emptySlip(endOffset);
    this.options.onSlip?.(slip);
  }

  private reset(): void {
    this.runs = [];
    this.lineAttrs = null;
    this.state = initialState();
    this.current.resets += 1;
  }

  // ------------------------------------------------------------------ the command table

  /** Decodes one command (or text run) at b[i]; returns the bytes it used, or MORE. */
  private step(b: Uint8Array, i: number): number {
    const c = b[i]!;
    const at = this.offset + i;
    if (c >= 0x20) {
      let j = i;
      while (j < b.length && b[j]! >= 0x20) j++;
      this.addText(b.subarray(i, j));
      return j - i;
    }
    switch (c) {
      case LF:
        this.printLine();
        return 1;
      case CR:
        return 1; // ignored when auto line feed is off, as on almost every serial printer
      case HT: {
        const col = this.lineText().length;
        const spaces = 8 - (col % 8);
        this.addText(new Uint8Array(spaces).fill(0x20));
        return 1;
      }
      case FF:
        this.problem(at, 'FF in standard mode (ignored)');
        return 1;
      case CAN:
        this.problem(at, 'CAN in standard mode (ignored)');
        return 1;
      case ESC:
        return this.esc(b, i, at);
      case GS:
        return this.gs(b, i, at);
      case FS:
        return this.fs(b, i, at);
      case DLE:
        return this.dle(b, i, at);
      default:
        this.problem(at, `unknown control byte ${hex(c)}`);
        return 1;
    }
  }

  private esc(b: Uint8Array, i: number, at: number): number {
    if (i + 1 >= b.length) return MORE;
    const cmd = b[i + 1]!;
    const need = (n: number) => i + n <= b.length;
    const p = (k: number) => b[i + 2 + k]!;
    const s = this.state;
    const name = `ESC ${String.fromCharCode(cmd)}`;
    const oneParam = (apply: (n: number) => void): number => {
      if (!need(3)) return MORE;
      apply(p(0));
      return 3;
    };
    switch (cmd) {
      case 0x40: // ESC @
        this.reset();
        return 2;
      case 0x61: // ESC a n
        return oneParam((n) => {
          const align = ({ 0: 'left', 1: 'center', 2: 'right', 48: 'left', 49: 'center', 50: 'right' } as Record<number, Align>)[n];
          if (align) s.align = align;
          else this.problem(at, `ESC a ${n}: alignment out of range`);
        });
      case 0x74: // ESC t n
        return oneParam((n) => {
          s.codeTable = n;
        });
      case 0x45: // ESC E n
      case 0x47: // ESC G n (double strike: printed like bold)
        return oneParam((n) => {
          s.bold = (n & 1) === 1;
        });
      case 0x2d: // ESC - n
        return oneParam((n) => {
          s.underline = [1, 2, 49, 50].includes(n);
        });
      case 0x21: // ESC ! n
        return oneParam((n) => {
          s.font = n & 0x01 ? 'B' : 'A';
          s.bold = (n & 0x08) !== 0;
          s.heightScale = n & 0x10 ? 2 : 1;
          s.widthScale = n & 0x20 ? 2 : 1;
          s.underline = (n & 0x80) !== 0;
        });
      case 0x4d: // ESC M n
        return oneParam((n) => {
          if (n === 0 || n === 48) s.font = 'A';
          else if (n === 1 || n === 49) s.font = 'B';
          else this.problem(at, `ESC M ${n}: font not available (kept ${s.font})`);
        });
      case 0x64: // ESC d n: print and feed n lines
        return oneParam((n) => {
          if (this.lineStarted) {
            this.printLine();
            this.feed(Math.max(0, n - 1) * s.lineSpacing);
          } else {
            this.feed(n * s.lineSpacing);
          }
        });
      case 0x4a: // ESC J n: print and feed n dots
        return oneParam((n) => {
          if (this.lineStarted) this.printLine(n);
          else this.feed(n);
        });
      case 0x65: // ESC e n: reverse feed
        return oneParam((n) => this.problem(at, `ESC e ${n}: reverse feed (not rendered)`));
      case 0x32: // ESC 2
        s.lineSpacing = DEFAULT_LINE_SPACING;
        return 2;
      case 0x33: // ESC 3 n
        return oneParam((n) => {
          s.lineSpacing = n;
        });
      case 0x20: // ESC SP n
      case 0x52: // ESC R n
      case 0x56: // ESC V n
      case 0x7b: // ESC { n
      case 0x3d: // ESC = n
      case 0x55: // ESC U n
      case 0x72: // ESC r n
      case 0x25: // ESC % n
      case 0x3f: // ESC ? n
        return oneParam(() => undefined);
      case 0x24: // ESC $ nL nH
      case 0x5c: // ESC \ nL nH
        return need(4) ? 4 : MORE;
      case 0x63: // ESC c 3|4|5 n
        return need(4) ? 4 : MORE;
      case 0x70: // ESC p m t1 t2
        if (!need(5)) return MORE;
        this.current.drawerPulses += 1;
        return 5;
      case 0x44: {
        // ESC D n1 … nk NUL
        for (let j = i + 2; j < b.length && j < i + 2 + 33; j++) if (b[j] === NUL) return j - i + 1;
        if (i + 2 + 33 <= b.length) {
          this.problem(at, 'ESC D without NUL in 32 tab positions');
          return 2;
        }
        return MORE;
      }
      case 0x69: // ESC i
      case 0x6d: // ESC m
        this.cut('partial', at, at + 2);
        return 2;
      case 0x2a: {
        // ESC * m nL nH d…
        if (!need(5)) return MORE;
        const m = p(0);
        const width = p(1) + 256 * p(2);
        const len = width * (m === 32 || m === 33 ? 3 : 1);
        if (!need(5 + len)) return MORE;
        this.problem(at, `ESC * ${m} bit image (${width} columns) not rendered`);
        return 5 + len;
      }
      case 0x26: {
        // ESC & y c1 c2 [x d1…d(y·x)]…
        if (!need(5)) return MORE;
        const y = p(0);
        let j = i + 5;
        for (let c = p(1); c <= p(2); c++) {
          if (j >= b.length) return MORE;
          j += 1 + y * b[j]!;
        }
        if (j > b.length) return MORE;
        this.problem(at, 'ESC & user-defined characters (not rendered)');
        return j - i;
      }
      case 0x4c: // ESC L page mode
      case 0x53: // ESC S
        this.problem(at, `${name} (page mode) not supported`);
        return 2;
      case 0x54: // ESC T n
        return oneParam(() => this.problem(at, 'ESC T (page mode) not supported'));
      case 0x57: // ESC W xL xH yL yH dxL dxH dyL dyH
        if (!need(10)) return MORE;
        this.problem(at, 'ESC W (page mode) not supported');
        return 10;
      default:
        this.problem(at, `unknown command ESC ${hex(cmd)}`);
        return 2;
    }
  }

  private gs(b: Uint8Array, i: number, at: number): number {
    if (i + 1 >= b.length) return MORE;
    const cmd = b[i + 1]!;
    const need = (n: number) => i + n <= b.length;
    const p = (k: number) => b[i + 2 + k]!;
    const s = this.state;
    const oneParam = (apply: (n: number) => void): number => {
      if (!need(3)) return MORE;
      apply(p(0));
      return 3;
    };
    switch (cmd) {
      case 0x21: // GS ! n
        return oneParam((n) => {
          const w = ((n >> 4) & 0x07) + 1;
          const h = (n & 0x07) + 1;
          if (n & 0x88) this.problem(at, `GS ! ${hex(n)}: size out of range`);
          s.widthScale = w;
          s.heightScale = h;
        });
      case 0x56: {
        // GS V m [n]
        if (!need(3)) return MORE;
        const m = p(0);
        if (m === 0 || m === 48) {
          this.cut('full', at, at + 3);
          return 3;
        }
        if (m === 1 || m === 49) {
          this.cut('partial', at, at + 3);
          return 3;
        }
        if ([65, 66, 97, 98, 103, 104].includes(m)) {
          if (!need(4)) return MORE;
          this.startOfLine(at, 'cut');
          this.feed(p(1));
          this.cut(m % 2 === 1 ? 'full' : 'partial', at, at + 4);
          return 4;
        }
        this.problem(at, `GS V ${m}: unknown cut mode`);
        return 3;
      }
      case 0x76: {
        // GS v 0 m xL xH yL yH d…
        if (!need(8)) return MORE;
        if (p(0) !== 0x30) {
          this.problem(at, `GS v ${hex(p(0))}: unknown function`);
          return 3;
        }
        const m = p(1);
        const x = p(2) + 256 * p(3);
        const y = p(4) + 256 * p(5);
        const len = x * y;
        if (!need(8 + len)) return MORE;
        if (![0, 1, 2, 3, 48, 49, 50, 51].includes(m)) this.problem(at, `GS v 0 m=${m}: mode out of range (printed normal)`);
        this.startOfLine(at, 'GS v 0 raster image');
        const mode = m & 0x03;
        const image: RasterImage = {
          widthDots: x * 8,
          heightDots: y,
          bytesPerRow: x,
          scaleX: mode & 1 ? 2 : 1,
          scaleY: mode & 2 ? 2 : 1,
          data: b.slice(i + 8, i + 8 + len),
          align: s.align,
          offset: at,
        };
        if (x === 0 || y === 0) this.problem(at, `GS v 0 with an empty image (${x} bytes × ${y} dots)`);
        const dots = this.options.dotsPerLine;
        if (dots && image.widthDots * image.scaleX > dots) {
          this.problem(at, `GS v 0 image ${image.widthDots * image.scaleX} dots wide > ${dots} dots per line (clipped)`);
        }
        this.current.images.push(image);
        this.current.items.push({ kind: 'image', image });
        return 8 + len;
      }
      case 0x28: {
        // GS ( fn pL pH …
        if (!need(5)) return MORE;
        const fn = p(0);
        const len = p(1) + 256 * p(2);
        if (!need(5 + len)) return MORE;
        if (fn === 0x6b) this.twoD(b.subarray(i + 5, i + 5 + len), at, len);
        else this.problem(at, `GS ( ${String.fromCharCode(fn)} (${len} bytes) not supported`);
        return 5 + len;
      }
      case 0x38: {
        // GS 8 L p1 p2 p3 p4 …
        if (!need(7)) return MORE;
        const len = p(1) + 256 * p(2) + 65536 * p(3) + 16777216 * p(4);
        if (!need(7 + len)) return MORE;
        this.problem(at, `GS 8 ${String.fromCharCode(p(0))} (${len} bytes) not supported`);
        return 7 + len;
      }
      case 0x42: // GS B n
        return oneParam((n) => {
          s.reverse = (n & 1) === 1;
        });
      case 0x4c: // GS L nL nH (left margin)
        if (!need(4)) return MORE;
        if (p(0) + 256 * p(1) !== 0) this.problem(at, `GS L left margin ${p(0) + 256 * p(1)} (not rendered)`);
        return 4;
      case 0x57: // GS W nL nH (print area width)
        return need(4) ? 4 : MORE;
      case 0x50: // GS P x y
      case 0x24: // GS $ nL nH
      case 0x5c: // GS \ nL nH
        return need(4) ? 4 : MORE;
      case 0x61: // GS a n
      case 0x48: // GS H n
      case 0x66: // GS f n
      case 0x68: // GS h n
      case 0x77: // GS w n
      case 0x62: // GS b n
      case 0x54: // GS T n
      case 0x5a: // GS Z n
        return oneParam(() => undefined);
      case 0x72: // GS r n
        return oneParam((n) => this.request('GS r', n, at));
      case 0x49: // GS I n
        return oneParam((n) => this.request('GS I', n, at));
      case 0x3a: // GS :
        return 2;
      case 0x5e: // GS ^ r t m
        return need(5) ? 5 : MORE;
      case 0x6b: {
        // GS k m …
        if (!need(3)) return MORE;
        const m = p(0);
        if (m <= 6) {
          for (let j = i + 3; j < b.length; j++) {
            if (b[j] === NUL) {
              this.barcode(m, b.subarray(i + 3, j), at);
              return j - i + 1;
            }
          }
          return MORE;
        }
        if (!need(4)) return MORE;
        const n = p(1);
        if (!need(4 + n)) return MORE;
        this.barcode(m, b.subarray(i + 4, i + 4 + n), at);
        return 4 + n;
      }
      case 0x2a: {
        // GS * x y d(x·y·8)
        if (!need(4)) return MORE;
        const len = p(0) * p(1) * 8;
        if (!need(4 + len)) return MORE;
        this.problem(at, 'GS * downloaded bit image (not rendered)');
        return 4 + len;
      }
      case 0x2f: // GS / m
        return oneParam(() => this.problem(at, 'GS / downloaded bit image (not rendered)'));
      default:
        this.problem(at, `unknown command GS ${hex(cmd)}`);
        return 2;
    }
  }

  private barcode(type: number, data: Uint8Array, at: number): void {
    this.startOfLine(at, 'GS k barcode');
    this.current.barcodes.push({ type, data: Buffer.from(data).toString('latin1') });
    this.problem(at, `GS k ${type} barcode (not rendered)`);
  }

  /** GS ( k: cn fn params (the 2D symbol functions; cn 49 = QR). */
  private twoD(body: Uint8Array, at: number, len: number): void {
    const s = this.state;
    if (len < 2) {
      this.problem(at, `GS ( k with pL/pH = ${len} (< 2)`);
      return;
    }
    const cn = body[0]!;
    const fn = body[1]!;
    const params = body.subarray(2);
    if (cn !== 0x31) {
      this.problem(at, `GS ( k cn=${cn} fn=${fn}: 2D symbol other than QR (not rendered)`);
      return;
    }
    const fixed = (expected: number, what: string): boolean => {
      if (len === expected) return true;
      this.problem(at, `GS ( k QR ${what}: pL/pH = ${len}, expected ${expected}`);
      return false;
    };
    switch (fn) {
      case 0x41: {
        // 165: model n1 n2
        if (!fixed(4, 'model')) return;
        const n1 = params[0]!;
        if (n1 === 49 || n1 === 50 || n1 === 51) s.qrModel = (n1 - 48) as 1 | 2 | 3;
        else this.problem(at, `GS ( k QR model n1=${n1} out of range`);
        if (params[1] !== 0) this.problem(at, `GS ( k QR model n2=${params[1]} (must be 0)`);
        return;
      }
      case 0x43: {
        // 167: module size n
        if (!fixed(3, 'module size')) return;
        const n = params[0]!;
        const max = this.options.maxModuleSize ?? 16;
        if (n >= 1 && n <= max) s.qrModuleSize = n;
        else this.problem(at, `GS ( k QR module size ${n} out of range 1–${max} (kept ${s.qrModuleSize})`);
        return;
      }
      case 0x45: {
        // 169: error correction n
        if (!fixed(3, 'error correction')) return;
        const n = params[0]!;
        const level = EC_LEVELS[n - 48];
        if (level) s.qrEc = level;
        else this.problem(at, `GS ( k QR error correction ${n} out of range 48–51`);
        return;
      }
      case 0x50: {
        // 180: store m d…  (k = pL + 256·pH − 3)
        if (params[0] !== 0x30) this.problem(at, `GS ( k QR store m=${params[0]} (must be 48)`);
        const data = params.slice(1);
        if (data.length === 0) {
          this.problem(at, 'GS ( k QR store with no data');
          s.qrData = null;
          return;
        }
        s.qrData = data;
        s.qrDataOffset = at;
        return;
      }
      case 0x51: {
        // 181: print m
        if (!fixed(3, 'print')) return;
        if (params[0] !== 0x30) this.problem(at, `GS ( k QR print m=${params[0]} (must be 48)`);
        this.printQr(at);
        return;
      }
      case 0x52:
        this.problem(at, 'GS ( k QR transmit size information (not answered)');
        return;
      default:
        this.problem(at, `GS ( k QR fn=${fn} unknown`);
    }
  }

  private printQr(at: number): void {
    const s = this.state;
    if (!s.qrData) {
      this.problem(at, 'GS ( k QR print with no data stored (nothing printed)');
      return;
    }
    this.startOfLine(at, 'QR print');
    const data = s.qrData;
    const text = strictUtf8(data);
    if (text === null) this.problem(at, 'QR data is not valid UTF-8 (printed as bytes)');
    if (s.qrModel !== 2) this.problem(at, `QR model ${s.qrModel} requested (rendered as model 2)`);
    let symbol: QRCode.QRCode;
    try {
      // A printer picks the encoding modes itself, as qrcode does from a string.
      symbol = QRCode.create(text ?? [{ data, mode: 'byte' }], { errorCorrectionLevel: s.qrEc });
    } catch (err) {
      this.problem(at, `QR data of ${data.length} bytes does not fit at level ${s.qrEc} (nothing printed): ${(err as Error).message}`);
      return;
    }
    const size = symbol.modules.size;
    const qr: NativeQr = {
      payload: text ?? Buffer.from(data).toString('latin1'),
      data,
      model: s.qrModel,
      moduleSize: s.qrModuleSize,
      errorCorrection: s.qrEc,
      align: s.align,
      version: symbol.version,
      size,
      modules: Uint8Array.from(symbol.modules.data, (v) => (v ? 1 : 0)),
      offset: at,
    };
    const dots = this.options.dotsPerLine;
    if (dots && size * qr.moduleSize > dots) {
      this.problem(at, `QR ${size * qr.moduleSize} dots wide > ${dots} dots per line (clipped)`);
    }
    this.current.qrCodes.push(qr);
    this.current.qrPayloads.push(qr.payload);
    this.current.items.push({ kind: 'qr', qr });
  }

  private fs(b: Uint8Array, i: number, at: number): number {
    if (i + 1 >= b.length) return MORE;
    const cmd = b[i + 1]!;
    const need = (n: number) => i + n <= b.length;
    switch (cmd) {
      case 0x26: // FS &
        this.state.kanji = true;
        return 2;
      case 0x2e: // FS .
        this.state.kanji = false;
        return 2;
      case 0x21: // FS ! n
      case 0x2d: // FS - n
      case 0x57: // FS W n
      case 0x43: // FS C n
        return need(3) ? 3 : MORE;
      case 0x53: // FS S n1 n2
        return need(4) ? 4 : MORE;
      case 0x32: // FS 2 c1 c2 d1…d72
        if (!need(76)) return MORE;
        this.problem(at, 'FS 2 user-defined Kanji (not rendered)');
        return 76;
      case 0x70: // FS p n m
        if (!need(4)) return MORE;
        this.problem(at, 'FS p NV bit image (not rendered)');
        return 4;
      case 0x28: {
        // FS ( fn pL pH …
        if (!need(5)) return MORE;
        const len = b[i + 3]! + 256 * b[i + 4]!;
        if (!need(5 + len)) return MORE;
        this.problem(at, `FS ( ${String.fromCharCode(b[i + 2]!)} (${len} bytes) not supported`);
        return 5 + len;
      }
      default:
        this.problem(at, `unknown command FS ${hex(cmd)}`);
        return 2;
    }
  }

  private dle(b: Uint8Array, i: number, at: number): number {
    if (i + 1 >= b.length) return MORE;
    const cmd = b[i + 1]!;
    const need = (n: number) => i + n <= b.length;
    switch (cmd) {
      case 0x04: {
        // DLE EOT n (n = 7, 8 take one more byte)
        if (!need(3)) return MORE;
        const n = b[i + 2]!;
        if (n === 7 || n === 8) {
          if (!need(4)) return MORE;
          this.request('DLE EOT', n, at);
          return 4;
        }
        if (n < 1 || n > 4) this.problem(at, `DLE EOT ${n} out of range`);
        this.request('DLE EOT', n, at);
        return 3;
      }
      case 0x05: // DLE ENQ n
        if (!need(3)) return MORE;
        this.request('DLE ENQ', b[i + 2]!, at);
        return 3;
      case 0x14: {
        // DLE DC4 fn …
        if (!need(3)) return MORE;
        const fn = b[i + 2]!;
        const total = ({ 1: 5, 2: 5, 3: 5, 7: 4, 8: 10 } as Record<number, number>)[fn];
        if (!total) {
          this.problem(at, `DLE DC4 ${fn} unknown`);
          return 3;
        }
        if (!need(total)) return MORE;
        if (fn === 1) this.current.drawerPulses += 1;
        this.request('DLE DC4', fn, at);
        return total;
      }
      default:
        this.problem(at, `unknown command DLE ${hex(cmd)}`);
        return 1;
    }
  }
}

/** Decodes a whole stream at once. */
export function decodeEscPos(bytes: Uint8Array, options: DecoderOptions = {}): Slip[] {
  const decoder = new EscPosDecoder(options);
  decoder.push(bytes);
  return decoder.end();
}
