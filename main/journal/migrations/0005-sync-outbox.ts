import type { Migration } from '../../../native/sqlite';

/**
 * The outbox of changes for the store server (docs/store-server.md). While the till is
 * joined to a store (sync_state.enabled), triggers note every journal change in the same
 * transaction that makes it: nothing journaled can miss the outbox, whatever crashes.
 * A note names the row (entity, ref); the row is read as it is when the batch is sent.
 * An update whose row already has a note not yet sent makes no second note (a poll that
 * folds into its attempt, a state change right after another): the unsent note will carry
 * the newer row. sent_upto is the last note read into a batch: a change after that gets a
 * note of its own, so nothing changed during a send is lost. Notes are deleted once the
 * server holds them, all but the last one: `seq` is the rowid, max + 1, so keeping the
 * highest row keeps the numbering going up without AUTOINCREMENT's extra write per note.
 */

const ENTITIES = `'order', 'refund', 'attempt', 'event', 'alarm', 'day'`;
const ON = '(SELECT enabled FROM sync_state WHERE id = 1) = 1';

function note(entity: string, ref: string): string {
  return `INSERT INTO sync_outbox (entity, ref) VALUES ('${entity}', ${ref});`;
}

function unsent(entity: string, ref: string): string {
  return `NOT EXISTS (SELECT 1 FROM sync_outbox WHERE entity = '${entity}' AND ref = ${ref} AND seq > (SELECT sent_upto FROM sync_state WHERE id = 1))`;
}

function triggers(table: string, entity: string, updateOf: string | null): string {
  const insert = `CREATE TRIGGER sync_${table}_insert AFTER INSERT ON ${table} WHEN ${ON} BEGIN ${note(entity, 'NEW.id')} END;`;
  if (updateOf === null) return insert;
  return `${insert}
    CREATE TRIGGER sync_${table}_update AFTER UPDATE OF ${updateOf} ON ${table} WHEN ${ON} AND ${unsent(entity, 'NEW.id')}
    BEGIN ${note(entity, 'NEW.id')} END;`;
}

export const syncOutboxMigration: Migration = {
  version: 5,
  name: 'sync-outbox',
  up(db) {
    db.exec(`
      CREATE TABLE sync_outbox (
        seq    INTEGER PRIMARY KEY,
        entity TEXT    NOT NULL CHECK (entity IN (${ENTITIES})),
        ref    ANY     NOT NULL
      ) STRICT;
      CREATE INDEX sync_outbox_row ON sync_outbox (entity, ref);

      -- One row: whether the till is joined, and where its sequence stands. The server
      -- numbers a terminal's changes from 1: wire seq = outbox seq - base_seq.
      CREATE TABLE sync_state (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        enabled      INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
        base_seq     INTEGER NOT NULL DEFAULT 0,
        sent_upto    INTEGER NOT NULL DEFAULT 0,
        acked_upto   INTEGER NOT NULL DEFAULT 0,
        last_ack_at  INTEGER,
        last_error   TEXT
      ) STRICT;
      INSERT INTO sync_state (id) VALUES (1);

      ${triggers('orders', 'order', 'state, refunded_minor, acquirement_id, result_code, result_message, paid_at, alarm, cancel_requested')}
      ${triggers('refunds', 'refund', 'state, refund_id, result_code')}
      ${triggers('attempts', 'attempt', 'repeats, received_at')}
      ${triggers('events', 'event', null)}
      ${triggers('alarms', 'alarm', 'cleared_at')}
      CREATE TRIGGER sync_days_insert AFTER INSERT ON business_days WHEN ${ON} BEGIN ${note('day', 'NEW.day')} END;
    `);
  },
};
