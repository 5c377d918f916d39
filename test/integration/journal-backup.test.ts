// Backups of the journal (issue 15 §4), on real SQLite files: an online copy taken while
// another connection keeps writing is whole and holds every order committed before it; a
// restore puts a checked copy in place and keeps the journal it replaces; bad copies are
// refused by name; the daily copy after close-day keeps the newest N.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { backupJournal, checkJournalCopy, dailyBackup, restoreJournal } from '../../main/config/journal-backup';
import { openTillDatabase, tillDatabasePath } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import { openJournal, orderIn, tempDir } from '../unit/journal-kit';

function tillErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

test('an online backup while a second connection sells: whole, and every order committed before it is in it, unchanged', async () => {
  const source = openJournal();
  // The till app's own connection keeps selling while `till backup` (another connection) copies.
  const seller = new Journal(openTillDatabase(source.dir));
  for (let i = 0; i < 300; i++) orderIn(seller, 'PAID', { amountMinor: 100 + i });
  let selling = true;
  const sales = (async () => {
    let i = 0;
    while (selling) {
      orderIn(seller, i % 3 === 0 ? 'CANCELLED' : 'PAID', { amountMinor: 1000 + i++ });
      await new Promise((r) => setImmediate(r));
    }
  })();
  const before = source.journal.listOrders({ limit: 100_000 }).length;
  const file = path.join(tempDir(), 'copy.sqlite');
  const report = await backupJournal(source.db, file);
  selling = false;
  await sales;
  assert.equal(report.integrity, 'ok');
  assert.ok(report.counts.orders! >= before, `${report.counts.orders} orders in the copy, ${before} before it began`);
  const copy = new Journal(openTillDatabase(restoredDir(file)));
  const live = new Map(seller.listOrders({ limit: 100_000 }).map((o) => [o.id, o]));
  for (const o of copy.listOrders({ limit: 100_000 })) {
    const same = live.get(o.id)!;
    assert.deepEqual([o.merchantTransId, o.amountMinor, o.state], [same.merchantTransId, same.amountMinor, same.state]);
  }
  assert.equal(tillErrorCode(() => fs.accessSync(`${file}.partial`)), 'ENOENT', 'no partial file left');
  await assert.rejects(backupJournal(source.db, file), { code: 'BACKUP_EXISTS' });
});

/** The copy opened as a data directory of its own (its file named as the till names it). */
function restoredDir(file: string): string {
  const dir = tempDir();
  fs.copyFileSync(file, tillDatabasePath(dir));
  return dir;
}

test('a restore checks the copy, keeps the journal it replaces (with its WAL), and the till opens the restored one', async () => {
  const source = openJournal();
  for (let i = 0; i < 25; i++) orderIn(source.journal, 'PAID', { amountMinor: 500 + i });
  const file = path.join(tempDir(), 'b.sqlite');
  await backupJournal(source.db, file);
  const target = openJournal();
  orderIn(target.journal, 'PAID', { amountMinor: 1 });
  target.db.close();
  const { restored, keptAs } = restoreJournal(target.dir, file, new Date('2026-12-04T10:00:00Z'));
  assert.equal(restored.counts.orders, 25);
  assert.ok(keptAs && fs.existsSync(keptAs), 'the replaced journal is kept');
  const reopened = new Journal(openTillDatabase(target.dir));
  assert.deepEqual(reopened.listOrders({ limit: 100 }).map((o) => o.amountMinor).sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => 500 + i));
  const kept = new Journal(openTillDatabase(restoredDir(keptAs)));
  assert.deepEqual(kept.listOrders({ limit: 10 }).map((o) => o.amountMinor), [1], 'the replaced journal still holds its own order');
});

test('bad copies are refused by name, and nothing is replaced', () => {
  const dir = tempDir();
  const garbage = path.join(dir, 'garbage.sqlite');
  fs.writeFileSync(garbage, 'not a database at all, just text that is long enough to be read as a header…'.repeat(20));
  assert.equal(tillErrorCode(() => checkJournalCopy(garbage)), 'BACKUP_UNREADABLE');
  assert.equal(tillErrorCode(() => checkJournalCopy(path.join(dir, 'missing.sqlite'))), 'BACKUP_NOT_FOUND');
  const target = openJournal();
  target.db.close();
  const before = fs.readFileSync(tillDatabasePath(target.dir));
  assert.equal(tillErrorCode(() => restoreJournal(target.dir, garbage, new Date())), 'BACKUP_UNREADABLE');
  assert.deepEqual(fs.readFileSync(tillDatabasePath(target.dir)), before, 'the journal is untouched');
});

test('the daily copy after close-day: one file a day, the newest N kept', async () => {
  const source = openJournal();
  orderIn(source.journal, 'PAID');
  const dir = path.join(tempDir(), 'backups');
  for (const day of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']) await dailyBackup(source.db, dir, day, 2);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['till-2026-12-03.sqlite', 'till-2026-12-04.sqlite']);
  // The same day again (a second close attempt) replaces that day's copy.
  await dailyBackup(source.db, dir, '2026-12-04', 2);
  assert.equal(checkJournalCopy(path.join(dir, 'till-2026-12-04.sqlite')).counts.orders, 1);
});
