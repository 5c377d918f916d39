import type { Migration } from '../../../native/sqlite';
import { bodyFacts, plainItems, withQuantities } from '../storage/order-body';
import { unpackText } from '../storage/packed-text';

/**
 * A smaller journal (issue 3: ≤ 2 KB per order at a million orders), converted in place.
 *
 * - title, detail and items are no longer stored beside the frozen body, which says them
 *   already: `extra` holds only what the body does not say exactly (order-body.ts), NULL
 *   for an order the engine created.
 * - rev_trans_id is a virtual column (the id read backwards, computed, not stored) and
 *   one unique index on it, orders_trans_id, replaces both the UNIQUE index on
 *   merchant_trans_id and the index on the stored reversed id: reading backwards is
 *   one-to-one, so it keeps ids unique, finds an id (equality) and finds ids by their
 *   last characters (a prefix range).
 * - reference_bodies keeps, once, the bodies later bodies are packed against
 *   (reference-bodies.ts).
 *
 * SQLite changes columns by rebuilding the table. The rows go through a temporary copy
 * because foreign keys are on during a migration: dropping orders counts every event,
 * attempt, refund and alarm that points at it as a (deferred) violation, and inserting
 * the same ids into the new orders table counts them back; the commit fails, and the
 * migration is rolled back, unless every reference found its order again. Stored bodies
 * and answers are copied byte for byte, whatever codec packed them.
 */

const ORDER_STATES = `'NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'PAID', 'REFUNDED', 'CANCELLED', 'FAILED'`;
const UNRESOLVED = `'NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING'`;
const DAY = (column: string) => `${column} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'`;
const MAX_TRANS_ID_LENGTH = 64;

/** The columns that move over unchanged, in the new table's order. */
const KEPT = [
  'id', 'merchant_trans_id', 'business_day', 'terminal_id', 'seq', 'amount_minor', 'currency', 'refunded_minor', 'state',
  'cancel_requested', 'unknown_count', 'next_action_at', 'pay_deadline', 'created_at', 'updated_at', 'cart_id', 'acquirement_id',
  'result_code', 'result_message', 'paid_at', 'alarm', 'qr_code',
].join(', ');

/**
 * The id read backwards in SQL (trans-id.ts reverseText, for ASCII ids of up to 64
 * characters): character 1 from the right, then 2, …; substr gives '' left of the first
 * character. SQLite has no reverse(), and a generated column may only use built-in
 * deterministic functions.
 */
function reversedSql(column: string): string {
  return Array.from({ length: MAX_TRANS_ID_LENGTH }, (_, i) => `substr(${column}, ${-(i + 1)}, 1)`).join(' || ');
}

function refuse(table: string, what: 'DELETE' | 'UPDATE', message: string, when = ''): string {
  return `
    CREATE TRIGGER ${table}_no_${what.toLowerCase()} BEFORE ${what} ON ${table}${when === '' ? '' : ` WHEN ${when}`}
    BEGIN SELECT RAISE(ABORT, '${message}'); END;`;
}

function changed(columns: readonly string[]): string {
  return columns.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ');
}

/**
 * The extra column of an order journaled at schema 3: the stored title, detail and items
 * the body does not say exactly; null when it says them all. Items are compared as the
 * stored text, so what comes back is what JSON.parse of the old column gave.
 */
export function legacyExtra(title: unknown, detail: unknown, items: unknown, body: unknown): string | null {
  const said = bodyFacts(unpackText(body as string | Buffer));
  const extra: Record<string, unknown> = {};
  if (said.title !== title) extra.title = title;
  if (said.detail !== detail) extra.detail = detail;
  const saidItems = said.items === undefined ? undefined : said.items.length === 0 ? null : JSON.stringify(plainItems(said.items));
  if (saidItems !== items) {
    const stored: unknown = items === null ? [] : JSON.parse(items as string);
    const quantities = Array.isArray(stored) ? stored.map((item: { quantity?: unknown } | null) => item?.quantity as number) : undefined;
    const completed = said.lines === undefined ? undefined : withQuantities(said.lines, quantities);
    if (items !== null && completed !== undefined && JSON.stringify(completed) === items) extra.quantities = quantities;
    else extra.items = stored;
  }
  return Object.keys(extra).length === 0 ? null : JSON.stringify(extra);
}

