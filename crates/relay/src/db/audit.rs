//! `audit` and `audit_outcomes`: every write forwarded to Iamport, recorded before it is sent,
//! and what came of it. Both tables refuse UPDATE and DELETE (a trigger), so the trail cannot be
//! rewritten, not even by hand-written SQL.

use serde_json::Value;
use tokio_postgres::GenericClient;

use crate::error::Result;

/// What became of a forwarded write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Iamport answered; the answer is kept.
    Answered,
    /// Sent, and no usable answer came back: it may have happened.
    Unknown,
    /// An unknown outcome, looked up later: it happened.
    Applied,
    /// An unknown outcome, looked up later: it did not happen.
    NotApplied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Unknown => "unknown",
            Outcome::Applied => "applied",
            Outcome::NotApplied => "not_applied",
        }
    }
}

/// One audited write whose outcome is not settled.
#[derive(Debug, Clone)]
pub struct Unsettled {
    /// Audit row id.
    pub id: i64,
    /// The request as it was forwarded.
    pub request: Value,
}

/// Records a write about to be sent. Must commit before the request leaves.
pub async fn begin(
    db: &impl GenericClient,
    store_id: i64,
    operation: &str,
    target: &str,
    request: &Value,
) -> Result<i64> {
    let row = db
        .query_one(
            "INSERT INTO audit (store_id, operation, target, request) VALUES ($1, $2, $3, $4) \
             RETURNING id",
            &[&store_id, &operation, &target, request],
        )
        .await?;
    Ok(row.get(0))
}

/// Appends what came of write `audit_id`.
pub async fn record(
    db: &impl GenericClient,
    audit_id: i64,
    outcome: Outcome,
    http_status: Option<i32>,
    reply: Option<&Value>,
) -> Result<()> {
    db.execute(
        "INSERT INTO audit_outcomes (audit_id, outcome, http_status, reply) VALUES ($1, $2, $3, $4)",
        &[&audit_id, &outcome.as_str(), &http_status, &reply],
    )
    .await?;
    Ok(())
}

/// The latest write of `operation` on `target` whose outcome is not known: none recorded (the
/// relay stopped between sending and recording) or `unknown`.
pub async fn unsettled(
    db: &impl GenericClient,
    operation: &str,
    target: &str,
) -> Result<Option<Unsettled>> {
    let row = db
        .query_opt(
            "SELECT a.id, a.request FROM audit a \
             WHERE a.operation = $1 AND a.target = $2 \
               AND COALESCE((SELECT o.outcome FROM audit_outcomes o WHERE o.audit_id = a.id \
                             ORDER BY o.id DESC LIMIT 1), 'unknown') = 'unknown' \
             ORDER BY a.id DESC LIMIT 1",
            &[&operation, &target],
        )
        .await?;
    Ok(row.map(|r| Unsettled {
        id: r.get(0),
        request: r.get(1),
    }))
}

/// A write of unknown outcome, as the background settling finds it.
#[derive(Debug, Clone)]
pub struct Stale {
    /// Audit row id.
    pub id: i64,
    /// Operation name.
    pub operation: String,
    /// What identifies the write (its advisory-lock key with the operation).
    pub target: String,
    /// The request as it was forwarded.
    pub request: Value,
}

/// Up to `limit` writes sent more than `older_than_secs` ago whose outcome is still not known,
/// oldest first.
pub async fn stale(
    db: &impl GenericClient,
    older_than_secs: f64,
    limit: i64,
) -> Result<Vec<Stale>> {
    let rows = db
        .query(
            "SELECT a.id, a.operation, a.target, a.request FROM audit a \
             WHERE a.created_at < now() - make_interval(secs => $1) \
               AND COALESCE((SELECT o.outcome FROM audit_outcomes o WHERE o.audit_id = a.id \
                             ORDER BY o.id DESC LIMIT 1), 'unknown') = 'unknown' \
             ORDER BY a.id LIMIT $2",
            &[&older_than_secs, &limit],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Stale {
            id: r.get(0),
            operation: r.get(1),
            target: r.get(2),
            request: r.get(3),
        })
        .collect())
}

/// Whether write `audit_id`'s outcome is still not known.
pub async fn is_unsettled(db: &impl GenericClient, audit_id: i64) -> Result<bool> {
    let row = db
        .query_one(
            "SELECT COALESCE((SELECT outcome FROM audit_outcomes WHERE audit_id = $1 \
                              ORDER BY id DESC LIMIT 1), 'unknown') = 'unknown'",
            &[&audit_id],
        )
        .await?;
    Ok(row.get(0))
}

/// The latest write of `operation` on `target`, when its latest outcome is a success: Iamport
/// answered `code: 0` (and, for a payment, not `failed`), or a lookup found it applied.
pub async fn last_success(
    db: &impl GenericClient,
    operation: &str,
    target: &str,
) -> Result<Option<Succeeded>> {
    let row = db
        .query_opt(
            "SELECT a.id, a.request, o.reply FROM audit a \
             JOIN LATERAL (SELECT outcome, reply FROM audit_outcomes o WHERE o.audit_id = a.id \
                           ORDER BY o.id DESC LIMIT 1) o ON true \
             WHERE a.id = (SELECT max(id) FROM audit WHERE operation = $1 AND target = $2) \
               AND o.outcome IN ('answered', 'applied') \
               AND (o.reply->>'code') = '0' \
               AND COALESCE(o.reply->'response'->>'status', '') <> 'failed'",
            &[&operation, &target],
        )
        .await?;
    Ok(row.map(|r| Succeeded {
        id: r.get(0),
        request: r.get(1),
        response: r.get::<_, Value>(2)["response"].clone(),
    }))
}

/// A write that succeeded, as recorded.
#[derive(Debug, Clone)]
pub struct Succeeded {
    /// Audit row id.
    pub id: i64,
    /// The request as it was forwarded.
    pub request: Value,
    /// Iamport's `response` as the relay answered the store.
    pub response: Value,
}

/// How many distinct payments the store asked to refund since midnight KST.
pub async fn refunds_today(db: &impl GenericClient, store_id: i64) -> Result<i64> {
    let row = db
        .query_one(
            "SELECT count(DISTINCT target) FROM audit WHERE store_id = $1 AND operation = 'cancel' \
             AND created_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Seoul') \
                                AT TIME ZONE 'Asia/Seoul')",
            &[&store_id],
        )
        .await?;
    Ok(row.get(0))
}
