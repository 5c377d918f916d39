// profile.mode on a real data directory (real SQLite, reopened as a till would): a fresh
// directory is stored as sandbox; one from a till before profile.mode keeps what it was
// treated as, derived once from its stored gateway.baseUrl and never again; every change
// is journaled (old → new) with a PROFILE_MODE alarm, in the transaction that stores it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase, type SqliteDatabase } from '../../native/sqlite';
import { getConfig, setConfig, setConfigValues, unsetConfig } from '../../main/config/settings-schema';
import { ensureDataDir, openTillDatabase, tillDatabasePath } from '../../main/config/data-dir';
import { ensureProfile } from '../../main/config/profile';
import { migrations } from '../../main/journal/migrations';
import { SettingsStore } from '../../main/config/settings-store';
import { Journal } from '../../main/journal/journal';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-profile-mode-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
const newDir = () => path.join(root, `case-${++counter}`);

function withDb<T>(dir: string, fn: (store: SettingsStore, db: SqliteDatabase) => T): T {
  const db = openTillDatabase(dir);
  try {
    return fn(new SettingsStore(db), db);
  } finally {
    db.close();
  }
}

interface ModeEvent {
  actor: string;
  kind: string;
  detail: Record<string, unknown> | null;
}

function modeEvents(db: SqliteDatabase): ModeEvent[] {
  const rows = db.prepare<[], { actor: string; kind: string; detail: string | null }>("SELECT actor, kind, detail FROM events WHERE kind LIKE 'profile_mode_%' ORDER BY id").all();
  return rows.map((r) => ({ actor: r.actor, kind: r.kind, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) }));
}

/**
 * A data directory as a till from before profile.mode left it: the same schema, settings
 * written without the mode (written straight to the store, as that till's checks allowed).
 */
function oldDataDir(settings: Record<string, string>): string {
  const dir = ensureDataDir(newDir());
  // The journal's own schema steps, without the till's open (which would store a mode).
  const db = openDatabase(tillDatabasePath(dir), { migrations });
  try {
    const store = new SettingsStore(db);
    ensureProfile(store);
    for (const [key, value] of Object.entries(settings)) store.set(key, value);
  } finally {
    db.close();
  }
  return dir;
}

/** The mode stored in the file, read without the till's own open (which would store one). */
function storedMode(dir: string): string | undefined {
  const db = openTillDatabase(dir, { readonly: true });
  try {
    return new SettingsStore(db).get('profile.mode');
  } finally {
    db.close();
  }
}

describe('profile.mode in the data directory', () => {
  test('a fresh data directory is stored as sandbox at its first open; its journal stays empty', () => {
    const dir = newDir();
    withDb(dir, (store, db) => {
      assert.equal(store.get('profile.mode'), 'sandbox');
      assert.equal(getConfig(store)['profile.mode'], 'sandbox');
      assert.equal((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 0);
    });
  });

  test('an old data directory with a real gateway becomes live, once; with loopback or no URL, sandbox', () => {
    const live = oldDataDir({ 'gateway.baseUrl': 'https://open-sea.alipay.com', 'client.id': 'LIVE_CLIENT' });
    const proxy = oldDataDir({ 'gateway.baseUrl': 'http://127.0.0.1:9443' });
    const untouched = oldDataDir({ 'store.name': 'Corner Shop' });
    assert.deepEqual([storedMode(live), storedMode(proxy), storedMode(untouched)], [undefined, undefined, undefined], 'old directories have no mode');

    withDb(live, (store, db) => {
      assert.equal(store.get('profile.mode'), 'live');
      assert.equal(getConfig(store)['gateway.baseUrl'], 'https://open-sea.alipay.com', 'readable: no mismatch');
      const [event] = modeEvents(db);
      assert.equal(event?.kind, 'profile_mode_recorded');
      assert.equal(event?.detail?.to, 'live');
      assert.match(String(event?.detail?.basis), /derived once from the stored gateway\.baseUrl's host open-sea\.alipay\.com/);
    });
    // Today's behaviour kept once: a loopback URL was treated as the sandbox, so it stays one
    // (a live till behind a local proxy must now say so: `till config set profile.mode live`).
    withDb(proxy, (store, db) => {
      assert.equal(store.get('profile.mode'), 'sandbox');
      assert.equal(modeEvents(db)[0]?.detail?.to, 'sandbox', 'derived from its loopback address, journaled');
    });
    withDb(untouched, (store, db) => {
      assert.equal(store.get('profile.mode'), 'sandbox');
      assert.deepEqual(modeEvents(db), [], 'no address decided it: the default, as for a fresh directory');
    });

    // Never derived again: the URL no longer decides once the mode is stored.
    withDb(live, (store) => store.set('gateway.baseUrl', 'http://127.0.0.1:8787'));
    withDb(live, (store, db) => {
      assert.equal(store.get('profile.mode'), 'live');
      assert.equal(modeEvents(db).length, 1);
    });
  });

  test('a change of mode is journaled old → new with a PROFILE_MODE alarm; the same value, or other keys, record nothing', () => {
    withDb(newDir(), (store, db) => {
      const journal = new Journal(db);
      setConfigValues(store, { 'store.name': 'Corner Shop' });
      setConfig(store, 'profile.mode', 'sandbox');
      assert.deepEqual(modeEvents(db), [], 'the same mode again is no change');
      assert.deepEqual(journal.openAlarms(), []);

      setConfigValues(store, { 'profile.mode': 'live', 'gateway.baseUrl': 'https://open-sea.alipay.com' });
      let events = modeEvents(db);
      assert.deepEqual(events.at(-1), { actor: 'cli', kind: 'profile_mode_changed', detail: { from: 'sandbox', to: 'live' } });
      const [alarm] = journal.openAlarms();
      assert.deepEqual([alarm?.kind, alarm?.code, alarm?.orderId], ['PROFILE_MODE', 'SANDBOX_TO_LIVE', null]);
      assert.match(alarm!.message, /from sandbox to live.*real money moves/);

      setConfig(store, 'gateway.baseUrl', 'http://127.0.0.1:8787');
      unsetConfig(store, 'profile.mode');
      events = modeEvents(db);
      assert.deepEqual(events.at(-1)?.detail, { from: 'live', to: 'sandbox' }, 'unset goes back to the sandbox default, recorded too');
      assert.deepEqual(
        journal.openAlarms().map((a) => a.code),
        ['SANDBOX_TO_LIVE', 'LIVE_TO_SANDBOX'],
      );
      assert.match(journal.openAlarms()[1]!.message, /no money moves/);
    });
  });

  test('a refused change records nothing and stores nothing', () => {
    withDb(newDir(), (store, db) => {
      assert.throws(() => setConfigValues(store, { 'profile.mode': 'live', 'gateway.baseUrl': 'http://example.com' }), /plain http/);
      assert.equal(store.get('profile.mode'), 'sandbox');
      assert.deepEqual(modeEvents(db), []);
      assert.deepEqual(new Journal(db).openAlarms(), []);
    });
  });
});
