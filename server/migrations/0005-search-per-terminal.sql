-- Search, second form (docs/store-server.md, "Search"): the store screen pages each of the
-- store's terminals through its own index, newest day first, then newest order first, and
-- merges the pages. 0004's single-column indexes could not serve a filter and the order
-- together (an amount, or "ends with" OR an Alipay id, read millions of rows on 10 M).
DROP INDEX orders_created;
DROP INDEX orders_rev_trans_id;
DROP INDEX orders_acquirement;
CREATE INDEX orders_terminal_newest ON orders (terminal_id, business_day, created_at, id);
CREATE INDEX orders_terminal_amount ON orders (terminal_id, amount_minor, business_day, created_at, id);
CREATE INDEX orders_terminal_tail ON orders (terminal_id, reverse(merchant_trans_id) text_pattern_ops);
CREATE INDEX orders_terminal_acquirement ON orders (terminal_id, acquirement_id) WHERE acquirement_id IS NOT NULL;
-- A state over days, newest first (also the report's unresolved orders of a day); it takes
-- over from 0001's orders_day, whose sums day_totals (0003) now keeps.
DROP INDEX orders_day;
CREATE INDEX orders_terminal_state ON orders (terminal_id, state, business_day, created_at, id);
