//! The fake's routes: the token, payment lookups, find, batch, status lists, cancel and `again`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{
    envelope, lock, payment_json, unix_now, Shared, TokenState, AGAIN_FAILED, KEY, SECRET,
};

pub(super) async fn get_token(State(s): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    s.token_calls.fetch_add(1, Ordering::SeqCst);
    let (delay, lifetime, skew, canned) = {
        let k = lock(&s.knobs);
        (
            k.token_delay,
            k.lifetime.unwrap_or(1800),
            k.skew,
            k.canned_token.clone(),
        )
    };
    tokio::time::sleep(delay).await;
    if let Some(canned) = canned {
        return canned_reply(canned);
    }
    if body["imp_key"] != KEY || body["imp_secret"] != SECRET {
        return envelope(401, -1, Some("imp_key/imp_secret not matched"), Value::Null);
    }
    let now = unix_now();
    let mut slot = lock(&s.token);
    let reuse = slot.as_ref().is_some_and(|t| t.expires > now);
    if !reuse {
        let serial = s.serial.fetch_add(1, Ordering::SeqCst) + 1;
        *slot = Some(TokenState {
            value: format!("{serial:040x}"),
            expires: now + lifetime,
        });
    }
    let Some(t) = slot.as_ref() else {
        return envelope(500, -1, Some("no token"), Value::Null);
    };
    let server_now = now as i64 + skew;
    let expired_at = t.expires as i64 + skew;
    envelope(
        200,
        0,
        None,
        json!({"access_token": t.value, "now": server_now, "expired_at": expired_at}),
    )
}

/// `Some(401 reply)` unless the bearer token is the current, unexpired one.
fn refuse(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    s.business_calls.fetch_add(1, Ordering::SeqCst);
    let sent = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("Bearer ").to_owned());
    let ok = !lock(&s.knobs).reject_all
        && lock(&s.token)
            .as_ref()
            .is_some_and(|t| Some(&t.value) == sent.as_ref() && t.expires > unix_now());
    if ok {
        None
    } else {
        s.rejected_401.fetch_add(1, Ordering::SeqCst);
        Some(envelope(401, -1, Some("Unauthorized"), Value::Null))
    }
}

pub(super) async fn payment(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(imp_uid): Path<String>,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let delay = lock(&s.knobs).lookup_delay;
    tokio::time::sleep(delay).await;
    if imp_uid.starts_with("missing") {
        return envelope(404, -1, Some("존재하지 않는 결제정보입니다."), Value::Null);
    }
    envelope(200, 0, None, payment_json(&imp_uid, "order_1"))
}

pub(super) async fn find(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path(rest): Path<String>,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let canned = {
        let mut k = lock(&s.knobs);
        k.find_paths.push(uri.path().to_owned());
        k.canned_find.clone()
    };
    match canned {
        Some(canned) => canned_reply(canned),
        None => envelope(200, 0, None, payment_json("imp_000000000001", &rest)),
    }
}

fn canned_reply((status, body): (u16, String)) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut reply = (status, [("content-type", "application/json")], body).into_response();
    if status.is_redirection() {
        // Points at a route that answers 200: following it would hide the redirect.
        reply.headers_mut().insert(
            "location",
            axum::http::HeaderValue::from_static("/payments/imp_followed"),
        );
    }
    reply
}

pub(super) async fn batch(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    lock(&s.knobs).batch_sizes.push(pairs.len());
    if pairs.len() > 100 {
        return envelope(400, -1, Some("최대 100건"), Value::Null);
    }
    let found: Vec<Value> = pairs
        .iter()
        .filter(|(_, id)| !id.starts_with("missing"))
        .map(|(k, id)| match k.as_str() {
            "imp_uid[]" => payment_json(id, "order_x"),
            _ => payment_json("imp_000000000009", id),
        })
        .collect();
    match (found.len(), pairs.len()) {
        (0, _) => envelope(404, 1, Some("결제정보가 없습니다."), Value::Null),
        (f, n) if f < n => envelope(207, 0, None, Value::Array(found)),
        _ => envelope(200, 0, None, Value::Array(found)),
    }
}

pub(super) async fn by_status(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(status): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let q: HashMap<String, String> = url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let page: u64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let limit: u64 = q.get("limit").and_then(|p| p.parse().ok()).unwrap_or(20);
    let (total, lying_next) = {
        let k = lock(&s.knobs);
        (k.status_total, k.lying_next)
    };
    let start = (page - 1) * limit;
    let list: Vec<Value> = (start..total.min(start + limit))
        .map(|i| {
            let mut p = payment_json(&format!("imp_{i:012}"), &format!("order_{i}"));
            p["status"] = json!(status);
            p
        })
        .collect();
    let next = if lying_next || start + limit < total {
        page + 1
    } else {
        0
    };
    envelope(
        200,
        0,
        None,
        json!({"total": total, "previous": page - 1, "next": next, "list": list}),
    )
}

pub(super) async fn cancel(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    // The fixture payment has 1 won paid and nothing cancelled: the balance is 1.
    if body.get("checksum").is_some_and(|c| c != 1) {
        return envelope(200, 1, Some("checksum이 일치하지 않습니다."), Value::Null);
    }
    let mut p = payment_json("imp_088022300265", "57008833-33010");
    p["status"] = json!("cancelled");
    p["cancel_amount"] = json!(1);
    envelope(200, 0, None, p)
}

pub(super) async fn again(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let (delay, canned) = {
        let k = lock(&s.knobs);
        (k.again_delay, k.canned_again.clone())
    };
    tokio::time::sleep(delay).await;
    if let Some(canned) = canned {
        return canned_reply(canned);
    }
    let v: Value = serde_json::from_str(AGAIN_FAILED).unwrap_or(Value::Null);
    (StatusCode::OK, Json(v)).into_response()
}
