import type { Migration } from '../../../native/sqlite';
import { settingsMigration } from './0001-settings';
import { ordersMigration } from './0002-orders';
import { devicesMigration } from './0003-devices';
import { compactOrdersMigration } from './0004-compact-orders';
import { syncOutboxMigration } from './0005-sync-outbox';

/**
 * Every schema step of the till's database, oldest first. To extend: add `NNNN-name.ts`
 * exporting a Migration with the next version and append it here. Never edit or reorder
 * a migration that has shipped; the runner rejects gaps and duplicates.
 */
export const migrations: readonly Migration[] = Object.freeze([
  settingsMigration,
  ordersMigration,
  devicesMigration,
  compactOrdersMigration,
  syncOutboxMigration,
]);
