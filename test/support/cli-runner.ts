import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import * as http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openTillDatabase } from '../../main/config/data-dir';
import { readProfile } from '../../main/config/profile';
import { SettingsStore } from '../../main/config/settings-store';
import { openTill, type Till } from '../../main/runtime/open-till';
import { SECRET_ACCOUNTS, createKeychain } from '../../native/keychain';

/**
 * The `till` command as a user runs it: real `node dist/main/cli/till.js` processes on a
 * real data directory, the real keychain (tests run inside keyring-session.sh) and a real
 * `till sandbox` child. Every output of every process is recorded, so a test file can
 * prove at its end that no private key ever reached a terminal.
 */

export const ROOT = path.resolve(__dirname, '..', '..');
export const TILL_JS = path.join(ROOT, 'dist', 'main', 'cli', 'till.js');
const SESSION_SCRIPT = path.join(ROOT, 'test', 'support', 'keyring-session.sh');
const SOURCE_DIRS = ['main', 'native', 'preload'];

// ---------------------------------------------------------------- build

function newestSourceMtime(): number {
  let newest = fs.statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs;
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  return newest;
}

function distIsStale(): boolean {
  try {
    return fs.statSync(TILL_JS).mtimeMs < newestSourceMtime();
  } catch {
    return true;
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds dist/ when it is missing or older than the sources. Test files run in parallel,
 * so one build at a time (a lock directory in the temp dir, keyed by the checkout).
 */
export function ensureBuilt(): void {
  if (!distIsStale()) return;
  const lock = path.join(os.tmpdir(), `till-cli-build-${Buffer.from(ROOT).toString('hex').slice(-32)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`another build holds ${lock}`);
      sleepSync(200);
    }
  }
  try {
    if (!distIsStale()) return;
    const started = Date.now();
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 120_000,
      });
    } catch (error) {
      // tsc emits despite type errors (someone else's work in progress): only a build that wrote nothing is fatal.
      let written = 0;
      try {
        written = fs.statSync(TILL_JS).mtimeMs;
      } catch {
        // missing
      }
      if (written < started - 2_000) throw error;
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- keyring session

/**
 * Outside a keyring session, one test that re-runs `file` inside keyring-session.sh
 * (like test/integration/keychain-vault.test.ts); returns true when already inside.
 */
export function insideKeyringSession(file: string, what: string): boolean {
  if (process.env.TILL_KEYRING_SESSION === '1') return true;
  test(`${what} pass inside a private gnome-keyring session`, () => {
    // Without NODE_TEST_CONTEXT the inner runner reports in plain TAP instead of to this runner.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const args = [SESSION_SCRIPT, process.execPath, '--import', 'tsx', '--test', '--test-reporter=tap', file];
    const run = spawnSync('sh', args, { encoding: 'utf8', timeout: 120_000, env });
    assert.equal(run.status, 0, `inside keyring-session.sh:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /# pass [1-9]/);
    assert.match(run.stdout, /# fail 0/);
  });
  return false;
}

// ---------------------------------------------------------------- running till

export interface TillRun {
  args: readonly (string | Buffer)[];
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every stdout and stderr of every till process of this test file, for the secret scan. */
export const transcript: { what: string; text: string }[] = [];

const temps: string[] = [];

export function tempDir(prefix = 'till-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

function tillEnv(dataDir: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'TILL_DATA_DIR', 'TILL_DEBUG']) delete env[name];
  if (dataDir !== undefined) env.TILL_DATA_DIR = dataDir;
  return { ...env, ...extra };
}

export interface RunOptions {
  /** Sets TILL_DATA_DIR (the default way tests name the data directory). */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs `node dist/main/cli/till.js ARGS…`. Buffer arguments are passed through as given
 * (Node turns them into strings), e.g. to hand the till text that was not UTF-8.
 */
export function till(args: readonly (string | Buffer)[], options: RunOptions = {}): Promise<TillRun> {
  return runProcess(process.execPath, [TILL_JS, ...args], args, options);
}

/** Runs the till through `sh -c` so an argument can hold raw bytes that are not UTF-8. */
export function tillWithRawArg(args: readonly string[], rawArgPrintf: string, options: RunOptions = {}): Promise<TillRun> {
  const script = `exec "$@" "$(printf '${rawArgPrintf}')"`;
  return runProcess('sh', ['-c', script, 'sh', process.execPath, TILL_JS, ...args], [...args, `<printf ${rawArgPrintf}>`], options);
}

function runProcess(command: string, argv: readonly (string | Buffer)[], shown: readonly (string | Buffer)[], options: RunOptions): Promise<TillRun> {
  return startProcess(command, argv, shown, options).done;
}

export interface RunningTill {
  child: ChildProcess;
  /** What the process printed on stdout so far. */
  stdout(): string;
  /** Resolves with the first match of `pattern` in stdout (rejects after timeoutMs or when the process ends without it). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  done: Promise<TillRun>;
}

/**
 * Starts `node dist/main/cli/till.js ARGS…` and hands it back while it runs: for commands
 * that wait (precreate waiting for the payment, resolve), so a test can pay or press
 * Ctrl-C meanwhile. `done` is what till() resolves with.
 */
export function spawnTill(args: readonly string[], options: RunOptions = {}): RunningTill {
  return startProcess(process.execPath, [TILL_JS, ...args], args, options);
}

function startProcess(command: string, argv: readonly (string | Buffer)[], shown: readonly (string | Buffer)[], options: RunOptions): RunningTill {
  const child = spawn(command, argv as string[], { cwd: ROOT, env: tillEnv(options.dataDir, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = () => Buffer.concat(out).toString('utf8');
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out.push(chunk);
    for (const watch of [...watchers]) watch();
  });
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const done = new Promise<TillRun>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      process.off('exit', killOnExit);
      reject(error);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      process.off('exit', killOnExit);
      const run: TillRun = { args: shown, status, signal, stdout: stdout(), stderr: Buffer.concat(err).toString('utf8') };
      const what = `till ${shown.map(String).join(' ')}`;
      transcript.push({ what: `${what} (stdout)`, text: run.stdout }, { what: `${what} (stderr)`, text: run.stderr });
      for (const watch of [...watchers]) watch();
      resolve(run);
    });
  });
  child.stdin!.end(options.input ?? '');
  let ended = false;
  void done.then(
    () => (ended = true),
    () => (ended = true),
  );
  const waitForOutput = (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        watchers.delete(watch);
      };
      const watch = () => {
        const m = pattern.exec(stdout());
        if (m) {
          stop();
          resolve(m);
        } else if (ended || child.exitCode !== null || child.signalCode !== null) {
          stop();
          reject(new Error(`till ${shown.map(String).join(' ')} ended without printing ${pattern}:\n${stdout()}${Buffer.concat(err).toString('utf8')}`));
        }
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`till ${shown.map(String).join(' ')} printed no ${pattern} within ${timeoutMs} ms:\n${stdout()}`));
      }, timeoutMs);
      watchers.add(watch);
      watch();
    });
  return { child, stdout, waitForOutput, done };
}

