import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { attempt, count, openJournal, orderIn } from './journal-kit';

describe('recordAttempt', () => {
  test('keeps each exchange with its raw text; oldest first', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'SENDING');
    const raw = `{"response":{"head":{"reqMsgId":"r1"},"body":{"resultInfo":{"resultStatus":"S"}}},"signature":"${randomBytes(256).toString('base64')}"}`;
    journal.recordAttempt(order.id, null, attempt({ api: 'preCreate', raw, reqMsgId: 'r1', sentAt: 10, receivedAt: 20 }));
    journal.recordAttempt(order.id, null, attempt({ api: 'preCreate', kind: 'U', reason: 'timeout', detail: 'no answer within 15000 ms', sentAt: 30, receivedAt: 15_030 }));
    journal.recordAttempt(order.id, null, attempt({ api: 'preCreate', kind: 'F', resultCode: 'RISK_REJECT', httpStatus: 200 }));
    const [ok, unknown, failed] = journal.attempts(order.id);
    assert.deepEqual(
      { ...ok, id: 0 },
      { id: 0, orderId: order.id, refundId: null, api: 'preCreate', reqMsgId: 'r1', sentAt: 10, receivedAt: 20, outcome: 'S', resultCode: 'SUCCESS', status: null, unknownReason: null, httpStatus: 200, rawResponse: raw, repeats: 1 },
    );
    assert.deepEqual([unknown?.outcome, unknown?.unknownReason, unknown?.httpStatus, unknown?.rawResponse], ['U', 'timeout: no answer within 15000 ms', null, null]);
    assert.deepEqual([failed?.outcome, failed?.resultCode], ['F', 'RISK_REJECT']);
  });

  test('identical payQuery answers fold into one row: repeats and last received time', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    journal.recordAttempt(order.id, null, attempt({ api: 'preCreate' }));
    for (let i = 0; i < 60; i++) {
      journal.recordAttempt(order.id, null, attempt({ status: 'INIT', reqMsgId: `q${i}`, sentAt: 2_000 * i, receivedAt: 2_000 * i + 50 }));
    }
    journal.recordAttempt(order.id, null, attempt({ status: 'SUCCESS', reqMsgId: 'paid', sentAt: 200_000, receivedAt: 200_050 }));
    const rows = journal.attempts(order.id);
    assert.equal(count(db, 'attempts'), 3);
    assert.deepEqual(
      rows.map((r) => [r.api, r.status, r.repeats]),
      [
        ['preCreate', null, 1],
        ['payQuery', 'INIT', 60],
        ['payQuery', 'SUCCESS', 1],
      ],
    );
    const folded = rows[1]!;
    assert.deepEqual([folded.reqMsgId, folded.sentAt, folded.receivedAt], ['q0', 0, 2_000 * 59 + 50], 'the first request of the run, the latest answer time');
  });

  test('folds only what is identical: outcome, result code, status, unknown reason, HTTP status', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    const sequence = [
      attempt({ status: 'INIT' }),
      attempt({ status: 'INIT' }), // folded
      attempt({ status: 'PAYING' }),
      attempt({ kind: 'F', resultCode: 'ORDER_NOT_EXIST' }),
      attempt({ kind: 'F', resultCode: 'ORDER_NOT_EXIST' }), // folded
      attempt({ kind: 'F', resultCode: 'PROCESS_FAIL' }),
      attempt({ kind: 'U', reason: 'unreachable', detail: 'connect ECONNREFUSED' }),
      attempt({ kind: 'U', reason: 'unreachable', detail: 'connect ECONNREFUSED' }), // folded
      attempt({ kind: 'U', reason: 'timeout', detail: 'connect ECONNREFUSED' }),
      attempt({ kind: 'U', reason: 'http_status', detail: 'HTTP 502', httpStatus: 502 }),
      attempt({ kind: 'U', reason: 'http_status', detail: 'HTTP 502', httpStatus: 503 }),
      attempt({ api: 'payCancel' }),
      attempt({ api: 'payCancel' }), // not a poll: never folded
    ];
    for (const a of sequence) journal.recordAttempt(order.id, null, a);
    assert.deepEqual(
      journal.attempts(order.id).map((r) => r.repeats),
      [2, 1, 2, 1, 2, 1, 1, 1, 1, 1],
    );
  });

  test('a poll after another order interleaved still folds per order; refund attempts keep their refund id', () => {
    const { journal } = openJournal();
    const a = orderIn(journal, 'AWAITING_PAYMENT');
    const b = orderIn(journal, 'PAID');
    journal.recordAttempt(a.id, null, attempt({ status: 'INIT' }));
    journal.recordAttempt(b.id, null, attempt({ status: 'INIT' }));
    journal.recordAttempt(a.id, null, attempt({ status: 'INIT' }));
    assert.deepEqual(journal.attempts(a.id).map((r) => r.repeats), [2]);
    const refund = journal.createRefund({ orderId: b.id, merchantRefundId: `${b.merchantTransId}R01`, amountMinor: 1, currency: 'USD', reason: null, bodyText: '{}', actor: 'supervisor' });
    journal.recordAttempt(b.id, refund.id, attempt({ api: 'refund', kind: 'U' }));
    assert.deepEqual(journal.attempts(b.id).map((r) => [r.api, r.refundId]), [
      ['payQuery', null],
      ['refund', refund.id],
    ]);
  });

  test('a "not paid yet" poll keeps its row but not its text', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    journal.recordAttempt(order.id, null, attempt({ raw: '{"response":{}}', status: 'INIT' }));
    const [poll] = journal.attempts(order.id);
    assert.equal(poll?.status, 'INIT');
    assert.equal(poll?.rawResponse, null);
  });

  test('long unknown details are cut; answers are stored compressed but read back exactly', () => {
    const { db, journal } = openJournal();
    const order = orderIn(journal, 'SENDING');
    journal.recordAttempt(order.id, null, attempt({ kind: 'U', reason: 'timeout', detail: 'x'.repeat(2_000) }));
    const raw = `{"response":{"head":{"version":"2.0.4","function":"alipay.intl.acquiring.offline.payQuery"},"body":{"resultInfo":{"resultStatus":"S","resultCodeId":"00000000","resultCode":"SUCCESS","resultMsg":"success"},"acquirementStatus":"SUCCESS","note":"雲吞 🍜"}},"signature":"${randomBytes(256).toString('base64')}"}`;
    journal.recordAttempt(order.id, null, attempt({ raw, status: 'SUCCESS' }));
    const [unknown, query] = journal.attempts(order.id);
    assert.equal(unknown?.unknownReason?.length, 500);
    assert.equal(query?.rawResponse, raw);
    const stored = db.prepare('SELECT typeof(raw_response) AS t, length(raw_response) AS n FROM attempts WHERE id = ?').get(query!.id) as { t: string; n: number };
    assert.equal(stored.t, 'blob');
    assert.ok(stored.n < Buffer.byteLength(raw) * 0.8, `${stored.n} bytes stored for ${Buffer.byteLength(raw)}`);
  });
});
