import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ORDER_STATES, type OrderState } from '../../main/journal/types';
import { count, errorOf, openJournal, orderIn } from './journal-kit';

/** docs/architecture.md "Order lifecycle", as the engine drives it. */
const LIFECYCLE: ReadonlyArray<readonly [OrderState, OrderState]> = [
  ['NEW', 'SENDING'],
  ['NEW', 'FAILED'],
  ['SENDING', 'AWAITING_PAYMENT'],
  ['SENDING', 'FAILED'],
  ['SENDING', 'CANCELLING'],
  ['SENDING', 'PAID'],
  ['SENDING', 'CANCELLED'],
  ['AWAITING_PAYMENT', 'PAID'],
  ['AWAITING_PAYMENT', 'CANCELLING'],
  ['AWAITING_PAYMENT', 'CANCELLED'],
  ['CANCELLING', 'CANCELLED'],
  ['CANCELLING', 'PAID'],
];

describe('transition (compare-and-set)', () => {
  for (const [from, to] of LIFECYCLE) {
    test(`${from} → ${to}: moves, patches, appends one event with both states`, () => {
      const { db, journal, clock } = openJournal();
      const order = orderIn(journal, from);
      const events = count(db, 'events');
      clock.advance(1_000);
      const moved = journal.transition(order.id, from, { state: to, resultCode: 'X' }, { actor: 'engine', kind: `to_${to.toLowerCase()}`, detail: { why: 'test' } });
      assert.ok(moved);
      assert.equal(moved.state, to);
      assert.equal(moved.resultCode, 'X');
      assert.equal(moved.updatedAt, clock.ms);
      assert.deepEqual(journal.getOrder(order.id), moved);
      assert.equal(count(db, 'events'), events + 1);
      const last = journal.events(order.id).at(-1)!;
      assert.deepEqual(
        { fromState: last.fromState, toState: last.toState, kind: last.kind, detail: last.detail, at: last.at },
        { fromState: from, toState: to, kind: `to_${to.toLowerCase()}`, detail: { why: 'test' }, at: clock.ms },
      );
    });
  }

  test('a state outside `from` changes nothing and returns undefined', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    const events = count(db, 'events');
    for (const from of ORDER_STATES.filter((s) => s !== 'AWAITING_PAYMENT')) {
      assert.equal(journal.transition(order.id, from, { state: 'PAID', paidAt: 'x' }, { actor: 'engine', kind: 'paid' }), undefined, from);
    }
    assert.equal(journal.transition(order.id, ['SENDING', 'CANCELLING'], { state: 'CANCELLED' }, { actor: 'engine', kind: 'cancelled' }), undefined);
    assert.deepEqual(journal.getOrder(order.id), order);
    assert.equal(count(db, 'events'), events);
  });

  test('`from` as a list: any listed state matches', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'CANCELLING');
    const moved = journal.transition(order.id, ['AWAITING_PAYMENT', 'CANCELLING'], { state: 'CANCELLED' }, { actor: 'engine', kind: 'cancelled' });
    assert.equal(moved?.state, 'CANCELLED');
  });

  test('a cancel racing a payment: the first writer wins, the second sees undefined', () => {
    const first = openJournal();
    const second = openJournal(first.dir, first.clock);
    const order = orderIn(first.journal, 'AWAITING_PAYMENT');
    const paid = first.journal.transition(order.id, 'AWAITING_PAYMENT', { state: 'PAID', paidAt: 't' }, { actor: 'engine', kind: 'paid' });
    const cancel = second.journal.transition(order.id, 'AWAITING_PAYMENT', { state: 'CANCELLING' }, { actor: 'cashier', kind: 'cancelling' });
    assert.equal(paid?.state, 'PAID');
    assert.equal(cancel, undefined);
    assert.equal(second.journal.getOrder(order.id)?.state, 'PAID');
    assert.deepEqual(
      second.journal.events(order.id).map((e) => e.kind),
      ['created', 'sending', 'awaiting_payment', 'paid'],
    );
  });

  test('same state: an event without a state change; absent state keeps it', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'SENDING');
    const same = journal.transition(order.id, 'SENDING', { state: 'SENDING', unknownCount: 2 }, { actor: 'engine', kind: 'resend' });
    assert.equal(same?.state, 'SENDING');
    assert.equal(same?.unknownCount, 2);
    const none = journal.transition(order.id, 'SENDING', { nextActionAt: 5 }, { actor: 'recovery', kind: 'resumed' });
    assert.equal(none?.nextActionAt, 5);
    const events = journal.events(order.id).slice(-2);
    assert.deepEqual(
      events.map((e) => [e.kind, e.fromState, e.toState, e.actor]),
      [
        ['resend', 'SENDING', 'SENDING', 'engine'],
        ['resumed', 'SENDING', 'SENDING', 'recovery'],
      ],
    );
  });

  test('patch fields: set and cleared to null; unlisted fields keep their values', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'SENDING');
    const moved = journal.transition(
      order.id,
      'SENDING',
      { state: 'AWAITING_PAYMENT', qrCode: 'https://qr/x', acquirementId: 'A1', resultCode: 'SUCCESS', resultMessage: 'ok', payDeadline: 99, nextActionAt: 7, cancelRequested: true, alarm: 'INTEGRITY' },
      { actor: 'engine', kind: 'qr_ready' },
    )!;
    assert.deepEqual(
      [moved.qrCode, moved.acquirementId, moved.resultCode, moved.resultMessage, moved.payDeadline, moved.nextActionAt, moved.cancelRequested, moved.alarm],
      ['https://qr/x', 'A1', 'SUCCESS', 'ok', 99, 7, true, 'INTEGRITY'],
    );
    const cleared = journal.transition(order.id, 'AWAITING_PAYMENT', { nextActionAt: null, alarm: null, cancelRequested: false }, { actor: 'engine', kind: 'x' })!;
    assert.deepEqual([cleared.nextActionAt, cleared.alarm, cleared.cancelRequested, cleared.qrCode], [null, null, false, 'https://qr/x']);
    assert.equal(cleared.bodyText, order.bodyText);
  });

  test('final states stay final (the journal refuses, nothing is written)', () => {
    const { db, journal } = openJournal();
    for (const [state, to] of [
      ['FAILED', 'SENDING'],
      ['CANCELLED', 'PAID'],
      ['PAID', 'CANCELLED'],
    ] as const) {
      const order = orderIn(journal, state);
      const events = count(db, 'events');
      const error = errorOf(() => journal.transition(order.id, state, { state: to }, { actor: 'engine', kind: 'bad' }));
      assert.equal(error.code, 'JOURNAL_REJECTED', `${state} → ${to}`);
      assert.match(error.message, /final state/);
      assert.equal(journal.getOrder(order.id)?.state, state);
      assert.equal(count(db, 'events'), events);
    }
  });

  test('an unknown order is an error; bad vocabulary is refused before any write', () => {
    const { journal } = openJournal();
    assert.equal(errorOf(() => journal.transition(999, 'NEW', { state: 'SENDING' }, { actor: 'engine', kind: 'x' })).code, 'ORDER_NOT_FOUND');
    const order = orderIn(journal, 'NEW');
    assert.equal(errorOf(() => journal.transition(order.id, 'NEW', { state: 'DONE' as OrderState }, { actor: 'engine', kind: 'x' })).code, 'JOURNAL_MISUSE');
    assert.equal(errorOf(() => journal.transition(order.id, 'NEW', { state: 'SENDING' }, { actor: 'robot' as never, kind: 'x' })).code, 'JOURNAL_MISUSE');
    assert.equal(errorOf(() => journal.transition(order.id, 'NEW', { state: 'SENDING' }, { actor: 'engine', kind: '' })).code, 'JOURNAL_MISUSE');
    assert.equal(journal.getOrder(order.id)?.state, 'NEW');
  });
});

