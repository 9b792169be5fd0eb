//! Payment lookups: by imp_uid, by merchant_uid, and in batches. A store sees only payments
//! whose merchant_uid carries its prefix; for any other it gets Iamport's own "does not exist".

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use iamport::{Payment, PaymentStatus, MAX_IDS_PER_BATCH};
use serde_json::Value;

use super::auth::Authed;
use crate::db::payments;
use crate::envelope;
use crate::ownership::owns;
use crate::reach;
use crate::state::Shared;
use crate::wire;

/// The `name=value` pairs of a raw query string.
pub fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn flag(query: &[(String, String)], name: &str) -> bool {
    query
        .iter()
        .any(|(k, v)| k == name && matches!(v.as_str(), "true" | "1"))
}

/// Keeps what Iamport and the relay saw, best effort: a failure only costs freshness.
pub async fn remember(state: &Shared, list: &[Payment]) {
    if list.is_empty() {
        return;
    }
    match state.db.get().await {
        Ok(db) => {
            if let Err(e) = payments::remember(&**db, list).await {
                tracing::warn!(error = %e, "could not keep looked-up payments");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not keep looked-up payments"),
    }
}

fn sandbox_hidden(body: &Value, include_sandbox: bool) -> bool {
    !include_sandbox && body.get("sandbox").and_then(Value::as_bool) == Some(true)
}

/// `GET /payments/{imp_uid}` (`include_sandbox`). A payment another store's lookup or the
/// feed confirmed within the freshness window is answered from PostgreSQL, unless Iamport is
/// unreachable just now (then the answer says so, as Iamport's own silence would).
pub async fn lookup(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(imp_uid): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let include = flag(&pairs(query.as_deref()), "include_sandbox");
    if let Ok(db) = state.db.get().await {
        if let Ok(Some((owner, body))) = payments::fresh(&**db, &imp_uid, state.fresh_secs).await {
            if reach::unreachable(&state, &**db).await {
                return envelope::unreachable();
            }
            if owner != store.id || sandbox_hidden(&body, include) {
                return envelope::payment_not_found();
            }
            return envelope::ok(body);
        }
    }
    let result = state.upstream.payment(&imp_uid).await;
    reach::saw(&state, &result).await;
    match result {
        Ok(p) => {
            remember(&state, std::slice::from_ref(&p)).await;
            let body = wire::payment(&p);
            if !owns(&store.prefix, &p.merchant_uid) || sandbox_hidden(&body, include) {
                return envelope::payment_not_found();
            }
            envelope::ok(body)
        }
        Err(e) => envelope::upstream(&e),
    }
}

/// Iamport's "does not exist" for a payment the relay answers for without asking Iamport (it is
/// not the store's), unless Iamport is unreachable just now: then the answer a dead Iamport
/// gives any lookup. A made-up answer never says Iamport is reachable when it is not (the
/// desktop app's offline probe looks up an id that is no store's).
pub async fn not_found(state: &Shared) -> Response {
    if let Ok(db) = state.db.get().await {
        if reach::unreachable(state, &**db).await {
            return envelope::unreachable();
        }
    }
    envelope::payment_not_found()
}

async fn find_inner(
    state: &Shared,
    prefix: &str,
    merchant_uid: &str,
    status: Option<&str>,
) -> Response {
    if !owns(prefix, merchant_uid) {
        return not_found(state).await;
    }
    let status = status.map(PaymentStatus::from_wire);
    let result = state.upstream.find_payment(merchant_uid, status).await;
    reach::saw(state, &result).await;
    match result {
        Ok(p) => {
            remember(state, std::slice::from_ref(&p)).await;
            envelope::ok(wire::payment(&p))
        }
        Err(e) => envelope::upstream(&e),
    }
}

/// `GET /payments/find/{merchant_uid}`.
pub async fn find(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(merchant_uid): Path<String>,
) -> Response {
    find_inner(&state, &store.prefix, &merchant_uid, None).await
}

/// `GET /payments/find/{merchant_uid}/{payment_status}`.
pub async fn find_with_status(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path((merchant_uid, status)): Path<(String, String)>,
) -> Response {
    find_inner(&state, &store.prefix, &merchant_uid, Some(&status)).await
}

/// `GET /payments?imp_uid[]=…&merchant_uid[]=…`: the store's own payments among those asked;
/// 207 when some are missing (another store's count as missing), 404 when none is found.
pub async fn batch(
    State(state): State<Shared>,
    Authed(store): Authed,
    RawQuery(query): RawQuery,
) -> Response {
    let query = pairs(query.as_deref());
    let named = |names: [&str; 2]| -> Vec<String> {
        query
            .iter()
            .filter(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
            .collect()
    };
    let imp_uids = named(["imp_uid[]", "imp_uid"]);
    let merchant_uids = named(["merchant_uid[]", "merchant_uid"]);
    let asked = imp_uids.len() + merchant_uids.len();
    if asked == 0 {
        return envelope::invalid("imp_uid[] or merchant_uid[]");
    }
    if asked > MAX_IDS_PER_BATCH {
        return envelope::invalid("at most 100 imp_uid[]/merchant_uid[]");
    }
    let own_merchant_uids: Vec<String> = merchant_uids
        .into_iter()
        .filter(|m| owns(&store.prefix, m))
        .collect();
    if imp_uids.is_empty() && own_merchant_uids.is_empty() {
        return not_found(&state).await;
    }
    if state.fresh_secs > 0.0 {
        if let Ok(db) = state.db.get().await {
            if let Ok(Some(rows)) = payments::fresh_batch(
                &**db,
                store.id,
                &imp_uids,
                &own_merchant_uids,
                state.fresh_secs,
            )
            .await
            {
                if reach::unreachable(&state, &**db).await {
                    return envelope::unreachable();
                }
                let own: Vec<Value> = rows
                    .into_iter()
                    .filter(|(owner, _)| *owner == store.id)
                    .map(|(_, body)| body)
                    .collect();
                return batch_reply(own, asked);
            }
        }
    }
    let result = state
        .upstream
        .payments_by_ids(&imp_uids, &own_merchant_uids)
        .await;
    reach::saw(&state, &result).await;
    let found = match result {
        Ok(found) => found,
        Err(e) => return envelope::upstream(&e),
    };
    remember(&state, &found).await;
    let own: Vec<Value> = found
        .iter()
        .filter(|p| owns(&store.prefix, &p.merchant_uid))
        .map(wire::payment)
        .collect();
    batch_reply(own, asked)
}

/// 404 when none of the asked payments is the store's, 207 when some are missing, else 200.
fn batch_reply(own: Vec<Value>, asked: usize) -> Response {
    if own.is_empty() {
        return envelope::payment_not_found();
    }
    let status = if own.len() < asked {
        StatusCode::MULTI_STATUS
    } else {
        StatusCode::OK
    };
    envelope::ok_with(status, own)
}
