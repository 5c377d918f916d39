// The store server's fault test (issue 13, "Done means"): three terminals (three data
// directories, real till processes from till-driver.ts, each with its own faulty sandbox
// gateway) sell SYNC_FAULT_ORDERS orders each while this process SIGKILLs the tills and
// the store server at random moments and stops PostgreSQL once; then, faults off, each
// till resolves everything and sends what it still holds. Afterwards the server must hold
// exactly each terminal's journal (orders, states, amounts, refunds, event and attempt
// counts), and its report must equal the sum of the terminals' own `till reconcile`, day by
// day and currency by currency. Real processes, SQLite files, keychain, PostgreSQL cluster.
//
//   sh test/support/keyring-session.sh node --import tsx --test test/crash/store-sync-faults.test.ts
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { seededRandom } from '../../main/alipay/sandbox/prng';
import type { FaultConfig, SandboxHandle } from '../../main/alipay/sandbox/server';
import { reconcileDay } from '../../main/journal/reconcile';
import { Journal } from '../../main/journal/journal';
import type { StoreReport } from '../../server/store/report';
import { adminCall } from '../../server/http/admin-client';
import { openPostgres } from '../../server/db/pg-database';
import { Customer, describeRun, testInKeyringSession, orderCount, prepareDataDir, ROOT, sleep, startDriver, withJournal } from './crash-kit';
import { freePort } from '../support/free-port';
import { startPostgres, type PostgresCluster } from '../support/postgres-cluster';
import { assertDayTotalsMatchRows } from '../support/day-totals-check';

const TERMINALS = 3;
const ORDERS = Number(process.env.SYNC_FAULT_ORDERS ?? 300);
const SEED = Number(process.env.SYNC_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MAX_UNRESOLVED = 12;
const KILL_PHASE_MS = 900_000;
const TEST_TIMEOUT_MS = 1_500_000;
const TILL_JS = path.join(ROOT, 'dist', 'main', 'cli', 'till.js');

const FAULTS: FaultConfig = { unknown: 0.04, http5xx: 0.03, drop: 0.03, timeout: 0.03, garbage: 0.02, badSignature: 0.02, latencyMs: [0, 40], processFirst: 0.5, timeoutHoldMs: 800, seed: SEED };

function print(line: string): void {
  process.stdout.write(`store-faults: ${line}\n`);
}

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'TILL_DATA_DIR']) delete env[name];
  return env;
}

/** `till ARGS` to the end; its stdout, or an error with what it printed. */
function tillCli(args: readonly string[], timeoutMs = 180_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TILL_JS, ...args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`till ${args.join(' ')} exited ${code}:\n${out}\n${err}`));
    });
  });
}

