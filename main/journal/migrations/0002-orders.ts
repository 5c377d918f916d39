import type { Migration } from '../../../native/sqlite';

/**
 * The order journal (docs/architecture.md "Order lifecycle"): orders hold the current state, events
 * are the append-only history, attempts keep every HTTP exchange for audit. Nothing that
 * records money is ever deleted; triggers refuse it even to a hand-typed SQL statement.
 *
 * Sizing (a million orders): every index below serves a named query, and none is
 * another's prefix over the same rows.
 * - orders_day covers reconciliation of a day (one range scan, no row reads) and the
 *   close-of-day check; orders_unresolved and orders_alarm are partial, so they hold only
 *   the few rows the recovery scan and the exception list read.
 * - rev_trans_id is merchant_trans_id reversed: "ends with 0042" is a prefix range on it.
 * - items holds the order lines as JSON, NULL when there are none; amounts are INTEGER
 *   minor units everywhere, so SQL sums stay exact.
 * - orders.body_text and attempts.raw_response hold the text, or a BLOB holding it
 *   compressed (main/journal/packed-text.ts): bodies and signed answers are most of the
 *   bytes of an order, and short JSON compresses well against a preset dictionary.
 */

const ORDER_STATES = `'NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'PAID', 'REFUNDED', 'CANCELLED', 'FAILED'`;
const UNRESOLVED = `'NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING'`;
const ACTORS = `'cashier', 'supervisor', 'engine', 'recovery', 'cli'`;
const DAY = (column: string) => `${column} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'`;

function refuse(table: string, what: 'DELETE' | 'UPDATE', message: string, when = ''): string {
  return `
    CREATE TRIGGER ${table}_no_${what.toLowerCase()} BEFORE ${what} ON ${table}${when === '' ? '' : ` WHEN ${when}`}
    BEGIN SELECT RAISE(ABORT, '${message}'); END;`;
}

function changed(columns: readonly string[]): string {
  return columns.map((c) => `NEW.${c} IS NOT OLD.${c}`).join(' OR ');
}