export function describeRun(run: TillRun): string {
  return `till ${run.args.map(String).join(' ')} → exit ${run.status}${run.signal ? ` (${run.signal})` : ''}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

/** The one JSON document a --json run printed on stdout. */
export function jsonOf(run: TillRun): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    assert.fail(`stdout is not one JSON document:\n${describeRun(run)}`);
  }
}

/** Asserts the exit status, that nothing crashed with a stack, and returns the JSON document. */
export function expectJson(run: TillRun, status: number): Record<string, unknown> {
  assert.equal(run.status, status, describeRun(run));
  assertNoStack(run);
  return jsonOf(run);
}

export function assertNoStack(run: TillRun): void {
  assert.ok(!/^\s{4}at /m.test(run.stderr) && !/^\s{4}at /m.test(run.stdout), `a stack trace was printed:\n${describeRun(run)}`);
}

/** Exact key sets: the README's "JSON output" is a contract. */
export function assertKeys(value: unknown, keys: readonly string[], what: string): void {
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${what} is not an object: ${JSON.stringify(value)}`);
  assert.deepEqual(Object.keys(value).sort(), [...keys].sort(), `${what} keys`);
}

export const ATTEMPT_KEYS = ['api', 'reqMsgId', 'status', 'resultCode', 'resultMessage', 'action', 'cashierMessage', 'unknownReason', 'httpStatus', 'elapsedMs'];

