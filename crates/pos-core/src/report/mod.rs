//! 정산 (settlement) and its export: what the shop was paid, refunded and kept over a span of KST
//! days, by pay method and by plan, plus the virtual accounts issued but not yet paid.
//!
//! The figures are SQL over the order book (see `Store::settlement`), and every figure names the
//! orders it sums (`Store::settlement_orders`), so the owner can drill down from a total to the
//! orders behind it and the two always agree.
//!
//! What counts as a sale: an order with money in it (amount > 0; a 0원 card registration is not a
//! sale) that Iamport reported paid, dated by Iamport's `paid_at` in KST. Its refunds count against
//! it (refunded = what was refunded of that sale so far), so a day's figures are the sales of that
//! day and what became of them.

mod csv;
mod range;

pub use csv::{csv_field, CSV_HEADER};
pub use range::{parse_day, DateRange};
