import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { count, errorOf, localMs, openJournal, orderIn, orderInput, tempDir } from './journal-kit';

describe('order numbers', () => {
  test('terminal id + yyyyMMdd + 6-digit sequence, from 1 per terminal and day', () => {
    const { journal, clock } = openJournal();
    assert.deepEqual(journal.allocateOrderId('T01'), { merchantTransId: 'T0120250314000001', businessDay: '2025-03-14', seq: 1 });
    assert.deepEqual(journal.allocateOrderId('T01'), { merchantTransId: 'T0120250314000002', businessDay: '2025-03-14', seq: 2 });
    assert.equal(journal.allocateOrderId('TILL-2').merchantTransId, 'TILL-220250314000001');
    clock.set(localMs(2025, 3, 15, 0, 1));
    assert.equal(journal.allocateOrderId('T01').merchantTransId, 'T0120250315000001');
  });

  test('refuses terminal ids that would make ids ambiguous, too long or unprintable', () => {
    const { journal } = openJournal();
    for (const bad of ['', ' T1', 'T 1', 'T1\n', '-T1', 'Tällä', 'T'.repeat(48)]) {
      assert.equal(errorOf(() => journal.allocateOrderId(bad)).code, 'TERMINAL_ID_INVALID', JSON.stringify(bad));
    }
    assert.equal(journal.allocateOrderId('T'.repeat(47)).merchantTransId.length, 61);
  });

  test('unique across 10,000 allocations with the clock jumping backwards, and across reopen', () => {
    const dir = tempDir();
    let opened = openJournal(dir);
    const { clock } = opened;
    const seen = new Set<string>();
    const start = localMs(2025, 3, 14, 23, 0);
    for (let i = 0; i < 10_000; i++) {
      // Forward in steps, with a jump back of up to two days every 7th allocation.
      clock.set(i % 7 === 6 ? start - (i % 3) * 86_400_000 : start + (i % 240) * 30_000);
      if (i === 5_000) opened = opened.reopen();
      const { merchantTransId, businessDay, seq } = opened.journal.allocateOrderId(i % 2 === 0 ? 'T01' : 'T02');
      assert.ok(!seen.has(merchantTransId), `${merchantTransId} handed out twice (allocation ${i})`);
      assert.ok(merchantTransId.length <= 64 && /^[A-Za-z0-9]+$/.test(merchantTransId));
      assert.ok(merchantTransId.endsWith(String(seq).padStart(6, '0')));
      assert.ok(merchantTransId.includes(businessDay.replaceAll('-', '')));
      seen.add(merchantTransId);
    }
    assert.equal(seen.size, 10_000);
  });

  test('a sequence that ran out refuses instead of growing a seventh digit', () => {
    const { db, journal } = openJournal();
    db.prepare("INSERT INTO sequences (terminal_id, day, last) VALUES ('T01', '2025-03-14', 999999)").run();
    assert.equal(errorOf(() => journal.allocateOrderId('T01')).code, 'SEQUENCE_EXHAUSTED');
    assert.equal((db.prepare("SELECT last FROM sequences WHERE terminal_id = 'T01'").get() as { last: number }).last, 999999, 'rolled back');
  });
});

describe('business days', () => {
  test('the local date, or the day after the latest closed day when the clock is at or before it', () => {
    const { journal, clock } = openJournal();
    assert.equal(journal.businessDayFor(), '2025-03-14');
    assert.equal(journal.businessDayFor(localMs(2025, 3, 14, 0, 0)), '2025-03-14');
    assert.equal(journal.businessDayFor(localMs(2025, 3, 14, 23, 59)), '2025-03-14');
    journal.closeDay('2025-03-14', 'supervisor');
    assert.equal(journal.businessDayFor(), '2025-03-15', 'after close, the rest of the day is the next business day');
    assert.equal(journal.businessDayFor(localMs(2025, 3, 1)), '2025-03-15', 'a clock jumped back never lands in a closed day');
    assert.equal(journal.businessDayFor(localMs(2025, 3, 20)), '2025-03-20');
    clock.set(localMs(2025, 3, 10));
    const { businessDay } = journal.allocateOrderId('T01');
    assert.equal(businessDay, '2025-03-15');
  });

  test('month and year ends', () => {
    const { journal, clock } = openJournal();
    clock.set(localMs(2024, 12, 31, 20));
    journal.closeDay('2024-12-31', 'supervisor');
    assert.equal(journal.businessDayFor(localMs(2024, 12, 31, 21)), '2025-01-01');
    clock.set(localMs(2024, 2, 29, 10));
    assert.equal(journal.businessDayFor(), '2025-01-01');
  });
});