export const ordersMigration: Migration = {
  version: 2,
  name: 'orders',
  up(db) {
    db.exec(`
      CREATE TABLE orders (
        id                INTEGER PRIMARY KEY,
        merchant_trans_id TEXT    NOT NULL UNIQUE CHECK (length(merchant_trans_id) BETWEEN 1 AND 64),
        rev_trans_id      TEXT    NOT NULL CHECK (length(rev_trans_id) = length(merchant_trans_id)),
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
        title             TEXT    NOT NULL,
        detail            TEXT,
        items             TEXT    CHECK (json_valid(items)),
        body_text         ANY     NOT NULL CHECK (typeof(body_text) IN ('text', 'blob') AND length(body_text) > 0),
        -- Money already refunded exists only on a paid order, and all of it means REFUNDED.
        CHECK (refunded_minor = 0 OR state IN ('PAID', 'REFUNDED')),
        CHECK ((state = 'REFUNDED') = (refunded_minor = amount_minor))
      ) STRICT;

      CREATE INDEX orders_rev_trans_id ON orders (rev_trans_id);
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
        changed(['id', 'merchant_trans_id', 'rev_trans_id', 'business_day', 'terminal_id', 'seq', 'amount_minor', 'currency', 'created_at', 'cart_id', 'title', 'detail', 'items', 'body_text']),
      )}
      -- Final states stay final; a paid order can only become refunded.
      CREATE TRIGGER orders_final_state BEFORE UPDATE OF state ON orders
        WHEN NEW.state IS NOT OLD.state
         AND (OLD.state IN ('CANCELLED', 'FAILED', 'REFUNDED') OR (OLD.state = 'PAID' AND NEW.state <> 'REFUNDED'))
      BEGIN SELECT RAISE(ABORT, 'an order in a final state cannot change state'); END;

      CREATE TABLE refunds (
        id                 INTEGER PRIMARY KEY,
        order_id           INTEGER NOT NULL REFERENCES orders (id),
        merchant_refund_id TEXT    NOT NULL UNIQUE CHECK (length(merchant_refund_id) BETWEEN 1 AND 64),
        amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
        currency           TEXT    NOT NULL CHECK (length(currency) = 3),
        state              TEXT    NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        business_day       TEXT    NOT NULL CHECK (${DAY('business_day')}),
        refund_id          TEXT,
        result_code        TEXT,
        reason             TEXT,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL,
        body_text          TEXT    NOT NULL CHECK (length(body_text) > 0)
      ) STRICT;

      CREATE INDEX refunds_order ON refunds (order_id);
      CREATE INDEX refunds_day ON refunds (business_day, state, currency, amount_minor);
      CREATE INDEX refunds_pending ON refunds (id) WHERE state = 'PENDING';

      ${refuse('refunds', 'DELETE', 'refunds are never deleted')}
      ${refuse(
        'refunds',
        'UPDATE',
        'a refund is frozen once journaled; only a pending refund can be settled',
        `${changed(['id', 'order_id', 'merchant_refund_id', 'amount_minor', 'currency', 'business_day', 'reason', 'created_at', 'body_text'])} OR OLD.state <> 'PENDING'`,
      )}

      CREATE TABLE attempts (
        id             INTEGER PRIMARY KEY,
        order_id       INTEGER NOT NULL REFERENCES orders (id),
        refund_id      INTEGER REFERENCES refunds (id),
        api            TEXT    NOT NULL CHECK (api IN ('preCreate', 'payQuery', 'payCancel', 'refund')),
        req_msg_id     TEXT    NOT NULL,
        sent_at        INTEGER NOT NULL,
        received_at    INTEGER NOT NULL,
        outcome        TEXT    NOT NULL CHECK (outcome IN ('S', 'F', 'U')),
        result_code    TEXT,
        status         TEXT,
        unknown_reason TEXT,
        http_status    INTEGER,
        repeats        INTEGER NOT NULL DEFAULT 1 CHECK (repeats >= 1),
        raw_response   ANY     CHECK (raw_response IS NULL OR typeof(raw_response) IN ('text', 'blob'))
      ) STRICT;

      CREATE INDEX attempts_order ON attempts (order_id);

      ${refuse('attempts', 'DELETE', 'attempts are never deleted')}
      -- Only folding an identical poll answer into its row (repeats, received_at) is allowed.
      ${refuse(
        'attempts',
        'UPDATE',
        'an attempt is frozen once journaled',
        changed(['id', 'order_id', 'refund_id', 'api', 'req_msg_id', 'sent_at', 'outcome', 'result_code', 'status', 'unknown_reason', 'http_status', 'raw_response']),
      )}

      CREATE TABLE events (
        id         INTEGER PRIMARY KEY,
        order_id   INTEGER REFERENCES orders (id),
        at         INTEGER NOT NULL,
        actor      TEXT    NOT NULL CHECK (actor IN (${ACTORS})),
        kind       TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
        from_state TEXT    CHECK (from_state IN (${ORDER_STATES})),
        to_state   TEXT    CHECK (to_state IN (${ORDER_STATES})),
        detail     TEXT    CHECK (json_valid(detail))
      ) STRICT;

      CREATE INDEX events_order ON events (order_id);

      ${refuse('events', 'UPDATE', 'the event log is append-only')}
      ${refuse('events', 'DELETE', 'the event log is append-only')}

      CREATE TABLE alarms (
        id         INTEGER PRIMARY KEY,
        kind       TEXT    NOT NULL CHECK (kind GLOB '[A-Z]*' AND length(kind) <= 64),
        code       TEXT,
        order_id   INTEGER REFERENCES orders (id),
        message    TEXT    NOT NULL,
        raised_at  INTEGER NOT NULL,
        cleared_at INTEGER,
        cleared_by TEXT,
        CHECK ((cleared_at IS NULL) = (cleared_by IS NULL))
      ) STRICT;

      CREATE INDEX alarms_open ON alarms (kind, code, order_id) WHERE cleared_at IS NULL;

      ${refuse('alarms', 'DELETE', 'alarms are never deleted')}
      ${refuse(
        'alarms',
        'UPDATE',
        'an alarm can only be cleared, once',
        `${changed(['id', 'kind', 'code', 'order_id', 'message', 'raised_at'])} OR OLD.cleared_at IS NOT NULL`,
      )}

      CREATE TABLE business_days (
        day       TEXT    NOT NULL PRIMARY KEY CHECK (${DAY('day')}),
        closed_at INTEGER NOT NULL,
        closed_by TEXT    NOT NULL,
        z_report  TEXT    NOT NULL CHECK (json_valid(z_report))
      ) STRICT;

      ${refuse('business_days', 'DELETE', 'a closed day stays closed')}
      ${refuse('business_days', 'UPDATE', 'a closed day stays closed')}

      -- The last sequence number handed out per terminal and business day. It only grows,
      -- so a number is never handed out twice, whatever the clock does.
      CREATE TABLE sequences (
        terminal_id TEXT    NOT NULL,
        day         TEXT    NOT NULL CHECK (${DAY('day')}),
        last        INTEGER NOT NULL CHECK (last > 0),
        PRIMARY KEY (terminal_id, day)
      ) STRICT, WITHOUT ROWID;

      ${refuse('sequences', 'DELETE', 'a sequence is never reset')}
      ${refuse('sequences', 'UPDATE', 'a sequence only grows', 'NEW.last <= OLD.last OR NEW.terminal_id IS NOT OLD.terminal_id OR NEW.day IS NOT OLD.day')}
    `);
  },
};
