-- Finding an order across terminals and days (the store screen's search): by the last
-- digits of its merchantTransId (the id reversed, so "ends with" is a prefix), by Alipay's
-- transaction id, newest first.
CREATE INDEX orders_rev_trans_id ON orders (reverse(merchant_trans_id) text_pattern_ops);
CREATE INDEX orders_acquirement ON orders (acquirement_id) WHERE acquirement_id IS NOT NULL;
CREATE INDEX orders_created ON orders (created_at DESC, terminal_id, id);
