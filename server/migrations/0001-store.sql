-- The store server's schema (docs/store-server.md). Every terminal's journal lands here,
-- keyed by (terminal, the terminal's own row id): applying a change twice leaves one row.
-- Amounts are bigint minor units (ISO 4217), as on the till.

CREATE TABLE stores (
  id         text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  created_at bigint NOT NULL
);

CREATE TABLE terminals (
  id              text PRIMARY KEY,
  store_id        text NOT NULL REFERENCES stores (id),
  name            text NOT NULL,
  till_terminal   text,
  device_name     text,
  token_hash      text UNIQUE,
  enrolled_at     bigint,
  revoked_at      bigint,
  last_seq        bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  last_sync_at    bigint,
  last_sent_at    bigint,
  backlog         integer NOT NULL DEFAULT 0
);

CREATE INDEX terminals_store ON terminals (store_id);

-- One-time enrolment codes: only their hash is kept; used once, within 15 minutes.
CREATE TABLE enrol_codes (
  code_hash   text PRIMARY KEY,
  store_id    text NOT NULL REFERENCES stores (id),
  name        text NOT NULL,
  expires_at  bigint NOT NULL,
  used_at     bigint,
  terminal_id text
);

CREATE TABLE orders (
  terminal_id       text    NOT NULL REFERENCES terminals (id),
  id                bigint  NOT NULL,
  merchant_trans_id text    NOT NULL,
  business_day      text    NOT NULL,
  till_terminal     text    NOT NULL,
  seq               integer NOT NULL,
  amount_minor      bigint  NOT NULL CHECK (amount_minor > 0),
  currency          text    NOT NULL CHECK (length(currency) = 3),
  refunded_minor    bigint  NOT NULL DEFAULT 0,
  state             text    NOT NULL,
  title             text    NOT NULL,
  acquirement_id    text,
  result_code       text,
  result_message    text,
  paid_at           text,
  alarm             text,
  cancel_requested  boolean NOT NULL DEFAULT false,
  body_text         text    NOT NULL,
  created_at        bigint  NOT NULL,
  updated_at        bigint  NOT NULL,
  PRIMARY KEY (terminal_id, id)
);

-- The store report of a day: one index range per terminal, covering the sums.
CREATE INDEX orders_day ON orders (business_day, terminal_id, state, currency) INCLUDE (amount_minor);
CREATE INDEX orders_alarm ON orders (business_day, terminal_id) WHERE alarm IS NOT NULL;

CREATE TABLE refunds (
  terminal_id        text   NOT NULL REFERENCES terminals (id),
  id                 bigint NOT NULL,
  order_id           bigint NOT NULL,
  merchant_refund_id text   NOT NULL,
  amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
  currency           text   NOT NULL CHECK (length(currency) = 3),
  state              text   NOT NULL,
  business_day       text   NOT NULL,
  refund_id          text,
  result_code        text,
  reason             text,
  created_at         bigint NOT NULL,
  updated_at         bigint NOT NULL,
  PRIMARY KEY (terminal_id, id)
);

CREATE INDEX refunds_day ON refunds (business_day, terminal_id, state, currency) INCLUDE (amount_minor);

CREATE TABLE attempts (
  terminal_id    text    NOT NULL REFERENCES terminals (id),
  id             bigint  NOT NULL,
  order_id       bigint  NOT NULL,
  refund_id      bigint,
  api            text    NOT NULL,
  req_msg_id     text    NOT NULL,
  sent_at        bigint  NOT NULL,
  received_at    bigint  NOT NULL,
  outcome        text    NOT NULL,
  result_code    text,
  status         text,
  unknown_reason text,
  http_status    integer,
  repeats        integer NOT NULL,
  raw_response   text,
  PRIMARY KEY (terminal_id, id)
);

CREATE TABLE events (
  terminal_id text   NOT NULL REFERENCES terminals (id),
  id          bigint NOT NULL,
  order_id    bigint,
  at          bigint NOT NULL,
  actor       text   NOT NULL,
  kind        text   NOT NULL,
  from_state  text,
  to_state    text,
  detail      jsonb,
  PRIMARY KEY (terminal_id, id)
);

CREATE INDEX events_order ON events (terminal_id, order_id);

CREATE TABLE alarms (
  terminal_id text   NOT NULL REFERENCES terminals (id),
  id          bigint NOT NULL,
  kind        text   NOT NULL,
  code        text,
  order_id    bigint,
  message     text   NOT NULL,
  raised_at   bigint NOT NULL,
  cleared_at  bigint,
  cleared_by  text,
  PRIMARY KEY (terminal_id, id)
);

CREATE INDEX alarms_open ON alarms (terminal_id) WHERE cleared_at IS NULL;

CREATE TABLE day_closes (
  terminal_id text   NOT NULL REFERENCES terminals (id),
  day         text   NOT NULL,
  closed_at   bigint NOT NULL,
  closed_by   text   NOT NULL,
  z_report    jsonb  NOT NULL,
  PRIMARY KEY (terminal_id, day)
);
