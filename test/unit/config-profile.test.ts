import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { getConfig, listConfig, setConfig, unsetConfig } from '../../main/config/settings-schema';
import { openTillDatabase } from '../../main/config/data-dir';
import { ensureProfile, generateTerminalId, readProfile, PROFILE_ID_KEY, type Profile } from '../../main/config/profile';
import { SettingsStore } from '../../main/config/settings-store';
import { migrations } from '../../main/journal/migrations';
import { openDatabase } from '../../native/sqlite';
import { TillError } from '../../main/errors';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'till-config-profile-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshDir(): string {
  return path.join(root, `case-${++counter}`);
}

function profileIn(dir: string): Profile {
  const db = openTillDatabase(dir);
  try {
    const profile = readProfile(new SettingsStore(db));
    assert.ok(profile !== undefined, 'openTillDatabase creates the profile');
    return profile;
  } finally {
    db.close();
  }
}

describe('profile', () => {
  test('is generated on first open and stays the same across reopen', () => {
    const dir = freshDir();
    const first = profileIn(dir);
    assert.match(first.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(first.generatedTerminalId, /^T[0-9A-F]{8}$/);
    assert.deepEqual(profileIn(dir), first);
    assert.notEqual(profileIn(freshDir()).id, first.id, 'each data directory has its own profile');
  });

  test('is created exactly once: later calls keep the stored values', () => {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(root, 'raw-')), 'till.sqlite'), { migrations });
    try {
      const store = new SettingsStore(db);
      assert.equal(readProfile(store), undefined);
      const created = ensureProfile(store, { uuid: () => '11111111-1111-4111-8111-111111111111', terminalId: () => 'TAAAAAAAA' });
      const again = ensureProfile(store, { uuid: () => '22222222-2222-4222-8222-222222222222', terminalId: () => 'TBBBBBBBB' });
      assert.deepEqual(again, created);
      assert.equal(created.id, '11111111-1111-4111-8111-111111111111');
      assert.equal(created.generatedTerminalId, 'TAAAAAAAA');
    } finally {
      db.close();
    }
  });

  test('the generated terminal id is the default of terminal.id until overridden', () => {
    const db = openTillDatabase(freshDir());
    try {
      const store = new SettingsStore(db);
      const profile = ensureProfile(store);
      assert.equal(getConfig(store)['terminal.id'], profile.generatedTerminalId);
      assert.equal(listConfig(store).find((entry) => entry.key === 'terminal.id')?.isDefault, true);
      setConfig(store, 'terminal.id', 'POS-7');
      assert.equal(getConfig(store)['terminal.id'], 'POS-7');
      assert.equal(ensureProfile(store).generatedTerminalId, profile.generatedTerminalId);
      unsetConfig(store, 'terminal.id');
      assert.equal(getConfig(store)['terminal.id'], profile.generatedTerminalId);
    } finally {
      db.close();
    }
  });

  test('a tampered profile id is refused', () => {
    const db = openTillDatabase(freshDir());
    try {
      const store = new SettingsStore(db);
      store.set(PROFILE_ID_KEY, 'not-a-uuid');
      assert.throws(() => ensureProfile(store), (error: unknown) => error instanceof TillError && error.code === 'PROFILE_INVALID' && error.field === PROFILE_ID_KEY);
    } finally {
      db.close();
    }
  });

  test('generated terminal ids are T + 8 uppercase hex and vary', () => {
    const ids = new Set(Array.from({ length: 50 }, generateTerminalId));
    for (const id of ids) assert.match(id, /^T[0-9A-F]{8}$/);
    assert.ok(ids.size > 45);
  });
});
