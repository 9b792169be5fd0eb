//! `complete_payment`: the one verification path. The SDK callback, the `m_redirect_url`
//! navigation and `posctl payment complete` all call it with what the browser handed back
//! (`merchant_uid`, maybe `imp_uid`), and nothing the browser says is believed: the payment is
//! fetched from Iamport, checked against the order, reconciled and applied. An amount mismatch
//! enqueues a full cancel in the same transaction and runs it at once.

use serde::Serialize;
use ts_rs::TS;

use super::apply::{apply_payment, VERIFY_JOB};
use super::error::CheckoutError;
use super::reconcile::Refusal;
use crate::store::{NewJob, Order, Store, StoreError};
use crate::work::{run_job_now, JobRun, WorkContext};

/// The result of verifying a payment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Verified {
    /// The order as it is now (its `state` is what the result screen shows).
    pub order: Order,
    /// The payment verified.
    pub imp_uid: String,
    /// Whether this verification changed the order (false for a duplicate completion).
    pub changed: bool,
    /// For a mismatched amount: how the automatic full cancel went.
    pub mismatch_cancel: Option<JobRun>,
}

/// Verifies the payment of `merchant_uid`: fetches it by `imp_uid` (or, without one, the newest
/// payment of the merchant_uid), refuses a payment of another order (nothing changes), then
/// reconciles and applies it. Calling it again for the same payment changes nothing.
///
/// When Iamport cannot be reached, a `verify` job is queued (the sync engine finishes the
/// verification) and the error says so ([`crate::ErrorCode::Offline`]).
pub async fn complete_payment(
    store: &Store,
    client: &iamport::Client,
    merchant_uid: &str,
    imp_uid: Option<&str>,
) -> Result<Verified, CheckoutError> {
    let imp_uid = imp_uid.map(str::trim).filter(|s| !s.is_empty());
    // The order must exist before anything is asked of Iamport.
    store.order(merchant_uid)?;
    let fetched = match imp_uid {
        Some(id) => client.payment(id).await,
        None => client.find_payment(merchant_uid, None).await,
    };
    let payment = match fetched {
        Ok(payment) => payment,
        Err(source) if source.is_not_found() => {
            return Err(CheckoutError::PaymentNotFound {
                id: imp_uid.unwrap_or(merchant_uid).to_string(),
                source: Box::new(source),
            })
        }
        Err(source) => {
            if source.is_retryable() {
                queue_verify(store, merchant_uid, imp_uid)?;
            }
            return Err(source.into());
        }
    };
    if payment.merchant_uid != merchant_uid {
        return Err(Refusal::OtherOrder {
            imp_uid: payment.imp_uid.clone(),
            order_merchant_uid: merchant_uid.to_string(),
            payment_merchant_uid: payment.merchant_uid.clone(),
        }
        .into());
    }
    let applied = apply_payment(store, &payment, "verify")?;
    let mismatch_cancel = match applied.cancel_job_id {
        Some(job_id) => {
            let ctx = WorkContext {
                store: store.clone(),
                client: client.clone(),
            };
            Some(run_job_now(&ctx, job_id).await?)
        }
        None => None,
    };
    let order = if mismatch_cancel.is_some() {
        store.order(merchant_uid)?
    } else {
        applied.order
    };
    Ok(Verified {
        order,
        imp_uid: payment.imp_uid,
        changed: applied.changed,
        mismatch_cancel,
    })
}

/// Queues a `verify` job for later (an open one already there is enough).
fn queue_verify(
    store: &Store,
    merchant_uid: &str,
    imp_uid: Option<&str>,
) -> Result<(), CheckoutError> {
    let job = NewJob {
        kind: VERIFY_JOB.to_string(),
        merchant_uid: merchant_uid.to_string(),
        payload: serde_json::json!({ "impUid": imp_uid }),
        run_at: None,
    };
    match store.enqueue_job(&job) {
        Ok(_) | Err(StoreError::DuplicateJob { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
