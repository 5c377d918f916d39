import { migrations } from '../../main/journal/migrations';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DATABASE_FILE_NAME, defaultDataDir, ensureDataDir, openTillDatabase, resolveDataDir, tillDatabasePath } from '../../main/config/data-dir';
import { tillErrorOf } from '../support/till-error-of';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-config-data-dir-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshPath(): string {
  return path.join(root, `case-${++counter}`);
}


describe('resolveDataDir', () => {
  const env = { TILL_DATA_DIR: '/from/env', XDG_DATA_HOME: '/xdg' };

  test('--data-dir wins over TILL_DATA_DIR, which wins over the default', () => {
    assert.equal(resolveDataDir({ flag: '/from/flag', env, platform: 'linux', homeDir: '/home/u' }), '/from/flag');
    assert.equal(resolveDataDir({ env, platform: 'linux', homeDir: '/home/u' }), '/from/env');
    assert.equal(resolveDataDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux', homeDir: '/home/u' }), '/xdg/alipay-till');
  });

  test('relative values are made absolute against the working directory', () => {
    assert.equal(resolveDataDir({ flag: 'data', env: {}, cwd: '/srv/till' }), '/srv/till/data');
    assert.equal(resolveDataDir({ env: { TILL_DATA_DIR: './d' }, cwd: '/srv/till' }), '/srv/till/d');
  });

  test('an empty --data-dir is an error, an empty TILL_DATA_DIR is ignored', () => {
    assert.equal(tillErrorOf(() => resolveDataDir({ flag: '', env })).code, 'DATA_DIR_INVALID');
    assert.equal(resolveDataDir({ env: { TILL_DATA_DIR: '' }, platform: 'linux', homeDir: '/home/u' }), '/home/u/.local/share/alipay-till');
  });

  test('platform defaults', () => {
    assert.equal(defaultDataDir('linux', {}, '/home/u'), '/home/u/.local/share/alipay-till');
    assert.equal(defaultDataDir('linux', { XDG_DATA_HOME: 'relative' }, '/home/u'), '/home/u/.local/share/alipay-till');
    assert.equal(defaultDataDir('linux', { XDG_DATA_HOME: '/data' }, '/home/u'), '/data/alipay-till');
    assert.equal(defaultDataDir('darwin', {}, '/Users/u'), '/Users/u/Library/Application Support/alipay-till');
    assert.equal(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Roaming\\alipay-till');
    assert.equal(defaultDataDir('win32', {}, 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Roaming\\alipay-till');
  });
});

describe('ensureDataDir and openTillDatabase', () => {
  test('creates a missing directory tree with mode 0700', { skip: process.platform === 'win32' && 'POSIX modes' }, () => {
    const dir = path.join(freshPath(), 'nested', 'data');
    assert.equal(ensureDataDir(dir), dir);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  });

  test('opens till.sqlite inside the data directory with the settings table (STRICT) and a profile', () => {
    const dir = freshPath();
    const db = openTillDatabase(dir);
    try {
      assert.equal(tillDatabasePath(dir), path.join(dir, DATABASE_FILE_NAME));
      assert.ok(fs.statSync(path.join(dir, 'till.sqlite')).isFile());
      assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
      const table = db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'settings'").get() as { strict: number } | undefined;
      assert.equal(table?.strict, 1);
      const profileId = db.prepare("SELECT value FROM settings WHERE key = 'profile.id'").pluck().get();
      assert.match(String(profileId), /^[0-9a-f-]{36}$/);
    } finally {
      db.close();
    }
  });

  test('database refusals come out as TillErrors with the same codes', () => {
    const dir = freshPath();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'till.sqlite'), crypto.randomBytes(4096));
    const corrupt = tillErrorOf(() => openTillDatabase(dir));
    assert.equal(corrupt.code, 'DATABASE_CORRUPT');
    assert.ok(corrupt.message.includes(path.join(dir, 'till.sqlite')));

    const newer = freshPath();
    const db = openTillDatabase(newer);
    db.pragma('user_version = 99');
    db.close();
    assert.equal(tillErrorOf(() => openTillDatabase(newer)).code, 'DATABASE_TOO_NEW');
  });

  test('a data directory that cannot be created is DATA_DIR_UNWRITABLE', () => {
    const blocker = freshPath();
    fs.writeFileSync(blocker, '');
    const error = tillErrorOf(() => openTillDatabase(path.join(blocker, 'data')));
    assert.equal(error.code, 'DATA_DIR_UNWRITABLE');
    assert.ok(error.message.includes(blocker));
  });

  test('read-only open does not create the directory', () => {
    const dir = freshPath();
    assert.equal(tillErrorOf(() => openTillDatabase(dir, { readonly: true })).code, 'DATA_DIR_UNWRITABLE');
    assert.equal(fs.existsSync(dir), false);
  });
});
