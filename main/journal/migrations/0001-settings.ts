import type { Migration } from '../../../native/sqlite';

/**
 * Non-secret key/value settings (configuration, profile id). Secrets live in the OS
 * keychain, never here. NOT NULL on the key because a rowid table's TEXT PRIMARY KEY
 * would otherwise accept NULL.
 */
export const settingsMigration: Migration = {
  version: 1,
  name: 'settings',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key        TEXT NOT NULL PRIMARY KEY CHECK (length(key) > 0),
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
