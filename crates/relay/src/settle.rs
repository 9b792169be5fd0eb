//! Settles forwarded writes whose outcome is unknown without waiting for the store to send the
//! same write again: the relay lost Iamport's answer (no reply, or PostgreSQL went away before
//! the answer was recorded), and the store may never retry (it looked the payment up itself, or
//! gave up). Every [`RelayState::settle_after`](crate::RelayState) each instance looks up, at
//! Iamport, the writes sent longer ago than that and still unknown, and appends what Iamport says
//! (`applied` with its answer, or `not_applied`) to the audit: history is never rewritten.
//!
//! A write being sent or retried holds its advisory lock; settling only tries that lock, so it
//! never waits for, nor races, a write in flight, and two instances never settle one write twice.
//! A write that cannot be looked up (deleting a billing key) stays unknown until its retry.

use serde_json::json;
use tokio::sync::watch;

use crate::db::audit::{self, Outcome, Stale};
use crate::error::Result;
use crate::lookup;
use crate::state::Shared;

/// Most writes one pass looks up.
const PER_PASS: i64 = 50;

/// Settles stale unknown writes every `settle_after` until `stop` says so.
pub async fn run(state: Shared, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = tokio::time::sleep(state.settle_after) => {}
        }
        match pass(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                settled = n,
                "writes of unknown outcome looked up at Iamport"
            ),
            Err(e) => tracing::warn!(error = %e, "could not settle writes of unknown outcome"),
        }
    }
}

/// One pass: looks up the writes of unknown outcome sent more than `settle_after` ago and
/// records what Iamport says. Returns how many it settled.
pub async fn pass(state: &Shared) -> Result<usize> {
    let stale = {
        let db = state.db.get().await?;
        audit::stale(&**db, state.settle_after.as_secs_f64(), PER_PASS).await?
    };
    let mut settled = 0;
    for write in stale {
        if lookup::can_look_up(&write.operation) && settle(state, write).await? {
            settled += 1;
        }
    }
    Ok(settled)
}

/// Looks `write` up and records the outcome, unless the write is in flight or was settled
/// meanwhile, or Iamport cannot tell now (then a later pass or the store's retry tries again).
async fn settle(state: &Shared, write: Stale) -> Result<bool> {
    let mut conn = state.db.get().await?;
    let tx = conn.transaction().await?;
    let key = format!("{}:{}", write.operation, write.target);
    let locked: bool = tx
        .query_one(
            "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))",
            &[&key],
        )
        .await?
        .get(0);
    if !locked || !audit::is_unsettled(&*tx, write.id).await? {
        return Ok(false);
    }
    let found = lookup::look_up(state, &write.operation, write.request).await;
    crate::reach::saw_on(&*tx, &found).await;
    match found {
        Ok(Some(answer)) => {
            let reply = json!({"code": 0, "message": null, "response": answer});
            audit::record(&*tx, write.id, Outcome::Applied, Some(200), Some(&reply)).await?;
        }
        Ok(None) => audit::record(&*tx, write.id, Outcome::NotApplied, None, None).await?,
        Err(e) => {
            tracing::info!(error = %e, audit_id = write.id, "Iamport cannot tell yet");
            return Ok(false);
        }
    }
    tx.commit().await?;
    Ok(true)
}
