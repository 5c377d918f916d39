// The sandbox's order book file (issue 16 §3): one file per sandbox, so two sandboxes of one
// process on one data directory never remove each other's book; files of dead processes go.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SANDBOX_BOOK_DIR, sandboxBookFile } from '../../main/runtime/sandbox-book-file';
import { tempDir } from '../unit/journal-kit';

test('two sandboxes of one process on one data directory: each its own file; closing one leaves the other whole', () => {
  const dir = tempDir();
  const first = sandboxBookFile(dir);
  first.set('orders', 'A1', '{"a":1}');
  const second = sandboxBookFile(dir);
  second.set('orders', 'B1', '{"b":1}');
  assert.equal(first.get('orders', 'A1'), '{"a":1}', 'the second sandbox did not start over the first one\'s book');
  assert.equal(first.get('orders', 'B1'), undefined);
  second.close();
  first.set('orders', 'A2', '{"a":2}');
  assert.equal(first.count('orders'), 2);
  assert.equal(fs.readdirSync(path.join(dir, SANDBOX_BOOK_DIR)).filter((n) => n.endsWith('.sqlite')).length, 1);
  first.close();
  assert.deepEqual(fs.readdirSync(path.join(dir, SANDBOX_BOOK_DIR)), []);
});

test("a book left by a process that died is removed by the next sandbox; a live process's is kept", (t) => {
  const dir = tempDir();
  const books = path.join(dir, SANDBOX_BOOK_DIR);
  fs.mkdirSync(books);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const left = [`orders-${dead}-1.sqlite`, `orders-${dead}-1.sqlite-wal`, `orders-${dead}.sqlite`];
  const live = `orders-${process.ppid}-3.sqlite`;
  for (const name of [...left, live, 'notes.txt']) fs.writeFileSync(path.join(books, name), '');
  const store = sandboxBookFile(dir);
  t.after(() => store.close());
  const names = fs.readdirSync(books);
  for (const name of left) assert.ok(!names.includes(name), `${name} removed`);
  assert.ok(names.includes(live), 'a running process keeps its book');
  assert.ok(names.includes('notes.txt'), 'only book files are touched');
});
