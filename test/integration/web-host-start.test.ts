// `node dist/main/web/start-web.js` as the till runs it: the real services (SQLite in a temp
// data directory, the real keychain of keyring-session.sh, the embedded sandbox gateway),
// the real router behind the bridge, and real Chromium on a private Xvfb for the windows.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { BRIDGE_PATH } from '../../preload/contract';
import {
  assertTranscriptFreeOf,
  describeRun,
  insideKeyringSession,
  removeTempDirs,
  ROOT,
  storedPrivateKeys,
  tempDir,
  till,
  transcript,
} from '../support/cli-runner';
import { ensureWebBuilt, freePort } from '../support/web-till';

const START_WEB_JS = path.join(ROOT, 'dist', 'main', 'web', 'start-web.js');

interface HostRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpExecArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWeb(args: readonly string[], env: NodeJS.ProcessEnv): HostRun {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'TILL_DATA_DIR', 'TILL_DEBUG', 'TILL_CHROMIUM', 'DISPLAY', 'WAYLAND_DISPLAY']) delete clean[name];
  const child = spawn(process.execPath, [START_WEB_JS, ...args], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text.stderr += chunk));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      process.off('exit', killOnExit);
      transcript.push({ what: `start-web ${args.join(' ')} (stdout)`, text: text.stdout }, { what: `start-web ${args.join(' ')} (stderr)`, text: text.stderr });
      resolve({ code, signal });
    }),
  );
  const waitFor = async (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(text[stream]);
      if (match) return match;
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        assert.fail(`start-web printed no ${pattern} on ${stream}:\n${text.stdout}\n${text.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, waitFor, exit };
}

async function stop(run: HostRun, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  run.child.kill(signal);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  const result = await run.exit;
  clearTimeout(timer);
  return result;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One bridge call from a page of ours (the Origin a browser would send). */
function bridgeCall(tillUrl: string, channel: string, request: unknown): Promise<Record<string, unknown>> {
  const url = new URL(tillUrl);
  const token = /token=([^&]+)/.exec(url.hash)![1]!;
  const ws = new WebSocket(`ws://${url.host}${BRIDGE_PATH}?token=${token}`, { origin: url.origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, channel, request })));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (frame['id'] !== 1) return;
      ws.close();
      resolve(frame);
    });
    ws.once('error', reject);
  });
}

function isChromiumBinary(pid: string): boolean {
  try {
    return /chrom/i.test(path.basename(fs.readlinkSync(`/proc/${pid}/exe`)));
  } catch {
    return false;
  }
}

/** Browser processes (not their helpers) whose profile is under `dir`, by pid. */
function chromiumPidsUnder(dir: string): Map<number, string[]> {
  const found = new Map<number, string[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      // Chromium rewrites its process title into one space-separated string: split on both.
      args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\0\s]+/).filter(Boolean);
    } catch {
      continue;
    }
    if (!args.some((arg) => arg.startsWith(`--user-data-dir=${dir}`)) || args.some((arg) => arg.startsWith('--type='))) continue;
    // Debian's /usr/bin/chromium is a shell script that execs the browser: count it once it has.
    if (!isChromiumBinary(entry)) continue;
    found.set(Number(entry), args);
  }
  return found;
}

interface Xvfb {
  display: string;
  close(): Promise<void>;
}

