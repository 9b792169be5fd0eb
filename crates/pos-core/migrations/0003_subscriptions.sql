-- Subscriptions (정기결제). Append-only: never edit once shipped.
-- Times are INTEGER milliseconds since the UNIX epoch (UTC). Money is INTEGER won.

CREATE TABLE subscriptions (
    id                       TEXT PRIMARY KEY NOT NULL,
    plan_id                  TEXT NOT NULL REFERENCES plans (id),
    customer_uid             TEXT NOT NULL,
    amount                   INTEGER NOT NULL CHECK (amount > 0),
    state                    TEXT NOT NULL CHECK (state IN ('incomplete', 'active', 'past_due', 'unpaid', 'cancelled')),
    billing_merchant_uid     TEXT NOT NULL REFERENCES orders (merchant_uid),
    anchor_day               INTEGER CHECK (anchor_day BETWEEN 1 AND 31),
    current_period_start     INTEGER,
    current_period_end       INTEGER,
    cancel_at_period_end     INTEGER NOT NULL DEFAULT 0 CHECK (cancel_at_period_end IN (0, 1)),
    next_charge_merchant_uid TEXT,
    next_charge_at           INTEGER,
    retry_count              INTEGER NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
    next_retry_at            INTEGER,
    first_failed_at          INTEGER,
    last_failure_reason      TEXT,
    card_masked              TEXT,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    cancelled_at             INTEGER
) STRICT;

-- One live subscription per plan in this store: subscribing twice is refused by the database too.
CREATE UNIQUE INDEX subscriptions_one_live_per_plan ON subscriptions (plan_id) WHERE state <> 'cancelled';
CREATE INDEX subscriptions_by_customer ON subscriptions (customer_uid);

-- Each charge of a subscription: its renew_ order, the period it pays for and where its request stands.
-- request: pending (minted, not sent), sending (sent, answer not yet stored: look it up before
-- re-sending), sent (Iamport has it), revoked (unscheduled).
CREATE TABLE subscription_charges (
    merchant_uid    TEXT PRIMARY KEY NOT NULL REFERENCES orders (merchant_uid),
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    period_no       INTEGER NOT NULL CHECK (period_no >= 0),
    period_start    INTEGER,
    period_end      INTEGER,
    via             TEXT NOT NULL CHECK (via IN ('again', 'schedule')),
    charge_at       INTEGER NOT NULL,
    customer_uid    TEXT NOT NULL,
    request         TEXT NOT NULL CHECK (request IN ('pending', 'sending', 'sent', 'revoked')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- A period is charged at most once: one charge (one merchant_uid) per period number.
CREATE UNIQUE INDEX subscription_charges_one_per_period ON subscription_charges (subscription_id, period_no);

CREATE TABLE subscription_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    at              INTEGER NOT NULL,
    from_state      TEXT,
    to_state        TEXT NOT NULL,
    cause           TEXT NOT NULL,
    detail          TEXT CHECK (detail IS NULL OR json_valid(detail))
) STRICT;

CREATE INDEX subscription_events_by_subscription ON subscription_events (subscription_id, id);

CREATE TRIGGER subscription_events_no_update BEFORE UPDATE ON subscription_events
BEGIN
    SELECT RAISE(ABORT, 'subscription_events is append-only');
END;

CREATE TRIGGER subscription_events_no_delete BEFORE DELETE ON subscription_events
BEGIN
    SELECT RAISE(ABORT, 'subscription_events is append-only');
END;
