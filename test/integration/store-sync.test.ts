// The till's side of the store server (issue 13 §3): the journal's outbox filled by
// triggers in the same transaction as each change, the sync worker sending it in order and
// dropping only what the server holds, a lost answer or a dead server costing nothing, and
// the server's figures equal to each terminal's own reconciliation. Real SQLite journals,
// a real server on a real PostgreSQL cluster.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { reconcileDay } from '../../main/journal/reconcile';
import type { Journal } from '../../main/journal/journal';
import { StoreClient } from '../../main/sync/store-client';
import { StoreSync } from '../../main/sync/store-sync';
import { toWire } from '../../main/sync/to-wire';
import { adminCall } from '../../server/http/admin-client';
import type { StoreReport } from '../../server/store/report';
import { attempt, openJournal, orderIn, type OpenedJournal } from '../unit/journal-kit';
import { storeServer, type TestStoreServer } from '../support/store-databases';
import { post } from '../support/store-wire';

let server: TestStoreServer;
let stores = 0;

interface Terminal {
  j: OpenedJournal;
  journal: Journal;
  terminal: string;
  token: string;
  sync(options?: Partial<ConstructorParameters<typeof StoreSync>[0]>): StoreSync;
}

async function joinedTill(store: string, name: string): Promise<Terminal> {
  const j = openJournal();
  const { code } = await adminCall<{ code: string }>(server.dir, 'POST', '/admin/enrol', { store, name });
  const reply = await post(server.url, '/v1/enrol', { code, tillTerminalId: 'T01', deviceName: 'test' });
  const terminal = reply.body.terminal as string;
  const token = reply.body.token as string;
  const link = { url: server.url, terminal, store, name };
  // What joinStore does once the credential is kept (main/sync/join-store.ts).
  j.journal.outbox.startSync();
  return {
    j,
    journal: j.journal,
    terminal,
    token,
    sync: (options = {}) => new StoreSync({ journal: j.journal, link: () => link, client: async () => new StoreClient({ url: server.url, token }), ...options }),
  };
}

async function serverRows(terminal: string) {
  return server.database.query<{ id: string; state: string; amount_minor: string; refunded_minor: string; events: number }>(
    'SELECT o.id::text, o.state, o.amount_minor::text, o.refunded_minor::text, (SELECT count(*)::int FROM events e WHERE e.terminal_id = o.terminal_id AND e.order_id = o.id) AS events FROM orders o WHERE o.terminal_id = $1 ORDER BY o.id',
    [terminal],
  );
}

function journalRows(journal: Journal) {
  return journal.listOrders({ limit: 10_000 }).sort((a, b) => a.id - b.id).map((o) => ({ id: String(o.id), state: o.state, amount_minor: String(o.amountMinor), refunded_minor: String(o.refundedMinor), events: journal.events(o.id).length }));
}

