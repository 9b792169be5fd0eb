//! The one path every write to Iamport takes: serialise per write, settle an earlier unknown
//! outcome by looking it up, answer a resend of a write that succeeded with the recorded answer,
//! record the write (committed) before it leaves, then record what came back (and whether
//! Iamport answered at all: `reach.rs`).
//!
//! Two relay instances receiving the same write serialise on a PostgreSQL advisory lock held
//! by a transaction for the duration, so the lookup-before-resend rule holds across instances.
//! When PostgreSQL is unavailable nothing is sent: a write is never forwarded unrecorded.

use std::future::Future;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::db::audit::{self, Outcome};
use crate::db::stores::Store;
use crate::envelope;
use crate::state::Shared;

/// One write a store asked for.
pub struct Write<'a> {
    /// The store.
    pub store: &'a Store,
    /// Operation name (`cancel`, `again`, `schedule`, …).
    pub operation: &'static str,
    /// What identifies this write: two requests with the same operation and target are the
    /// same write (a retry).
    pub target: String,
    /// The request as forwarded, plus what a later lookup needs to tell whether it happened.
    pub request: Value,
    /// Whether a resend of this write after a success is answered with the recorded success
    /// (when a lookup shows its effect still stands) instead of being sent again. `false` only
    /// where a second identical request can be a new write (a refund without a checksum).
    pub replays_success: bool,
}

/// Forwards `write` with `send`, unless an earlier identical write has an unknown outcome and
/// `look_up` (given that earlier request) finds it happened: then its result is the answer.
/// `look_up` returns `Some(response)` when the earlier write took effect.
pub async fn forward<S, SF, L, LF>(
    state: &Shared,
    write: Write<'_>,
    send: S,
    look_up: L,
) -> Response
where
    S: FnOnce() -> SF,
    SF: Future<Output = iamport::Result<Value>>,
    L: FnOnce(Value) -> LF,
    LF: Future<Output = iamport::Result<Option<Value>>>,
{
    // A write holds two connections (the lock's transaction and the audit's); taken one after
    // the other, as many concurrent writes as the pool has connections could each hold one and
    // wait for a second until the pool gives up on all of them. At most `pool - 2` writes hold
    // connections at once, so one always gets its second.
    let Ok(_write_slot) = state.writes.acquire().await else {
        return envelope::db_unavailable();
    };
    let (Ok(mut lock_conn), Ok(db)) = (state.db.get().await, state.db.get().await) else {
        return envelope::db_unavailable();
    };
    let key = format!("{}:{}", write.operation, write.target);
    let Ok(lock) = lock_conn.transaction().await else {
        return envelope::db_unavailable();
    };
    if lock
        .execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&key],
        )
        .await
        .is_err()
    {
        return envelope::db_unavailable();
    }
    let earlier = match audit::unsettled(&**db, write.operation, &write.target).await {
        Ok(earlier) => earlier,
        Err(_) => return envelope::db_unavailable(),
    };
    let succeeded = match (&earlier, write.replays_success) {
        (None, true) => match audit::last_success(&**db, write.operation, &write.target).await {
            Ok(done) => done,
            Err(_) => return envelope::db_unavailable(),
        },
        _ => None,
    };
    if let Some(done) = succeeded {
        // The store resends a write that succeeded (our answer never reached it). Unless it was
        // undone since (a schedule revoked, then asked again), the recorded answer is its answer.
        let found = look_up(done.request).await;
        crate::reach::saw_on(&**db, &found).await;
        match found {
            Ok(Some(_)) => {
                tracing::info!(
                    operation = write.operation,
                    audit_id = done.id,
                    "a resend of a write that succeeded: answered from the audit"
                );
                return envelope::ok(done.response);
            }
            Ok(None) => {}
            // Cannot tell whether it still stands: send nothing.
            Err(e) => return envelope::upstream(&e),
        }
    } else if let Some(earlier) = earlier {
        tracing::info!(
            operation = write.operation,
            audit_id = earlier.id,
            "looking up an earlier write of unknown outcome before sending"
        );
        let found = look_up(earlier.request).await;
        crate::reach::saw_on(&**db, &found).await;
        match found {
            Ok(Some(answer)) => {
                let reply = json!({"code": 0, "message": null, "response": &answer});
                if audit::record(&**db, earlier.id, Outcome::Applied, Some(200), Some(&reply))
                    .await
                    .is_err()
                {
                    return envelope::db_unavailable();
                }
                return envelope::ok(answer);
            }
            Ok(None) => {
                if audit::record(&**db, earlier.id, Outcome::NotApplied, None, None)
                    .await
                    .is_err()
                {
                    return envelope::db_unavailable();
                }
            }
            // Still cannot tell: send nothing.
            Err(e) => return envelope::upstream(&e),
        }
    }
    let audit_id = match audit::begin(
        &**db,
        write.store.id,
        write.operation,
        &write.target,
        &write.request,
    )
    .await
    {
        Ok(id) => id,
        Err(_) => return envelope::db_unavailable(),
    };
    let result = send().await;
    crate::reach::saw_on(&**db, &result).await;
    let (outcome, status, reply, answer) = match result {
        Ok(value) => {
            let reply = json!({"code": 0, "message": null, "response": &value});
            (Outcome::Answered, 200, Some(reply), envelope::ok(value))
        }
        Err(e) => {
            let answer = envelope::upstream(&e);
            let status = i32::from(answer.status().as_u16());
            let envelope_of = |code: i64, message: &str| {
                Some(json!({"code": code, "message": message, "response": null}))
            };
            let (outcome, reply) = match &e {
                iamport::Error::OutcomeUnknown { .. } => (Outcome::Unknown, None),
                // Refused before it left, never connected, or no token: nothing reached Iamport.
                iamport::Error::InvalidRequest { .. }
                | iamport::Error::Transport { .. }
                | iamport::Error::Auth { .. }
                | iamport::Error::Config { .. }
                | iamport::Error::InsecureBaseUrl { .. } => (Outcome::NotApplied, None),
                iamport::Error::NotFound { code, message, .. } => {
                    (Outcome::Answered, envelope_of(code.unwrap_or(1), message))
                }
                iamport::Error::Api { code, message, .. } => {
                    (Outcome::Answered, envelope_of(*code, message))
                }
                iamport::Error::Server { .. } | iamport::Error::Decode { .. } => {
                    (Outcome::Unknown, None)
                }
            };
            (outcome, status, reply, answer)
        }
    };
    if let Err(e) = audit::record(&**db, audit_id, outcome, Some(status), reply.as_ref()).await {
        // The write is recorded; its outcome stays unsettled and a retry looks it up first.
        tracing::warn!(error = %e, audit_id, "could not record the outcome of a forwarded write");
    }
    drop(lock);
    if outcome == Outcome::Unknown {
        return envelope::error(
            StatusCode::GATEWAY_TIMEOUT,
            -1,
            "Iamport의 응답을 받지 못해 결과를 알 수 없습니다. 결제를 조회한 뒤 다시 시도하세요. \
             (outcome unknown: look it up before retrying)",
        );
    }
    answer
}
