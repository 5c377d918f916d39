// The crash test of issue 3 ("Done means"): real till processes (test/crash/till-driver.ts)
// ring up at least 500 orders against the sandbox gateway with its faults switched on
// (timeouts, U answers, dropped connections, 5xx, garbage, bad signatures, latency), while
// this process kills the till with SIGKILL at random moments and starts it again; a
// customer pays about half of the QR codes, some of them late enough to race the cancel.
// Then, with the faults off, the till runs once more without being killed until every
// order is resolved, and the journal and the gateway must agree order by order: same
// merchantTransIds, amounts, currencies and final states, nothing paid and lost, no
// REPEAT_REQ_INCONSISTENT at the gateway, `PRAGMA integrity_check` ok. The counts are
// printed.
//
// The sandbox runs in this process on one port for the whole test, so every restarted till
// reconnects to the same gateway memory. Keys are in the keychain: the file re-runs itself
// inside test/support/keyring-session.sh when it is not in one already.
//
//   sh test/support/keyring-session.sh node --import tsx --test test/crash/crash-recovery.test.ts
//
// CRASH_ORDERS (default 500) and CRASH_SEED (the test's own random choices) can be set.
import { seededRandom } from '../../main/alipay/sandbox/prng';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { FaultConfig, SandboxHandle, SandboxOrderRecord } from '../../main/alipay/sandbox/server';
import { Customer, describeRun, testInKeyringSession, orderCount, prepareDataDir, sleep, startDriver, withJournal, type JournalOrder } from './crash-kit';
import type { SqliteDatabase } from '../../native/sqlite';

const TARGET_ORDERS = Number(process.env.CRASH_ORDERS ?? 500);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Orders the driver keeps unresolved at a time (unpaid QR codes wait out their 10 s window). */
const MAX_UNRESOLVED = 24;
/**
 * The kill phase gives up (and fails) after this long. Generous: on a busy machine a till
 * takes seconds to start, and the bound is there to end a till that makes no progress.
 */
const KILL_PHASE_MS = 600_000;
/** Share of runs killed at a random moment from spawn, start-up included; the rest die while selling. */
const STARTUP_KILL_SHARE = 0.2;
/** The final, unkilled run must resolve everything within this. */
const FINAL_RUN_SECONDS = 90;
const TEST_TIMEOUT_MS = 900_000;

const FAULTS: FaultConfig = {
  unknown: 0.05,
  http5xx: 0.04,
  drop: 0.04,
  timeout: 0.04,
  garbage: 0.03,
  badSignature: 0.03,
  latencyMs: [0, 40],
  processFirst: 0.5,
  // Longer than the driver's request timeout (600 ms): a held request times out at the till.
  timeoutHoldMs: 800,
  seed: SEED,
};

/** The test's own choices (kill moments, who pays and when) replay with CRASH_SEED. */
const seeded = seededRandom;

function print(line: string): void {
  process.stdout.write(`crash: ${line}\n`);
}

function stateChainProblems(db: SqliteDatabase, orders: readonly JournalOrder[]): string[] {
  const events = db
    .prepare<[], { order_id: number; kind: string; from_state: string | null; to_state: string | null }>(
      'SELECT order_id, kind, from_state, to_state FROM events WHERE order_id IS NOT NULL AND to_state IS NOT NULL ORDER BY id',
    )
    .all();
  const byOrder = new Map<number, typeof events>();
  for (const e of events) {
    const list = byOrder.get(e.order_id) ?? [];
    list.push(e);
    byOrder.set(e.order_id, list);
  }
  const problems: string[] = [];
  for (const order of orders) {
    const chain = byOrder.get(order.id) ?? [];
    const [first] = chain;
    if (!first || first.kind !== 'created' || first.to_state !== 'NEW') {
      problems.push(`${order.merchant_trans_id}: the event log does not start with 'created'`);
      continue;
    }
    for (let i = 1; i < chain.length; i++) {
      if (chain[i]!.from_state !== chain[i - 1]!.to_state) {
        problems.push(`${order.merchant_trans_id}: event ${chain[i]!.kind} leaves ${chain[i]!.from_state}, but the order was ${chain[i - 1]!.to_state}`);
      }
    }
    if (chain[chain.length - 1]!.to_state !== order.state) problems.push(`${order.merchant_trans_id}: the event log ends in ${chain[chain.length - 1]!.to_state}, the order is ${order.state}`);
  }
  return problems;
}

