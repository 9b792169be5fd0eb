//! What the payment commands send that pos-core has no type for (camelCase over IPC;
//! TypeScript generated into `ui/src/bindings` by `cargo test -p panmusic-pos`).

use pos_core::checkout::{
    card_details, receipt_url, CancelPayload, CardDetails, Verified, CANCEL_JOB,
};
use pos_core::store::CashReceipt;
use pos_core::{ErrorCode, Job, JobState, Order, OrderEvent};
use serde::Serialize;
use ts_rs::TS;

/// An order's page: the order, its timeline, its receipt and any refund still waiting.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderDetail {
    /// The order as stored.
    pub order: Order,
    /// Its audit events, oldest first.
    pub events: Vec<OrderEvent>,
    /// Iamport's receipt page, once the payment has one.
    pub receipt_url: Option<String>,
    /// A refund asked for and not yet confirmed by Iamport (queued, or parked for a person).
    pub pending_refund: Option<PendingRefund>,
    /// A card payment's card company, masked number, approval number and installments.
    pub card: Option<CardDetails>,
    /// The cash receipt (현금영수증) of a non-card payment, once asked for.
    pub cash_receipt: Option<CashReceipt>,
}

/// A refund in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PendingRefund {
    /// The `cancel` job.
    #[ts(type = "number")]
    pub job_id: i64,
    /// Won asked for (the whole balance when the request named none).
    #[ts(type = "number")]
    pub amount: i64,
    /// `pending`, `running` or `needs_attention`.
    pub state: JobState,
    /// The last failure, for the owner.
    pub last_error: Option<String>,
}

impl OrderDetail {
    /// Assembles the page from the order, its events and its jobs.
    pub fn new(
        order: Order,
        events: Vec<OrderEvent>,
        jobs: &[Job],
        cash_receipt: Option<CashReceipt>,
    ) -> OrderDetail {
        let pending_refund = jobs
            .iter()
            .rev()
            .filter(|job| job.kind == CANCEL_JOB && job.state != JobState::Done)
            .filter_map(|job| {
                let payload: CancelPayload = serde_json::from_value(job.payload.clone()).ok()?;
                Some(PendingRefund {
                    job_id: job.id,
                    amount: payload.cancel_amount(),
                    state: job.state,
                    last_error: job.last_error.clone(),
                })
            })
            .next();
        OrderDetail {
            receipt_url: receipt_url(&events),
            card: card_details(&events),
            cash_receipt,
            order,
            events,
            pending_refund,
        }
    }
}

/// Emitted to the main window as [`PAYMENT_RESULT_EVENT`] when the payment window of a one-time
/// order ended (its result came back, or it was closed) and Rust verified the order at Iamport
/// (or could not): the UI shows the result for `merchant_uid`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PaymentReturn {
    /// The order the payment window was for.
    pub merchant_uid: String,
    /// The verified result, when verification worked.
    pub verified: Option<Verified>,
    /// Why verification did not finish (Korean), e.g. offline: the order stays open.
    pub problem: Option<String>,
    /// The kind of `problem`: `not_found` means no payment was made (the window was closed).
    pub code: Option<ErrorCode>,
    /// What the payment window said (a PG's message, "closed"): shown, never believed.
    pub window_message: Option<String>,
}

/// The event the main window listens to for one-time payment results.
pub const PAYMENT_RESULT_EVENT: &str = "payment-result";

/// A job parked or waiting, as the needs-attention list shows it (no payload: it can hold a
/// refund account).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobView {
    /// Row id (what `retry_job` takes).
    #[ts(type = "number")]
    pub id: i64,
    /// `verify`, `cancel`, `charge`, …
    pub kind: String,
    /// The order it is for.
    pub merchant_uid: String,
    /// Where it stands.
    pub state: JobState,
    /// Attempts so far.
    pub attempts: u32,
    /// When it is due next (ms since the UNIX epoch).
    #[ts(type = "number")]
    pub next_run_at: i64,
    /// The last failure, in Korean, for a person.
    pub last_error: Option<String>,
}

impl From<&Job> for JobView {
    fn from(job: &Job) -> Self {
        JobView {
            id: job.id,
            kind: job.kind.clone(),
            merchant_uid: job.merchant_uid.clone(),
            state: job.state,
            attempts: job.attempts,
            next_run_at: job.next_run_at.timestamp_millis(),
            last_error: job.last_error.clone(),
        }
    }
}
