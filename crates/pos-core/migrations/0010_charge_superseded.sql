-- A renewal paid with the wrong amount is cancelled automatically, and its period is charged
-- again under a new renew_ merchant_uid (Iamport never pays a merchant_uid twice, even after a
-- cancel). The first charge is then superseded by the second: still listed in the history, no
-- longer the period's live charge. Append-only: never edit once shipped.

ALTER TABLE subscription_charges ADD COLUMN superseded_by TEXT REFERENCES orders (merchant_uid);

-- A period is charged at most once: one live charge (one merchant_uid) per period number.
DROP INDEX subscription_charges_one_per_period;
CREATE UNIQUE INDEX subscription_charges_one_live_per_period
    ON subscription_charges (subscription_id, period_no) WHERE superseded_by IS NULL;