describe('createOrder', () => {
  test('journals a NEW order and its created event in one go; reads back exactly', () => {
    const { db, journal, clock } = openJournal();
    const body = JSON.stringify({ merchantTransId: 'x', order: { orderTitle: '雲吞麵 🍜 and "quotes"', orderDetail: 'a'.repeat(900) } });
    const input = { ...orderInput(journal, { amountMinor: 1250, currency: 'HKD', cartId: 'cart-1' }), bodyText: body };
    const { order, created } = journal.createOrder(input, 'cashier');
    assert.equal(created, true);
    assert.equal(order.state, 'NEW');
    assert.equal(order.bodyText, body, 'the frozen body reads back byte for byte');
    assert.deepEqual(order.items, input.items);
    assert.equal(order.createdAt, clock.ms);
    assert.equal(order.refundedMinor, 0);
    assert.equal(order.cancelRequested, false);
    assert.deepEqual(journal.getOrder(order.id), order);
    assert.deepEqual(journal.getByTransId(order.merchantTransId), order);
    const events = journal.events(order.id);
    assert.equal(events.length, 1);
    assert.deepEqual({ ...events[0], id: 0 }, { id: 0, orderId: order.id, at: clock.ms, actor: 'cashier', kind: 'created', fromState: null, toState: 'NEW', detail: null });
    assert.equal(count(db, 'orders'), 1);
    // A long body is stored compressed; what matters is that it reads back identical.
    assert.equal((db.prepare('SELECT typeof(body_text) AS t FROM orders').get() as { t: string }).t, 'blob');
  });

  test('the same cartId returns the first order (double click): one order, one event', () => {
    const { db, journal } = openJournal();
    const first = journal.createOrder(orderInput(journal, { cartId: 'cart-42' }), 'cashier');
    const second = journal.createOrder(orderInput(journal, { cartId: 'cart-42', amountMinor: 999 }), 'cashier');
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.deepEqual(second.order, first.order);
    assert.equal(count(db, 'orders'), 1);
    assert.equal(count(db, 'events'), 1);
    // No cart id: no deduplication.
    journal.createOrder(orderInput(journal), 'cashier');
    journal.createOrder(orderInput(journal), 'cashier');
    assert.equal(count(db, 'orders'), 3);
  });

  test('refuses a merchantTransId already journaled, and a closed business day', () => {
    const { journal } = openJournal();
    const input = orderInput(journal);
    const { order } = journal.createOrder(input, 'cashier');
    assert.equal(errorOf(() => journal.createOrder({ ...input, cartId: 'other' }, 'cashier')).code, 'ORDER_ID_TAKEN');
    journal.transition(order.id, 'NEW', { state: 'FAILED' }, { actor: 'engine', kind: 'failed' });

    const late = orderInput(journal);
    journal.closeDay('2025-03-14', 'supervisor');
    assert.equal(errorOf(() => journal.createOrder(late, 'cashier')).code, 'DAY_CLOSED');
    assert.equal(journal.getByTransId(late.merchantTransId), undefined);
  });

  test('validates what it journals', () => {
    const { journal } = openJournal();
    const base = orderInput(journal);
    const cases: Array<[Partial<typeof base>, string]> = [
      [{ amountMinor: 0 }, 'AMOUNT_INVALID'],
      [{ amountMinor: 1.5 }, 'AMOUNT_INVALID'],
      [{ currency: 'usd' }, 'CURRENCY_INVALID'],
      [{ currency: 'XYZ' }, 'CURRENCY_UNKNOWN'],
      [{ businessDay: '2025-02-30' }, 'DAY_INVALID'],
      [{ merchantTransId: 'has space' }, 'FIELD_INVALID'],
      [{ merchantTransId: 'x'.repeat(65) }, 'FIELD_INVALID'],
      [{ title: ' ' }, 'FIELD_MISSING'],
      [{ bodyText: '' }, 'FIELD_MISSING'],
      [{ cartId: '' }, 'FIELD_INVALID'],
    ];
    for (const [patch, code] of cases) assert.equal(errorOf(() => journal.createOrder({ ...base, ...patch }, 'cashier')).code, code, JSON.stringify(patch));
    assert.equal(errorOf(() => journal.createOrder(base, 'nobody' as never)).code, 'JOURNAL_MISUSE');
  });
});

