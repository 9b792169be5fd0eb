//! `POST|PUT /payments/prepare` and `GET /payments/prepare/{merchant_uid}`: the amount a
//! merchant_uid must be paid with; the SDK refuses a window whose amount differs.

use axum::extract::{Path, State};
use serde::Deserialize;
use std::sync::Arc;

use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::{Input, Num};
use crate::model::Prepared;
use crate::state::Shared;

/// Body of `POST|PUT /payments/prepare`.
#[derive(Deserialize)]
pub struct PrepareBody {
    merchant_uid: Option<String>,
    amount: Option<Num>,
    currency: Option<String>,
}

fn checked_prepare(body: PrepareBody) -> Result<Prepared, ApiError> {
    let merchant_uid = body
        .merchant_uid
        .filter(|m| !m.is_empty() && m.chars().count() <= 40)
        .ok_or(ApiError::InvalidParam("merchant_uid (1..40 characters)"))?;
    let amount = body
        .amount
        .filter(|a| a.0 >= 0)
        .ok_or(ApiError::InvalidParam("amount"))?
        .0;
    Ok(Prepared {
        amount,
        currency: body.currency,
        merchant_uid,
    })
}

/// `POST /payments/prepare`: registers the expected amount (a second call replaces it).
pub async fn prepare(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<PrepareBody>,
) -> ApiResult {
    let prepared = checked_prepare(body)?;
    shared
        .store
        .lock()
        .prepared
        .insert(prepared.merchant_uid.clone(), prepared.clone());
    shared.mark_dirty();
    Ok(ok(prepared))
}

/// `PUT /payments/prepare`: changes a registered amount; 404 when none was registered.
pub async fn prepare_update(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<PrepareBody>,
) -> ApiResult {
    let prepared = checked_prepare(body)?;
    let mut store = shared.store.lock();
    let slot = store
        .prepared
        .get_mut(&prepared.merchant_uid)
        .ok_or(ApiError::PrepareNotFound)?;
    *slot = prepared.clone();
    drop(store);
    shared.mark_dirty();
    Ok(ok(prepared))
}

/// `GET /payments/prepare/{merchant_uid}`.
pub async fn prepare_get(
    State(shared): State<Arc<Shared>>,
    Path(merchant_uid): Path<String>,
) -> ApiResult {
    let store = shared.store.lock();
    store
        .prepared
        .get(&merchant_uid)
        .map(ok)
        .ok_or(ApiError::PrepareNotFound)
}
