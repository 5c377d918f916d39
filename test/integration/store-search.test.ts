// Search across terminals and days (issue 14 §4) against a model of it: 3 terminals of one
// store and one of another, orders over 3 days with many sharing the same instant, then every
// filter paged to the end with the cursor. Each page must be exactly the model's next 50
// (newest day first, newest order first, then terminal and id descending), no row twice, none
// lost, nothing of the other store. Runs on PostgreSQL and on PGlite.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEnrolCode, redeemEnrolCode } from '../../server/store/enrolment';
import { searchOrders, type OrderRow, type SearchQuery } from '../../server/store/orders';
import type { OrderChange } from '../../server/protocol/sync-protocol';
import { STORE_DATABASE_KINDS, serverFor } from '../support/store-databases';
import { batch, orderChange, orderChanges, post } from '../support/store-wire';

const DAYS = ['2026-12-02', '2026-12-03', '2026-12-04'];
const STATES = ['PAID', 'PAID', 'CANCELLED', 'FAILED', 'REFUNDED'];

interface Made extends OrderChange { terminal: string }

function ordersOf(t: number, count: number): OrderChange[] {
  return Array.from({ length: count }, (_, i) => {
    const id = i + 1;
    const day = DAYS[Math.floor((i * DAYS.length) / count)]!;
    const state = STATES[(id * (t + 2)) % STATES.length]!;
    return orderChange(id, {
      merchantTransId: `T0${t}${day.replaceAll('-', '')}${String(id).padStart(6, '0')}`,
      businessDay: day,
      terminalId: `T0${t}`,
      state,
      amountMinor: 100 + (id % 7),
      refundedMinor: state === 'REFUNDED' ? 100 + (id % 7) : 0,
      acquirementId: state === 'PAID' ? `2026${t}${String(id).padStart(10, '0')}` : null,
      // Few distinct instants: the cursor must order ties by terminal, then id.
      createdAt: Date.parse(`${day}T09:00:00Z`) + (Math.floor(i / 4) % 9) * 60_000,
    });
  });
}

function compare(a: Made, b: Made): number {
  return b.businessDay.localeCompare(a.businessDay) || b.createdAt - a.createdAt || b.terminal.localeCompare(a.terminal) || b.id - a.id;
}

function model(all: Made[], query: SearchQuery): Made[] {
  const reversed = query.q ? [...query.q].reverse().join('') : '';
  return all
    .filter((o) => !query.q || [...o.merchantTransId].reverse().join('').startsWith(reversed) || o.acquirementId === query.q)
    .filter((o) => !query.state || o.state === query.state)
    .filter((o) => !query.amountMinor || String(o.amountMinor) === query.amountMinor)
    .filter((o) => !query.terminal || o.terminal === query.terminal)
    .filter((o) => (!query.from || o.businessDay >= query.from) && (!query.to || o.businessDay <= query.to))
    .sort(compare);
}

for (const kind of STORE_DATABASE_KINDS) {
  describe(`search across terminals and days, against its model (${kind})`, { timeout: 120_000 }, () => {
    const server = serverFor(kind);
    const all: Made[] = [];
    let terminals: string[] = [];

    test('three terminals of STORE-S and one of STORE-X sync their orders', async () => {
      const db = server().database;
      for (const [t, store] of [[1, 'STORE-S'], [2, 'STORE-S'], [3, 'STORE-S'], [4, 'STORE-X']] as const) {
        const { code } = await createEnrolCode(db, { store, name: `Till ${t}`, now: Date.now() });
        const { terminal, token } = await redeemEnrolCode(db, { code, tillTerminalId: `T0${t}`, deviceName: 'test', now: Date.now() });
        const orders = ordersOf(t, 90 + t * 7);
        const reply = await post(server().url, '/v1/sync', batch(terminal, orderChanges(1, orders)), token);
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        if (store === 'STORE-S') {
          terminals.push(terminal);
          all.push(...orders.map((o) => ({ ...o, terminal })));
        }
      }
      terminals = terminals.sort();
    });

    const queries = (): SearchQuery[] => [
      {}, { state: 'PAID' }, { state: 'CANCELLED', from: DAYS[1], to: DAYS[1] }, { amountMinor: '103' }, { q: '17' }, { q: '00012' },
      { q: all.find((o) => o.acquirementId)!.acquirementId! }, { q: all[5]!.merchantTransId }, { terminal: terminals[1] }, { from: DAYS[2] }, { to: DAYS[0], q: '03' },
    ];

    test('every filter, paged to its end, is the model page by page', async () => {
      for (const query of queries()) {
        const expected = model(all, query).map((o) => `${o.terminal}/${o.id}`);
        const seen: string[] = [];
        let after: string | undefined;
        for (let page = 0; page < 20; page++) {
          const result = await searchOrders(server().database, 'STORE-S', { ...query, after });
          assert.deepEqual(result.orders.map((o: OrderRow) => `${o.terminal}/${o.id}`), expected.slice(seen.length, seen.length + 50), `${JSON.stringify(query)} page ${page + 1}`);
          seen.push(...result.orders.map((o) => `${o.terminal}/${o.id}`));
          if (!result.next) break;
          after = result.next;
        }
        assert.equal(seen.length, expected.length, JSON.stringify(query));
        assert.ok(expected.length > 0, `${JSON.stringify(query)} finds something`);
      }
    });

    test('a terminal of another store, by its id, finds nothing; a forged cursor is refused by name', async () => {
      const other = (await server().database.query<{ id: string }>("SELECT id FROM terminals WHERE store_id = 'STORE-X'"))[0]!.id;
      assert.deepEqual((await searchOrders(server().database, 'STORE-S', { terminal: other })).orders, []);
      for (const after of ['1:2:3', `2026-12-04:1:${other}`, "2026-12-04:1:trm_000000000000:1' OR 1=1"]) {
        await assert.rejects(searchOrders(server().database, 'STORE-S', { after }), (e: Error & { field?: string }) => e.field === 'after');
      }
    });
  });
}