describe('queries', () => {
  test('findByTail: by the last characters, newest first, through the reversed id', () => {
    const { journal } = openJournal();
    const ids = Array.from({ length: 30 }, () => journal.createOrder(orderInput(journal), 'cashier').order);
    const other = journal.createOrder(orderInput(journal, { terminalId: 'T02' }), 'cashier').order;
    assert.deepEqual(
      journal.findByTail('000012').map((o) => o.merchantTransId),
      ['T0120250314000012'],
    );
    assert.deepEqual(
      journal.findByTail('1').map((o) => o.merchantTransId),
      [other, ...ids].filter((o) => o.merchantTransId.endsWith('1')).sort((a, b) => b.id - a.id).map((o) => o.merchantTransId),
    );
    assert.equal(journal.findByTail('0', 2).length, 2);
    assert.deepEqual(journal.findByTail('T0220250314000001').map((o) => o.id), [other.id]);
    assert.deepEqual(journal.findByTail('99999'), []);
    assert.deepEqual(journal.findByTail(''), []);
    assert.deepEqual(journal.findByTail("1' OR 1=1 --"), []);
    assert.deepEqual(journal.findByTail('%1'), []);
  });

  test('listOrders by day and state, newest first, with limit and offset', () => {
    const { journal, clock } = openJournal();
    const a = orderIn(journal, 'PAID');
    const b = orderIn(journal, 'FAILED');
    clock.set(localMs(2025, 3, 15));
    const c = orderIn(journal, 'PAID');
    const d = orderIn(journal, 'SENDING');
    const ids = (list: Array<{ id: number }>) => list.map((o) => o.id);
    assert.deepEqual(ids(journal.listOrders()), [d.id, c.id, b.id, a.id]);
    assert.deepEqual(ids(journal.listOrders({ day: '2025-03-14' })), [b.id, a.id]);
    assert.deepEqual(ids(journal.listOrders({ state: 'PAID' })), [c.id, a.id]);
    assert.deepEqual(ids(journal.listOrders({ day: '2025-03-15', state: 'SENDING' })), [d.id]);
    assert.deepEqual(ids(journal.listOrders({ state: 'SENDING' })), [d.id]);
    assert.deepEqual(ids(journal.listOrders({ day: '2025-03-14', state: 'SENDING' })), []);
    assert.deepEqual(ids(journal.listOrders({ limit: 2, offset: 1 })), [c.id, b.id]);
    assert.equal(errorOf(() => journal.listOrders({ day: 'today' })).code, 'DAY_INVALID');
  });

  test('unresolved(): every order not final, oldest first; countUnresolved()', () => {
    const { journal } = openJournal();
    const states = ['NEW', 'PAID', 'SENDING', 'FAILED', 'AWAITING_PAYMENT', 'CANCELLED', 'CANCELLING'] as const;
    const orders = states.map((s) => orderIn(journal, s));
    const open = orders.filter((o) => ['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING'].includes(o.state));
    assert.deepEqual(
      journal.unresolved().map((o) => o.id),
      open.map((o) => o.id),
    );
    assert.equal(journal.countUnresolved(), 4);
  });

  test('two Journals on one file see each other', () => {
    const first = openJournal();
    const second = openJournal(first.dir, first.clock).journal;
    assert.notEqual(second.db, first.db);
    const { order } = first.journal.createOrder(orderInput(first.journal), 'cashier');
    assert.deepEqual(second.getOrder(order.id), order);
    // The sequence is shared through the file, not kept in memory.
    assert.equal(second.allocateOrderId('T01').seq, order.seq + 1);
  });
});
