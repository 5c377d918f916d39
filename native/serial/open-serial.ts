import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { SerialPort } from 'serialport';
import { serialportModule } from './load-serialport';
import { ioFailure, openFailure, SerialError } from './serial-error';
import { SERIAL_DEFAULTS, type SerialOptions } from './serial-options';

export interface SerialCloseInfo {
  /** True when the port went away on its own (unplugged); false after close(). */
  disconnected: boolean;
  error: SerialError | null;
}

export interface SerialConnectionEvents {
  /** Bytes the device sent (status replies). */
  data: [Uint8Array];
  /** Emitted once, whether close() was called or the port vanished. */
  close: [SerialCloseInfo];
  /** Trouble that does not close the port by itself. Only emitted while someone listens. */
  error: [SerialError];
}

/**
 * One open port. write() resolves only once the bytes have left the computer (write,
 * then drain — tcdrain), so the caller knows the job is on the wire, not in a buffer.
 * When the port vanishes every pending write rejects with PORT_DISCONNECTED and 'close'
 * is emitted with disconnected = true; nothing throws out of an event handler.
 *
 * Vanishing is also watched for by path: a hung-up pseudo-terminal (and some USB serial
 * drivers) reads as endless zero-byte reads, on which serialport spins without ever
 * reporting a disconnect. So the device node is stat()ed every watchMs; when it is gone,
 * or is another device now (re-enumerated after a replug), the port counts as unplugged.
 */
export class SerialConnection extends EventEmitter<SerialConnectionEvents> {
  readonly path: string;
  readonly options: Readonly<SerialOptions>;
  private readonly port: SerialPort;
  private readonly pending = new Set<(error: SerialError) => void>();
  private closed = false;
  private ended = false;
  private watch: NodeJS.Timeout | undefined;

  /** Use openSerial(). */
  constructor(port: SerialPort, options: SerialOptions, device: fs.Stats | undefined) {
    super();
    this.port = port;
    this.path = options.path;
    this.options = Object.freeze({ ...options });
    const watchMs = options.watchMs ?? SERIAL_DEFAULTS.watchMs;
    if (device && watchMs > 0) {
      this.watch = setInterval(() => {
        let now: fs.Stats | undefined;
        try {
          now = fs.statSync(this.path);
        } catch {
          now = undefined;
        }
        if (!now || now.rdev !== device.rdev || now.ino !== device.ino) this.vanish();
      }, watchMs);
      this.watch.unref();
    }
    port.on('data', (chunk: Buffer) => this.emit('data', new Uint8Array(chunk)));
    port.on('error', (error: Error) => {
      const wrapped = ioFailure(this.path, error);
      if (this.listenerCount('error') > 0) this.emit('error', wrapped);
    });
    port.on('close', (error: (Error & { disconnected?: boolean }) | null | undefined) => {
      // A close nobody asked for is a disconnect, with or without an error attached: after
      // a failed write the stream destroys itself and emits a bare 'close'.
      const disconnected = !this.closed || Boolean(error?.disconnected);
      this.end({
        disconnected,
        error: disconnected ? new SerialError('PORT_DISCONNECTED', `serial port ${this.path} went away (unplugged?)`, { path: this.path, cause: error }) : null,
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.port.isOpen;
  }

  /** Resolves once every byte has been transmitted (after drain); rejects with a SerialError. */
  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) {
      return Promise.reject(new SerialError('PORT_CLOSED', `serial port ${this.path} is not open`, { path: this.path }));
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error: SerialError | null) => {
        if (settled) return;
        settled = true;
        this.pending.delete(settle);
        if (error) reject(error);
        else resolve();
      };
      this.pending.add(settle);
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
        if (error) {
          // An unplugged port fails the write a moment before it reports the close: wait
          // for it, so the caller hears "went away", not a bare I/O error.
          setTimeout(() => settle(this.closed || !this.port.isOpen ? this.goneError() : ioFailure(this.path, error)), 50);
          return;
        }
        // drain() on a port that closed meanwhile would wait for a reopen that never comes.
        if (!this.port.isOpen) {
          settle(this.goneError());
          return;
        }
        this.port.drain((drainError) => settle(drainError ? ioFailure(this.path, drainError) : null));
      });
    });
  }

  /** Discards whatever the OS still holds for output (a job that timed out). */
  discardOutput(): Promise<void> {
    if (!this.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.flush(() => resolve()));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.finish(new SerialError('PORT_CLOSED', `serial port ${this.path} was closed`, { path: this.path }));
    if (!this.port.isOpen) {
      this.end({ disconnected: false, error: null });
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.port.close(() => {
        this.end({ disconnected: false, error: null });
        resolve();
      });
    });
  }

  /** The device node went away under an open port: report it, and stop serialport's reads. */
  private vanish(): void {
    if (this.closed) return;
    this.closed = true;
    this.end({ disconnected: true, error: new SerialError('PORT_DISCONNECTED', `serial port ${this.path} went away (unplugged?)`, { path: this.path }) });
    if (this.port.isOpen) this.port.close(() => undefined);
  }

  /** Emits 'close' once, whichever way the port ended. */
  private end(info: SerialCloseInfo): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.watch);
    this.finish(info.error ?? new SerialError('PORT_CLOSED', `serial port ${this.path} was closed`, { path: this.path }));
    this.emit('close', info);
  }

  private goneError(): SerialError {
    return new SerialError('PORT_DISCONNECTED', `serial port ${this.path} went away during the write`, { path: this.path });
  }

  private finish(error: SerialError): void {
    this.closed = true;
    for (const settle of [...this.pending]) settle(error);
  }
}

