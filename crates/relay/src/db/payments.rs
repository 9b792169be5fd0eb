//! `payments`: every payment of a known store that the change feed or a lookup saw, as
//! Iamport's JSON. Each store's feed and fresh lookups are answered from here.

use iamport::{Payment, PaymentStatus};
use serde_json::Value;
use tokio_postgres::GenericClient;

use crate::error::Result;
use crate::wire;

/// Order of a feed page (`sorting`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOrder {
    /// `started` / `-started` (the default, newest first).
    Started {
        /// Newest first.
        desc: bool,
    },
    /// `paid` / `-paid`.
    Paid {
        /// Newest first.
        desc: bool,
    },
    /// `updated` / `-updated`: the order in which the relay saw the changes.
    Updated {
        /// Newest first.
        desc: bool,
    },
}

impl FeedOrder {
    /// Parses Iamport's `sorting` values; `None` for anything else.
    pub fn parse(text: Option<&str>) -> Option<FeedOrder> {
        Some(match text.unwrap_or("-started") {
            "-started" => FeedOrder::Started { desc: true },
            "started" => FeedOrder::Started { desc: false },
            "-paid" => FeedOrder::Paid { desc: true },
            "paid" => FeedOrder::Paid { desc: false },
            "-updated" => FeedOrder::Updated { desc: true },
            "updated" => FeedOrder::Updated { desc: false },
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            FeedOrder::Started { desc: true } => "started_at DESC, change_seq DESC",
            FeedOrder::Started { desc: false } => "started_at, change_seq",
            FeedOrder::Paid { desc: true } => "paid_at DESC, change_seq DESC",
            FeedOrder::Paid { desc: false } => "paid_at, change_seq",
            FeedOrder::Updated { desc: true } => "change_seq DESC",
            FeedOrder::Updated { desc: false } => "change_seq",
        }
    }
}

/// One store's feed query, validated.
#[derive(Debug, Clone)]
pub struct FeedQuery {
    /// `None` = every status.
    pub status: Option<String>,
    /// Status time window, both ends inclusive.
    pub from: i64,
    /// Window end.
    pub to: i64,
    /// Order.
    pub order: FeedOrder,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return.
    pub limit: i64,
    /// Include test-channel payments.
    pub include_sandbox: bool,
}

/// The time `/payments/status/*` filters on: the time of the current status.
pub fn status_time(p: &Payment) -> i64 {
    match p.status {
        PaymentStatus::Ready => p.started_at,
        PaymentStatus::Paid => p.paid_at,
        PaymentStatus::Cancelled => p.cancelled_at,
        PaymentStatus::Failed => p.failed_at,
        PaymentStatus::Unknown(_) => None,
    }
    .unwrap_or(0)
}

fn status_rank(p: &Payment) -> i16 {
    match p.status {
        PaymentStatus::Ready => 0,
        PaymentStatus::Paid | PaymentStatus::Failed | PaymentStatus::Unknown(_) => 1,
        PaymentStatus::Cancelled => 2,
    }
}

/// Stores (or refreshes) payments whose merchant_uid carries a store's prefix; others are
/// ignored. A snapshot older than the stored one (by status time, then status, then cancelled
/// amount) does not overwrite it. Returns how many rows changed.
pub async fn remember(db: &impl GenericClient, payments: &[Payment]) -> Result<u64> {
    let statement = db
        .prepare(
            "INSERT INTO payments (imp_uid, store_id, merchant_uid, status, status_rank, status_at, \
                                   started_at, paid_at, cancel_amount, sandbox, change_seq, body, \
                                   confirmed_at) \
             SELECT $1, s.id, $2, $3, $4, $5, $6, $7, $8, $9, nextval('payment_changes'), $10, now() \
             FROM stores s WHERE starts_with($2, s.uid_prefix) AND length($2) > length(s.uid_prefix) \
             ON CONFLICT (imp_uid) DO UPDATE SET \
                 status = EXCLUDED.status, status_rank = EXCLUDED.status_rank, \
                 status_at = EXCLUDED.status_at, started_at = EXCLUDED.started_at, \
                 paid_at = EXCLUDED.paid_at, cancel_amount = EXCLUDED.cancel_amount, \
                 sandbox = EXCLUDED.sandbox, body = EXCLUDED.body, confirmed_at = now(), \
                 change_seq = CASE WHEN payments.body = EXCLUDED.body THEN payments.change_seq \
                                   ELSE EXCLUDED.change_seq END \
             WHERE (EXCLUDED.status_at, EXCLUDED.status_rank, EXCLUDED.cancel_amount) \
                   >= (payments.status_at, payments.status_rank, payments.cancel_amount)",
        )
        .await?;
    let mut changed = 0;
    for p in payments {
        let body = wire::payment(p);
        changed += db
            .execute(
                &statement,
                &[
                    &p.imp_uid,
                    &p.merchant_uid,
                    &p.status.as_str(),
                    &status_rank(p),
                    &status_time(p),
                    &p.started_at.unwrap_or(0),
                    &p.paid_at.unwrap_or(0),
                    &p.cancel_amount,
                    &p.sandbox,
                    &body,
                ],
            )
            .await?;
    }
    Ok(changed)
}

/// The store whose payment `imp_uid` is, if the relay has seen it (a payment's merchant_uid,
/// and so its store, never changes: any row answers, however old).
pub async fn owner(db: &impl GenericClient, imp_uid: &str) -> Result<Option<i64>> {
    let row = db
        .query_opt(
            "SELECT store_id FROM payments WHERE imp_uid = $1",
            &[&imp_uid],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// A payment confirmed with Iamport within `fresh_secs`: `(store_id, body)`.
pub async fn fresh(
    db: &impl GenericClient,
    imp_uid: &str,
    fresh_secs: f64,
) -> Result<Option<(i64, Value)>> {
    let row = db
        .query_opt(
            "SELECT store_id, body FROM payments WHERE imp_uid = $1 \
             AND confirmed_at > now() - make_interval(secs => $2)",
            &[&imp_uid, &fresh_secs],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Answers a batch lookup from rows confirmed within `fresh_secs`, if every identifier has
/// one: each imp_uid's row (whatever its store), and each merchant_uid's newest (by
/// `started_at`) row of `store_id`. `None` when any is missing, so Iamport is asked instead.
pub async fn fresh_batch(
    db: &impl GenericClient,
    store_id: i64,
    imp_uids: &[String],
    merchant_uids: &[String],
    fresh_secs: f64,
) -> Result<Option<Vec<(i64, Value)>>> {
    let mut found = Vec::with_capacity(imp_uids.len() + merchant_uids.len());
    if !imp_uids.is_empty() {
        let rows = db
            .query(
                "SELECT imp_uid, store_id, body FROM payments WHERE imp_uid = ANY($1) \
                 AND confirmed_at > now() - make_interval(secs => $2)",
                &[&imp_uids, &fresh_secs],
            )
            .await?;
        for imp_uid in imp_uids {
            match rows.iter().find(|r| r.get::<_, &str>(0) == imp_uid) {
                Some(r) => found.push((r.get(1), r.get(2))),
                None => return Ok(None),
            }
        }
    }
    if !merchant_uids.is_empty() {
        let rows = db
            .query(
                "SELECT DISTINCT ON (merchant_uid) merchant_uid, store_id, body, \
                        confirmed_at > now() - make_interval(secs => $3) \
                 FROM payments WHERE store_id = $1 AND merchant_uid = ANY($2) \
                 ORDER BY merchant_uid, started_at DESC, change_seq DESC",
                &[&store_id, &merchant_uids, &fresh_secs],
            )
            .await?;
        for m in merchant_uids {
            match rows.iter().find(|r| r.get::<_, &str>(0) == m) {
                Some(r) if r.get::<_, bool>(3) => found.push((r.get(1), r.get(2))),
                _ => return Ok(None),
            }
        }
    }
    Ok(Some(found))
}

/// One page of a store's feed and the number of matches over all pages, in one query. An empty
/// page reports 0: exact on page 1, and "past the end" after it.
pub async fn feed(
    db: &impl GenericClient,
    store_id: i64,
    q: &FeedQuery,
) -> Result<(i64, Vec<Value>)> {
    let rows = db
        .query(
            &format!(
                "SELECT body, count(*) OVER () FROM payments \
                 WHERE store_id = $1 AND ($2::text IS NULL OR status = $2) \
                   AND status_at BETWEEN $3 AND $4 AND (NOT sandbox OR $5) \
                 ORDER BY {} LIMIT $6 OFFSET $7",
                q.order.sql()
            ),
            &[
                &store_id,
                &q.status,
                &q.from,
                &q.to,
                &q.include_sandbox,
                &q.limit,
                &q.offset,
            ],
        )
        .await?;
    let total = rows.first().map_or(0, |r| r.get(1));
    Ok((total, rows.iter().map(|r| r.get(0)).collect()))
}