/** The store server as its own process, SIGKILLed and started again on the same port and database. */
class ServerProcess {
  child: ChildProcess | undefined;
  kills = 0;
  constructor(
    readonly url: string,
    private readonly args: string[],
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [TILL_JS, 'server', 'start', ...this.args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let out = '';
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the store server did not start:\n${out}\n${err}`)), 60_000);
      child.stdout!.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        if (/listening on/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.on('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`the store server exited (${code}) before listening:\n${out}\n${err}`));
      });
    });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGKILL');
    this.kills += 1;
    await closed;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    await closed;
  }
}

interface Terminal {
  name: string;
  dataDir: string;
  sandbox: SandboxHandle;
  customer?: Customer;
  terminal: string;
  kills: number;
  runs: number;
}

/** One terminal's kill loop: start the till, SIGKILL it at a random moment, until the journal holds the target. */
async function sellAndCrash(t: Terminal, random: () => number, started: number): Promise<void> {
  while (orderCount(t.dataDir) < ORDERS) {
    assert.ok(performance.now() - started < KILL_PHASE_MS, `${t.name}: only ${orderCount(t.dataDir)} orders when the kill phase ran out`);
    const driver = startDriver(t.dataDir, ORDERS, 120, MAX_UNRESOLVED);
    t.runs += 1;
    const killAfter = 400 + random() * 3_000;
    const killAt = random() < 0.2 ? sleep(killAfter) : driver.started.then(() => sleep(killAfter));
    const exited = await Promise.race([driver.done.then(() => true), killAt.then(() => false)]);
    if (!exited) driver.kill();
    const run = await driver.done;
    if (run.killed && run.signal === 'SIGKILL') t.kills += 1;
    else assert.equal(run.code, 0, `${t.name} exited on its own, not with 0:\n${describeRun(run)}`);
    assert.ok(!/^\s+at /m.test(run.stderr), `${t.name} printed a stack:\n${describeRun(run)}`);
  }
}

interface Snapshot {
  orders: string[];
  refunds: string[];
  events: number;
  attempts: number;
  alarms: number;
  alarmKinds: string[];
  days: string[];
}

function journalSnapshot(dataDir: string): Snapshot {
  return withJournal(dataDir, (db) => ({
    orders: (db.prepare('SELECT id, state, amount_minor, currency, refunded_minor, business_day, (SELECT count(*) FROM events e WHERE e.order_id = o.id) AS events FROM orders o ORDER BY id').all() as Array<Record<string, unknown>>).map(
      (o) => `${o.id} ${o.state} ${o.currency} ${o.amount_minor} refunded ${o.refunded_minor} ${o.business_day} events ${o.events}`,
    ),
    refunds: (db.prepare('SELECT id, order_id, state, amount_minor FROM refunds ORDER BY id').all() as Array<Record<string, unknown>>).map((r) => `${r.id} ${r.order_id} ${r.state} ${r.amount_minor}`),
    events: (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n,
    attempts: (db.prepare('SELECT count(*) AS n FROM attempts').get() as { n: number }).n,
    alarms: (db.prepare('SELECT count(*) AS n FROM alarms').get() as { n: number }).n,
    alarmKinds: (db.prepare('SELECT kind, code FROM alarms ORDER BY id').all() as Array<{ kind: string; code: string | null }>).map((a) => `${a.kind}${a.code ? ` ${a.code}` : ''}`),
    days: (db.prepare('SELECT DISTINCT business_day AS d FROM orders ORDER BY d').all() as Array<{ d: string }>).map((r) => r.d),
  }));
}

async function serverSnapshot(url: string, terminal: string): Promise<Omit<Snapshot, 'days' | 'alarmKinds'>> {
  const db = await openPostgres(url, { poolSize: 2 });
  try {
    const orders = await db.query<Record<string, unknown>>(
      'SELECT id::text, state, amount_minor::text, currency, refunded_minor::text, business_day, (SELECT count(*)::int FROM events e WHERE e.terminal_id = o.terminal_id AND e.order_id = o.id) AS events FROM orders o WHERE terminal_id = $1 ORDER BY o.id',
      [terminal],
    );
    const refunds = await db.query<Record<string, unknown>>('SELECT r.id::text, r.order_id::text, r.state, r.amount_minor::text FROM refunds r WHERE r.terminal_id = $1 ORDER BY r.id', [terminal]);
    const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE terminal_id = $1`, [terminal]))[0]!.n;
    return {
      orders: orders.map((o) => `${o.id} ${o.state} ${o.currency} ${o.amount_minor} refunded ${o.refunded_minor} ${o.business_day} events ${o.events}`),
      refunds: refunds.map((r) => `${r.id} ${r.order_id} ${r.state} ${r.amount_minor}`),
      events: await count('events'),
      attempts: await count('attempts'),
      alarms: await count('alarms'),
    };
  } finally {
    await db.close();
  }
}

