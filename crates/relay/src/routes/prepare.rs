//! `POST /payments/prepare` and `GET /payments/prepare/{merchant_uid}` for the store's own
//! orders.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::auth::Authed;
use crate::envelope;
use crate::forward::{forward, Write};
use crate::ownership::owns;
use crate::state::Shared;

#[derive(Deserialize)]
struct PrepareBody {
    merchant_uid: String,
    amount: i64,
}

/// `POST /payments/prepare`.
pub async fn prepare(
    State(state): State<Shared>,
    Authed(store): Authed,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let Some(body) = super::body::<PrepareBody>(&headers, &bytes) else {
        return envelope::invalid("merchant_uid, amount");
    };
    if !owns(&store.prefix, &body.merchant_uid) {
        return envelope::foreign_uid(&body.merchant_uid);
    }
    let (send_client, looker) = (state.upstream.clone(), state.clone());
    let (m, amount) = (body.merchant_uid.clone(), body.amount);
    forward(
        &state,
        Write {
            store: &store,
            operation: "prepare",
            target: format!("{m}:{amount}"),
            request: json!({"merchant_uid": &m, "amount": amount}),
            replays_success: true,
        },
        || async move {
            let p = send_client.prepare(&m, amount).await?;
            Ok(json!(p))
        },
        move |earlier| async move { crate::lookup::look_up(&looker, "prepare", earlier).await },
    )
    .await
}

/// `GET /payments/prepare/{merchant_uid}`.
pub async fn prepared(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(merchant_uid): Path<String>,
) -> Response {
    if !owns(&store.prefix, &merchant_uid) {
        return envelope::prepare_not_found();
    }
    let result = state.upstream.prepared(&merchant_uid).await;
    crate::reach::saw(&state, &result).await;
    match result {
        Ok(p) => envelope::ok(p),
        Err(e) => envelope::upstream(&e),
    }
}
