//! `/receipts/{imp_uid}`: the cash receipt (현금영수증) of one of the store's own payments: look
//! up (`GET`), issue (`POST`), cancel (`DELETE`). Any other payment is answered exactly as
//! Iamport answers for a payment that does not exist. Issue and cancel are audited writes: a
//! resend after an unknown outcome looks the receipt up first, and a resend of one that
//! succeeded is answered from the audit while its effect stands.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use iamport::{ReceiptRequest, ReceiptType};
use serde::Deserialize;
use serde_json::json;

use super::auth::Authed;
use super::payments::remember;
use crate::db::payments;
use crate::db::stores::Store;
use crate::envelope;
use crate::forward::{forward, Write};
use crate::ownership::owns;
use crate::state::Shared;
use crate::wire;

/// Iamport's answer to a receipt look-up for a payment without one (or no such payment).
fn no_receipt() -> Response {
    envelope::error(
        StatusCode::NOT_FOUND,
        1,
        "현금영수증 발행된 내역이 확인되지 않습니다.",
    )
}

/// Iamport's answer to a receipt cancel for a payment without one (or no such payment).
fn nothing_issued() -> Response {
    envelope::error(
        StatusCode::BAD_REQUEST,
        1,
        "포트원으로 현금영수증이 발급된 적 없는 건입니다.",
    )
}

/// Whether `imp_uid` is one of `store`'s payments: from the relay's table when it has seen the
/// payment, else from Iamport. `Err` when Iamport could not tell.
async fn own_payment(state: &Shared, store: &Store, imp_uid: &str) -> Result<bool, iamport::Error> {
    if let Ok(db) = state.db.get().await {
        if let Ok(Some(owner)) = payments::owner(&**db, imp_uid).await {
            return Ok(owner == store.id);
        }
    }
    let result = state.upstream.payment(imp_uid).await;
    crate::reach::saw(state, &result).await;
    match result {
        Ok(p) => {
            remember(state, std::slice::from_ref(&p)).await;
            Ok(owns(&store.prefix, &p.merchant_uid))
        }
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// `GET /receipts/{imp_uid}`.
pub async fn look_up(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(imp_uid): Path<String>,
) -> Response {
    match own_payment(&state, &store, &imp_uid).await {
        Ok(true) => {}
        Ok(false) => return no_receipt(),
        Err(e) => return envelope::upstream(&e),
    }
    let result = state.upstream.receipt(&imp_uid).await;
    crate::reach::saw(&state, &result).await;
    match result {
        Ok(r) => envelope::ok(wire::receipt(&r)),
        Err(e) => envelope::upstream(&e),
    }
}

/// The body of `POST /receipts/{imp_uid}` as the store sends it.
#[derive(Deserialize)]
struct IssueBody {
    identifier: Option<String>,
    identifier_type: Option<String>,
    #[serde(rename = "type")]
    receipt_type: Option<ReceiptType>,
    buyer_name: Option<String>,
    product_type: Option<String>,
}

/// The identifier as the audit keeps it: a phone or business number is personal data, and a
/// look-up by imp_uid needs none of it, so only its last four digits are kept.
fn masked(identifier: &str) -> String {
    let digits: Vec<char> = identifier.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("***{tail}")
}

/// `POST /receipts/{imp_uid}`.
pub async fn issue(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(imp_uid): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let Some(body) = super::body::<IssueBody>(&headers, &bytes) else {
        return envelope::invalid("receipt body");
    };
    let Some(identifier) = body
        .identifier
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
    else {
        return envelope::invalid("identifier");
    };
    match own_payment(&state, &store, &imp_uid).await {
        Ok(true) => {}
        Ok(false) => return envelope::payment_not_found(),
        Err(e) => return envelope::not_sent(&e),
    }
    let req = ReceiptRequest {
        identifier,
        identifier_type: body.identifier_type,
        receipt_type: body.receipt_type.unwrap_or(ReceiptType::Person),
        buyer_name: body.buyer_name,
        product_type: body.product_type,
    };
    let mut recorded = json!(&req);
    recorded["identifier"] = json!(masked(&req.identifier));
    let (send, looker) = (state.upstream.clone(), state.clone());
    let uid = imp_uid.clone();
    forward(
        &state,
        Write {
            store: &store,
            operation: "issue_receipt",
            target: imp_uid.clone(),
            request: json!({"imp_uid": &imp_uid, "request": recorded}),
            replays_success: true,
        },
        || async move {
            send.issue_receipt(&uid, &req)
                .await
                .map(|r| wire::receipt(&r))
        },
        move |earlier| async move { crate::lookup::look_up(&looker, "issue_receipt", earlier).await },
    )
    .await
}

/// `DELETE /receipts/{imp_uid}`.
pub async fn cancel(
    State(state): State<Shared>,
    Authed(store): Authed,
    Path(imp_uid): Path<String>,
) -> Response {
    match own_payment(&state, &store, &imp_uid).await {
        Ok(true) => {}
        Ok(false) => return nothing_issued(),
        Err(e) => return envelope::not_sent(&e),
    }
    let (send, looker) = (state.upstream.clone(), state.clone());
    let uid = imp_uid.clone();
    forward(
        &state,
        Write {
            store: &store,
            operation: "cancel_receipt",
            target: imp_uid.clone(),
            request: json!({"imp_uid": &imp_uid}),
            replays_success: true,
        },
        || async move { send.cancel_receipt(&uid).await.map(|r| wire::receipt(&r)) },
        move |earlier| async move { crate::lookup::look_up(&looker, "cancel_receipt", earlier).await },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn the_audit_keeps_only_the_last_four_digits_of_an_identifier() {
        assert_eq!(masked("010-1234-5678"), "***5678", "a phone number");
        assert_eq!(masked("1234567890"), "***7890", "a business number");
        assert_eq!(masked("12"), "***12", "a short one");
    }
}