async function storeFaultTest(): Promise<void> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const random = seededRandom(SEED);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-store-faults-'));
  let cluster: PostgresCluster | undefined;
  let server: ServerProcess | undefined;
  const terminals: Terminal[] = [];
  try {
    cluster = await startPostgres();
    const databaseUrl = await cluster.createDatabase('store');
    const port = await freePort();
    const serverDir = path.join(root, 'server');
    server = new ServerProcess(`http://127.0.0.1:${port}`, ['--database', databaseUrl, '--dir', serverDir, '--listen', `127.0.0.1:${port}`]);
    await server.start();
    for (let i = 0; i < TERMINALS; i++) {
      const dataDir = path.join(root, `till-${i + 1}`);
      fs.mkdirSync(dataDir);
      const sandbox = await prepareDataDir(dataDir, FAULTS);
      const enrolled = JSON.parse(await tillCli(['--json', 'server', 'enrol', '--store', 'FAULTS', '--name', `Till ${i + 1}`, '--dir', serverDir])) as { code: string };
      const joined = JSON.parse(await tillCli(['--json', '--data-dir', dataDir, 'store', 'join', server.url, enrolled.code])) as { terminal: string };
      terminals.push({ name: `Till ${i + 1}`, dataDir, sandbox, terminal: joined.terminal, kills: 0, runs: 0, customer: new Customer(sandbox, seededRandom(SEED + i + 1)) });
    }
    print(`seed ${SEED}, ${TERMINALS} terminals x ${ORDERS} orders, store server ${server.url} on ${databaseUrl.replace(/\/\/[^@]*@/, '//')}`);

    // ── phase 1: tills sell and crash; the server crashes; PostgreSQL goes away once ──────
    let selling = true;
    let postgresStops = 0;
    const chaos = (async () => {
      let pgStopped = false;
      while (selling) {
        await sleep(2_000 + random() * 4_000);
        if (!selling) break;
        const soFar = terminals.reduce((n, t) => n + orderCount(t.dataDir), 0);
        if (!pgStopped && soFar > (TERMINALS * ORDERS) / 3) {
          pgStopped = true;
          cluster!.stopServer();
          postgresStops += 1;
          print(`${elapsed()}: PostgreSQL stopped (${soFar} orders so far); the tills keep selling`);
          await sleep(15_000);
          cluster!.startServer();
          print(`${elapsed()}: PostgreSQL started again`);
          continue;
        }
        await server!.kill();
        await sleep(300 + random() * 1_500);
        await server!.start();
      }
    })();
    try {
      await Promise.all(terminals.map((t) => sellAndCrash(t, seededRandom(SEED + 100 + terminals.indexOf(t)), started)));
    } finally {
      selling = false;
      await chaos;
    }
    for (const t of terminals) t.customer?.stop();
    print(`kill phase over after ${elapsed()}: till SIGKILLs ${terminals.map((t) => `${t.name} ${t.kills}/${t.runs} runs`).join(', ')}; store server SIGKILLs ${server.kills}; PostgreSQL stops ${postgresStops}`);

    // ── phase 2: faults off, each till resolves everything and sends what it holds ───────
    for (const t of terminals) t.sandbox.setFaults({});
    await Promise.all(
      terminals.map(async (t) => {
        const final = await startDriver(t.dataDir, ORDERS, 120, MAX_UNRESOLVED).done;
        assert.equal(final.code, 0, `${t.name}: the final run did not resolve everything:\n${describeRun(final)}`);
        const sync = JSON.parse(await tillCli(['--json', '--data-dir', t.dataDir, 'store', 'sync', '--wait', '--timeout', '120'])) as { backlog: number; sent: number };
        assert.equal(sync.backlog, 0, `${t.name}: ${sync.backlog} changes not sent`);
      }),
    );
    print(`every till resolved and sent (${elapsed()})`);

    // ── the server holds exactly each journal; its report is the sum of the tills' ───────
    const days = new Set<string>();
    for (const t of terminals) {
      const mine = journalSnapshot(t.dataDir);
      mine.days.forEach((d) => days.add(d));
      const theirs = await serverSnapshot(databaseUrl, t.terminal);
      assert.deepEqual(theirs.orders, mine.orders, `${t.name}: the server's orders differ from the journal's`);
      assert.deepEqual(theirs.refunds, mine.refunds, `${t.name}: refunds differ`);
      assert.deepEqual([theirs.events, theirs.attempts, theirs.alarms], [mine.events, mine.attempts, mine.alarms], `${t.name}: events, attempts, alarms`);
      print(`${t.name}: ${mine.orders.length} orders, ${mine.refunds.length} refunds, ${mine.events} events, ${mine.attempts} attempts, ${mine.alarms} alarms ${JSON.stringify(mine.alarmKinds)}: the server holds the same`);
      // Killed servers and a stopped database are outages a retry fixes: no alarm for a person.
      assert.deepEqual(mine.alarmKinds.filter((k) => k.startsWith('STORE_SYNC')), [], `${t.name}: store sync alarms`);
    }
    const check = await openPostgres(databaseUrl, { poolSize: 1 });
    try {
      await assertDayTotalsMatchRows(check);
    } finally {
      await check.close();
    }
    print('the running day totals equal the rows summed afresh');
    for (const day of days) {
      const report = await adminCall<StoreReport>(path.join(root, 'server'), 'GET', `/admin/report?store=FAULTS&date=${day}`);
      const sums = new Map<string, number[]>();
      for (const t of terminals) {
        const own = withJournal(t.dataDir, (db) => reconcileDay(new Journal(db), day));
        for (const c of own.currencies) {
          const s = sums.get(c.currency) ?? [0, 0, 0, 0, 0, 0, 0];
          [c.paid.amountMinor, c.paid.count, c.refunded.amountMinor, c.netMinor, c.cancelled.count, c.failed.count, c.unresolved.count].forEach((v, k) => (s[k]! += v));
          sums.set(c.currency, s);
        }
      }
      for (const [currency, s] of sums) {
        const line = report.currencies.find((c) => c.currency === currency);
        assert.ok(line, `${day} ${currency}: missing from the store report`);
        assert.deepEqual([Number(line.paid.amountMinor), line.paid.count, Number(line.refunded.amountMinor), Number(line.netMinor), line.cancelled.count, line.failed.count, line.unresolved.count], s, `${day} ${currency}`);
        print(`${day} ${currency}: store report = sum of till reconcile (paid ${s[1]} = ${s[0]}, refunded ${s[2]}, net ${s[3]})`);
      }
    }
    assert.ok(server.kills > 0 && postgresStops === 1 && terminals.every((t) => t.kills > 0), 'every fault happened');
    print(`elapsed ${elapsed()}`);
  } finally {
    for (const t of terminals) {
      t.customer?.stop();
      await t.sandbox.close();
    }
    await server?.stop();
    await cluster?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.env.TILL_KEYRING_SESSION === '1') {
  test(`${TERMINALS} terminals x ${ORDERS} orders, tills and the store server SIGKILLed, PostgreSQL stopped once: the server holds each journal exactly`, { timeout: TEST_TIMEOUT_MS }, storeFaultTest);
} else {
  testInKeyringSession(__filename, 'the store fault test', 'store-faults', TEST_TIMEOUT_MS);
}
