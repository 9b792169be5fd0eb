-- A payment made with the wrong amount (a virtual-account deposit of 100원 on a 9,900원 order,
-- or one larger than the order) is never the order's sale and is returned whole. What it took
-- and what has gone back are the order's own facts, kept apart from `refunded_amount` (the
-- refunds of the order's sale, never more than its amount): a wrong deposit may be larger than
-- the order. Append-only: never edit once shipped.

ALTER TABLE orders ADD COLUMN mismatch_received INTEGER
    CHECK (mismatch_received IS NULL OR mismatch_received >= 0);
ALTER TABLE orders ADD COLUMN mismatch_returned INTEGER NOT NULL DEFAULT 0
    CHECK (mismatch_returned >= 0 AND mismatch_returned <= coalesce(mismatch_received, 0));

-- Orders flagged before these columns existed: the wrong payment's amount is in the audit event
-- that flagged it, and what went back is what their finished automatic cancels took.
UPDATE orders SET mismatch_received = (
    SELECT CAST(json_extract(e.detail, '$.detail.paidAmount') AS INTEGER)
    FROM order_events e
    WHERE e.merchant_uid = orders.merchant_uid
      AND e.to_state = 'amount_mismatch'
      AND json_extract(e.detail, '$.detail.status') IN ('paid', 'cancelled')
      AND json_extract(e.detail, '$.detail.paidAmount') >= 0
    ORDER BY e.id DESC LIMIT 1
) WHERE state = 'amount_mismatch';

UPDATE orders SET mismatch_returned = min(mismatch_received, (
    SELECT coalesce(sum(json_extract(j.payload, '$.checksum')), 0)
    FROM jobs j
    WHERE j.merchant_uid = orders.merchant_uid
      AND j.kind = 'cancel'
      AND j.state = 'done'
      AND json_extract(j.payload, '$.amountMismatch') = 1
)) WHERE mismatch_received IS NOT NULL;
