//! Billing keys of the store's own customer_uids, and `again` on them.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use iamport::AgainRequest;
use serde_json::json;

use super::auth::Authed;
use super::payments::{pairs, remember};
use crate::envelope;
use crate::forward::{forward, Write};
use crate::ownership::owns;
use crate::state::Shared;
use crate::wire;

/// `GET /subscribe/customers/{customer_uid}`.
pub async fn billing_key(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(customer_uid): Path<String>,
) -> Response {
    if !owns(&store.prefix, &customer_uid) {
        return envelope::customer_not_found(&customer_uid);
    }
    let result = state.upstream.billing_key(&customer_uid).await;
    crate::reach::saw(&state, &result).await;
    match result {
        Ok(c) => envelope::ok(c),
        Err(e) => envelope::upstream(&e),
    }
}

/// `DELETE /subscribe/customers/{customer_uid}` (`reason`). Audited; deleting twice is
/// harmless, so an unknown outcome is simply sent again.
pub async fn delete_billing_key(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(customer_uid): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if !owns(&store.prefix, &customer_uid) {
        return envelope::customer_not_found(&customer_uid);
    }
    let reason = pairs(query.as_deref())
        .into_iter()
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v);
    let client = state.upstream.clone();
    let uid = customer_uid.clone();
    forward(
        &state,
        Write {
            store: &store,
            operation: "delete_billing_key",
            target: customer_uid.clone(),
            request: json!({"customer_uid": &customer_uid, "reason": &reason}),
            replays_success: true,
        },
        || async move {
            let c = client.delete_billing_key(&uid, reason.as_deref()).await?;
            Ok(json!(c))
        },
        |_| async { Ok(None) },
    )
    .await
}

/// `POST /subscribe/payments/again`: the store's own billing key, the store's own merchant_uid.
/// An earlier charge of unknown outcome is looked up by merchant_uid before charging again.
pub async fn again(
    State(state): State<Shared>,
    Authed(store): Authed,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let Some(req) = super::body::<AgainRequest>(&headers, &bytes) else {
        return envelope::invalid("customer_uid, merchant_uid, amount, name");
    };
    if !owns(&store.prefix, &req.customer_uid) {
        return envelope::unknown_buyer();
    }
    if !owns(&store.prefix, &req.merchant_uid) {
        return envelope::foreign_uid(&req.merchant_uid);
    }
    let send_client = state.upstream.clone();
    let (shared, looker) = (state.clone(), state.clone());
    forward(
        &state,
        Write {
            store: &store,
            operation: "again",
            target: req.merchant_uid.clone(),
            request: json!(&req),
            replays_success: true,
        },
        || async move {
            let p = send_client.again(&req).await?;
            remember(&shared, std::slice::from_ref(&p)).await;
            Ok(wire::payment(&p))
        },
        move |earlier| async move { crate::lookup::look_up(&looker, "again", earlier).await },
    )
    .await
}
