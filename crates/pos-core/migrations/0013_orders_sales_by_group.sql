-- 정산 totals by pay method and plan: one index seek per (pay method, plan) group and a read of
-- that group's sales in the range, from the index alone (it carries every column the totals
-- read), so a month is summed without sorting its orders into groups. Append-only: never edit
-- once shipped.
CREATE INDEX orders_sales_by_group ON orders (pay_method, plan_id, paid_at, state, amount, refunded_amount);
