import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import tty from 'node:tty';
import { EscPosDecoder, isEmptySlip, type DecoderOptions, type RealtimeRequest, type Slip } from './escpos-decoder';
import { READY, dleEotReply, gsRReply, type PrinterState } from './status';

/**
 * A virtual ESC/POS printer on the device end of a pty pair (see ../pty-pair.ts). It reads
 * what the till sends, decodes it into slips, and answers status requests like a printer:
 * DLE EOT n at once (even mid-job), GS r / GS I in buffer order. Its state (online, cover
 * open, paper near end, paper end, …) is set by the test; it can also be told never to
 * answer. When the pty vanishes (socat stopped: the cable pulled) reading stops; when the
 * path comes back it opens it again and goes on, keeping its printer state.
 *
 * The pty is read through a tty handle (epoll, no thread-pool read left blocked), opened with
 * O_NOCTTY so it never becomes the test process's controlling terminal.
 */

export interface VirtualPrinterOptions extends Omit<DecoderOptions, 'onRequest' | 'onSlip'> {
  /** Initial printer state (default: ready). */
  state?: Partial<PrinterState>;
  /** False: the printer never answers any status request (default true). */
  answers?: boolean;
  /** Fixed reply bytes for DLE EOT n, over what the state says. */
  statusBytes?: Partial<Record<number, number>>;
  /** Delay before each reply (default 0). */
  replyDelayMs?: number;
  /** GS I n replies (default 1 → 0x20 model, 2 → 0x03 two-byte chars + cutter, 3 → 0x41 ROM). */
  printerId?: Partial<Record<number, number>>;
  /** Reopen the path when it comes back after vanishing (default true). */
  reconnect?: boolean;
  /** How often to look for the path while it is gone (default 20 ms). */
  pollMs?: number;
}

export interface Reply {
  request: RealtimeRequest;
  /** The byte written back, or null when the printer stayed silent. */
  byte: number | null;
}

const OPEN_FLAGS = fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK;

export class VirtualPrinter extends EventEmitter {
  readonly decoder: EscPosDecoder;
  state: PrinterState;
  answers: boolean;
  readonly replies: Reply[] = [];
  /** How many times the device end was opened / lost. */
  connects = 0;
  disconnects = 0;
  private stream: tty.ReadStream | null = null;
  private poll: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly chunks: Buffer[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly path: string,
    private readonly options: VirtualPrinterOptions,
  ) {
    super();
    this.state = { ...READY, ...options.state };
    this.answers = options.answers ?? true;
    this.decoder = new EscPosDecoder({
      ...options,
      onRequest: (request) => this.answer(request),
      onSlip: (slip) => this.emit('slip', slip),
    });
  }

  /**
   * Opens the device end. If the path does not exist yet, waits for it (up to `waitMs`,
   * default 5000) — a printer switched on before the cable is plugged in.
   */
  static async open(path: string, options: VirtualPrinterOptions = {}, waitMs = 5000): Promise<VirtualPrinter> {
    const printer = new VirtualPrinter(path, options);
    if (!printer.tryOpen()) {
      printer.startPolling();
      try {
        await printer.waitFor(() => printer.connected, waitMs, `${path} to appear`);
      } catch (err) {
        await printer.close();
        throw err;
      }
    }
    return printer;
  }

  get connected(): boolean {
    return this.stream !== null;
  }

  /** Slips finished by a cut. */
  get slips(): Slip[] {
    return this.decoder.slips;
  }

  /** What has been printed since the last cut. */
  get pending(): Slip {
    return this.decoder.pending;
  }

  /** Every byte received, in order. */
  received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get bytesReceived(): number {
    return this.decoder.received;
  }

  /** Every request seen (DLE EOT, DLE ENQ, DLE DC4, GS r, GS I), across slips. */
  get requests(): RealtimeRequest[] {
    return this.replies.map((r) => r.request);
  }

  setState(change: Partial<PrinterState>): void {
    this.state = { ...this.state, ...change };
  }

  /** Cut slips plus the pending one if anything is in it. */
  allSlips(): Slip[] {
    return isEmptySlip(this.pending) ? [...this.slips] : [...this.slips, this.pending];
  }