/**
 * Opens a port exclusively (a second opener gets PORT_BUSY). Errors are SerialErrors
 * naming the path: PORT_NOT_FOUND, PORT_BUSY, PORT_FAILED.
 */
export async function openSerial(options: SerialOptions): Promise<SerialConnection> {
  const path = options.path;
  if (typeof path !== 'string' || path.trim() === '') {
    throw new SerialError('PORT_FAILED', 'no serial port path given');
  }
  // A missing /dev node is the common case (unplugged); say so without asking the binding.
  if (process.platform !== 'win32' && !fs.existsSync(path)) {
    throw new SerialError('PORT_NOT_FOUND', `serial port ${path} does not exist (unplugged, or a wrong name?)`, { path });
  }
  const flow = options.flowControl ?? SERIAL_DEFAULTS.flowControl;
  const { SerialPort } = serialportModule();
  let port: SerialPort;
  try {
    port = new SerialPort({
      path,
      baudRate: options.baudRate,
      dataBits: options.dataBits ?? SERIAL_DEFAULTS.dataBits,
      parity: options.parity ?? SERIAL_DEFAULTS.parity,
      stopBits: options.stopBits ?? SERIAL_DEFAULTS.stopBits,
      rtscts: flow === 'rtscts',
      xon: flow === 'xonxoff',
      xoff: flow === 'xonxoff',
      lock: true,
      autoOpen: false,
    });
  } catch (cause) {
    // The constructor validates options (e.g. an unsupported baud rate).
    throw new SerialError('PORT_FAILED', `serial port ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { path, cause });
  }
  const timeoutMs = options.openTimeoutMs ?? SERIAL_DEFAULTS.openTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new SerialError('PORT_FAILED', `serial port ${path} did not open within ${timeoutMs} ms`, { path }));
      // If it opens after all, let it go: nobody is waiting for it any more.
      port.once('open', () => port.close(() => undefined));
    }, timeoutMs);
    port.open((error) => {
      clearTimeout(timer);
      if (error) reject(openFailure(path, error));
      else resolve();
    });
  });
  let device: fs.Stats | undefined;
  try {
    device = process.platform === 'win32' ? undefined : fs.statSync(path);
  } catch {
    device = undefined;
  }
  return new SerialConnection(port, options, device);
}
