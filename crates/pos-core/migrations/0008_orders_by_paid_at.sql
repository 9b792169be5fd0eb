-- 정산: sales are found by when Iamport says they were paid. The index leads with paid_at (a
-- range of KST days), keeps merchant_uid next so a day's sales list in index order, and carries
-- the columns the totals read, so a month's totals come from the index alone.
CREATE INDEX orders_by_paid_at ON orders (paid_at, merchant_uid, pay_method, plan_id, state, amount, refunded_amount);