describe('the till sends its journal to the store server', { timeout: 120_000 }, () => {
  before(async () => {
    server = await storeServer('postgres');
  });

  test('joining notes everything already journaled; each later change is noted in its own transaction; an unsent note is not doubled', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    const before = orderIn(t.journal, 'PAID');
    t.journal.outbox.stopSync();
    assert.equal(t.journal.outbox.cursor().backlog, 0);
    t.journal.outbox.startSync();
    const backfilled = t.journal.outbox.cursor().backlog;
    // The order, its transitions' events; nothing else yet.
    assert.equal(backfilled, 1 + t.journal.events(before.id).length);
    const awaiting = orderIn(t.journal, 'AWAITING_PAYMENT');
    const afterCreate = t.journal.outbox.cursor().backlog;
    // The order's own note is still unsent: its next updates add only their events.
    t.journal.transition(awaiting.id, 'AWAITING_PAYMENT', { state: 'PAID', paidAt: 'x', acquirementId: 'A' }, { actor: 'engine', kind: 'paid' });
    assert.equal(t.journal.outbox.cursor().backlog, afterCreate + 1);
    // Polls folded into one attempt row: one note, however many answers.
    t.journal.recordAttempt(awaiting.id, null, attempt({ status: 'WAITING' }));
    const n = t.journal.outbox.cursor().backlog;
    t.journal.recordAttempt(awaiting.id, null, attempt({ status: 'WAITING' }));
    t.journal.recordAttempt(awaiting.id, null, attempt({ status: 'WAITING' }));
    assert.equal(t.journal.outbox.cursor().backlog, n);
  });

  test('a change made while its row is being sent gets a note of its own: nothing changed during a send is lost', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    const order = orderIn(t.journal, 'AWAITING_PAYMENT');
    const taken = t.journal.outbox.takeChanges(500);
    // Between reading the batch and the server's answer, the customer pays.
    t.journal.transition(order.id, 'AWAITING_PAYMENT', { state: 'PAID', paidAt: 'x', acquirementId: 'A' }, { actor: 'engine', kind: 'paid' });
    const client = new StoreClient({ url: server.url, token: t.token });
    const reply = await client.sync({ terminal: t.terminal, changes: taken.changes.map(toWire), backlog: 0, sentAt: Date.now() });
    await client.close();
    t.journal.outbox.acknowledge(reply.lastSeq, Date.now());
    assert.ok(t.journal.outbox.cursor().backlog >= 2, 'the order again and its event');
    assert.equal((await t.sync().syncNow()).error, null);
    assert.deepEqual(await serverRows(t.terminal), journalRows(t.journal));
  });

  test('an answer lost after the server applied the batch: the batch goes again and changes nothing', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    for (const state of ['PAID', 'CANCELLED', 'FAILED', 'PAID'] as const) orderIn(t.journal, state);
    const taken = t.journal.outbox.takeChanges(500);
    const client = new StoreClient({ url: server.url, token: t.token });
    // The server applies it; the till never hears (crash, cut cable) and acknowledges nothing.
    await client.sync({ terminal: t.terminal, changes: taken.changes.map(toWire), backlog: 0, sentAt: Date.now() });
    await client.close();
    const pass = await t.sync().syncNow();
    assert.deepEqual([pass.error, pass.backlog, pass.sent], [null, 0, taken.changes.length]);
    assert.deepEqual(await serverRows(t.terminal), journalRows(t.journal));
    const [events] = await server.database.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE terminal_id = $1', [t.terminal]);
    assert.equal(events?.n, journalRows(t.journal).reduce((sum, o) => sum + o.events, 0));
  });

  test('an idle till sends a heartbeat on its first pass and then every heartbeatMs, with its version; between them it opens no connection', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    let clock = 1_000_000;
    let clients = 0;
    const worker = new StoreSync({
      journal: t.journal, link: () => ({ url: server.url, terminal: t.terminal, store: 's', name: 'n' }), app: '2.3.4', heartbeatMs: 60_000, now: () => clock,
      client: async () => (clients++, new StoreClient({ url: server.url, token: t.token })),
    });
    const row = async () => (await server.database.query<{ app_version: string | null; last_sync_at: string | null }>('SELECT app_version, last_sync_at::text FROM terminals WHERE id = $1', [t.terminal]))[0]!;
    assert.equal((await row()).app_version, null);
    assert.deepEqual(await worker.syncNow(), { sent: 0, backlog: 0, error: null });
    const first = await row();
    assert.equal(first.app_version, '2.3.4');
    assert.equal(clients, 1);
    clock += 59_000;
    await worker.syncNow();
    assert.equal(clients, 1, 'no connection before the heartbeat is due');
    clock += 1_000;
    await server.database.query('UPDATE terminals SET last_sync_at = 0 WHERE id = $1', [t.terminal]);
    await worker.syncNow();
    assert.equal(clients, 2);
    assert.ok(Number((await row()).last_sync_at) > 0, 'the heartbeat dated the contact');
  });

  test('a server that cannot be reached only grows the backlog; sales go on; afterwards it all arrives', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    const dead = new StoreSync({ journal: t.journal, link: () => ({ url: 'http://127.0.0.1:9', terminal: t.terminal, store: 's', name: 'n' }), client: async () => new StoreClient({ url: 'http://127.0.0.1:9', token: t.token, timeoutMs: 2_000 }) });
    orderIn(t.journal, 'PAID');
    const failed = await dead.syncNow();
    assert.match(failed.error ?? '', /store server cannot be reached/);
    assert.ok(failed.backlog > 0);
    orderIn(t.journal, 'PAID'); // the next sale is journaled as ever
    assert.match(t.journal.outbox.cursor().lastError ?? '', /cannot be reached/);
    // Not yet an hour of failures: no alarm.
    assert.equal(t.journal.openAlarms().filter((a) => a.kind === 'STORE_SYNC').length, 0);
    assert.equal((await t.sync().syncNow()).error, null);
    assert.equal(t.journal.outbox.cursor().backlog, 0);
    assert.equal(t.journal.outbox.cursor().lastError, null);
    assert.deepEqual(await serverRows(t.terminal), journalRows(t.journal));
  });

  test('a refusal no retry can fix (the credential revoked) raises a STORE_SYNC alarm at once; a long outage raises one too', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    orderIn(t.journal, 'PAID');
    await adminCall(server.dir, 'POST', '/admin/revoke', { id: t.terminal });
    const pass = await t.sync().syncNow();
    assert.match(pass.error ?? '', /TOKEN_REVOKED/);
    const alarm = t.journal.openAlarms().find((a) => a.kind === 'STORE_SYNC');
    assert.equal(alarm?.code, 'TOKEN_REVOKED');
    assert.match(alarm?.message ?? '', /not yet at the store server.*enrol it again/);
    const other = await joinedTill(`SYNC${++stores}`, 'Till 2');
    orderIn(other.journal, 'PAID');
    const outage = new StoreSync({ journal: other.journal, link: () => ({ url: 'http://127.0.0.1:9', terminal: other.terminal, store: 's', name: 'n' }), client: async () => new StoreClient({ url: 'http://127.0.0.1:9', token: other.token, timeoutMs: 2_000 }), alarmAfterMs: 0 });
    await outage.syncNow();
    assert.equal(other.journal.openAlarms().find((a) => a.kind === 'STORE_SYNC')?.code, 'GATEWAY_UNREACHABLE');
  });

  test('the store report equals the sum of every terminal\'s own reconciliation', async () => {
    const store = `SYNC${++stores}`;
    const tills = [await joinedTill(store, 'Till 1'), await joinedTill(store, 'Till 2'), await joinedTill(store, 'Till 3')];
    const states = ['PAID', 'PAID', 'CANCELLED', 'FAILED', 'AWAITING_PAYMENT', 'PAID'] as const;
    tills.forEach((t, i) => {
      states.forEach((state, k) => orderIn(t.journal, state, { amountMinor: 100 * (i + 1) + k, currency: k === 5 ? 'JPY' : 'USD' }));
      const paid = t.journal.listOrders({ limit: 100 }).find((o) => o.state === 'PAID' && o.currency === 'USD')!;
      const refund = t.journal.createRefund({ orderId: paid.id, merchantRefundId: `${paid.merchantTransId}R01`, amountMinor: 7, currency: 'USD', reason: null, bodyText: '{}', actor: 'supervisor' });
      t.journal.settleRefund(refund.id, 'SUCCEEDED', { refundId: 'RF', resultCode: 'SUCCESS' }, 'engine');
    });
    for (const t of tills) assert.equal((await t.sync().syncNow()).error, null);
    const day = tills[0]!.journal.businessDayFor();
    const report = await adminCall<StoreReport>(server.dir, 'GET', `/admin/report?store=${store}&date=${day}`);
    for (const currency of ['USD', 'JPY']) {
      const sum = { paid: 0, paidN: 0, refunded: 0, net: 0, cancelled: 0, failed: 0, unresolved: 0 };
      for (const t of tills) {
        const c = reconcileDay(t.journal, day).currencies.find((x) => x.currency === currency)!;
        sum.paid += c.paid.amountMinor;
        sum.paidN += c.paid.count;
        sum.refunded += c.refunded.amountMinor;
        sum.net += c.netMinor;
        sum.cancelled += c.cancelled.amountMinor;
        sum.failed += c.failed.amountMinor;
        sum.unresolved += c.unresolved.amountMinor;
      }
      const line = report.currencies.find((x) => x.currency === currency)!;
      assert.deepEqual(
        { paid: Number(line.paid.amountMinor), paidN: line.paid.count, refunded: Number(line.refunded.amountMinor), net: Number(line.netMinor), cancelled: Number(line.cancelled.amountMinor), failed: Number(line.failed.amountMinor), unresolved: Number(line.unresolved.amountMinor) },
        sum,
        currency,
      );
    }
    for (const t of tills) assert.deepEqual(await serverRows(t.terminal), journalRows(t.journal));
  });

  test('two senders on one journal (the app and `till store sync`): answers ahead of a batch are normal, no alarm, nothing doubled', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    for (let i = 0; i < 12; i++) orderIn(t.journal, 'PAID');
    const a = t.sync({ batchSize: 3 });
    const b = t.sync({ batchSize: 5 });
    const [x, y] = await Promise.all([a.syncNow(), b.syncNow()]);
    assert.deepEqual([x.error, y.error], [null, null]);
    assert.equal(t.journal.openAlarms().filter((al) => al.kind === 'STORE_SYNC').length, 0);
    assert.deepEqual(await serverRows(t.terminal), journalRows(t.journal));
  });

  test('a journal restored from an older copy: the server holds more than the till ever made, and a person is told', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    orderIn(t.journal, 'PAID');
    const backup = openJournal();
    backup.close();
    fs.rmSync(path.join(backup.dir, 'till.sqlite'), { force: true });
    t.journal.db.prepare('VACUUM INTO ?').run(path.join(backup.dir, 'till.sqlite'));
    for (let i = 0; i < 3; i++) orderIn(t.journal, 'PAID');
    assert.equal((await t.sync().syncNow()).error, null);
    const restored = backup.reopen();
    orderIn(restored.journal, 'PAID');
    const worker = new StoreSync({ journal: restored.journal, link: () => ({ url: server.url, terminal: t.terminal, store: 's', name: 'n' }), client: async () => new StoreClient({ url: server.url, token: t.token }) });
    const pass = await worker.syncNow();
    assert.match(pass.error ?? '', /restored from a backup/);
    assert.equal(restored.journal.openAlarms().find((al) => al.kind === 'STORE_SYNC')?.code, 'SERVER_AHEAD');
  });

  test('leaving stops the notes and drops the unsent ones; the server keeps what it has', async () => {
    const t = await joinedTill(`SYNC${++stores}`, 'Till 1');
    orderIn(t.journal, 'PAID');
    await t.sync().syncNow();
    orderIn(t.journal, 'PAID');
    t.journal.outbox.stopSync();
    orderIn(t.journal, 'PAID');
    const cursor = t.journal.outbox.cursor();
    assert.deepEqual([cursor.enabled, cursor.backlog], [false, 0]);
    assert.equal((t.journal.db.prepare('SELECT count(*) AS n FROM sync_outbox').get() as { n: number }).n, 0);
    assert.equal((await serverRows(t.terminal)).length, 1);
  });
});
