// The store server (issue 13) against a real PostgreSQL cluster and against PGlite, the
// same tests on both: enrolment, exactly-once sync, who may write what, bad batches, and a
// report recomputed from the orders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { adminCall } from '../../server/http/admin-client';
import { createEnrolCode } from '../../server/store/enrolment';
import type { StoreReport } from '../../server/store/report';
import { MAX_BATCH_CHANGES } from '../../server/protocol/sync-protocol';
import { startStoreServer } from '../../server/http/start-server';
import { STORE_DATABASE_KINDS, serverFor, sharedCluster, type TestStoreServer } from '../support/store-databases';
import { batch, orderChange, orderChanges, post } from '../support/store-wire';
import { assertDayTotalsMatchRows } from '../support/day-totals-check';

let stores = 0;

async function enrol(server: TestStoreServer, store: string, name?: string): Promise<{ terminal: string; token: string; code: string }> {
  const { code } = await adminCall<{ code: string }>(server.dir, 'POST', '/admin/enrol', { store, name });
  const reply = await post(server.url, '/v1/enrol', { code, tillTerminalId: 'T01', deviceName: 'test' });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return { terminal: reply.body.terminal as string, token: reply.body.token as string, code };
}

async function count(server: TestStoreServer, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await server.database.query<{ n: number }>(sql, params as never);
  return rows[0]!.n;
}

