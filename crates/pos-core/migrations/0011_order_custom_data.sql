-- The custom_data text every payment of an order carries: the shop's Panmusic account, store
-- name, plan and app version, fixed when the order is created so every retry sends the same.
-- NULL for orders made before the shop's account was set (their payments are verified as
-- before). Append-only: never edit once shipped.

ALTER TABLE orders ADD COLUMN custom_data TEXT CHECK (custom_data IS NULL OR json_valid(custom_data));