/** A private X server; -displayfd lets it pick a free display number and tell us. */
async function startXvfb(): Promise<Xvfb> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const display = await new Promise<string>((resolve, reject) => {
    child.stdio[3]!.once('data', (data) => resolve(`:${String(data).trim()}`));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  return {
    display,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (insideKeyringSession(__filename, 'web host start-up tests')) {
  describe('start-web', { concurrency: 1 }, () => {
    const dataDirs: string[] = [];

    // The renderer too: a Chromium window is up once its page has opened the bridge.
    before(() => ensureWebBuilt());
    after(async () => {
      const keys = (await Promise.all(dataDirs.map((dir) => storedPrivateKeys(dir).catch(() => [])))).flat();
      if (keys.length > 0) assertTranscriptFreeOf(keys);
      removeTempDirs();
    });

    /** A fresh sandbox profile whose embedded gateway gets a port of its own. */
    async function dataDir(): Promise<{ dir: string; sandboxUrl: string }> {
      const dir = tempDir('till-web-start-');
      dataDirs.push(dir);
      const sandboxUrl = `http://127.0.0.1:${await freePort()}`;
      const run = await till(['config', 'set', 'gateway.baseUrl', sandboxUrl], { dataDir: dir });
      assert.equal(run.status, 0, describeRun(run));
      return { dir, sandboxUrl };
    }

    test('--no-browser: prints the URLs and `ready <url>`, the bridge reaches the real router, SIGTERM ends it all with 0', async () => {
      const { dir, sandboxUrl } = await dataDir();
      const urlFile = path.join(dir, 'urls.json');
      const run = startWeb(['--no-browser', '--port', '0', '--data-dir', dir, '--url-file', urlFile], {});
      const [, shown] = await run.waitFor(/^ready (\S+)$/m);
      const origin = new URL(shown!).origin;
      // On a pipe (a service's journal) no token is printed (issue 11 §3); --url-file has the addresses, 0600.
      assert.equal(shown, `${origin}/`);
      const human = run.stdout().split('\n')[0]!;
      assert.equal(human, `Till: ${origin}/  Customer display: ${origin}/#/customer  Sandbox gateway: ${sandboxUrl}`);
      assert.doesNotMatch(run.stdout() + run.stderr(), /token=/);
      assert.equal(fs.statSync(urlFile).mode & 0o777, 0o600);
      const urls = JSON.parse(fs.readFileSync(urlFile, 'utf8')) as { till: string; customer: string; supervisor: string };
      const url = urls.till;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
      assert.equal(urls.customer, `${origin}/#/customer?token=${/token=(\S+)/.exec(url)![1]}`);
      assert.ok(!run.stdout().includes('Chromium not started'), '--no-browser asks for no browser');

      const status = await bridgeCall(url, 'till.status', {});
      assert.equal((status['result'] as { ok: boolean }).ok, true, JSON.stringify(status));
      const unknown = await bridgeCall(url, 'no.such.channel', {});
      assert.equal((unknown['result'] as { error: { code: string } }).error.code, 'UNKNOWN_CHANNEL');

      const port = Number(new URL(url).port);
      const sandboxPort = Number(new URL(sandboxUrl).port);
      assert.ok(await accepts(sandboxPort), 'the embedded gateway listens');
      assert.deepEqual(await stop(run, 'SIGTERM'), { code: 0, signal: null });
      assert.match(run.stdout(), /^stopping \(SIGTERM\)$/m);
      assert.equal(await accepts(port), false, 'the web host is closed');
      assert.equal(await accepts(sandboxPort), false, 'the embedded gateway is closed');
    });

    test('one till app per data directory: a second host is refused naming the first, the `till` commands still run beside it; after a SIGKILL the next starts', async () => {
      const { dir } = await dataDir();
      const args = ['--no-browser', '--port', '0', '--data-dir', dir];
      const urlFile = path.join(dir, 'urls.json');
      const first = startWeb([...args, '--url-file', urlFile], {});
      await first.waitFor(/^ready (\S+)$/m);
      const url = (JSON.parse(fs.readFileSync(urlFile, 'utf8')) as { till: string }).till;
      const second = startWeb(args, {});
      assert.deepEqual(await second.exit, { code: 1, signal: null }, second.stderr());
      const escapedDir = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(
        second.stderr(),
        new RegExp(`^start-web: the web host \\(pid ${first.child.pid}, since \\d{4}-\\d\\d-\\d\\dT[^)]+\\) is already running the till on ${escapedDir}; one till app per data directory: use that one, or stop it first \\[TILL_ALREADY_RUNNING\\]$`, 'm'),
      );
      assert.doesNotMatch(second.stdout(), /ready/);
      assert.doesNotMatch(second.stderr(), /sandbox/i, 'refused before a second sandbox gateway was started');

      const orders = await till(['orders', '--json'], { dataDir: dir });
      assert.equal(orders.status, 0, describeRun(orders));
      const doctor = JSON.parse((await till(['doctor', '--json'], { dataDir: dir })).stdout) as { checks: { name: string; detail: string }[] };
      assert.match(doctor.checks.find((c) => c.name === 'till app')?.detail ?? '', new RegExp(`^the web host \\(pid ${first.child.pid}, since [^)]+\\) is running on this data directory$`));
      const status = await bridgeCall(url, 'till.status', {});
      assert.equal((status['result'] as { ok: boolean }).ok, true, 'the first till still answers');

      // The kernel drops the lock with the process: a till killed by a power cut leaves none behind.
      first.child.kill('SIGKILL');
      await first.exit;
      const next = startWeb(args, {});
      await next.waitFor(/^ready \S+$/m);
      assert.deepEqual(await stop(next, 'SIGTERM'), { code: 0, signal: null });
    });

    test('no display: Chromium is not started, the URL is printed with the reason, SIGINT ends it with 0', async () => {
      const { dir } = await dataDir();
      const run = startWeb(['--data-dir', dir], { TILL_CHROMIUM: '/usr/bin/chromium' });
      await run.waitFor(/^ready \S+$/m);
      await run.waitFor(/^Chromium not started \(no display \(DISPLAY and WAYLAND_DISPLAY are unset\)\): open the URL above/m);
      assert.equal(chromiumPidsUnder(dir).size, 0);
      assert.deepEqual(await stop(run, 'SIGINT'), { code: 0, signal: null });
      assert.match(run.stdout(), /^stopping \(SIGINT\)$/m);
    });

    test('bad flags: a usage error, exit 2, nothing started', async () => {
      const run = startWeb(['--port', '99999'], {});
      assert.deepEqual(await run.exit, { code: 2, signal: null });
      assert.match(run.stderr(), /--port must be a whole number from 0 to 65535/);
      assert.doesNotMatch(run.stdout(), /ready/);
    });

    test('with a display: Chromium app windows for the till and the customer on their own profiles, closed with the host', { timeout: 90_000 }, async () => {
      const { dir } = await dataDir();
      const xvfb = await startXvfb();
      try {
        const run = startWeb(['--data-dir', dir, '--customer-window'], { DISPLAY: xvfb.display, TILL_CHROMIUM: '/usr/bin/chromium' });
        await run.waitFor(/^ready (\S+)$/m);
        const profiles = path.join(path.resolve(dir), 'chromium');
        let browsers = new Map<number, string[]>();
        const deadline = Date.now() + 20_000;
        while (browsers.size < 2 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          browsers = chromiumPidsUnder(profiles);
        }
        const launched = [...browsers.values()];
        const appOf = (name: string) => launched.find((args) => args.includes(`--user-data-dir=${path.join(profiles, name)}`))?.find((arg) => arg.startsWith('--app='));
        // No token on a command line (issue 11 §3): Chromium opens a 0600 launch page that sends it on.
        const launchDir = path.join(profiles, 'launch');
        assert.equal(appOf('till'), `--app=${pathToFileURL(path.join(launchDir, 'till.html')).href}`);
        assert.equal(appOf('customer'), `--app=${pathToFileURL(path.join(launchDir, 'customer.html')).href}`);
        assert.doesNotMatch(launched.flat().join(' '), /token=/);
        for (const page of ['till.html', 'customer.html']) assert.equal(fs.statSync(path.join(launchDir, page)).mode & 0o777, 0o600);
        assert.equal(fs.statSync(launchDir).mode & 0o777, 0o700);
        // Both pages reach the bridge with the token the launch pages passed on.
        await run.waitFor(/bridge: ws#2 .* connected/, 'stderr', 30_000);
        assert.deepEqual(await stop(run, 'SIGTERM'), { code: 0, signal: null });
        assert.equal(chromiumPidsUnder(profiles).size, 0, 'every Chromium of the till is gone');
        assert.equal(fs.existsSync(launchDir), false, 'the launch pages are removed with the host');
        assert.doesNotMatch(run.stderr(), /Chromium ended with/);
      } finally {
        await xvfb.close();
      }
    });

    test('closing the till window stops the till', { timeout: 90_000 }, async () => {
      const { dir } = await dataDir();
      const xvfb = await startXvfb();
      try {
        const run = startWeb(['--data-dir', dir], { DISPLAY: xvfb.display, TILL_CHROMIUM: '/usr/bin/chromium' });
        await run.waitFor(/^ready \S+$/m);
        await run.waitFor(/bridge: ws#1 .* connected/, 'stderr', 30_000);
        const profiles = path.join(path.resolve(dir), 'chromium');
        let pids: number[] = [];
        const deadline = Date.now() + 20_000;
        while (pids.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          pids = [...chromiumPidsUnder(profiles).keys()];
        }
        assert.equal(pids.length, 1, `${run.stdout()}\n${run.stderr()}\n${fs.readdirSync(profiles).join(' ')}`);
        // What a window manager's close does to a lone app window: Chromium quits normally (exit 0).
        process.kill(pids[0]!, 'SIGTERM');
        assert.deepEqual(await run.exit, { code: 0, signal: null });
        assert.match(run.stdout(), /^stopping \(the till window was closed\)$/m);
      } finally {
        await xvfb.close();
      }
    });
  });
}
