//! `POST /subscribe/payments/onetime` (REFERENCE §5.1): a key-in card payment, optionally saving
//! the card as a billing key (`customer_uid`). Card numbers with fewer than 12 digits fail card
//! authentication (code -1); numbers ending in `0002` are declined (code 0, `status: failed`).

use axum::extract::State;
use serde::Deserialize;
use std::sync::Arc;

use crate::create::{NewPayment, Outcome, DECLINE_REASON};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::{custom_data_string, Input, Num};
use crate::state::Shared;
use crate::subscribe::{positive_amount, valid_merchant_uid, CustomerInfo};

/// Body of `POST /subscribe/payments/onetime`.
#[derive(Deserialize)]
pub struct OnetimeBody {
    merchant_uid: Option<String>,
    amount: Option<Num>,
    card_number: Option<String>,
    expiry: Option<String>,
    customer_uid: Option<String>,
    pg: Option<String>,
    name: Option<String>,
    currency: Option<String>,
    buyer_name: Option<String>,
    buyer_email: Option<String>,
    buyer_tel: Option<String>,
    buyer_addr: Option<String>,
    buyer_postcode: Option<String>,
    custom_data: Option<serde_json::Value>,
}

/// `POST /subscribe/payments/onetime`.
pub async fn onetime(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<OnetimeBody>,
) -> ApiResult {
    let merchant_uid = valid_merchant_uid(body.merchant_uid)?;
    let amount = positive_amount(body.amount)?;
    let card = body.card_number.unwrap_or_default();
    if card.chars().filter(char::is_ascii_digit).count() < 12
        || body.expiry.as_deref().is_none_or(str::is_empty)
    {
        return Err(ApiError::CardAuthFailed);
    }
    let declines = card.ends_with("0002");
    let customer_uid = body.customer_uid.filter(|c| !c.is_empty());
    let mut store = shared.store.lock();
    if store.merchant_uid_paid(&merchant_uid) {
        return Err(ApiError::DuplicateMerchantUid(merchant_uid));
    }
    if let Some(uid) = &customer_uid {
        let info = CustomerInfo {
            customer_name: body.buyer_name.clone(),
            customer_tel: body.buyer_tel.clone(),
            customer_email: body.buyer_email.clone(),
            customer_addr: body.buyer_addr.clone(),
            customer_postcode: body.buyer_postcode.clone(),
            customer_id: None,
            pg: body.pg.clone(),
        };
        store.issue_customer(uid, info, Some(&card), declines);
    }
    let new = NewPayment {
        merchant_uid,
        amount,
        name: body.name,
        pg: body.pg,
        currency: body.currency,
        buyer_name: body.buyer_name,
        buyer_email: body.buyer_email,
        buyer_tel: body.buyer_tel,
        buyer_addr: body.buyer_addr,
        buyer_postcode: body.buyer_postcode,
        custom_data: custom_data_string(body.custom_data),
        customer_uid_usage: customer_uid.as_ref().map(|_| "payment"),
        customer_uid,
        channel: "api",
        ..NewPayment::default()
    };
    let outcome = if declines {
        Outcome::Failed(DECLINE_REASON.to_owned())
    } else {
        Outcome::Paid
    };
    let i = store.create_payment(new, outcome);
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}
