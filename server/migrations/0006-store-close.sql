-- What each terminal runs (sent with every batch and heartbeat), for the terminals screen.
ALTER TABLE terminals ADD COLUMN app_version text;

-- "Store day closed" (issue 14 §5): taken only when every terminal of the store has closed
-- that day and sent everything; the store's Z report is kept as it was at that moment.
CREATE TABLE store_day_closes (
  store_id  text   NOT NULL REFERENCES stores (id),
  day       text   NOT NULL,
  closed_at bigint NOT NULL,
  closed_by text   NOT NULL,
  report    jsonb  NOT NULL,
  PRIMARY KEY (store_id, day)
);
