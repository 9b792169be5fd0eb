-- Whether the last upstream change-feed read found Iamport unreachable (no connection, no
-- answer). While it is set, answers the relay would make up itself (a store's feed, "does not
-- exist" for an id that is not the store's) are "Iamport unreachable" instead, as a dead Iamport
-- answers a store PC that talks to it directly.

ALTER TABLE feed_state ADD COLUMN upstream_unreachable BOOLEAN NOT NULL DEFAULT false;
