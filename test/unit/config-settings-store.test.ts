import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase, type SqliteDatabase } from '../../native/sqlite';
import { migrations } from '../../main/journal/migrations';
import { SettingsStore } from '../../main/config/settings-store';
import { TillError } from '../../main/errors';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-config-settings-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshFile(): string {
  const dir = path.join(root, `case-${++counter}`);
  fs.mkdirSync(dir);
  return path.join(dir, 'till.sqlite');
}

function withStore<T>(file: string, fn: (store: SettingsStore, db: SqliteDatabase) => T, now?: () => Date): T {
  const db = openDatabase(file, { migrations });
  try {
    return fn(new SettingsStore(db, now === undefined ? {} : { now }), db);
  } finally {
    db.close();
  }
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TillError, String(error));
    return error.code;
  }
  assert.fail('expected an error');
}

describe('SettingsStore', () => {
  test('set, get, list, delete, persisted across reopen with update times', () => {
    const file = freshFile();
    let clock = new Date('2025-01-02T03:04:05.000Z');
    withStore(
      file,
      (store) => {
        assert.equal(store.get('locale'), undefined);
        store.set('locale', 'zh-HK');
        store.set('site', 'ALIPAY_HK');
        clock = new Date('2025-01-02T03:05:00.000Z');
        store.set('locale', 'en');
        assert.equal(store.delete('site'), true);
        assert.equal(store.delete('site'), false);
      },
      () => clock,
    );
    withStore(file, (store) => {
      assert.equal(store.get('locale'), 'en');
      assert.equal(store.get('site'), undefined);
      assert.deepEqual(store.list(), [{ key: 'locale', value: 'en', updatedAt: '2025-01-02T03:05:00.000Z' }]);
    });
  });

  test('list is ordered by key', () => {
    withStore(freshFile(), (store) => {
      store.set('b.key', '2');
      store.set('a.key', '1');
      store.set('c.key', '');
      assert.deepEqual(store.list().map((entry) => [entry.key, entry.value]), [['a.key', '1'], ['b.key', '2'], ['c.key', '']]);
    });
  });

  test('setIfAbsent keeps the first value', () => {
    withStore(freshFile(), (store) => {
      assert.equal(store.setIfAbsent('profile.x', 'first'), 'first');
      assert.equal(store.setIfAbsent('profile.x', 'second'), 'first');
      assert.equal(store.get('profile.x'), 'first');
    });
  });

  test('setMany writes all or nothing', () => {
    withStore(freshFile(), (store) => {
      assert.equal(codeOf(() => store.setMany({ 'seller.id': 'S1', 'bad key!': 'x' })), 'SETTINGS_KEY_INVALID');
      assert.deepEqual(store.list(), []);
      store.setMany({ 'seller.id': 'S1', 'seller.name': 'Shop' });
      assert.equal(store.list().length, 2);
    });
  });

  test('a transaction that throws leaves nothing behind', () => {
    withStore(freshFile(), (store) => {
      assert.throws(() =>
        store.transaction(() => {
          store.set('locale', 'en');
          throw new Error('abort');
        }),
      );
      assert.equal(store.get('locale'), undefined);
    });
  });

  test('refuses malformed keys and non-string values', () => {
    withStore(freshFile(), (store) => {
      for (const key of ['', ' lead', '.dot', 'has space', 'x'.repeat(129), 'ключ']) {
        assert.equal(codeOf(() => store.set(key, 'v')), 'SETTINGS_KEY_INVALID', key);
      }
      assert.equal(codeOf(() => store.set('n', 5 as unknown as string)), 'SETTINGS_VALUE_INVALID');
      assert.deepEqual(store.list(), []);
    });
  });

  test('refuses anything shaped like a secret', () => {
    withStore(freshFile(), (store) => {
      for (const key of ['merchant.privateKey', 'supervisor.pin', 'supervisor.pinHash', 'isv.token', 'gateway.password']) {
        assert.equal(codeOf(() => store.set(key, 'x')), 'SECRET_IN_SETTINGS', key);
      }
      const pem = '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----';
      assert.equal(codeOf(() => store.set('note', pem)), 'SECRET_IN_SETTINGS');
      assert.deepEqual(store.list(), []);
      // A pin of the server key (a public digest) is not a PIN.
      store.set('gateway.pinSha256', 'x');
    });
  });
});
