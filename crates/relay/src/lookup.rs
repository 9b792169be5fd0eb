//! What became of a forwarded write, found by asking Iamport, from the request the audit
//! recorded alone. The same look-up serves a store's retry of a write of unknown outcome
//! (`forward.rs`) and the background settling of such writes (`settle.rs`), so both read
//! Iamport's answer the same way.

use iamport::ScheduleStatus;
use serde_json::{json, Value};

use crate::routes::payments::remember;
use crate::state::Shared;
use crate::wire;

/// Whether writes of `operation` can be looked up at all. Deleting a billing key cannot: a key
/// that is gone may never have been there.
pub fn can_look_up(operation: &str) -> bool {
    matches!(
        operation,
        "cancel"
            | "prepare"
            | "again"
            | "schedule"
            | "unschedule"
            | "retry_schedule"
            | "reschedule"
            | "issue_receipt"
            | "cancel_receipt"
    )
}

fn text<'a>(request: &'a Value, field: &str) -> &'a str {
    request[field].as_str().unwrap_or_default()
}

/// Looks up whether the write of `operation` recorded as `earlier` happened. `Ok(Some(answer))`:
/// it did, and `answer` is what Iamport's `response` would have been; `Ok(None)`: it did not (or,
/// for an operation that cannot be looked up, nothing can be told, and the write is sent).
pub async fn look_up(
    state: &Shared,
    operation: &str,
    earlier: Value,
) -> iamport::Result<Option<Value>> {
    let upstream = &state.upstream;
    match operation {
        "cancel" => {
            let now = upstream
                .payment(text(&earlier["request"], "imp_uid"))
                .await?;
            let before = earlier["cancel_amount_before"].as_i64().unwrap_or(0);
            let happened = match earlier["request"]["checksum"].as_i64() {
                // The balance moved away from what the store saw: resending could only be
                // refused by the checksum, so the earlier cancel is the answer.
                Some(checksum) => now.refundable() != checksum,
                None => now.cancel_amount > before,
            };
            Ok(happened.then(|| wire::payment(&now)))
        }
        "prepare" => match upstream.prepared(text(&earlier, "merchant_uid")).await {
            Ok(p) if Some(p.amount) == earlier["amount"].as_i64() => Ok(Some(json!(p))),
            Ok(_) => Ok(None),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        },
        "again" => match upstream
            .find_payment(text(&earlier, "merchant_uid"), None)
            .await
        {
            Ok(p) => {
                remember(state, std::slice::from_ref(&p)).await;
                Ok(Some(wire::payment(&p)))
            }
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        },
        "schedule" => {
            let mut found = Vec::new();
            let items = earlier["schedules"].as_array().cloned().unwrap_or_default();
            for item in &items {
                match upstream
                    .schedule_by_merchant_uid(text(item, "merchant_uid"))
                    .await
                {
                    // Revoked since: asking again is a new schedule (a resumed renewal).
                    Ok(s) if s.schedule_status == ScheduleStatus::Revoked => return Ok(None),
                    Ok(s) => found.push(s),
                    Err(e) if e.is_not_found() => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
            Ok(Some(json!(found)))
        }
        "unschedule" => {
            let mut found = Vec::new();
            let uids = earlier["merchant_uid"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for m in &uids {
                match upstream
                    .schedule_by_merchant_uid(m.as_str().unwrap_or_default())
                    .await
                {
                    Ok(s) if s.schedule_status == ScheduleStatus::Revoked => found.push(s),
                    Ok(_) => return Ok(None),
                    Err(e) if e.is_not_found() => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
            Ok(Some(json!(found)))
        }
        "retry_schedule" => {
            let now = upstream
                .schedule_by_merchant_uid(text(&earlier, "merchant_uid"))
                .await?;
            let ran_again = now.executed_at != earlier["executed_at_before"].as_i64();
            match (ran_again, now.imp_uid) {
                (true, Some(imp_uid)) => {
                    Ok(Some(wire::payment(&upstream.payment(&imp_uid).await?)))
                }
                _ => Ok(None),
            }
        }
        "reschedule" => {
            let now = upstream
                .schedule_by_merchant_uid(text(&earlier, "merchant_uid"))
                .await?;
            let done = now.schedule_status == ScheduleStatus::Scheduled
                && Some(now.schedule_at) == earlier["schedule_at"].as_i64();
            Ok(done.then(|| json!(now)))
        }
        // It happened if a receipt stands now (a second issue would be refused anyway).
        "issue_receipt" => match upstream.receipt(text(&earlier, "imp_uid")).await {
            Ok(r) if r.is_active() => Ok(Some(wire::receipt(&r))),
            Ok(_) => Ok(None),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        },
        // It happened if the receipt is cancelled now.
        "cancel_receipt" => match upstream.receipt(text(&earlier, "imp_uid")).await {
            Ok(r) if !r.is_active() => Ok(Some(wire::receipt(&r))),
            Ok(_) => Ok(None),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        },
        _ => Ok(None),
    }
}
