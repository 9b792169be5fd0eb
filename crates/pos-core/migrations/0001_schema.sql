-- Panmusic POS schema, version 1. Append-only: never edit this file once shipped; add 0002_... instead.
-- Times are INTEGER milliseconds since the UNIX epoch (UTC). Money is INTEGER won.

CREATE TABLE plans (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('pass', 'subscription')),
    name_ko    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    price      INTEGER NOT NULL CHECK (price > 0),
    months     INTEGER NOT NULL CHECK (months > 0),
    sort_order INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE orders (
    merchant_uid    TEXT PRIMARY KEY NOT NULL CHECK (length(merchant_uid) <= 40),
    kind            TEXT NOT NULL CHECK (kind IN ('one_time', 'billing', 'renewal')),
    plan_id         TEXT NOT NULL REFERENCES plans (id),
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    currency        TEXT NOT NULL DEFAULT 'KRW',
    buyer_name      TEXT,
    buyer_tel       TEXT,
    buyer_email     TEXT,
    state           TEXT NOT NULL CHECK (state IN ('created', 'awaiting_payment', 'vbank_issued', 'paid', 'failed',
                                                  'abandoned', 'partially_refunded', 'refunded', 'amount_mismatch')),
    imp_uid         TEXT,
    pay_method      TEXT NOT NULL CHECK (pay_method IN ('card', 'vbank', 'phone', 'trans')),
    vbank_bank      TEXT,
    vbank_num       TEXT,
    vbank_holder    TEXT,
    vbank_due       INTEGER,
    fail_reason     TEXT,
    refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    customer_uid    TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    paid_at         INTEGER,
    next_check_at   INTEGER
) STRICT;

-- Newest first, optionally filtered by state or pay method (the order history screen).
CREATE INDEX orders_by_created ON orders (created_at DESC, merchant_uid DESC);
CREATE INDEX orders_by_state_created ON orders (state, created_at DESC, merchant_uid DESC);
CREATE INDEX orders_by_method_created ON orders (pay_method, created_at DESC, merchant_uid DESC);
-- Search by buyer (prefix of name or phone number).
CREATE INDEX orders_by_buyer_name ON orders (buyer_name);
CREATE INDEX orders_by_buyer_tel ON orders (buyer_tel);
-- The poll planner: open orders whose next check is due.
CREATE INDEX orders_by_next_check ON orders (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX orders_by_imp_uid ON orders (imp_uid) WHERE imp_uid IS NOT NULL;

CREATE TABLE order_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_uid TEXT NOT NULL REFERENCES orders (merchant_uid),
    at           INTEGER NOT NULL,
    from_state   TEXT,
    to_state     TEXT NOT NULL,
    cause        TEXT NOT NULL,
    detail       TEXT CHECK (detail IS NULL OR json_valid(detail))
) STRICT;

CREATE INDEX order_events_by_order ON order_events (merchant_uid, id);

CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
BEGIN
    SELECT RAISE(ABORT, 'order_events is append-only');
END;

CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events
BEGIN
    SELECT RAISE(ABORT, 'order_events is append-only');
END;

CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    merchant_uid    TEXT NOT NULL,
    payload         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'needs_attention')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_run_at     INTEGER NOT NULL,
    last_error      TEXT,
    outcome_unknown INTEGER NOT NULL DEFAULT 0 CHECK (outcome_unknown IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- One open job per (kind, merchant_uid): the merchant_uid is the idempotency key.
CREATE UNIQUE INDEX jobs_open_key ON jobs (kind, merchant_uid) WHERE state <> 'done';
CREATE INDEX jobs_due ON jobs (state, next_run_at);

CREATE TABLE sync_state (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- At most one row: the process that may poll and charge for this data dir.
CREATE TABLE engine_lease (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    holder       TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
) STRICT;
