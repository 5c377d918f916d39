import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tty from 'node:tty';

/**
 * A virtual serial cable: two pseudo-terminals joined by socat (NOTES §9).
 *
 *   socat -d -d pty,raw,echo=0,link=<dir>/ttyTill pty,raw,echo=0,link=<dir>/ttyDevice
 *
 * The till opens `till` (with serialport, or plain fs); a virtual device (printer, display)
 * opens `device`. Bytes written at one end are read at the other. A pty ignores baud rate
 * and flow control. `unplug()` stops socat: both links vanish and every open end sees EOF /
 * EIO, like a USB adapter pulled out; `replug()` starts socat again with the same link paths
 * (they point at new /dev/pts/N, as a re-enumerated adapter would).
 */
export interface PtyPair {
  /** The directory holding both links. */
  readonly dir: string;
  /** The path the till opens, e.g. <dir>/ttyTill. */
  readonly till: string;
  /** The path the virtual device reads and writes, e.g. <dir>/ttyDevice. */
  readonly device: string;
  /** True while socat runs and both links exist. */
  readonly plugged: boolean;
  /** socat's process id while plugged. */
  readonly pid: number | undefined;
  /** Everything socat wrote on stderr (its -d -d notices), for failure messages. */
  log(): string;
  /** Kill socat so both ends vanish; the links are gone when this resolves. */
  unplug(): Promise<void>;
  /** Start socat again with the same link paths; resolves when both links exist. */
  replug(): Promise<void>;
  /** Unplug and remove the directory if openPtyPair created it. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Link names inside the directory; default ttyTill / ttyDevice. */
  tillName?: string;
  deviceName?: string;
  /** How long to wait for socat to create both links; default 5000 ms. */
  startTimeoutMs?: number;
}

const SOCAT_MISSING =
  'socat is not installed: the virtual serial pairs of the device tests need it. Install it with `apt-get install -y socat`.';

/** Every socat still running, so a test process that dies early leaves no orphan behind. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Both links exist and resolve (a dangling link left by a killed socat does not count). */
function linksReady(a: string, b: string): boolean {
  return fs.existsSync(a) && fs.existsSync(b);
}

export async function openPtyPair(dir?: string, options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownsDir = dir === undefined;
  const base = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'till-pty-'));
  fs.mkdirSync(base, { recursive: true });
  const till = path.join(base, options.tillName ?? 'ttyTill');
  const device = path.join(base, options.deviceName ?? 'ttyDevice');
  const startTimeoutMs = options.startTimeoutMs ?? 5000;
  installExitHook();

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stderr = '';

  const removeStaleLinks = (): void => {
    for (const link of [till, device]) {
      if (exists(link)) {
        try {
          fs.unlinkSync(link);
        } catch {
          // someone else removed it
        }
      }
    }
  };

  const start = async (): Promise<void> => {
    if (child) throw new Error(`pty pair ${base} is already plugged`);
    removeStaleLinks();
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${till}`, `pty,raw,echo=0,link=${device}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let spawnError: Error | undefined;
    let exitInfo: string | undefined;
    exited = new Promise<void>((resolve) => {
      proc.once('error', (err: NodeJS.ErrnoException) => {
        spawnError = err.code === 'ENOENT' ? new Error(SOCAT_MISSING) : err;
        resolve();
      });
      proc.once('exit', (code, signal) => {
        exitInfo = signal ? `signal ${signal}` : `code ${code}`;
        resolve();
      });
    }).finally(() => {
      running.delete(proc);
      if (child === proc) child = undefined;
    });
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (text: string) => {
      stderr += text;
    });
    child = proc;
    running.add(proc);

    const deadline = Date.now() + startTimeoutMs;
    while (!linksReady(till, device)) {
      if (spawnError) throw spawnError;
      if (exitInfo) throw new Error(`socat exited (${exitInfo}) before creating ${till} and ${device}:\n${stderr}`);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`socat did not create ${till} and ${device} within ${startTimeoutMs} ms:\n${stderr}`);
      }
      await sleep(5);
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(killer);
    }
    // socat removes its links on SIGTERM; after a SIGKILL they would dangle.
    removeStaleLinks();
  };

  await start();

  return {
    dir: base,
    till,
    device,
    get plugged() {
      return child !== undefined && linksReady(till, device);
    },
    get pid() {
      return child?.pid;
    },
    log: () => stderr,
    unplug: stop,
    replug: start,
    close: async () => {
      await stop();
      if (ownsDir) fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * One end of a pty opened the way a test plays the till: writes go out whole (awaiting the
 * kernel), bytes coming back are queued for `read`. Reading uses a tty handle (epoll), not
 * a blocking thread-pool read, so closing never hangs and the thread pool stays free.
 */
export interface TtyEnd {
  write(bytes: Uint8Array | readonly number[]): Promise<void>;
  /** Resolves with exactly `n` bytes, or with what arrived (maybe nothing) after `timeoutMs`. */
  read(n: number, timeoutMs?: number): Promise<Buffer>;
  /** Bytes received and not read yet. */
  available(): number;
  /** The link dropped (socat stopped) or the end was closed. */
  readonly ended: boolean;
  close(): Promise<void>;
}

export function openTtyEnd(file: string): TtyEnd {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
  if (!tty.isatty(fd)) {
    fs.closeSync(fd);
    throw new Error(`${file} is not a tty`);
  }
  const stream = new tty.ReadStream(fd);
  let queued = Buffer.alloc(0);
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  stream.on('data', (chunk: Buffer) => {
    queued = Buffer.concat([queued, chunk]);
    wake();
  });
  const finish = () => {
    ended = true;
    wake();
  };
  stream.on('end', finish);
  stream.on('error', finish);
  stream.on('close', finish);
  return {
    get ended() {
      return ended;
    },
    available: () => queued.length,
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (ended) {
          reject(new Error(`${file}: the link is down`));
          return;
        }
        stream.write(Buffer.from(bytes as Uint8Array), (err) => (err ? reject(err) : resolve()));
      }),
    read: (n, timeoutMs = 1000) =>
      new Promise<Buffer>((resolve) => {
        const take = () => {
          const k = Math.min(n, queued.length);
          const out = queued.subarray(0, k);
          queued = queued.subarray(k);
          return Buffer.from(out);
        };
        if (queued.length >= n || ended) {
          resolve(take());
          return;
        }
        const check = () => {
          if (queued.length < n && !ended) return;
          done();
        };
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(take());
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(check);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (stream.destroyed) {
          resolve();
          return;
        }
        stream.once('close', () => resolve());
        stream.destroy();
      }),
  };
}

/** Writes bytes to a pty path and closes it again (a till that opens the port per job). */
export async function writeToPty(file: string, bytes: Uint8Array | readonly number[]): Promise<void> {
  const end = openTtyEnd(file);
  try {
    await end.write(bytes);
  } finally {
    await end.close();
  }
}
