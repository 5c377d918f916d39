import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTillDatabase } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import { StoreClient } from '../../main/sync/store-client';
import { StoreSync } from '../../main/sync/store-sync';
import { startStoreServer, type RunningStoreServer } from '../../server/http/start-server';
import type { Change } from '../../server/protocol/sync-protocol';
import { startPostgres } from '../support/postgres-cluster';
import { enrolTerminals, largeStoreBench } from './large-store';
import { benchStoreScreen } from './store-screen-bench';
import { batch, orderChange, post } from '../support/store-wire';
import { line, percentile } from './measure';

/**
 * The store server's figures (issue 13): ingest from 50 terminals at once on PostgreSQL and
 * on PGlite, each beside the machine's limit measured in the same run (the same rows put
 * into the same database by one INSERT per batch, no HTTP, no checks); sync lag under a
 * steady 20 sales/s; the store report and search on a large database (large-store.ts); and what sync costs
 * a sale (the journal create with the outbox on and off, alternating).
 */

const TERMINALS = 50;
const BATCH = 500;

function changesFor(from: number, count: number): Change[] {
  const changes: Change[] = [];
  for (let i = 0; i < count; i++) {
    const id = from + i;
    // As a till sends them: an order, then its events.
    changes.push(i % 3 === 0
      ? { seq: id, entity: 'order', data: orderChange(id) }
      : { seq: id, entity: 'event', data: { id, orderId: id - (i % 3), at: 1_780_000_000_000 + id, actor: 'engine', kind: 'paid', fromState: 'AWAITING_PAYMENT', toState: 'PAID', detail: { resultCode: 'SUCCESS' } } });
  }
  return changes;
}

