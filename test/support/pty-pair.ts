import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
