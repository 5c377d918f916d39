import { freePort } from './free-port';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { screenUrl } from '../../main/web/web-urls';
import { ensureBuilt, ROOT, till, describeRun, type TillRun } from './cli-runner';
import { openPtyPair, type PtyPair } from './pty-pair';
import { VirtualPrinter } from './virtual-printer';
import { WEB_HOST_NODE_FLAGS } from '../../main/runtime/host-node-flags';

/**
 * A real till in a real browser for one test: a fresh data directory on the sandbox
 * profile, its embedded gateway on a free port, an optional virtual ESC/POS printer on a
 * socat pty pair, the web host as a child process (`node dist/main/web/start-web.js`, so
 * its memory can be measured) and Debian's Chromium driven by playwright-core. The keychain
 * is the gnome-keyring of keyring-session.sh, which the test command runs inside.
 *
 * Every WebSocket frame any page of the browser receives is recorded (`framesReceived`),
 * so a test can prove that no secret ever crossed the bridge.
 */

export const START_WEB_JS = path.join(ROOT, 'dist', 'main', 'web', 'start-web.js');
export const RENDERER_INDEX = path.join(ROOT, 'dist', 'renderer', 'index.html');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Viewport {
  width: number;
  height: number;
}

export interface WebTillOptions {
  /** A virtual printer on a pty pair, configured as the till's receipt printer. */
  printer?: boolean;
  /** Default 1024×768, the smallest screen the till supports. */
  viewport?: Viewport;
  /** More `till config set KEY VALUE` before the host starts (e.g. a shorter payment window). */
  config?: Record<string, string>;
  /** How long to wait for `ready` (default 30 s). */
  readyTimeoutMs?: number;
  /** Node options for the web host before its script (the bench's `--cpu-prof`). */
  nodeArgs?: readonly string[];
}

export interface RecordedFrame {
  /** The page URL the socket belongs to (without its token). */
  page: string;
  payload: string;
}

export interface WebTill {
  browser: Browser;
  context: BrowserContext;
  /** The till screen, already loaded. */
  page: Page;
  /** The till screen's URL (`http://127.0.0.1:PORT/#token=…`). */
  url: string;
  origin: string;
  /** The customer display and supervisor screen URLs of this launch (same token). */
  customerUrl: string;
  supervisorUrl: string;
  dataDir: string;
  printer?: VirtualPrinter;
  printerPair?: PtyPair;
  /** The embedded sandbox gateway (`gateway.baseUrl` of the profile). */
  sandboxUrl: string;
  /** The web host's process id. */
  pid: number;
  /** The web host's resident memory now, in bytes (Linux /proc). */
  hostRssBytes(): number;
  /** Every WebSocket frame received by any page of this browser, in order. */
  framesReceived: RecordedFrame[];
  /** What the web host printed so far. */
  hostOutput(): { stdout: string; stderr: string };
  /** A new page in the same browser (frames recorded), loaded at `url` when given. */
  newPage(url?: string): Promise<Page>;
  /** `till --data-dir D ARGS…` against this till's data directory (the host keeps running). */
  cli(args: readonly string[]): Promise<TillRun>;
  /** Tears down everything (browser, host, printer, pty, data dir); safe to call twice. */
  close(): Promise<void>;
}

export { freePort };

function newestMtime(dir: string, newest = 0): number {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    newest = entry.isDirectory() ? newestMtime(full, newest) : Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * dist/ (tsc) and dist/renderer (vite) as the sources say. CI builds before the suite; a
 * developer running one e2e file after an edit gets a fresh build instead of a stale screen.
 */
export function ensureWebBuilt(): void {
  ensureBuilt();
  let built = 0;
  try {
    built = fs.statSync(RENDERER_INDEX).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'renderer')),
    newestMtime(path.join(ROOT, 'preload', 'contract')),
    fs.statSync(path.join(ROOT, 'vite.renderer.config.mts')).mtimeMs,
    fs.statSync(path.join(ROOT, 'vite.screens.mts')).mtimeMs,
  );
  if (built >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.renderer.config.mts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 180_000,
  });
  if (!fs.existsSync(RENDERER_INDEX)) throw new Error(`the renderer build wrote no ${RENDERER_INDEX}`);
}

/** `till --data-dir D --json ARGS…`, failing with what it printed unless it exits 0 (set-up steps). */
export async function cliOk(dataDir: string, args: readonly string[]): Promise<TillRun> {
  const run = await till(['--data-dir', dataDir, '--json', ...args], { timeoutMs: 30_000 });
  if (run.status !== 0) throw new Error(`set-up step failed: ${describeRun(run)}`);
  return run;
}

