-- A job's claim names its executor (one engine run or one inline attempt) and that executor's
-- process, so an engine starting up re-queues only work whose executor is gone.
ALTER TABLE jobs ADD COLUMN claimed_by TEXT;
ALTER TABLE jobs ADD COLUMN claimed_pid INTEGER;

-- Every order change checks the row version it was decided from (optimistic concurrency), not
-- only the state: a stale same-state update (a refund total read before another refund landed)
-- is refused instead of written.
ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- One Iamport payment (imp_uid) belongs to one order: it is never counted as revenue twice.
-- Triggers rather than a unique index, so a database that already holds such a pair still opens;
-- from now on no order takes an imp_uid another order holds.
CREATE TRIGGER orders_imp_uid_once_insert BEFORE INSERT ON orders
WHEN NEW.imp_uid IS NOT NULL
  AND EXISTS (SELECT 1 FROM orders WHERE imp_uid = NEW.imp_uid)
BEGIN
  SELECT RAISE(ABORT, 'imp_uid belongs to another order');
END;

CREATE TRIGGER orders_imp_uid_once_update BEFORE UPDATE OF imp_uid ON orders
WHEN NEW.imp_uid IS NOT NULL
  AND OLD.imp_uid IS NOT NEW.imp_uid
  AND EXISTS (SELECT 1 FROM orders WHERE imp_uid = NEW.imp_uid AND merchant_uid <> NEW.merchant_uid)
BEGIN
  SELECT RAISE(ABORT, 'imp_uid belongs to another order');
END;

-- Billing keys (customer_uid) the app minted: for a new subscription's window or for a
-- subscription's card-change window. Card change and key deletion accept only these (and the
-- keys our subscriptions hold), never any key that happens to exist at Iamport.
CREATE TABLE minted_keys (
    customer_uid    TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    purpose         TEXT NOT NULL CHECK (purpose IN ('issuance', 'card_change')),
    created_at      INTEGER NOT NULL
);
CREATE INDEX minted_keys_by_subscription ON minted_keys (subscription_id);
