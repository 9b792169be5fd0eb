//! `DELETE /vbanks/{imp_uid}`: revokes a virtual account that has had no deposit, so a buyer
//! cannot pay into it by mistake. The payment becomes `cancelled` with nothing cancelled (no money
//! was ever taken). A payment that is not a virtual account, or not waiting for its deposit
//! (already paid, already revoked), is refused with 400, as the real API answers.

use axum::extract::{Path, State};
use std::sync::Arc;

use crate::envelope::{ok, ApiError, ApiResult};
use crate::model::PaymentStatus;
use crate::state::Shared;

/// `DELETE /vbanks/{imp_uid}`.
pub async fn revoke(State(shared): State<Arc<Shared>>, Path(imp_uid): Path<String>) -> ApiResult {
    let mut store = shared.store.lock();
    let i = store.index_of(&imp_uid).ok_or(ApiError::PaymentNotFound)?;
    let p = store.at(i);
    if p.pay_method != "vbank" || p.vbank_num.is_none() || p.status != PaymentStatus::Ready {
        return Err(ApiError::VbankNotWaiting);
    }
    store.update_payment(i, |p, now| {
        p.status = PaymentStatus::Cancelled;
        p.cancelled_at = now;
        p.cancel_reason = Some("가상계좌 발급 취소".to_owned());
    });
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}
