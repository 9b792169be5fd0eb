//! Whether Iamport answers the relay just now, shared by every instance through PostgreSQL.
//!
//! Every upstream call reports what it found: a call that got no answer at all (no
//! connection, no reply) marks Iamport unreachable, a call that got any answer (even an error)
//! clears the mark. While it is set, the answers the relay makes up itself without asking
//! Iamport (a store's feed, a lookup served from the table, "does not exist" for an id that is
//! no store's, a rate-limit refusal) say "Iamport unreachable", as a dead Iamport answers a store
//! PC that talks to it directly: the store's sync engine goes offline at once and queues its
//! work, as in 직접 연결.
//!
//! Nothing but an upstream call clears the mark; when no store call reaches Iamport, the answer
//! that is made up is re-checked with one cheap upstream lookup at most every [`RECHECK`] per
//! instance, so a store's offline probe sees Iamport back within about a second instead of after
//! the next feed read.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio_postgres::GenericClient;

use crate::db;
use crate::state::RelayState;

/// Least time between two re-checks of a marked-unreachable Iamport by one instance.
pub const RECHECK: Duration = Duration::from_secs(1);

/// An id no store's payment has: the re-check looks it up, and "not found" is an answer.
const RECHECK_ID: &str = "panmusic-relay-reach-check";

/// Whether `result` of an upstream call shows Iamport answering (`Some(true)`), not answering
/// (`Some(false)`), or says nothing about it (`None`: the request was refused before it left).
pub fn answered<T>(result: &iamport::Result<T>) -> Option<bool> {
    use iamport::Error as E;
    match result {
        Ok(_) => Some(true),
        Err(
            E::Transport { .. }
            | E::OutcomeUnknown {
                http_status: None, ..
            },
        ) => Some(false),
        Err(
            E::OutcomeUnknown { .. }
            | E::NotFound { .. }
            | E::Api { .. }
            | E::Auth { .. }
            | E::Server { .. }
            | E::Decode { .. },
        ) => Some(true),
        Err(E::InvalidRequest { .. } | E::Config { .. } | E::InsecureBaseUrl { .. }) => None,
    }
}

/// Now, in Unix milliseconds (the order of observations across instances).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Records whether Iamport answered, as observed at `observed_ms`. Best effort: without the
/// database the mark is left as it is (the relay answers "database unavailable" meanwhile).
pub async fn record(state: &RelayState, answered: bool, observed_ms: i64) {
    match state.db.get().await {
        Ok(db) => {
            if let Err(e) = db::reach::record(&**db, !answered, observed_ms).await {
                tracing::warn!(error = %e, "could not record whether Iamport answers");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not record whether Iamport answers"),
    }
}

/// Records what the upstream call that just returned `result` found (see [`answered`]).
pub async fn saw<T>(state: &RelayState, result: &iamport::Result<T>) {
    if let Some(answered) = answered(result) {
        if !answered {
            tracing::warn!("Iamport did not answer: marked unreachable");
        }
        record(state, answered, now_ms()).await;
    }
}

/// [`saw`] on a connection the caller already holds (a forwarded write holds two; asking the
/// pool for a third could wait on itself).
pub async fn saw_on<T>(db: &impl GenericClient, result: &iamport::Result<T>) {
    if let Some(answered) = answered(result) {
        if !answered {
            tracing::warn!("Iamport did not answer: marked unreachable");
        }
        if let Err(e) = db::reach::record(db, !answered, now_ms()).await {
            tracing::warn!(error = %e, "could not record whether Iamport answers");
        }
    }
}

/// Whether Iamport is unreachable just now, for an answer the relay would make up without it.
/// When it is marked so and this instance has not re-checked within [`RECHECK`], one cheap
/// upstream lookup re-checks it first (a concurrent caller takes the mark as it is).
pub async fn unreachable(state: &RelayState, db: &impl GenericClient) -> bool {
    if !db::reach::unreachable(db).await.unwrap_or(false) {
        return false;
    }
    let Ok(mut last) = state.recheck.try_lock() else {
        return true;
    };
    if last.is_some_and(|at| at.elapsed() < RECHECK) {
        return true;
    }
    *last = Some(Instant::now());
    let result = state.upstream.find_payment(RECHECK_ID, None).await;
    let found = answered(&result);
    if let Some(answered) = found {
        if let Err(e) = db::reach::record(db, !answered, now_ms()).await {
            tracing::warn!(error = %e, "could not record whether Iamport answers");
        }
        if answered {
            tracing::info!("Iamport answers again");
        }
    }
    found != Some(true)
}