for (const kind of STORE_DATABASE_KINDS) {
  describe(`store server on ${kind}`, { timeout: 120_000 }, () => {
    const server = serverFor(kind);
    const newStore = () => `S${++stores}-${kind}`;

    test('enrolment: a one-time code becomes a per-terminal credential, once; only hashes are kept', async () => {
      const store = newStore();
      const { code, token, terminal } = await enrol(server(), store, 'Till 1');
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      assert.match(terminal, /^trm_[0-9a-f]{12}$/);
      const again = await post(server().url, '/v1/enrol', { code, tillTerminalId: 'T02', deviceName: 'x' });
      assert.deepEqual([again.status, (again.body.error as { code: string }).code], [403, 'ENROL_CODE_USED']);
      // Neither the code nor the credential is stored as such.
      const dump = JSON.stringify(await server().database.query('SELECT * FROM terminals') ) + JSON.stringify(await server().database.query('SELECT * FROM enrol_codes'));
      assert.ok(!dump.includes(token) && !dump.includes(code));
    });

    test('enrolment: an unknown or expired code is refused by name; a code typed in lower case without dashes works', async () => {
      const unknown = await post(server().url, '/v1/enrol', { code: 'AAAA-BBBB-CCCC', tillTerminalId: 'T01', deviceName: 'x' });
      assert.deepEqual([unknown.status, (unknown.body.error as { code: string }).code], [403, 'ENROL_CODE_INVALID']);
      const old = await createEnrolCode(server().database, { store: newStore(), now: Date.now() - 16 * 60_000 });
      const expired = await post(server().url, '/v1/enrol', { code: old.code, tillTerminalId: 'T01', deviceName: 'x' });
      assert.deepEqual([expired.status, (expired.body.error as { code: string }).code], [403, 'ENROL_CODE_EXPIRED']);
      const fresh = await createEnrolCode(server().database, { store: newStore(), now: Date.now() });
      const typed = await post(server().url, '/v1/enrol', { code: fresh.code.replace(/-/g, '').toLowerCase(), tillTerminalId: 'T01', deviceName: 'x' });
      assert.equal(typed.status, 200);
      const badStore = await adminCall(server().dir, 'POST', '/admin/enrol', { store: '../etc' }).catch((e: { code: string }) => e.code);
      assert.equal(badStore, 'STORE_INVALID');
    });

    test('sync is exactly once in effect: a replay changes nothing, an overlap applies only what is new, a gap is 409 and changes nothing', async () => {
      const { terminal, token } = await enrol(server(), newStore());
      const first = await post(server().url, '/v1/sync', batch(terminal, orderChanges(1, [orderChange(1), orderChange(2), orderChange(3)])), token);
      assert.deepEqual(first.body, { lastSeq: 3, applied: 3 });
      // The answer was lost; the till sends the same batch again.
      const replay = await post(server().url, '/v1/sync', batch(terminal, orderChanges(1, [orderChange(1), orderChange(2), orderChange(3)])), token);
      assert.deepEqual(replay.body, { lastSeq: 3, applied: 0 });
      // Overlap: 3 again (now REFUNDED in the replayed copy must not win over nothing; it is ignored) and 4, 5 new.
      const overlap = await post(server().url, '/v1/sync', batch(terminal, orderChanges(3, [orderChange(3, { state: 'CANCELLED' }), orderChange(4), orderChange(5, { state: 'CANCELLED' })])), token);
      assert.deepEqual(overlap.body, { lastSeq: 5, applied: 2 });
      assert.equal(await count(server(), "SELECT count(*)::int AS n FROM orders WHERE terminal_id = $1 AND state = 'PAID'", [terminal]), 4);
      const gap = await post(server().url, '/v1/sync', batch(terminal, orderChanges(7, [orderChange(7)])), token);
      assert.equal(gap.status, 409);
      assert.equal((gap.body.error as { code: string }).code, 'SEQUENCE_GAP');
      assert.match((gap.body.error as { message: string }).message, /up to 5.*starts at 7.*from 6/);
      assert.equal(await count(server(), 'SELECT count(*)::int AS n FROM orders WHERE terminal_id = $1', [terminal]), 5);
      // A later change of the same row (seq 6: order 1 refunded) updates it in place.
      const later = await post(server().url, '/v1/sync', batch(terminal, orderChanges(6, [orderChange(1, { state: 'REFUNDED', refundedMinor: 239 })])), token);
      assert.deepEqual(later.body, { lastSeq: 6, applied: 1 });
      const row = await server().database.query<{ state: string; n: number }>("SELECT state, (SELECT count(*)::int FROM orders WHERE terminal_id = $1) AS n FROM orders WHERE terminal_id = $1 AND id = 1", [terminal]);
      assert.deepEqual(row, [{ state: 'REFUNDED', n: 5 }]);
      await assertDayTotalsMatchRows(server().database);
    });

    test('a credential writes only its own terminal; a wrong, missing or revoked credential writes nothing', async () => {
      const store = newStore();
      const a = await enrol(server(), store);
      const b = await enrol(server(), store);
      const forged = await post(server().url, '/v1/sync', batch(b.terminal, orderChanges(1, [orderChange(1)])), a.token);
      assert.deepEqual([forged.status, (forged.body.error as { code: string }).code], [403, 'TERMINAL_MISMATCH']);
      const wrong = await post(server().url, '/v1/sync', batch(a.terminal, orderChanges(1, [orderChange(1)])), `${a.token}x`);
      assert.deepEqual([wrong.status, (wrong.body.error as { code: string }).code], [401, 'TOKEN_INVALID']);
      const none = await post(server().url, '/v1/sync', batch(a.terminal, orderChanges(1, [orderChange(1)])));
      assert.deepEqual([none.status, (none.body.error as { code: string }).code], [401, 'TOKEN_MISSING']);
      await adminCall(server().dir, 'POST', '/admin/revoke', { id: a.terminal });
      const revoked = await post(server().url, '/v1/sync', batch(a.terminal, orderChanges(1, [orderChange(1)])), a.token);
      assert.deepEqual([revoked.status, (revoked.body.error as { code: string }).code], [401, 'TOKEN_REVOKED']);
      assert.equal(await count(server(), 'SELECT count(*)::int AS n FROM orders WHERE terminal_id IN ($1, $2)', [a.terminal, b.terminal]), 0);
    });

    test('malformed, out-of-order and oversized batches get a 4xx naming the cause, and change nothing', async () => {
      const { terminal, token } = await enrol(server(), newStore());
      const cases: Array<[unknown, number, string, RegExp]> = [
        ['{not json', 400, 'JSON_INVALID', /JSON/],
        [{ terminal, changes: {}, backlog: 0, sentAt: 1 }, 400, 'BATCH_INVALID', /must be a list/],
        [{ terminal, changes: [], backlog: 0, sentAt: 1, app: '1.0 <script>' }, 400, 'BATCH_INVALID', /batch\.app has the wrong form/],
        [{ terminal, changes: [], backlog: 0, sentAt: 1, app: 'x'.repeat(33) }, 400, 'BATCH_INVALID', /batch\.app must be text of 1 to 32/],
        [batch(terminal, orderChanges(1, [orderChange(1, { amountMinor: 2.39 })])), 400, 'BATCH_INVALID', /changes\[0\]\.data\.amountMinor/],
        [batch(terminal, orderChanges(1, [orderChange(1, { currency: 'usd' })])), 400, 'BATCH_INVALID', /currency/],
        [batch(terminal, orderChanges(1, [orderChange(1, { state: 'MAYBE' })])), 400, 'BATCH_INVALID', /state/],
        [batch(terminal, [{ seq: 1, entity: 'order', data: orderChange(1) }, { seq: 3, entity: 'order', data: orderChange(2) }]), 400, 'BATCH_OUT_OF_ORDER', /changes\[1\]\.seq is 3 after 1/],
        [batch(terminal, [{ seq: 1, entity: 'secrets', data: {} } as never]), 400, 'BATCH_INVALID', /entity/],
        [batch(terminal, orderChanges(1, Array.from({ length: MAX_BATCH_CHANGES + 1 }, (_, i) => orderChange(i + 1)))), 413, 'BATCH_TOO_LARGE', /at most 500/],
      ];
      for (const [body, status, code, message] of cases) {
        const reply = await post(server().url, '/v1/sync', body, token);
        const error = reply.body.error as { code: string; message: string };
        assert.equal(reply.status, status, `${code}: ${JSON.stringify(reply.body)}`);
        assert.equal(error.code, code);
        assert.match(error.message, message);
      }
      const huge = await fetch(`${server().url}/v1/sync`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: 'x'.repeat(9 * 1024 * 1024) });
      assert.equal(huge.status, 413);
      assert.equal(await count(server(), 'SELECT count(*)::int AS n FROM orders WHERE terminal_id = $1', [terminal]), 0);
      // And the server is still there for a good batch.
      assert.deepEqual((await post(server().url, '/v1/sync', batch(terminal, orderChanges(1, [orderChange(1)])), token)).body, { lastSeq: 1, applied: 1 });
    });

    test('a heartbeat (no changes) dates the terminal\'s last contact, its backlog and version, and moves nothing', async () => {
      const { terminal, token } = await enrol(server(), newStore());
      assert.deepEqual((await post(server().url, '/v1/sync', { ...batch(terminal, orderChanges(1, [orderChange(1)])), app: '0.9.0' }, token)).body, { lastSeq: 1, applied: 1 });
      await server().database.query('UPDATE terminals SET last_sync_at = 1 WHERE id = $1', [terminal]);
      const beat = await post(server().url, '/v1/sync', { terminal, changes: [], backlog: 3, sentAt: 2, app: '1.0.0-rc.1' }, token);
      assert.deepEqual(beat.body, { lastSeq: 1, applied: 0 });
      const [row] = await server().database.query<{ last_seq: string; last_sync_at: string; backlog: number; app_version: string }>('SELECT last_seq::text, last_sync_at::text, backlog, app_version FROM terminals WHERE id = $1', [terminal]);
      assert.deepEqual([row!.last_seq, row!.backlog, row!.app_version], ['1', 3, '1.0.0-rc.1']);
      assert.ok(Number(row!.last_sync_at) > 1);
      // Without a version, the one known stays.
      await post(server().url, '/v1/sync', { terminal, changes: [], backlog: 0, sentAt: 3 }, token);
      assert.equal((await server().database.query<{ app_version: string }>('SELECT app_version FROM terminals WHERE id = $1', [terminal]))[0]!.app_version, '1.0.0-rc.1');
    });

    test('a terminal whose clock jumps: order is the sequence, the sync time is the server\'s, the day is what the till journaled', async () => {
      const { terminal, token } = await enrol(server(), newStore());
      const past = await post(server().url, '/v1/sync', { ...batch(terminal, orderChanges(1, [orderChange(1, { createdAt: 0, updatedAt: 0 })])), sentAt: 0 }, token);
      assert.deepEqual(past.body, { lastSeq: 1, applied: 1 });
      const future = await post(server().url, '/v1/sync', { ...batch(terminal, orderChanges(2, [orderChange(2, { createdAt: 4_102_444_800_000 })])), sentAt: 4_102_444_800_000 }, token);
      assert.deepEqual(future.body, { lastSeq: 2, applied: 1 });
      const [row] = await server().database.query<{ last_sync_at: string; last_sent_at: string }>('SELECT last_sync_at::text, last_sent_at::text FROM terminals WHERE id = $1', [terminal]);
      assert.ok(Math.abs(Number(row!.last_sync_at) - Date.now()) < 60_000, 'the server\'s own clock dates the sync');
      assert.equal(row!.last_sent_at, '4102444800000');
    });

    test('the report adds up every terminal from its orders and refunds, per currency; a Z report\'s claimed totals are not believed', async () => {
      const store = newStore();
      const t1 = await enrol(server(), store, 'Till 1');
      const t2 = await enrol(server(), store, 'Till 2');
      await post(server().url, '/v1/sync', batch(t1.terminal, [
        ...orderChanges(1, [orderChange(1, { amountMinor: 1000 }), orderChange(2, { state: 'CANCELLED', amountMinor: 50 }), orderChange(3, { state: 'REFUNDED', amountMinor: 700, refundedMinor: 700 }), orderChange(4, { currency: 'JPY', amountMinor: 500 })]),
        { seq: 5, entity: 'refund', data: { id: 1, orderId: 3, merchantRefundId: 'R1', amountMinor: 700, currency: 'USD', state: 'SUCCEEDED', businessDay: '2026-12-04', refundId: 'RF1', resultCode: 'SUCCESS', reason: null, createdAt: 1, updatedAt: 2 } },
        { seq: 6, entity: 'day', data: { day: '2026-12-04', closedAt: 3, closedBy: 'cli', zReport: { currencies: [{ currency: 'USD', paid: { count: 99, amountMinor: 999_999 } }] } } },
      ]), t1.token);
      await post(server().url, '/v1/sync', batch(t2.terminal, [
        ...orderChanges(1, [orderChange(1, { amountMinor: 250 }), orderChange(2, { state: 'SENDING', amountMinor: 80 }), orderChange(3, { state: 'FAILED', amountMinor: 10 }), orderChange(4, { businessDay: '2026-12-03', amountMinor: 5000 })]),
        { seq: 5, entity: 'alarm', data: { id: 1, kind: 'CONFIG', code: 'INVALID_SIGNATURE', orderId: null, message: 'keys wrong', raisedAt: 1, clearedAt: null, clearedBy: null } },
      ], 7), t2.token);
      await assertDayTotalsMatchRows(server().database);
      const report = await adminCall<StoreReport>(server().dir, 'GET', `/admin/report?store=${store}&date=2026-12-04`);
      const usd = report.currencies.find((c) => c.currency === 'USD')!;
      assert.deepEqual(usd.paid, { count: 3, amountMinor: '1950' }); // 1000 + 700 (refunded later, still paid that day) + 250
      assert.deepEqual(usd.refunded, { count: 1, amountMinor: '700' });
      assert.equal(usd.netMinor, '1250');
      assert.deepEqual([usd.cancelled.count, usd.failed.count, usd.unresolved.count, usd.unresolved.amountMinor], [1, 1, 1, '80']);
      assert.deepEqual(report.currencies.find((c) => c.currency === 'JPY')!.paid, { count: 1, amountMinor: '500' });
      assert.deepEqual(report.terminals.map((t) => [t.name, t.orderCount]), [['Till 1', 4], ['Till 2', 3]]);
      assert.match(report.terminals[1]!.stale ?? '', /Till 2 last synced .* still holds 7 change/);
      assert.equal(report.terminals[0]!.stale, null);
      assert.deepEqual(report.exceptions.map((e) => [e.terminal, e.kind, e.code]), [['Till 2', 'UNRESOLVED', 'SENDING'], ['Till 2', 'OPEN_ALARM', 'INVALID_SIGNATURE']]);
      const bad = await adminCall(server().dir, 'GET', `/admin/report?store=${store}&date=04-12-2026`).catch((e: { code: string }) => e.code);
      assert.equal(bad, 'DATE_INVALID');
    });
  });
}

