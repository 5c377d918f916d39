// getConfig keeps what it parsed while nothing changed, and never serves a stale value:
// a write through the store, a commit by another connection to the same file, a value
// read inside a transaction that is then rolled back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTillDatabase } from '../../main/config/data-dir';
import { getConfig, setConfig } from '../../main/config/settings-schema';
import { SettingsStore } from '../../main/config/settings-store';
import { tillErrorOf } from '../support/till-error-of';
import { tempDir } from './journal-kit';

test('nothing changed: the same configuration, not read again', (t) => {
  const db = openTillDatabase(tempDir());
  t.after(() => db.close());
  const store = new SettingsStore(db);
  const first = getConfig(store);
  let reads = 0;
  const list = store.list.bind(store);
  store.list = () => (reads++, list());
  assert.equal(getConfig(store), first);
  assert.equal(getConfig(store), first);
  assert.equal(reads, 0, 'no row read while the stamp holds');
});

test('a write through the store is seen at once', (t) => {
  const db = openTillDatabase(tempDir());
  t.after(() => db.close());
  const store = new SettingsStore(db);
  assert.equal(getConfig(store)['payment.windowSeconds'], 120);
  setConfig(store, 'payment.windowSeconds', '90');
  assert.equal(getConfig(store)['payment.windowSeconds'], 90);
  store.delete('payment.windowSeconds');
  assert.equal(getConfig(store)['payment.windowSeconds'], 120);
  // Through a second store on the same connection too.
  setConfig(new SettingsStore(db), 'payment.windowSeconds', '80');
  assert.equal(getConfig(store)['payment.windowSeconds'], 80);
});

test('a commit by another connection (the CLI, another window) is seen at the next read', (t) => {
  const dir = tempDir();
  const db = openTillDatabase(dir);
  const other = openTillDatabase(dir);
  t.after(() => (db.close(), other.close()));
  const store = new SettingsStore(db);
  assert.equal(getConfig(store)['payment.windowSeconds'], 120);
  setConfig(new SettingsStore(other), 'payment.windowSeconds', '75');
  assert.equal(getConfig(store)['payment.windowSeconds'], 75);
  // A bad value stored by hand elsewhere is refused at every read, never kept.
  new SettingsStore(other).set('payment.windowSeconds', 'soon');
  for (let i = 0; i < 2; i++) assert.equal(tillErrorOf(() => getConfig(store)).field, 'payment.windowSeconds');
});

test('read inside a transaction that is rolled back: the value is not kept', (t) => {
  const db = openTillDatabase(tempDir());
  t.after(() => db.close());
  const store = new SettingsStore(db);
  assert.equal(getConfig(store)['payment.windowSeconds'], 120);
  assert.throws(() =>
    store.transaction(() => {
      db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('payment.windowSeconds', '61', 'x') ON CONFLICT (key) DO UPDATE SET value = '61'").run();
      assert.equal(getConfig(store)['payment.windowSeconds'], 61, 'inside: what the transaction wrote');
      throw new Error('roll back');
    }),
    /^Error: roll back$/,
  );
  assert.equal(getConfig(store)['payment.windowSeconds'], 120);
});