describe('update (bookkeeping)', () => {
  test('changes the listed fields without an event', () => {
    const { db, journal, clock } = openJournal();
    const order = orderIn(journal, 'SENDING');
    const events = count(db, 'events');
    clock.advance(500);
    const updated = journal.update(order.id, { unknownCount: 3, nextActionAt: 1234, cancelRequested: true });
    assert.deepEqual([updated.unknownCount, updated.nextActionAt, updated.cancelRequested, updated.state, updated.updatedAt], [3, 1234, true, 'SENDING', clock.ms]);
    assert.deepEqual(journal.getOrder(order.id), updated);
    assert.equal(count(db, 'events'), events);
  });

  test('refuses a state change (those go through transition and the event log)', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'SENDING');
    assert.equal(errorOf(() => journal.update(order.id, { state: 'PAID' })).code, 'JOURNAL_MISUSE');
    assert.equal(journal.update(order.id, { state: 'SENDING', unknownCount: 1 }).unknownCount, 1);
    assert.equal(errorOf(() => journal.update(4242, { unknownCount: 1 })).code, 'ORDER_NOT_FOUND');
  });
});

describe('appendEvent', () => {
  test('an event with or without an order, no state columns, compact detail', () => {
    const { journal, clock } = openJournal();
    const order = orderIn(journal, 'SENDING');
    const e = journal.appendEvent(order.id, 'cashier', 'cancel_requested');
    assert.deepEqual(e, { id: e.id, orderId: order.id, at: clock.ms, actor: 'cashier', kind: 'cancel_requested', fromState: null, toState: null, detail: null });
    const g = journal.appendEvent(null, 'engine', 'connectivity', { state: 'offline', skipped: undefined });
    assert.deepEqual(g.detail, { state: 'offline' });
    assert.deepEqual(journal.events(order.id).map((x) => x.kind), ['created', 'sending', 'cancel_requested']);
  });
});