interface HostProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  ready: Promise<string>;
  stop(): Promise<void>;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'TILL_DATA_DIR', 'TILL_DEBUG', 'TILL_CHROMIUM']) delete env[name];
  return env;
}

function startHost(dataDir: string, readyTimeoutMs: number, nodeArgs: readonly string[] = []): HostProcess {
  // The host prints no token on a pipe (issue 11 §3): it writes the screens' addresses here.
  const urlFile = path.join(dataDir, 'screen-urls.json');
  // Node's flags as every launcher gives them (main/runtime/host-node-flags.ts), then the test's own.
  const child = spawn(process.execPath, [...WEB_HOST_NODE_FLAGS, ...nodeArgs, START_WEB_JS, '--no-browser', '--port', '0', '--data-dir', dataDir, '--url-file', urlFile], {
    cwd: ROOT,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (err += text));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => {
      process.off('exit', killOnExit);
      resolve();
    });
  });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web host printed no ready line within ${readyTimeoutMs} ms:\n${out}\n${err}`)), readyTimeoutMs);
    child.stdout!.on('data', (text: string) => {
      out += text;
      const m = /^ready (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve((JSON.parse(fs.readFileSync(urlFile, 'utf8')) as { till: string }).till);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the web host exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out}\n${err}`));
    });
  });
  ready.catch(() => {});
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      } else {
        await exited;
      }
    },
  };
}

export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

/** The URL of another screen of the same launch: same origin and token, another route. */
function otherScreenUrl(tillUrl: string, screen: 'customer' | 'supervisor'): string {
  const url = new URL(tillUrl);
  const token = /[#?&]token=([^&]+)/.exec(url.hash)?.[1];
  if (!token) throw new Error(`no token in the till URL's fragment: ${tillUrl}`);
  return screenUrl(url.origin, decodeURIComponent(token), screen);
}

/** Page URLs without the token, for failure messages and recorded frames. */
export function withoutToken(url: string): string {
  return url.replace(/token=[^&]+/, 'token=…');
}

export async function startWebTill(options: WebTillOptions = {}): Promise<WebTill> {
  ensureWebBuilt();
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  };

  try {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-e2e-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    // Each till its own gateway port, so tills started side by side never meet.
    const sandboxUrl = `http://127.0.0.1:${await freePort()}`;
    await cliOk(dataDir, ['config', 'set', 'gateway.baseUrl', sandboxUrl]);
    for (const [key, value] of Object.entries(options.config ?? {})) await cliOk(dataDir, ['config', 'set', key, value]);

    let printer: VirtualPrinter | undefined;
    let printerPair: PtyPair | undefined;
    if (options.printer) {
      const pair = await openPtyPair();
      printerPair = pair;
      cleanups.push(() => pair.close());
      const opened = await VirtualPrinter.open(pair.device, { dotsPerLine: 384 });
      printer = opened;
      cleanups.push(() => opened.close());
      await cliOk(dataDir, ['devices', 'add', 'receipt', '--role', 'printer', '--path', pair.till, '--profile', 'generic']);
    }

    const host = startHost(dataDir, options.readyTimeoutMs ?? 30_000, options.nodeArgs);
    cleanups.push(() => host.stop());
    const url = await host.ready;

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1024, height: 768 }, acceptDownloads: true });
    const framesReceived: RecordedFrame[] = [];
    const record = (page: Page) => {
      page.on('websocket', (socket) => {
        socket.on('framereceived', (frame) => {
          const payload = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('utf8');
          framesReceived.push({ page: withoutToken(page.url()), payload });
        });
      });
    };
    context.on('page', record);
    const newPage = async (target?: string): Promise<Page> => {
      const page = await context.newPage();
      if (target !== undefined) await page.goto(target);
      return page;
    };
    const page = await newPage(url);

    return {
      browser,
      context,
      page,
      url,
      origin: new URL(url).origin,
      customerUrl: otherScreenUrl(url, 'customer'),
      supervisorUrl: otherScreenUrl(url, 'supervisor'),
      dataDir,
      ...(printer ? { printer } : {}),
      ...(printerPair ? { printerPair } : {}),
      sandboxUrl,
      pid: host.child.pid!,
      hostRssBytes: () => rssBytes(host.child.pid!),
      framesReceived,
      hostOutput: () => ({ stdout: host.stdout(), stderr: host.stderr() }),
      newPage,
      cli: (args) => till(['--data-dir', dataDir, ...args], { timeoutMs: 30_000 }),
      close: closeAll,
    };
  } catch (error) {
    await closeAll().catch(() => {});
    throw error;
  }
}
