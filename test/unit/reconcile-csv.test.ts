import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DAY_CSV_COLUMNS, csvCell, dayCsv } from '../../main/journal/csv';
import { openJournal, orderIn } from './journal-kit';

/** A small RFC 4180 reader, to prove the output reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  assert.equal(cell + row.join(''), '', 'ends with CRLF');
  return rows;
}

describe('dayCsv', () => {
  test('a documented header, then one line per order of the day, oldest first', () => {
    const { journal, clock } = openJournal();
    const a = orderIn(journal, 'PAID', { amountMinor: 239, currency: 'USD' });
    const b = orderIn(journal, 'CANCELLED', { amountMinor: 1500, currency: 'JPY' });
    const c = orderIn(journal, 'FAILED', { amountMinor: 1, currency: 'KWD' });
    const rows = parseCsv(dayCsv(journal, '2025-03-14'));
    assert.deepEqual(rows[0], [...DAY_CSV_COLUMNS]);
    assert.deepEqual(rows[0], ['business_day', 'merchant_trans_id', 'created_at', 'state', 'currency', 'amount_minor', 'amount', 'refunded_minor', 'acquirement_id', 'result_code', 'paid_at', 'alarm']);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[1], ['2025-03-14', a.merchantTransId, new Date(clock.ms).toISOString(), 'PAID', 'USD', '239', '2.39', '0', a.acquirementId, '', a.paidAt, '']);
    assert.deepEqual(rows.slice(2).map((r) => [r[1], r[3], r[4], r[5], r[6]]), [
      [b.merchantTransId, 'CANCELLED', 'JPY', '1500', '1500'],
      [c.merchantTransId, 'FAILED', 'KWD', '1', '0.001'],
    ]);
    assert.equal(dayCsv(journal, '2025-03-15'), `${DAY_CSV_COLUMNS.join(',')}\r\n`);
  });

  test('RFC 4180 quoting and spreadsheet formula protection', () => {
    const { journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    journal.transition(
      order.id,
      'AWAITING_PAYMENT',
      { state: 'PAID', resultCode: '=HYPERLINK("http://evil","x")', acquirementId: '+41 44', paidAt: 'line\r\nbreak, "quoted"', alarm: '@SUM(A1)' },
      { actor: 'engine', kind: 'paid' },
    );
    const text = dayCsv(journal, '2025-03-14');
    const row = parseCsv(text)[1]!;
    assert.deepEqual(row.slice(8), ["'+41 44", `'=HYPERLINK("http://evil","x")`, 'line\r\nbreak, "quoted"', "'@SUM(A1)"]);
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil"",""x"")"`));
  });

  test('csvCell', () => {
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(42), '42');
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('-1+1'), "'-1+1");
    assert.equal(csvCell('\tx'), "'\tx");
    assert.equal(csvCell('\rx'), `"'\rx"`);
    assert.equal(csvCell('雲吞'), '雲吞');
  });
});
