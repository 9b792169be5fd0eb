//! The calls the contract test makes, in order (later calls depend on earlier ones).

mod billing;
mod payments;
mod receipts;

use reqwest::{Method, StatusCode};
use serde_json::Value;

/// One call: method, the path as the file spells it, the path called, the body, the expected
/// status, and a definition that replaces the declared one where the file is known wrong.
pub type Case = (
    Method,
    &'static str,
    String,
    Option<Value>,
    StatusCode,
    Option<&'static str>,
);

/// Every call, in order: payments, then billing keys and schedules, then cash receipts.
pub fn cases(imp: &str, vbank_imp: &str, now: i64) -> Vec<Case> {
    let mut all = payments::cases(imp);
    all.extend(billing::cases(now));
    all.extend(receipts::cases(imp, vbank_imp));
    all
}