export const compactOrdersMigration: Migration = {
  version: 4,
  name: 'compact-orders',
  up(db) {
    const count = () => (db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
    const before = count();
    db.function('till_0004_legacy_extra', { deterministic: true }, (title, detail, items, body) => legacyExtra(title, detail, items, body));
    // Switched off again by the runner's COMMIT (or ROLLBACK).
    db.pragma('defer_foreign_keys = ON');
    db.exec(`
      -- No declared types: the values are kept as they are (TEXT, BLOB, INTEGER, NULL).
      CREATE TEMP TABLE orders_0003 (${KEPT}, extra, body_text);
      INSERT INTO temp.orders_0003 SELECT ${KEPT}, till_0004_legacy_extra(title, detail, items, body_text), body_text FROM main.orders ORDER BY id;

      DROP TRIGGER orders_no_delete;
      DROP TRIGGER orders_no_update;
      DROP TRIGGER orders_final_state;
      ${
        // Dropping orders looks up each order's alarms: without an index, a scan per order.
        // A new file has no orders, and then no page is left free by it.
        before > 0 ? 'CREATE INDEX alarms_order_0004 ON alarms (order_id);' : ''
      }
      DROP TABLE main.orders;

      CREATE TABLE orders (
        id                INTEGER PRIMARY KEY,
        merchant_trans_id TEXT    NOT NULL CHECK (length(merchant_trans_id) BETWEEN 1 AND ${MAX_TRANS_ID_LENGTH}),
        business_day      TEXT    NOT NULL CHECK (${DAY('business_day')}),
        terminal_id       TEXT    NOT NULL CHECK (length(terminal_id) > 0),
        seq               INTEGER NOT NULL CHECK (seq > 0),
        amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
        currency          TEXT    NOT NULL CHECK (length(currency) = 3),
        refunded_minor    INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND amount_minor),
        state             TEXT    NOT NULL CHECK (state IN (${ORDER_STATES})),
        cancel_requested  INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
        unknown_count     INTEGER NOT NULL DEFAULT 0 CHECK (unknown_count >= 0),
        next_action_at    INTEGER,
        pay_deadline      INTEGER,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        cart_id           TEXT    CHECK (length(cart_id) > 0),
        acquirement_id    TEXT,
        result_code       TEXT,
        result_message    TEXT,
        paid_at           TEXT,
        alarm             TEXT,
        qr_code           TEXT,
        extra             TEXT    CHECK (json_valid(extra)),
        body_text         ANY     NOT NULL CHECK (typeof(body_text) IN ('text', 'blob') AND length(body_text) > 0),
        rev_trans_id      TEXT    GENERATED ALWAYS AS (${reversedSql('merchant_trans_id')}) VIRTUAL,
        -- Money already refunded exists only on a paid order, and all of it means REFUNDED.
        CHECK (refunded_minor = 0 OR state IN ('PAID', 'REFUNDED')),
        CHECK ((state = 'REFUNDED') = (refunded_minor = amount_minor))
      ) STRICT;

      INSERT INTO main.orders (${KEPT}, extra, body_text) SELECT ${KEPT}, extra, body_text FROM temp.orders_0003 ORDER BY id;
      DROP TABLE temp.orders_0003;
      ${before > 0 ? 'DROP INDEX alarms_order_0004;' : ''}

      CREATE UNIQUE INDEX orders_trans_id ON orders (rev_trans_id);
      CREATE UNIQUE INDEX orders_cart ON orders (cart_id) WHERE cart_id IS NOT NULL;
      CREATE INDEX orders_day ON orders (business_day, state, currency, amount_minor);
      CREATE INDEX orders_unresolved ON orders (business_day) WHERE state IN (${UNRESOLVED});
      CREATE INDEX orders_alarm ON orders (business_day) WHERE alarm IS NOT NULL;

      ${refuse('orders', 'DELETE', 'orders are never deleted')}
      -- What was sent (or will be re-sent byte for byte) cannot change once journaled.
      ${refuse(
        'orders',
        'UPDATE',
        'the identity, amount and body of an order are frozen once journaled',
        changed(['id', 'merchant_trans_id', 'business_day', 'terminal_id', 'seq', 'amount_minor', 'currency', 'created_at', 'cart_id', 'extra', 'body_text']),
      )}
      -- Final states stay final; a paid order can only become refunded.
      CREATE TRIGGER orders_final_state BEFORE UPDATE OF state ON orders
        WHEN NEW.state IS NOT OLD.state
         AND (OLD.state IN ('CANCELLED', 'FAILED', 'REFUNDED') OR (OLD.state = 'PAID' AND NEW.state <> 'REFUNDED'))
      BEGIN SELECT RAISE(ABORT, 'an order in a final state cannot change state'); END;

      CREATE TABLE reference_bodies (
        id            INTEGER PRIMARY KEY,
        body_text     TEXT    NOT NULL CHECK (length(body_text) > 0),
        orders_before INTEGER NOT NULL CHECK (orders_before >= 0),
        created_at    INTEGER NOT NULL
      ) STRICT;

      ${refuse('reference_bodies', 'DELETE', 'a reference body is never deleted')}
      ${refuse('reference_bodies', 'UPDATE', 'a reference body is frozen once journaled')}
    `);
    const after = count();
    if (after !== before) throw new Error(`${before} orders before the rebuild, ${after} after`);
  },
};
