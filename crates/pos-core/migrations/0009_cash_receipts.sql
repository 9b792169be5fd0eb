-- Cash receipts (현금영수증) of non-card payments, one per order: what was asked (지출증빙 to a
-- business number, or 소득공제 to a phone number) and where it stands at Iamport. The work itself
-- is a `receipt_issue` / `receipt_cancel` job written in the same transaction as the row.
-- state: requested (job queued), issued, cancel_requested (job queued), cancelled, failed (refused).
CREATE TABLE cash_receipts (
    merchant_uid  TEXT PRIMARY KEY NOT NULL REFERENCES orders (merchant_uid),
    imp_uid       TEXT NOT NULL,
    receipt_type  TEXT NOT NULL CHECK (receipt_type IN ('person', 'company')),
    identifier    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('requested', 'issued', 'cancel_requested', 'cancelled', 'failed')),
    auto          INTEGER NOT NULL DEFAULT 0 CHECK (auto IN (0, 1)),
    apply_num     TEXT,
    receipt_url   TEXT,
    amount        INTEGER CHECK (amount IS NULL OR amount >= 0),
    issued_at     INTEGER,
    cancelled_at  INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
