import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { count, errorOf, openJournal, orderIn } from './journal-kit';

describe('alarms', () => {
  test('an identical open alarm is returned, not raised twice', () => {
    const { db, journal, clock } = openJournal();
    const a = journal.raiseAlarm({ kind: 'CONFIG', code: 'INVALID_SIGNATURE', message: 'The gateway rejected our signature' });
    assert.deepEqual(a, { id: a.id, kind: 'CONFIG', code: 'INVALID_SIGNATURE', orderId: null, message: 'The gateway rejected our signature', raisedAt: clock.ms, clearedAt: null, clearedBy: null });
    clock.advance(10);
    assert.deepEqual(journal.raiseAlarm({ kind: 'CONFIG', code: 'INVALID_SIGNATURE', message: 'again, other words' }), a);
    const other = journal.raiseAlarm({ kind: 'CONFIG', code: 'KEY_NO_FOUND', message: 'key' });
    const noCode = journal.raiseAlarm({ kind: 'CONFIG', message: 'no code' });
    assert.deepEqual(journal.raiseAlarm({ kind: 'CONFIG', code: null, message: 'no code' }).id, noCode.id);
    assert.notEqual(other.id, a.id);
    assert.equal(count(db, 'alarms'), 3);
    assert.deepEqual(journal.openAlarms().map((x) => x.id), [a.id, other.id, noCode.id]);
  });

  test('per order: the same kind on two orders is two alarms', () => {
    const { journal } = openJournal();
    const o1 = orderIn(journal, 'PAID');
    const o2 = orderIn(journal, 'PAID');
    const a1 = journal.raiseAlarm({ kind: 'PAID_AFTER_CANCEL', code: 'ORDER_STATUS_INVALID', orderId: o1.id, message: 'paid while cancelling' });
    const a2 = journal.raiseAlarm({ kind: 'PAID_AFTER_CANCEL', code: 'ORDER_STATUS_INVALID', orderId: o2.id, message: 'paid while cancelling' });
    assert.notEqual(a1.id, a2.id);
    assert.deepEqual(journal.raiseAlarm({ kind: 'PAID_AFTER_CANCEL', code: 'ORDER_STATUS_INVALID', orderId: o1.id, message: 'x' }).id, a1.id);
    const raised = journal.events(o1.id).at(-1)!;
    assert.deepEqual([raised.kind, raised.actor, raised.detail], ['alarm_raised', 'engine', { alarm: a1.id, kind: 'PAID_AFTER_CANCEL', code: 'ORDER_STATUS_INVALID' }]);
  });

  test('clearing: once, with who and when, an event; a new raise after clearing is a new alarm', () => {
    const { journal, clock } = openJournal();
    const order = orderIn(journal, 'PAID');
    const a = journal.raiseAlarm({ kind: 'AMOUNT_MISMATCH', orderId: order.id, message: 'paid 2.38, expected 2.39' });
    clock.advance(60_000);
    const cleared = journal.clearAlarm(a.id, 'supervisor');
    assert.deepEqual([cleared.clearedAt, cleared.clearedBy], [clock.ms, 'supervisor']);
    assert.deepEqual(journal.openAlarms(), []);
    clock.advance(1);
    assert.deepEqual(journal.clearAlarm(a.id, 'someone else'), cleared, 'clearing twice changes nothing');
    const last = journal.events(order.id).at(-1)!;
    assert.deepEqual([last.kind, last.actor, last.detail], ['alarm_cleared', 'supervisor', { alarm: a.id, by: 'supervisor' }]);
    const again = journal.raiseAlarm({ kind: 'AMOUNT_MISMATCH', orderId: order.id, message: 'again' });
    assert.notEqual(again.id, a.id);
    // A named supervisor is kept as given; the event's actor is 'supervisor'.
    const c = journal.clearAlarm(again.id, 'Mrs Chan');
    assert.equal(c.clearedBy, 'Mrs Chan');
    assert.equal(journal.events(order.id).at(-1)?.actor, 'supervisor');
    assert.equal(errorOf(() => journal.clearAlarm(999, 'supervisor')).code, 'ALARM_NOT_FOUND');
    assert.equal(errorOf(() => journal.clearAlarm(a.id, ' ')).code, 'FIELD_MISSING');
    assert.equal(errorOf(() => journal.raiseAlarm({ kind: 'lower' as never, message: 'x' })).code, 'JOURNAL_MISUSE');
  });
});
