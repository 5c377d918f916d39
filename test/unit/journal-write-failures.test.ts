import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { openTillDatabase } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import { attempt, count, errorOf, openJournal, orderIn, orderInput } from './journal-kit';

describe('journal write failures', () => {
  test('a full disk: createOrder throws JOURNAL_WRITE_FAILED naming the cause, and nothing is half-written', () => {
    const { db, journal } = openJournal();
    orderIn(journal, 'PAID');
    const input = { ...orderInput(journal, { cartId: 'cart-full' }), bodyText: randomBytes(12_000).toString('hex') };
    const before = { orders: count(db, 'orders'), events: count(db, 'events') };

    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const error = errorOf(() => journal.createOrder(input, 'cashier'));
    assert.equal(error.code, 'JOURNAL_WRITE_FAILED');
    assert.match(error.message, /disk is full/);
    assert.match(error.message, new RegExp(input.merchantTransId));
    assert.match(error.message, /nothing was written/);
    assert.deepEqual({ orders: count(db, 'orders'), events: count(db, 'events') }, before);
    assert.equal(journal.getByTransId(input.merchantTransId), undefined);
    assert.equal(count(db, 'orders', "cart_id = 'cart-full'"), 0);

    // Room again: the same order goes in whole, as if the failure never happened.
    db.pragma(`max_page_count = ${pages * 100}`);
    const { order, created } = journal.createOrder(input, 'cashier');
    assert.equal(created, true);
    assert.equal(order.bodyText, input.bodyText);
    assert.deepEqual(journal.events(order.id).map((e) => e.kind), ['created']);
    assert.equal((db.pragma('integrity_check', { simple: true }) as string), 'ok');
  });

  test('a full disk during a transition keeps the old state and no event', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    const events = count(db, 'events');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    // A detail big enough to need a new page.
    const error = errorOf(() =>
      journal.transition(order.id, 'AWAITING_PAYMENT', { state: 'PAID', paidAt: 'now' }, { actor: 'engine', kind: 'paid', detail: { raw: randomBytes(8_000).toString('hex') } }),
    );
    assert.equal(error.code, 'JOURNAL_WRITE_FAILED');
    assert.equal(journal.getOrder(order.id)?.state, 'AWAITING_PAYMENT');
    assert.equal(count(db, 'events'), events);
    assert.equal(errorOf(() => journal.recordAttempt(order.id, null, attempt({ raw: randomBytes(8_000).toString('hex') }))).code, 'JOURNAL_WRITE_FAILED');
    assert.equal(count(db, 'attempts'), 0);
  });

  test('a read-only database: every write is JOURNAL_WRITE_FAILED, reads still work', () => {
    const { dir, journal } = openJournal();
    const order = orderIn(journal, 'SENDING');
    const input = orderInput(journal);
    const ro = openTillDatabase(dir, { readonly: true });
    try {
      const readOnly = new Journal(ro);
      assert.deepEqual(readOnly.getOrder(order.id)?.merchantTransId, order.merchantTransId);
      for (const write of [
        () => readOnly.createOrder(input, 'cashier'),
        () => readOnly.allocateOrderId('T01'),
        () => readOnly.transition(order.id, 'SENDING', { state: 'FAILED' }, { actor: 'engine', kind: 'failed' }),
        () => readOnly.appendEvent(order.id, 'engine', 'x'),
        () => readOnly.raiseAlarm({ kind: 'CONFIG', message: 'm' }),
      ]) {
        const error = errorOf(write);
        assert.equal(error.code, 'JOURNAL_WRITE_FAILED');
        assert.match(error.message, /read-only/);
      }
      assert.equal(readOnly.getByTransId(input.merchantTransId), undefined);
    } finally {
      ro.close();
    }
  });
});