  /** Resolves when `n` slips have been cut. */
  async waitForSlips(n: number, timeoutMs = 5000): Promise<Slip[]> {
    await this.waitFor(() => this.slips.length >= n, timeoutMs, `${n} cut slip(s)`);
    return this.slips.slice(0, n);
  }

  /** Resolves when at least `n` bytes have arrived. */
  async waitForBytes(n: number, timeoutMs = 5000): Promise<void> {
    await this.waitFor(() => this.bytesReceived >= n, timeoutMs, `${n} bytes`);
  }

  /** Resolves when the link is up (true) or down (false). */
  async waitForConnection(connected: boolean, timeoutMs = 5000): Promise<void> {
    await this.waitFor(() => this.connected === connected, timeoutMs, connected ? 'the device end to open' : 'the device end to drop');
  }

  /** Resolves when nothing has arrived for `quietMs`. */
  async waitForQuiet(quietMs = 100, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = this.bytesReceived;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      if (this.bytesReceived === seen) return;
      seen = this.bytesReceived;
      if (Date.now() > deadline) throw new Error(`virtual printer ${this.path}: data kept arriving for ${timeoutMs} ms`);
    }
  }

  /** Resolves once `condition()` holds, re-checked on every event of the printer. */
  waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `virtual printer ${this.path}: timed out after ${timeoutMs} ms waiting for ${what} ` +
              `(${this.bytesReceived} bytes, ${this.slips.length} slips, connected ${this.connected}, ` +
              `problems: ${JSON.stringify(this.allSlips().flatMap((s) => s.problems).slice(0, 5))})`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('change', check);
      };
      this.on('change', check);
    });
  }

  /** Stops reading and closes the device end. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const stream = this.stream;
    this.stream = null;
    if (stream && !stream.destroyed) {
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.destroy();
      });
    }
  }

  // ------------------------------------------------------------------ internals

  private changed(): void {
    this.emit('change');
  }

  private tryOpen(): boolean {
    if (this.closed || this.stream) return this.stream !== null;
    let fd: number;
    try {
      fd = fs.openSync(this.path, OPEN_FLAGS);
    } catch {
      return false;
    }
    if (!tty.isatty(fd)) {
      fs.closeSync(fd);
      throw new Error(`${this.path} is not a tty: the virtual printer reads the device end of a pty pair`);
    }
    const stream = new tty.ReadStream(fd);
    this.stream = stream;
    this.connects += 1;
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      if (this.stream === stream) this.stream = null;
      if (!stream.destroyed) stream.destroy();
      if (this.closed) return;
      this.disconnects += 1;
      this.decoder.abandonPartial('link dropped');
      this.emit('disconnect');
      this.changed();
      if (this.options.reconnect ?? true) this.startPolling();
    };
    stream.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.decoder.push(chunk);
      this.emit('data', chunk);
      this.changed();
    });
    stream.on('end', drop);
    stream.on('error', drop);
    stream.on('close', drop);
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.emit('connect');
    this.changed();
    return true;
  }

  private startPolling(): void {
    if (this.poll || this.closed) return;
    this.poll = setInterval(() => {
      if (fs.existsSync(this.path)) this.tryOpen();
    }, this.options.pollMs ?? 20);
  }

  private replyFor(request: RealtimeRequest): number | null {
    if (!this.answers) return null;
    const { command, n } = request;
    if (command === 'DLE EOT') return this.options.statusBytes?.[n] ?? dleEotReply(n, this.state);
    if (command === 'GS r') return gsRReply(n, this.state);
    if (command === 'GS I') return { 1: 0x20, 2: 0x03, 3: 0x41, ...this.options.printerId }[n] ?? null;
    return null; // DLE ENQ, DLE DC4: no reply
  }

  private answer(request: RealtimeRequest): void {
    const byte = this.replyFor(request);
    this.replies.push({ request, byte });
    this.emit('request', request, byte);
    if (byte === null) return;
    const write = () => {
      const stream = this.stream;
      if (stream && !stream.destroyed) stream.write(Buffer.from([byte]));
    };
    const delay = this.options.replyDelayMs ?? 0;
    if (delay <= 0) {
      write();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      write();
    }, delay);
    this.timers.add(timer);
  }
}
