//! `GET /payments/status/{payment_status}`: a store's change feed, served from PostgreSQL.
//! Iamport is read once per interval for every store (see `feed_reader.rs`); this answers with
//! Iamport's paging rules over the store's own rows.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;

use super::auth::Authed;
use super::payments::pairs;
use crate::db::payments::{self, FeedOrder, FeedQuery};
use crate::envelope;
use crate::reach;
use crate::state::Shared;
use crate::wire;

const DAY: i64 = 86_400;
/// Iamport's widest `from`..`to` window.
const WINDOW_DAYS: i64 = 90;

fn number(query: &[(String, String)], name: &str) -> Result<Option<i64>, Box<Response>> {
    match query.iter().rev().find(|(k, _)| k == name) {
        None => Ok(None),
        Some((_, v)) if v.is_empty() => Ok(None),
        Some((_, v)) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Box::new(envelope::invalid(name))),
    }
}

fn parse(
    status: &str,
    query: &[(String, String)],
    now: i64,
) -> Result<(FeedQuery, i64), Box<Response>> {
    let status = match status {
        "all" => None,
        "ready" | "paid" | "cancelled" | "failed" => Some(status.to_owned()),
        _ => return Err(Box::new(envelope::invalid("payment_status"))),
    };
    let page = number(query, "page")?.unwrap_or(1);
    let limit = number(query, "limit")?.unwrap_or(20);
    if page < 1 {
        return Err(Box::new(envelope::invalid("page (from 1)")));
    }
    if !(1..=1000).contains(&limit) {
        return Err(Box::new(envelope::invalid("limit (1..1000)")));
    }
    let sorting = query
        .iter()
        .rev()
        .find(|(k, _)| k == "sorting")
        .map(|(_, v)| v.as_str());
    let order = FeedOrder::parse(sorting).ok_or_else(|| Box::new(envelope::invalid("sorting")))?;
    let to = number(query, "to")?;
    let from = number(query, "from")?.unwrap_or_else(|| to.unwrap_or(now) - WINDOW_DAYS * DAY);
    let window_end = to.unwrap_or(now.max(from));
    if from > window_end {
        return Err(Box::new(envelope::invalid("from (must not be after to)")));
    }
    if window_end.saturating_sub(from) > WINDOW_DAYS * DAY {
        return Err(Box::new(envelope::error(
            axum::http::StatusCode::BAD_REQUEST,
            1,
            format!("조회기간은 최대 {WINDOW_DAYS}일까지 가능합니다."),
        )));
    }
    let include_sandbox = query
        .iter()
        .any(|(k, v)| k == "include_sandbox" && matches!(v.as_str(), "true" | "1"));
    Ok((
        FeedQuery {
            status,
            from,
            // Without `to` the feed reaches whatever Iamport's clock says now.
            to: to.unwrap_or(i64::MAX),
            order,
            offset: (page - 1).saturating_mul(limit),
            limit,
            include_sandbox,
        },
        page,
    ))
}

/// `GET /payments/status/{payment_status}` (`page`, `limit`, `from`, `to`, `sorting`).
pub async fn by_status(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(status): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let now = state.clock.now();
    let (q, page) = match parse(&status, &pairs(query.as_deref()), now) {
        Ok(parsed) => parsed,
        Err(reply) => return *reply,
    };
    let Ok(db) = state.db.get().await else {
        return envelope::db_unavailable();
    };
    // The table is only as current as the last read that reached Iamport: while Iamport is
    // unreachable the store is told so, as it would be reading the feed from Iamport itself,
    // instead of being handed a feed that stops short of now.
    if reach::unreachable(&state, &**db).await {
        return envelope::unreachable();
    }
    match payments::feed(&**db, store.id, &q).await {
        Ok((_, list)) if page > 1 && list.is_empty() => envelope::error(
            axum::http::StatusCode::BAD_REQUEST,
            1,
            "요청하신 페이지가 범위를 벗어났습니다.",
        ),
        Ok((total, list)) => envelope::ok(wire::page(total, page, q.limit, list)),
        Err(e) => {
            tracing::warn!(error = %e, "feed: database");
            envelope::db_unavailable()
        }
    }
}