describe('the server is stateless: two instances on one PostgreSQL', { timeout: 120_000 }, () => {
  test('a terminal\'s batches go to either instance, the same batch to both at once: applied once, in order', async (t) => {
    const url = await (await sharedCluster()).createDatabase(`stateless_${process.pid}`);
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'till-stateless-')));
    const [a, b] = await Promise.all(dirs.map((dir) => startStoreServer({ listen: '127.0.0.1:0', databaseUrl: url, dataDir: dir, log: () => undefined })));
    t.after(async () => {
      await a!.close();
      await b!.close();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });
    // Enrolled through one instance, known to both.
    const { code } = await adminCall<{ code: string }>(dirs[0]!, 'POST', '/admin/enrol', { store: 'CHAIN-1' });
    const enrolled = await post(b!.url, '/v1/enrol', { code, tillTerminalId: 'T01', deviceName: 'x' });
    const terminal = enrolled.body.terminal as string;
    const token = enrolled.body.token as string;
    let seq = 1;
    for (let round = 0; round < 20; round++) {
      const changes = orderChanges(seq, [orderChange(seq), orderChange(seq + 1), orderChange(seq + 2)]);
      // A load balancer retrying on the other instance while the first still works on it.
      const [x, y] = await Promise.all([post(a!.url, '/v1/sync', batch(terminal, changes), token), post(b!.url, '/v1/sync', batch(terminal, changes), token)]);
      assert.deepEqual([x.body.lastSeq, y.body.lastSeq], [seq + 2, seq + 2]);
      assert.equal((x.body.applied as number) + (y.body.applied as number), 3, `round ${round}: applied once between them`);
      seq += 3;
    }
    const [row] = await a!.database.query<{ n: number; last: string }>('SELECT (SELECT count(*)::int FROM orders WHERE terminal_id = $1) AS n, last_seq::text AS last FROM terminals WHERE id = $1', [terminal]);
    assert.deepEqual(row, { n: 60, last: '60' });
  });
});
