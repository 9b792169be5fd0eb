-- panmusic-relay: shops, their tokens, the payments the change feed and lookups saw, the feed
-- reader's cursor, and the append-only audit of every write forwarded to Iamport.

CREATE TABLE stores (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    api_key TEXT NOT NULL UNIQUE,
    -- SHA-256 of a 256-bit random secret (see db/stores.rs for why not Argon2).
    secret_sha256 BYTEA NOT NULL CHECK (length(secret_sha256) = 32),
    -- Every merchant_uid and customer_uid of the store starts with it; fixed length with a `_`
    -- terminator, so no store's prefix is a prefix of another's.
    uid_prefix TEXT NOT NULL UNIQUE CHECK (uid_prefix ~ '^[a-z0-9]{4}_$'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    disabled_at TIMESTAMPTZ,
    requests_per_second INTEGER NOT NULL DEFAULT 20 CHECK (requests_per_second > 0),
    refund_window_days INTEGER CHECK (refund_window_days > 0),
    refunds_per_day INTEGER CHECK (refunds_per_day >= 0)
);

CREATE TABLE store_tokens (
    token_sha256 BYTEA PRIMARY KEY CHECK (length(token_sha256) = 32),
    store_id BIGINT NOT NULL REFERENCES stores (id),
    issued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX store_tokens_expiry ON store_tokens (expires_at);

-- Bumped whenever a stored payment changes: the order of `sorting=updated` in a store's feed.
CREATE SEQUENCE payment_changes;

CREATE TABLE payments (
    imp_uid TEXT PRIMARY KEY,
    store_id BIGINT NOT NULL REFERENCES stores (id),
    merchant_uid TEXT NOT NULL,
    status TEXT NOT NULL,
    status_rank SMALLINT NOT NULL,
    status_at BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    paid_at BIGINT NOT NULL,
    cancel_amount BIGINT NOT NULL,
    sandbox BOOLEAN NOT NULL,
    change_seq BIGINT NOT NULL,
    body JSONB NOT NULL,
    confirmed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_feed ON payments (store_id, status_at);
CREATE INDEX payments_by_merchant_uid ON payments (store_id, merchant_uid);

CREATE TABLE feed_state (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    query_from BIGINT,
    page INTEGER NOT NULL DEFAULT 1 CHECK (page >= 1),
    last_read_at TIMESTAMPTZ,
    upstream_requests BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
INSERT INTO feed_state (id) VALUES (1);

CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    store_id BIGINT NOT NULL REFERENCES stores (id),
    operation TEXT NOT NULL,
    target TEXT NOT NULL,
    request JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_by_target ON audit (operation, target, id);
CREATE INDEX audit_by_store ON audit (store_id, operation, created_at);

CREATE TABLE audit_outcomes (
    id BIGSERIAL PRIMARY KEY,
    audit_id BIGINT NOT NULL REFERENCES audit (id),
    -- answered: Iamport's answer is in `reply`; unknown: sent, no usable answer;
    -- applied / not_applied: an unknown outcome looked up later.
    outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'unknown', 'applied', 'not_applied')),
    http_status INTEGER,
    reply JSONB,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_outcomes_by_audit ON audit_outcomes (audit_id, id);

CREATE FUNCTION relay_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION relay_refuse_change();
CREATE TRIGGER audit_outcomes_append_only BEFORE UPDATE OR DELETE ON audit_outcomes
    FOR EACH ROW EXECUTE FUNCTION relay_refuse_change();