async function ingest(servers: RunningStoreServer[], label: string, batchesEach: number, withLimit = true): Promise<void> {
  const server = servers[0]!;
  const slug = label.replace(/[^A-Za-z0-9]+/g, '-');
  const terminals = await enrolTerminals(server, `BENCH-${slug}`, TERMINALS);
  const start = process.hrtime.bigint();
  await Promise.all(
    terminals.map(async (t, i) => {
      for (let b = 0; b < batchesEach; b++) {
        // Several instances: a terminal's batches go to any of them, as behind a load balancer.
        const to = servers[(i + b) % servers.length]!;
        const reply = await post(to.url, '/v1/sync', batch(t.terminal, changesFor(b * BATCH + 1, BATCH)), t.token);
        if (reply.status !== 200) throw new Error(`ingest refused: ${JSON.stringify(reply.body)}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = (TERMINALS * batchesEach * BATCH) / seconds;
  if (!withLimit) {
    line(`sync ingest, ${TERMINALS} terminals at once, ${label}`, `${Math.round(rate)}/s`);
    return;
  }
  // The limit: the same rows straight into the same database, one statement per batch.
  const limitTerminals = await enrolTerminals(server, `LIMIT-${slug}`, TERMINALS);
  const limitStart = process.hrtime.bigint();
  await Promise.all(
    limitTerminals.map(async (t) => {
      for (let b = 0; b < batchesEach; b++) {
        const rows = changesFor(b * BATCH + 1, BATCH);
        const orders = rows.filter((c) => c.entity === 'order').map((c) => c.data);
        const events = rows.filter((c) => c.entity === 'event').map((c) => c.data);
        await server.database.transaction(async (tx) => {
          await tx.query(
            "INSERT INTO orders SELECT $1, r.id, r.\"merchantTransId\", r.\"businessDay\", r.\"terminalId\", r.seq, r.\"amountMinor\", r.currency, r.\"refundedMinor\", r.state, r.title, r.\"acquirementId\", r.\"resultCode\", r.\"resultMessage\", r.\"paidAt\", r.alarm, r.\"cancelRequested\", r.\"bodyText\", r.\"createdAt\", r.\"updatedAt\" " +
              'FROM json_to_recordset($2::json) AS r(id bigint, "merchantTransId" text, "businessDay" text, "terminalId" text, seq int, "amountMinor" bigint, currency text, "refundedMinor" bigint, state text, title text, "acquirementId" text, "resultCode" text, "resultMessage" text, "paidAt" text, alarm text, "cancelRequested" boolean, "bodyText" text, "createdAt" bigint, "updatedAt" bigint)',
            [t.terminal, JSON.stringify(orders)],
          );
          await tx.query(
            'INSERT INTO events SELECT $1, r.id, r."orderId", r.at, r.actor, r.kind, r."fromState", r."toState", r.detail FROM json_to_recordset($2::json) AS r(id bigint, "orderId" bigint, at bigint, actor text, kind text, "fromState" text, "toState" text, detail jsonb)',
            [t.terminal, JSON.stringify(events)],
          );
        });
      }
    }),
  );
  const limitSeconds = Number(process.hrtime.bigint() - limitStart) / 1e9;
  const limit = (TERMINALS * batchesEach * BATCH) / limitSeconds;
  line(`sync ingest, ${TERMINALS} terminals at once, ${label}`, `${Math.round(rate)}/s`, label === 'PostgreSQL' ? '>= 5,000/s' : undefined);
  line(`  limit: the same rows by one INSERT per batch, ${label}`, `${Math.round(limit)}/s`);
  line('  ingest / limit', `${(rate / limit).toFixed(2)}x`);
}

async function syncLag(server: RunningStoreServer): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-lag-'));
  const db = openTillDatabase(dir);
  const journal = new Journal(db);
  const [t] = await enrolTerminals(server, 'BENCH-LAG', 1);
  journal.outbox.startSync();
  const link = { url: server.url, terminal: t!.terminal, store: 'BENCH-LAG', name: 'Till 1' };
  const worker = new StoreSync({ journal, link: () => link, client: async () => new StoreClient({ url: server.url, token: t!.token }) });
  worker.start();
  const pending: Array<{ seq: number; at: number }> = [];
  const lags: number[] = [];
  const watch = setInterval(() => {
    const acked = journal.outbox.cursor().acked;
    while (pending.length > 0 && pending[0]!.seq <= acked) lags.push(performance.now() - pending.shift()!.at);
  }, 5);
  const seconds = 15;
  const rate = 20;
  for (let i = 0; i < seconds * rate; i++) {
    const at = performance.now();
    const { order } = journal.createNextOrder('TLAG', () => ({ amountMinor: 239, currency: 'USD', title: 'Coffee', detail: null, items: [], bodyText: '{"order":{}}', cartId: null }), 'cashier');
    journal.transition(order.id, 'NEW', { state: 'SENDING' }, { actor: 'engine', kind: 'sending' });
    const { seq } = db.prepare('SELECT max(seq) - (SELECT base_seq FROM sync_state) AS seq FROM sync_outbox').get() as { seq: number };
    pending.push({ seq, at });
    worker.nudge();
    await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
  }
  const deadline = Date.now() + 30_000;
  while (pending.length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(watch);
  await worker.stop();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  lags.sort((a, b) => a - b);
  line(`sync lag at a steady ${rate} sales/s (sale journaled -> held by the server), p50`, `${percentile(lags, 50).toFixed(0)} ms`);
  line(`sync lag, p95 (${lags.length} sales${pending.length ? `, ${pending.length} never arrived` : ''})`, `${percentile(lags, 95).toFixed(0)} ms`, '<= 2 s');
}

/** The journal create, with the outbox's triggers on and off, alternating rounds of 500. */
export function tillSideCost(): void {
  const times = { on: [] as number[], off: [] as number[] };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-cost-'));
  const db = openTillDatabase(dir);
  const journal = new Journal(db);
  // Round 0 warms up (not counted); then on and off alternate.
  for (let round = 0; round < 11; round++) {
    const on = round % 2 === 1;
    if (on) journal.outbox.startSync();
    else journal.outbox.stopSync();
    for (let i = 0; i < 250; i++) {
      const t0 = process.hrtime.bigint();
      const { order } = journal.createNextOrder('TCOST', () => ({ amountMinor: 239, currency: 'USD', title: 'Coffee', detail: null, items: [], bodyText: '{"order":{"orderTitle":"Coffee"}}', cartId: null }), 'cashier');
      journal.transition(order.id, 'NEW', { state: 'SENDING' }, { actor: 'engine', kind: 'sending' });
      if (round > 0) (on ? times.on : times.off).push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    if (on) journal.outbox.acknowledge(journal.outbox.cursor().acked + journal.outbox.cursor().backlog, Date.now());
  }
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const list of [times.on, times.off]) list.sort((a, b) => a - b);
  line('a sale in the journal (create + SENDING: two durable commits) without sync, p95', `${percentile(times.off, 95).toFixed(3)} ms`);
  line('the same with the outbox on (joined to a store), p95', `${percentile(times.on, 95).toFixed(3)} ms`);
  line('  with / without (the Charge -> QR figures above are the goal)', `${(percentile(times.on, 95) / percentile(times.off, 95)).toFixed(2)}x`);
}

export async function benchSync(): Promise<void> {
  const cluster = await startPostgres();
  const dirs: string[] = [];
  const open = async (databaseUrl?: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-store-'));
    dirs.push(dir);
    return startStoreServer({ listen: '127.0.0.1:0', databaseUrl, dataDir: dir, log: () => undefined });
  };
  try {
    const pgUrl = await cluster.createDatabase('bench_ingest');
    const pg = await open(pgUrl);
    await ingest([pg], 'PostgreSQL', 8);
    // Stateless: a second instance on the same database, batches spread over both.
    const second = await open(pgUrl);
    await ingest([pg, second], 'PostgreSQL, 2 server instances', 8, false);
    await second.close();
    await syncLag(pg);
    await pg.close();
    const lite = await open();
    await ingest([lite], 'PGlite', 2);
    await lite.close();
    tillSideCost();
    await benchStoreScreen(cluster);
    await largeStoreBench(cluster, Number(process.env.BENCH_STORE_ORDERS ?? 10_000_000));
  } finally {
    await cluster.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
