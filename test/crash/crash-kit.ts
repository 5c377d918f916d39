// What the crash tests share (test/crash/crash-recovery.test.ts, store-sync-faults.test.ts):
// the till process that gets killed (till-driver.ts), a read-only look at its journal, the
// customer who pays some of the QR codes, and a data directory set up against its own
// sandbox gateway. Real processes, SQLite files, keychain and gateway.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { startSandbox, type FaultConfig, type SandboxHandle } from '../../main/alipay/sandbox/server';
import { openTillDatabase } from '../../main/config/data-dir';
import { setConfigValues } from '../../main/config/settings-schema';
import { openTill } from '../../main/runtime/open-till';
import type { SqliteDatabase } from '../../native/sqlite';

export const ROOT = path.resolve(__dirname, '..', '..');
const DRIVER = path.join(__dirname, 'till-driver.ts');
export const SESSION_SCRIPT = path.join(ROOT, 'test', 'support', 'keyring-session.sh');

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- the till process

export interface DriverRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killed: boolean;
  /** Milliseconds from spawn to its `start` line (recovery begun), when it got that far. */
  startedAfterMs: number | undefined;
}

export interface Driver {
  pid: number;
  kill(): void;
  /** Resolves at the driver's `start` line (recovery begun), or when it ends without one. */
  started: Promise<void>;
  done: Promise<DriverRun>;
}

export function startDriver(dataDir: string, target: number, maxSeconds: number, maxUnresolved: number, extraEnv: Record<string, string> = {}): Driver {
  const env = { ...process.env, ...extraEnv };
  for (const name of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'TILL_DATA_DIR']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, dataDir, String(target), String(maxUnresolved), String(maxSeconds)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let killed = false;
  let startedAfterMs: number | undefined;
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const spawned = performance.now();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (startedAfterMs === undefined && /^start /m.test(stdout)) {
      startedAfterMs = performance.now() - spawned;
      markStarted();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<DriverRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      markStarted();
      resolve({ code, signal, stdout, stderr, killed, startedAfterMs });
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void done.finally(() => process.off('exit', killOnExit));
  return {
    pid: child.pid ?? -1,
    kill() {
      killed = true;
      child.kill('SIGKILL');
    },
    started,
    done,
  };
}

// ---------------------------------------------------------------- the journal, read-only

export interface JournalOrder {
  id: number;
  merchant_trans_id: string;
  amount_minor: number;
  currency: string;
  state: string;
  acquirement_id: string | null;
  refunded_minor: number;
  alarm: string | null;
}

export function withJournal<T>(dataDir: string, fn: (db: SqliteDatabase) => T): T {
  const db = openTillDatabase(dataDir, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function orderCount(dataDir: string): number {
  return withJournal(dataDir, (db) => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM orders').get()!.n);
}

// ---------------------------------------------------------------- the customer

/**
 * Looks at the gateway's INIT orders as they appear and, for about half of them, scans
 * and pays: most within a couple of seconds, some late, around the end of the 10 s
 * payment window, where the payment races the till's cancel.
 */
export class Customer {
  readonly decided = new Set<string>();
  paid = 0;
  paidLate = 0;
  refused = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly poller: NodeJS.Timeout;

  constructor(
    private readonly sandbox: SandboxHandle,
    private readonly random: () => number,
  ) {
    this.poller = setInterval(() => this.look(), 50);
  }

  private look(): void {
    for (const order of this.sandbox.orders()) {
      if (order.status !== 'INIT' || this.decided.has(order.merchantTransId)) continue;
      this.decided.add(order.merchantTransId);
      const r = this.random();
      if (r < 0.45) this.later(100 + this.random() * 2_400, order.merchantTransId, false);
      else if (r < 0.55) this.later(8_500 + this.random() * 3_000, order.merchantTransId, true);
    }
  }

  private later(ms: number, merchantTransId: string, late: boolean): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        this.sandbox.pay(merchantTransId);
        this.paid += 1;
        if (late) this.paidLate += 1;
      } catch {
        // Cancelled (or closed) before the customer got there.
        this.refused += 1;
      }
    }, ms);
    this.timers.add(timer);
  }

  stop(): void {
    clearInterval(this.poller);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

// ---------------------------------------------------------------- a till and its gateway

export async function prepareDataDir(dataDir: string, faults: FaultConfig): Promise<SandboxHandle> {
  const till = openTill({ dataDir });
  try {
    await till.vault.generateMerchantKey();
    const merchantPublicKey = createPublicKey(await till.vault.getMerchantPrivateKey());
    const config = till.config();
    // The gateway signs with this profile's sandbox key, which a sandbox profile verifies with.
    const sandbox = await startSandbox({
      port: 0,
      gatewayPrivateKey: await till.vault.getSandboxGatewayPrivateKey(),
      clients: [{ clientId: config['client.id'], merchantId: config['merchant.id'], publicKey: merchantPublicKey }],
      faults,
    });
    setConfigValues(till.settings, {
      'gateway.baseUrl': sandbox.url,
      'payment.windowSeconds': '10',
      'payment.pollIntervalMs': '500',
      'gateway.timeoutMs': '1000',
      'gateway.connectTimeoutMs': '500',
    });
    return sandbox;
  } finally {
    await till.close();
  }
}

export function describeRun(run: DriverRun): string {
  const tail = (text: string) => text.split('\n').slice(-30).join('\n');
  return `driver exit ${run.code}${run.signal ? ` (${run.signal})` : ''}\n--- stdout (tail)\n${tail(run.stdout)}\n--- stderr\n${tail(run.stderr)}`;
}

/**
 * Outside a keyring session: one test that runs `file` again inside keyring-session.sh and
 * relays the lines it printed that start with `prefix` (the counts a reader wants to see).
 */
export function testInKeyringSession(file: string, what: string, prefix: string, timeoutMs: number): void {
  test(`${what} passes inside a private gnome-keyring session`, { timeout: timeoutMs + 30_000 }, async (t) => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn('sh', [SESSION_SCRIPT, process.execPath, '--import', 'tsx', '--test', '--test-reporter=tap', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    for (const line of stdout.split('\n')) {
      const m = new RegExp(`${prefix}: .*`).exec(line);
      if (m) t.diagnostic(m[0]);
    }
    assert.equal(code, 0, `inside keyring-session.sh:\n${stdout}\n${stderr}`);
    assert.match(stdout, /# pass [1-9]/);
    assert.match(stdout, /# fail 0/);
  });
}
