-- Whether Iamport answers the relay just now, as the latest upstream call of any instance found
-- (a feed read, a forwarded lookup or write, a re-check): set by a call that got no answer,
-- cleared by one that got any answer. A row of its own, not a column of `feed_state`: the feed
-- reader holds that row's lock for a whole read, and a forwarded call must not wait for it.
-- `observed_ms` (Unix ms of the observation) keeps a late report of an older call from undoing
-- a newer one.

CREATE TABLE upstream_reach (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    unreachable BOOLEAN NOT NULL,
    observed_ms BIGINT NOT NULL
);
INSERT INTO upstream_reach (id, unreachable, observed_ms)
VALUES (1, COALESCE((SELECT upstream_unreachable FROM feed_state WHERE id = 1), false), 0);
