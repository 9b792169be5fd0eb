//! Iamport's JSON shapes as the relay answers them.

use iamport::Payment;
use serde_json::Value;

/// Timestamps Iamport sends as `0` when unset (the client reads `0` and `null` alike).
const ZERO_WHEN_UNSET: &[&str] = &[
    "started_at",
    "paid_at",
    "failed_at",
    "cancelled_at",
    "vbank_date",
    "vbank_issued_at",
];

/// A payment as Iamport's JSON object.
pub fn payment(p: &Payment) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Some(map) = v.as_object_mut() {
        for key in ZERO_WHEN_UNSET {
            if map.get(*key).is_some_and(Value::is_null) {
                map.insert((*key).to_owned(), Value::from(0));
            }
        }
    }
    v
}

/// A cash receipt as Iamport's JSON object (`0` for an unset `applied_at`/`cancelled_at`).
pub fn receipt(r: &iamport::Receipt) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Some(map) = v.as_object_mut() {
        for key in ["applied_at", "cancelled_at"] {
            if map.get(key).is_some_and(Value::is_null) {
                map.insert(key.to_owned(), Value::from(0));
            }
        }
    }
    v
}

/// A page object `{total, previous, next, list}` with `0` for "no such page", as Iamport sends.
pub fn page(total: i64, page: i64, limit: i64, list: Vec<Value>) -> Value {
    let end = page.saturating_mul(limit);
    serde_json::json!({
        "total": total,
        "previous": page - 1,
        "next": if end < total { page + 1 } else { 0 },
        "list": list,
    })
}
