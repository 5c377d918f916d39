// When an update may install (issue 15 §5): only with today's day closed, nothing unresolved
// and no refund pending; from the facts, and from a real journal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDay } from '../../main/journal/business-day';
import { updateFactsOf, updateWait } from '../../main/runtime/update-policy';
import { openJournal, orderIn } from './journal-kit';

const quiet = { today: '2026-12-04', todayClosed: true, unresolved: 0, pendingRefunds: 0 };

test('an update installs only when today is closed and nothing is unresolved or pending', () => {
  assert.equal(updateWait(quiet), null);
  assert.equal(updateWait({ ...quiet, todayClosed: false }), 'DAY_OPEN');
  assert.equal(updateWait({ ...quiet, unresolved: 1 }), 'UNRESOLVED', 'a sale in progress is an unresolved order');
  assert.equal(updateWait({ ...quiet, pendingRefunds: 2 }), 'REFUNDS_PENDING');
  // Several reasons: the one a cashier can act on first is named.
  assert.equal(updateWait({ ...quiet, todayClosed: false, unresolved: 3 }), 'UNRESOLVED');
});

test('from a real journal: an open day waits; a sale awaiting payment waits; closed and quiet installs', () => {
  const { journal, clock } = openJournal();
  const now = clock.now();
  assert.equal(updateWait(updateFactsOf(journal, now)), 'DAY_OPEN');
  const sale = orderIn(journal, 'AWAITING_PAYMENT');
  assert.equal(updateWait(updateFactsOf(journal, now)), 'UNRESOLVED');
  journal.transition(sale.id, 'AWAITING_PAYMENT', { state: 'PAID' }, { actor: 'engine', kind: 'paid' });
  journal.closeDay(localDay(now), 'supervisor');
  assert.equal(updateWait(updateFactsOf(journal, now)), null);
});
