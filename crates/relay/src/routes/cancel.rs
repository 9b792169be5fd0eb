//! `POST /payments/cancel`: only the store's own payments, within its refund policy, with the
//! store's checksum forwarded as is. The target is fixed to the imp_uid the relay checked.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use iamport::CancelRequest;
use serde_json::json;

use super::auth::Authed;
use crate::db::audit;
use crate::envelope;
use crate::forward::{forward, Write};
use crate::ownership::owns;
use crate::state::Shared;
use crate::wire;

/// `POST /payments/cancel`.
pub async fn cancel(
    State(state): State<Shared>,
    Authed(store): Authed,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let Some(req) = super::body::<CancelRequest>(&headers, &bytes) else {
        return envelope::invalid("cancel body");
    };
    let found = match (
        req.imp_uid.as_deref().filter(|s| !s.is_empty()),
        req.merchant_uid.as_deref().filter(|s| !s.is_empty()),
    ) {
        (Some(imp_uid), _) => state.upstream.payment(imp_uid).await,
        (None, Some(merchant_uid)) if owns(&store.prefix, merchant_uid) => {
            state.upstream.find_payment(merchant_uid, None).await
        }
        (None, Some(_)) => return envelope::nothing_to_cancel(),
        (None, None) => return envelope::invalid("imp_uid or merchant_uid"),
    };
    crate::reach::saw(&state, &found).await;
    let payment = match found {
        Ok(p) if owns(&store.prefix, &p.merchant_uid) => p,
        Ok(_) => return envelope::nothing_to_cancel(),
        Err(e) if e.is_not_found() => return envelope::nothing_to_cancel(),
        // Nothing was sent: the store may send the cancel again as is.
        Err(e) => return envelope::not_sent(&e),
    };
    let refunds_today = match state.db.get().await {
        Ok(db) => match audit::refunds_today(&**db, store.id).await {
            Ok(n) => n,
            Err(_) => return envelope::db_unavailable(),
        },
        Err(_) => return envelope::db_unavailable(),
    };
    let now = state.clock.now();
    if let Err(refusal) = store
        .policy
        .check(now, payment.paid_at.unwrap_or(0), refunds_today)
    {
        return envelope::error(StatusCode::OK, 1, refusal.message());
    }
    let mut outgoing = req.clone();
    outgoing.imp_uid = Some(payment.imp_uid.clone());
    outgoing.merchant_uid = None;
    let target = format!(
        "{}:{}:{}",
        payment.imp_uid,
        req.checksum
            .map_or_else(|| "-".to_owned(), |c| c.to_string()),
        req.amount
            .map_or_else(|| "full".to_owned(), |a| a.to_string()),
    );
    let write = Write {
        store: &store,
        operation: "cancel",
        target,
        request: json!({"request": &outgoing, "cancel_amount_before": payment.cancel_amount}),
        replays_success: req.checksum.is_some(),
    };
    let upstream = state.upstream.clone();
    let looker = state.clone();
    forward(
        &state,
        write,
        || async move { upstream.cancel(&outgoing).await.map(|p| wire::payment(&p)) },
        move |earlier| async move { crate::lookup::look_up(&looker, "cancel", earlier).await },
    )
    .await
}
