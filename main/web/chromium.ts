import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Chromium as the till's screen where Electron is not installed: an app-mode window (no
 * address bar, no tabs) on the web host's URL, with a profile of its own under the data
 * directory and Chromium's own network chatter off (docs/protocol.md §9).
 */

export const CHROMIUM_ENV = 'TILL_CHROMIUM';
const CANDIDATES = ['/usr/bin/chromium', 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export type ChromiumFound = { ok: true; executable: string } | { ok: false; reason: string };

export interface LookupSystem {
  env: NodeJS.ProcessEnv;
  /** True when `file` exists and can be executed. */
  isExecutable(file: string): boolean;
}

export const realSystem: LookupSystem = {
  env: process.env,
  isExecutable(file) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
};

/** TILL_CHROMIUM when set (and then only it), else the usual names on PATH. */
export function findChromium(system: LookupSystem = realSystem): ChromiumFound {
  const chosen = system.env[CHROMIUM_ENV];
  if (chosen !== undefined && chosen !== '') {
    return system.isExecutable(chosen) ? { ok: true, executable: chosen } : { ok: false, reason: `${CHROMIUM_ENV}=${chosen} is not an executable file` };
  }
  const dirs = (system.env['PATH'] ?? '').split(path.delimiter).filter((dir) => path.isAbsolute(dir));
  for (const candidate of CANDIDATES) {
    const files = path.isAbsolute(candidate) ? [candidate] : dirs.map((dir) => path.join(dir, candidate));
    const found = files.find((file) => system.isExecutable(file));
    if (found !== undefined) return { ok: true, executable: found };
  }
  return { ok: false, reason: `no Chromium found (tried ${CANDIDATES.join(', ')}; set ${CHROMIUM_ENV} to its path)` };
}

/** Null when a window can be shown, else why not. */
export function displayProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const set = (name: string) => (env[name] ?? '') !== '';
  return set('DISPLAY') || set('WAYLAND_DISPLAY') ? null : 'no display (DISPLAY and WAYLAND_DISPLAY are unset)';
}

export interface ChromiumWindow {
  url: string;
  /** A profile directory for this window alone. */
  userDataDir: string;
  kiosk: boolean;
  /** Chromium's sandbox cannot start as root; only then is it turned off. */
  asRoot: boolean;
}

export function chromiumArgs(window: ChromiumWindow): string[] {
  const args = [
    `--app=${window.url}`,
    `--user-data-dir=${window.userDataDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-gpu',
    '--disable-extensions',
    '--disable-default-apps',
    '--disable-translate',
    '--disable-features=Translate,MediaRouter,OptimizationHints',
    // Chromium would otherwise store its own secrets in the keychain the till uses.
    '--password-store=basic',
    '--noerrdialogs',
    '--hide-crash-restore-bubble',
  ];
  if (window.kiosk) args.push('--kiosk');
  if (window.asRoot) args.push('--no-sandbox');
  return args;
}

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export interface LaunchedChromium {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL to its process group after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export function launchChromium(executable: string, window: ChromiumWindow, logFile: string): LaunchedChromium {
  fs.mkdirSync(window.userDataDir, { recursive: true, mode: 0o700 });
  const log = fs.openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    // Its own process group: Ctrl-C in the terminal reaches the till, which closes Chromium in order.
    child = spawn(executable, chromiumArgs(window), { stdio: ['ignore', log, log], detached: true });
  } finally {
    fs.closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('exit', (code) => resolve(code));
  });
  const alive = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return {
    child,
    exited,
    async close(graceMs = 5_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
