-- Per-store rate limits shared by every relay instance: one token bucket per store, refilled
-- at the store's `requests_per_second` with a burst of two seconds' worth.

CREATE TABLE rate_buckets (
    store_id BIGINT PRIMARY KEY REFERENCES stores (id),
    tokens DOUBLE PRECISION NOT NULL,
    refilled_at TIMESTAMPTZ NOT NULL
);
