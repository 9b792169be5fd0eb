-- Order history filtered by state AND pay method at once: read in index order, no sort, and a
-- covering count (0001's single-column indexes left this shape scanning one state's rows).
CREATE INDEX orders_by_state_method_created ON orders (state, pay_method, created_at DESC, merchant_uid DESC);