async function crashTest(): Promise<void> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const random = seeded(SEED);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-crash-'));
  let sandbox: SandboxHandle | undefined;
  let customer: Customer | undefined;
  try {
    sandbox = await prepareDataDir(dataDir, FAULTS);
    print(`seed ${SEED}, sandbox ${sandbox.url}, data dir ${dataDir}, target ${TARGET_ORDERS} orders`);

    // ── phase 1: faults on, the till killed at random moments ────────────────────────
    customer = new Customer(sandbox, random);
    let kills = 0;
    let runs = 0;
    let recovered = 0;
    let refundsAsked = 0;
    let killedInStartup = 0;
    const startups: number[] = [];
    const localFailures: string[] = [];
    let count = 0;
    while ((count = orderCount(dataDir)) < TARGET_ORDERS) {
      assert.ok(performance.now() - started < KILL_PHASE_MS, `only ${count} of ${TARGET_ORDERS} orders after ${elapsed()} of the kill phase`);
      const driver = startDriver(dataDir, TARGET_ORDERS, 120, MAX_UNRESOLVED);
      runs += 1;
      // Most kills land while the till sells (timed from its start line, so a slow start-up
      // on a busy machine does not eat the run); some land anywhere, start-up included.
      const anywhere = random() < STARTUP_KILL_SHARE;
      const killAfter = 300 + random() * 2_200;
      const killAt = anywhere ? sleep(killAfter) : driver.started.then(() => sleep(killAfter));
      const exited = await Promise.race([driver.done.then(() => true), killAt.then(() => false)]);
      if (!exited) driver.kill();
      const run = await driver.done;
      if (run.killed && run.signal === 'SIGKILL') kills += 1;
      else assert.equal(run.code, 0, `the till exited on its own, not with 0:\n${describeRun(run)}`);
      assert.ok(!/^\s+at /m.test(run.stderr), `the till printed a stack:\n${describeRun(run)}`);
      for (const m of run.stdout.matchAll(/^start .* recovering=(\d+)/gm)) recovered += Number(m[1]);
      refundsAsked += (run.stdout.match(/^refund /gm) ?? []).length;
      localFailures.push(...(run.stdout.match(/^(create|refund)-failed .*/gm) ?? []));
      if (run.startedAfterMs === undefined) killedInStartup += 1;
      else startups.push(run.startedAfterMs);
      if (runs % 25 === 0) print(`${elapsed()}: ${count} orders, ${kills} kills, ${customer.paid} paid by the customer`);
    }
    customer.stop();
    const faultStats = sandbox.stats();
    print(`kill phase over after ${elapsed()}: ${count} orders, ${runs} runs, ${kills} SIGKILLs (${killedInStartup} before recovery began), ${recovered} unresolved orders picked up by recovery at start-ups, ${refundsAsked} refunds asked`);
    startups.sort((a, b) => a - b);
    print(`till start-up to recovery: median ${Math.round(startups[startups.length >> 1] ?? 0)} ms, max ${Math.round(startups[startups.length - 1] ?? 0)} ms`);

    // ── phase 2: faults off, one run to the end ──────────────────────────────────────
    sandbox.setFaults({});
    const final = await startDriver(dataDir, TARGET_ORDERS, FINAL_RUN_SECONDS, MAX_UNRESOLVED).done;
    assert.equal(final.code, 0, `the final run did not resolve everything:\n${describeRun(final)}`);
    const finalStart = /^start .* recovering=(\d+)/m.exec(final.stdout);
    print(`final run resolved ${finalStart?.[1] ?? '?'} orders left unresolved by the kill phase (${elapsed()})`);

    // ── the journal and the gateway, order by order ──────────────────────────────────
    const gatewayOrders = new Map<string, SandboxOrderRecord>(sandbox.orders().map((o) => [o.merchantTransId, o]));
    const tombstones = new Set(sandbox.tombstones().map((t) => t.merchantTransId));
    const stats = sandbox.stats();
    const report = withJournal(dataDir, (db) => {
      const integrity = db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all();
      const orders = db
        .prepare<[], JournalOrder>('SELECT id, merchant_trans_id, amount_minor, currency, state, acquirement_id, refunded_minor, alarm FROM orders ORDER BY id')
        .all();
      const distinct = db.prepare<[], { n: number }>('SELECT count(DISTINCT merchant_trans_id) AS n FROM orders').get()!.n;
      const attempts = db.prepare<[], { rows: number; exchanges: number | null }>('SELECT count(*) AS rows, sum(repeats) AS exchanges FROM attempts').get()!;
      const alarms = db.prepare<[], { kind: string; n: number }>('SELECT kind, count(*) AS n FROM alarms GROUP BY kind').all();
      const refunds = db
        .prepare<[], { order_id: number; merchant_refund_id: string; amount_minor: number; state: string }>('SELECT order_id, merchant_refund_id, amount_minor, state FROM refunds ORDER BY id')
        .all();
      const stepErrors = db
        .prepare<[], { detail: string | null }>("SELECT detail FROM events WHERE kind = 'step_error' ORDER BY id")
        .all()
        .map((e) => e.detail ?? '');
      return { integrity, orders, distinct, attempts, alarms, refunds, stepErrors, chainProblems: stateChainProblems(db, orders) };
    });
    const { orders } = report;

    const problems: string[] = [];
    const byState: Record<string, number> = {};
    let neverCreated = 0;
    let notFoundCancels = 0;
    for (const order of orders) {
      byState[order.state] = (byState[order.state] ?? 0) + 1;
      const id = order.merchant_trans_id;
      const g = gatewayOrders.get(id);
      if (g && (g.amount !== String(order.amount_minor) || g.currency !== order.currency)) {
        problems.push(`${id}: journal ${order.currency} ${order.amount_minor}, gateway ${g.currency} ${g.amount}`);
      }
      if (g && order.acquirement_id !== null && order.acquirement_id !== g.acquirementId) {
        problems.push(`${id}: journal acquirementId ${order.acquirement_id}, gateway ${g.acquirementId}`);
      }
      switch (order.state) {
        case 'PAID':
        case 'REFUNDED':
          if (g?.status !== 'SUCCESS') problems.push(`${id}: ${order.state} in the journal, ${g ? g.status : 'unknown'} at the gateway`);
          else if (g.refunded !== String(order.refunded_minor)) problems.push(`${id}: journal refunded ${order.refunded_minor}, gateway ${g.refunded}`);
          break;
        case 'CANCELLED':
          if (g && g.status !== 'CANCELLED' && g.status !== 'CLOSED') problems.push(`${id}: CANCELLED in the journal, ${g.status} at the gateway`);
          if (!g) neverCreated += 1;
          if (!g && tombstones.has(id)) notFoundCancels += 1;
          break;
        case 'FAILED':
          if (g && g.status !== 'CANCELLED' && g.status !== 'CLOSED') problems.push(`${id}: FAILED in the journal, ${g.status} at the gateway`);
          break;
        default:
          problems.push(`${id}: still ${order.state}`);
      }
    }
    const journalIds = new Set(orders.map((o) => o.merchant_trans_id));
    for (const g of gatewayOrders.values()) {
      if (!journalIds.has(g.merchantTransId)) problems.push(`${g.merchantTransId}: at the gateway (${g.status}), not in the journal`);
      if (g.reversed) problems.push(`${g.merchantTransId}: reversed at the gateway`);
    }
    for (const t of tombstones) if (!journalIds.has(t)) problems.push(`${t}: a cancel reached the gateway, the order is not in the journal`);
    // Refunds: every gateway refund is a SUCCEEDED journal refund with the same amount, and back.
    const journalRefunds = new Map(report.refunds.map((r) => [r.merchant_refund_id, r]));
    const gatewayRefunds = new Map<string, string>();
    for (const g of gatewayOrders.values()) for (const r of g.refunds) gatewayRefunds.set(r.merchantRefundId, r.amount);
    for (const [refundId, amount] of gatewayRefunds) {
      const mine = journalRefunds.get(refundId);
      if (!mine) problems.push(`refund ${refundId}: at the gateway, not in the journal`);
      else if (mine.state !== 'SUCCEEDED' || String(mine.amount_minor) !== amount) problems.push(`refund ${refundId}: journal ${mine.state} ${mine.amount_minor}, gateway ${amount}`);
    }
    for (const r of report.refunds) {
      if (r.state === 'PENDING') problems.push(`refund ${r.merchant_refund_id}: still PENDING`);
      if (r.state === 'SUCCEEDED' && !gatewayRefunds.has(r.merchant_refund_id)) problems.push(`refund ${r.merchant_refund_id}: SUCCEEDED in the journal, unknown at the gateway`);
    }
    const paidAtGateway = [...gatewayOrders.values()].filter((g) => g.status === 'SUCCESS');
    const lost = paidAtGateway.filter((g) => !['PAID', 'REFUNDED'].includes(orders.find((o) => o.merchant_trans_id === g.merchantTransId)?.state ?? ''));
    const alarmCounts = Object.fromEntries(report.alarms.map((a) => [a.kind, a.n]));
    const paidAfterCancel = orders.filter((o) => o.alarm === 'PAID_AFTER_CANCEL').length;

    print(`orders ${orders.length} (distinct merchantTransIds ${report.distinct}), SIGKILLs ${kills}, till runs ${runs + 1}`);
    print(`final states ${JSON.stringify(byState)}`);
    print(
      `paid ${(byState.PAID ?? 0) + (byState.REFUNDED ?? 0)}, cancelled ${byState.CANCELLED ?? 0} (${neverCreated} never created at the gateway, ${notFoundCancels} of them after a cancel answered ORDER_NOT_EXIST), failed ${byState.FAILED ?? 0}`,
    );
    print(`customer paid ${customer.paid} (${customer.paidLate} late), was refused ${customer.refused}; paid-after-cancel orders ${paidAfterCancel}; alarms ${JSON.stringify(alarmCounts)}`);
    print(`refunds ${report.refunds.length} journaled, ${gatewayRefunds.size} at the gateway`);
    print(`attempts ${report.attempts.rows} rows, ${report.attempts.exchanges ?? 0} HTTP exchanges; gateway requests ${stats.requests}, replays ${stats.replays}`);
    print(`faults injected ${JSON.stringify(faultStats.faults)}, HTTP ${JSON.stringify(faultStats.http)}`);
    print(`gateway orders ${gatewayOrders.size} (${paidAtGateway.length} SUCCESS), cancels of unknown orders ${tombstones.size}, REPEAT_REQ_INCONSISTENT ${stats.repeatInconsistent}, paid at the gateway but not in the journal ${lost.length}`);
    print(`integrity_check ${report.integrity.map((r) => r.integrity_check).join('; ')}, event-log problems ${report.chainProblems.length}, mismatches ${problems.length}`);
    print(`engine step errors ${report.stepErrors.length}${report.stepErrors.length ? ` (first: ${report.stepErrors[0]})` : ''}; create/refund calls refused ${localFailures.length}${localFailures.length ? ` (first: ${localFailures[0]})` : ''}`);
    print(`elapsed ${elapsed()}`);

    assert.ok(orders.length >= TARGET_ORDERS, `${orders.length} orders`);
    assert.ok(kills > 0, 'the till was never killed');
    assert.deepEqual(report.integrity, [{ integrity_check: 'ok' }]);
    assert.equal(report.distinct, orders.length, 'merchantTransIds are unique');
    assert.equal(stats.repeatInconsistent, 0, 'the gateway saw REPEAT_REQ_INCONSISTENT');
    assert.deepEqual(lost, [], 'orders paid at the gateway but not in the journal');
    assert.deepEqual(problems.slice(0, 50), [], `${problems.length} mismatches between the journal and the gateway`);
    assert.deepEqual(report.chainProblems.slice(0, 50), [], 'the event log and the order states disagree');
    assert.equal(alarmCounts.PAID_AFTER_CANCEL ?? 0, paidAfterCancel, 'every paid-after-cancel order has its alarm for the supervisor');
    assert.equal(alarmCounts.CONFIG ?? 0, 0, 'configuration alarms from transport faults');
    assert.deepEqual(report.stepErrors.slice(0, 10), [], 'engine steps that failed locally');
    assert.deepEqual(localFailures.slice(0, 10), [], 'create or refund calls the till refused');
    assert.equal(alarmCounts.REPEAT_INCONSISTENT ?? 0, 0, 'REPEAT_INCONSISTENT alarms');
    for (const kind of ['unknown', 'http5xx', 'drop', 'timeout', 'garbage', 'badSignature'] as const) {
      assert.ok(faultStats.faults[kind] > 0, `no ${kind} fault was injected`);
    }
    assert.ok((byState.PAID ?? 0) + (byState.REFUNDED ?? 0) > 0 && (byState.CANCELLED ?? 0) > 0, 'both paid and cancelled orders');
  } finally {
    customer?.stop();
    await sandbox?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.env.TILL_KEYRING_SESSION === '1') {
  test(`${TARGET_ORDERS} orders against a faulty gateway, the till SIGKILLed at random: journal and gateway agree`, { timeout: TEST_TIMEOUT_MS }, crashTest);
} else {
  testInKeyringSession(__filename, 'the crash test', 'crash', TEST_TIMEOUT_MS);
}
