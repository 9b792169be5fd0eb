//! Scheduled charges on the store's own billing keys.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use iamport::{ScheduleQuery, ScheduleRequest, ScheduleStatus};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authed;
use super::payments::pairs;
use crate::envelope;
use crate::forward::{forward, Write};
use crate::ownership::owns;
use crate::state::Shared;
use crate::wire;

/// Schedule lists with `0` for "no such page", as Iamport sends them.
fn page_json(page: &iamport::SchedulePage) -> Value {
    json!({
        "total": page.total,
        "previous": page.previous.unwrap_or(0),
        "next": page.next.unwrap_or(0),
        "list": &page.list,
    })
}

/// `POST /subscribe/payments/schedule`.
pub async fn schedule(
    State(state): State<Shared>,
    Authed(store): Authed,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let Some(req) = super::body::<ScheduleRequest>(&headers, &bytes) else {
        return envelope::invalid("customer_uid, schedules");
    };
    if !owns(&store.prefix, &req.customer_uid) {
        return envelope::no_customer_info();
    }
    if let Some(foreign) = req
        .schedules
        .iter()
        .find(|s| !owns(&store.prefix, &s.merchant_uid))
    {
        return envelope::foreign_uid(&foreign.merchant_uid);
    }
    let mut merchant_uids: Vec<String> = req
        .schedules
        .iter()
        .map(|s| s.merchant_uid.clone())
        .collect();
    merchant_uids.sort();
    let (send_client, looker) = (state.upstream.clone(), state.clone());
    forward(
        &state,
        Write {
            store: &store,
            operation: "schedule",
            target: format!("{}:{}", req.customer_uid, merchant_uids.join(",")),
            request: json!(&req),
            replays_success: true,
        },
        || async move {
            let list = send_client.schedule(&req).await?;
            Ok(json!(list))
        },
        move |earlier| async move { crate::lookup::look_up(&looker, "schedule", earlier).await },
    )
    .await
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct UnscheduleBody {
    customer_uid: String,
    #[serde(default)]
    merchant_uid: Option<OneOrMany>,
}

/// `POST /subscribe/payments/unschedule`: only the store's own customer and merchant_uids.
pub async fn unschedule(
    State(state): State<Shared>,
    Authed(store): Authed,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let Some(body) = super::body::<UnscheduleBody>(&headers, &bytes) else {
        return envelope::invalid("customer_uid, merchant_uid");
    };
    if !owns(&store.prefix, &body.customer_uid) {
        return envelope::nothing_to_unschedule();
    }
    let listed = match body.merchant_uid {
        None => Vec::new(),
        Some(OneOrMany::One(m)) => vec![m],
        Some(OneOrMany::Many(list)) => list,
    };
    let mut own: Vec<String> = listed
        .iter()
        .filter(|m| owns(&store.prefix, m))
        .cloned()
        .collect();
    if own.is_empty() {
        // An empty list would revoke every schedule of the key; the client refuses it, and a
        // list of other stores' schedules revokes nothing.
        return if listed.is_empty() {
            envelope::invalid("merchant_uid")
        } else {
            envelope::nothing_to_unschedule()
        };
    }
    own.sort();
    let customer_uid = body.customer_uid.clone();
    let (send_client, looker) = (state.upstream.clone(), state.clone());
    let send_uids = own.clone();
    forward(
        &state,
        Write {
            store: &store,
            operation: "unschedule",
            target: format!("{}:{}", body.customer_uid, own.join(",")),
            request: json!({"customer_uid": &body.customer_uid, "merchant_uid": &own}),
            replays_success: true,
        },
        || async move {
            let list = send_client.unschedule(&customer_uid, &send_uids).await?;
            Ok(json!(list))
        },
        move |earlier| async move { crate::lookup::look_up(&looker, "unschedule", earlier).await },
    )
    .await
}

/// `GET /subscribe/payments/schedule/{merchant_uid}`.
pub async fn by_merchant_uid(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(merchant_uid): Path<String>,
) -> Response {
    if !owns(&store.prefix, &merchant_uid) {
        return envelope::schedule_not_found();
    }
    let result = state.upstream.schedule_by_merchant_uid(&merchant_uid).await;
    crate::reach::saw(&state, &result).await;
    match result {
        Ok(s) => envelope::ok(s),
        Err(e) => envelope::upstream(&e),
    }
}

/// `GET /subscribe/payments/schedule/customers/{customer_uid}` (`from`/`to` or
/// `schedule_from`/`schedule_to`, `schedule-status`/`schedule_status`, `page`). Another
/// store's customer has no schedules.
pub async fn by_customer(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(customer_uid): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = pairs(query.as_deref());
    let get = |names: &[&str]| {
        query
            .iter()
            .rev()
            .find(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
    };
    let number = |names: &[&str]| get(names).and_then(|v| v.parse::<i64>().ok());
    let (Some(from), Some(to)) = (
        number(&["from", "schedule_from"]),
        number(&["to", "schedule_to"]),
    ) else {
        return envelope::invalid("from, to");
    };
    if !owns(&store.prefix, &customer_uid) {
        return envelope::ok(json!({"total": 0, "previous": 0, "next": 0, "list": []}));
    }
    let q = ScheduleQuery {
        from,
        to,
        status: get(&["schedule-status", "schedule_status"]).map(|s| ScheduleStatus::from_wire(&s)),
        page: number(&["page"]).and_then(|p| u32::try_from(p).ok()),
        limit: None,
        sorting: None,
    };
    let result = state
        .upstream
        .schedules_by_customer(&customer_uid, &q)
        .await;
    crate::reach::saw(&state, &result).await;
    match result {
        Ok(page) => envelope::ok(page_json(&page)),
        Err(e) => envelope::upstream(&e),
    }
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/retry`: charges a failed or revoked
/// schedule now. An earlier retry of unknown outcome counts as done when the schedule ran
/// again since.
pub async fn retry(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(merchant_uid): Path<String>,
) -> Response {
    if !owns(&store.prefix, &merchant_uid) {
        return envelope::schedule_not_found();
    }
    let result = state.upstream.schedule_by_merchant_uid(&merchant_uid).await;
    crate::reach::saw(&state, &result).await;
    let before = match result {
        Ok(s) => s,
        Err(e) => return envelope::not_sent(&e),
    };
    let (send_client, looker) = (state.upstream.clone(), state.clone());
    let m1 = merchant_uid.clone();
    forward(
        &state,
        Write {
            store: &store,
            operation: "retry_schedule",
            target: format!("{merchant_uid}:{}", before.executed_at.unwrap_or(0)),
            request: json!({"merchant_uid": &merchant_uid, "executed_at_before": before.executed_at}),
            replays_success: true,
        },
        || async move { Ok(wire::payment(&send_client.retry_schedule(&m1).await?)) },
        move |earlier| async move { crate::lookup::look_up(&looker, "retry_schedule", earlier).await },
    )
    .await
}

#[derive(Deserialize)]
struct ScheduleAt {
    schedule_at: i64,
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/reschedule`.
pub async fn reschedule(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(merchant_uid): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    if !owns(&store.prefix, &merchant_uid) {
        return envelope::schedule_not_found();
    }
    let Some(ScheduleAt { schedule_at }) = super::body::<ScheduleAt>(&headers, &bytes) else {
        return envelope::invalid("schedule_at");
    };
    let (send_client, looker) = (state.upstream.clone(), state.clone());
    let m1 = merchant_uid.clone();
    forward(
        &state,
        Write {
            store: &store,
            operation: "reschedule",
            target: format!("{merchant_uid}:{schedule_at}"),
            request: json!({"merchant_uid": &merchant_uid, "schedule_at": schedule_at}),
            replays_success: true,
        },
        || async move { Ok(json!(send_client.reschedule(&m1, schedule_at).await?)) },
        move |earlier| async move { crate::lookup::look_up(&looker, "reschedule", earlier).await },
    )
    .await
}