/** An order as `orders`, `order`, `cancel` print it (main/cli/render-order.ts). */
export const ORDER_KEYS = [
  'merchantTransId',
  'businessDay',
  'state',
  'amount',
  'refunded',
  'title',
  'qrCode',
  'acquirementId',
  'resultCode',
  'resultMessage',
  'paidAt',
  'alarm',
  'createdAt',
  'updatedAt',
];

/** `T` + 8 hex (the generated terminal id) + yyyyMMdd + a 6-digit sequence. */
export const TRANS_ID = /^T[0-9A-F]{8}\d{8}\d{6}$/;

/** `{"ok": false, "error": {"code", "message", "field"?}}` with the given code (and field). */
export function assertErrorDoc(doc: Record<string, unknown>, code: string, field?: string | null): { code: string; message: string; field?: string } {
  assertKeys(doc, ['ok', 'error'], 'error document');
  assert.equal(doc.ok, false);
  const error = doc.error as { code: string; message: string; field?: string };
  assertKeys(error, 'field' in error ? ['code', 'message', 'field'] : ['code', 'message'], 'error');
  assert.equal(error.code, code, JSON.stringify(doc));
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  if (field === null) assert.equal(error.field, undefined);
  else if (field !== undefined) assert.equal(error.field, field, JSON.stringify(doc));
  return error;
}

// ---------------------------------------------------------------- the sandbox child

export interface SandboxProcess {
  url: string;
  child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit status. */
  stop(): Promise<number | null>;
}

/**
 * `till sandbox --port 0` (or the given port, e.g. to bring a stopped sandbox back where
 * the till expects it) for the data directory; resolves with the URL it printed.
 */
export function startSandboxProcess(dataDir: string, extraArgs: readonly string[] = [], options: { port?: number } = {}): Promise<SandboxProcess> {
  const args = [TILL_JS, 'sandbox', '--port', String(options.port ?? 0), ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: tillEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (status) => {
      transcript.push({ what: 'till sandbox (stdout)', text: stdout }, { what: 'till sandbox (stderr)', text: stderr });
      resolve(status);
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const status = await exited;
    process.off('exit', killOnExit);
    return status;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`till sandbox printed no URL within 20 s:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const m = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stop, stderr: () => stderr });
      }
    });
    void exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`till sandbox exited (${status}) before listening:\n${stdout}\n${stderr}`));
    });
  });
}

// ---------------------------------------------------------------- plain HTTP

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One request on a fresh connection (no keep-alive socket outlives the test). */
export function httpRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function sandboxOrders(baseUrl: string): Promise<Record<string, unknown>[]> {
  const answer = await httpRequest(`${baseUrl}/sandbox/orders`, { headers: { accept: 'application/json' } });
  assert.equal(answer.status, 200, answer.body);
  return JSON.parse(answer.body) as Record<string, unknown>[];
}

/** The sandbox's record of one order (undefined when it never reached the gateway). */
export async function sandboxOrder(baseUrl: string, merchantTransId: string): Promise<Record<string, unknown> | undefined> {
  return (await sandboxOrders(baseUrl)).find((o) => o.merchantTransId === merchantTransId);
}

/** Polls the sandbox until an order matching `match` is there (e.g. while a till process waits). */
export async function awaitSandboxOrder(baseUrl: string, match: (order: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await sandboxOrders(baseUrl)).find(match);
    if (found) return found;
    if (Date.now() > deadline) assert.fail(`no such order reached the sandbox at ${baseUrl} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The customer presses "Pay" on the QR page (as a program: the sandbox answers JSON). */
export async function payQr(qrUrl: string): Promise<void> {
  const paid = await httpRequest(`${qrUrl}/pay`, { method: 'POST', headers: { accept: 'application/json' } });
  assert.equal(paid.status, 200, paid.body);
}

/** Switches the sandbox's faults at run time (the `--faults` text; '' for none). */
export async function setSandboxFaults(baseUrl: string, spec: string): Promise<void> {
  const answer = await httpRequest(`${baseUrl}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec === '' ? {} : spec) });
  assert.equal(answer.status, 200, answer.body);
}

// ---------------------------------------------------------------- secrets

/** The profile id of a data directory (it scopes the keychain accounts). */
export function profileIdOf(dataDir: string): string {
  const db = openTillDatabase(dataDir, { readonly: true });
  try {
    const profile = readProfile(new SettingsStore(db));
    assert.ok(profile, `no profile in ${dataDir}`);
    return profile.id;
  } finally {
    db.close();
  }
}

/** The private keys the till keeps in the keychain for a data directory (PEM), as stored. */
export async function storedPrivateKeys(dataDir: string): Promise<string[]> {
  const store = createKeychain(profileIdOf(dataDir));
  const pems: string[] = [];
  for (const account of [SECRET_ACCOUNTS.merchantPrivateKey, SECRET_ACCOUNTS.sandboxGatewayPrivateKey]) {
    const pem = await store.get(account);
    if (pem !== null) pems.push(pem);
  }
  return pems;
}

function privateKeyOf(keyText: string): KeyObject {
  if (keyText.includes('-----BEGIN')) return createPrivateKey(keyText);
  const der = Buffer.from(keyText.replace(/\s+/g, ''), 'base64');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

const derBase64 = (key: KeyObject, type: 'pkcs1' | 'spki') => (key.export({ type, format: 'der' }) as Buffer).toString('base64');

/**
 * Pieces of a private key's text (PEM or bare base64) long enough to be unique: its whole
 * body, 48-character chunks of it, and its private exponent. Chunks that also occur in the
 * public key's text (the modulus, which a PKCS#1 body shares with it) are left out:
 * printing the public key is fine.
 */
export function secretFragments(keyText: string): string[] {
  const body = keyText
    .split('\n')
    .filter((line) => !line.startsWith('-----'))
    .join('')
    .replace(/\s+/g, '');
  assert.ok(body.length > 600, 'not a key body');
  const key = privateKeyOf(keyText);
  const publicKey = createPublicKey(key);
  const publicTexts = [derBase64(publicKey, 'spki'), derBase64(publicKey, 'pkcs1')];
  const d = privateExponent(key);
  const fragments = [body, d.toString('base64'), d.toString('base64url')];
  for (let i = 0; i + 48 <= body.length; i += 48) {
    const chunk = body.slice(i, i + 48);
    if (!publicTexts.some((text) => text.includes(chunk))) fragments.push(chunk);
  }
  return fragments;
}

function privateExponent(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  assert.ok(typeof jwk.d === 'string');
  return Buffer.from(jwk.d, 'base64url');
}

/** Fails if any recorded output holds 'PRIVATE KEY' or any piece of the given keys. */
export function assertTranscriptFreeOf(privateKeyTexts: readonly string[]): void {
  assert.ok(transcript.length > 0, 'nothing was recorded');
  const fragments = privateKeyTexts.flatMap(secretFragments);
  for (const { what, text } of transcript) {
    assert.ok(!text.includes('PRIVATE KEY'), `${what} printed 'PRIVATE KEY'`);
    const flat = text.replace(/\s+/g, '');
    for (const fragment of fragments) assert.ok(!flat.includes(fragment), `${what} printed private key material`);
  }
}

/** Fails if any file of the data directory holds 'PRIVATE KEY' or a piece of the keys (text or DER). */
export function assertDataDirFreeOf(dataDir: string, privateKeyTexts: readonly string[]): void {
  // Every file below it: the journal, its backups, the logs (issue 15 §3–4).
  const files = fs
    .readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
  assert.ok(files.some((file) => file.endsWith('till.sqlite')), `no till.sqlite in ${dataDir}`);
  const needles: Buffer[] = [Buffer.from('PRIVATE KEY')];
  for (const keyText of privateKeyTexts) {
    for (const fragment of secretFragments(keyText)) needles.push(Buffer.from(fragment));
    // The raw private exponent, in case something stored the DER.
    const d = privateExponent(privateKeyOf(keyText));
    for (let i = 0; i + 32 <= d.length; i += 64) needles.push(d.subarray(i, i + 32));
  }
  for (const file of files) {
    if (!fs.statSync(file).isFile()) continue;
    const bytes = fs.readFileSync(file);
    for (const needle of needles) assert.equal(bytes.indexOf(needle), -1, `${file} contains private key material`);
  }
}

/** Opens the till of `dataDir` in this process (as a `till` command would) for `work`, and closes it. */
export async function inTill<T>(dataDir: string, work: (till: Till) => Promise<T> | T): Promise<T> {
  const opened = openTill({ dataDir });
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
