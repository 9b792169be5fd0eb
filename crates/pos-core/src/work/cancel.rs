//! The `cancel` job: refund part or all of a payment, safely repeatable.
//!
//! Safety comes from two things. The payload's `checksum` is the balance we believed in when the
//! refund was asked for; Iamport refuses a cancel when its balance differs, so a second identical
//! cancel (after our first one landed) is refused instead of refunding twice. And when the
//! previous attempt's outcome is unknown (sent, no answer), this attempt looks the payment up
//! first: if our cancel is there, the job is done without sending anything.

use iamport::{CancelRequest, Payment};

use super::{JobDone, JobFailure, WorkContext};
use crate::checkout::{apply_payment, CancelPayload};
use crate::format::won;
use crate::store::Job;

const WHAT: &str = "환불";

fn payload(job: &Job) -> Result<CancelPayload, JobFailure> {
    serde_json::from_value(job.payload.clone()).map_err(|e| JobFailure::Permanent {
        message: format!(
            "환불 작업의 내용을 읽을 수 없습니다 (작업 {}): {e}. 환불을 다시 요청하세요.",
            job.id
        ),
    })
}

/// Whether `payment` shows the cancel of `p` as done: the balance is where our cancel would have
/// put it and the cancel history has an entry of our amount and reason.
fn landed(p: &CancelPayload, payment: &Payment) -> bool {
    let expected_cancelled = payment
        .amount
        .saturating_sub(p.checksum)
        .saturating_add(p.cancel_amount());
    payment.cancel_amount >= expected_cancelled
        && payment
            .cancel_history
            .iter()
            .any(|c| c.amount == p.cancel_amount() && c.reason.as_deref() == Some(&p.reason))
}

fn done(
    ctx: &WorkContext,
    payment: &Payment,
    p: &CancelPayload,
    note: String,
) -> Result<JobDone, JobFailure> {
    let cause = if p.amount_mismatch {
        "mismatch_cancel"
    } else {
        "refund"
    };
    let applied = apply_payment(&ctx.store, payment, cause)
        .map_err(|e| JobFailure::from_checkout(WHAT, &e))?;
    if applied.changed && !p.amount_mismatch {
        // A renewal's refund changes its subscription as a console refund does.
        mirror_on_subscription(ctx, &applied.order).map_err(|e| JobFailure::Retryable {
            message: format!("{WHAT}: {e}"),
        })?;
    }
    Ok(JobDone {
        order: Some(Box::new(applied.order)),
        note,
    })
}

fn mirror_on_subscription(
    ctx: &WorkContext,
    order: &crate::store::Order,
) -> Result<(), crate::subscription::SubscriptionError> {
    let Some(charge) = ctx.store.subscription_charge(&order.merchant_uid)? else {
        return Ok(());
    };
    let policy = crate::subscription::DunningPolicy::default();
    crate::subscription::Ledger {
        store: &ctx.store,
        policy: &policy,
    }
    .period_refunded(&charge, order)
}

pub(super) async fn execute(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    let p = payload(job)?;
    if job.outcome_unknown {
        let payment = match ctx.client.payment(&p.imp_uid).await {
            Ok(payment) => payment,
            // Still cannot tell whether the earlier cancel landed.
            Err(e) if e.is_too_many_requests() => return Err(JobFailure::OutcomeUnknown {
                message: format!("{WHAT}: 이전 환불 요청의 결과를 아직 확인하지 못했습니다. 요청이 많아 잠시 쉬었다가 먼저 확인한 뒤 처리합니다. ({e})"),
            }),
            Err(e) if e.is_retryable() => return Err(JobFailure::OutcomeUnknown {
                message: format!("{WHAT}: 이전 환불 요청의 결과를 아직 확인하지 못했습니다. 연결되면 먼저 확인한 뒤 처리합니다. ({e})"),
            }),
            Err(e) => return Err(JobFailure::from_iamport(WHAT, &e)),
        };
        if landed(&p, &payment) {
            return done(
                ctx,
                &payment,
                &p,
                format!(
                    "이전 요청의 환불 {}이 이미 처리되어 있었습니다 (다시 보내지 않음)",
                    won(p.cancel_amount())
                ),
            );
        }
        if payment.refundable() != p.checksum {
            return refused_after_lookup(ctx, &p, payment, None);
        }
        // Nothing happened: sending again is safe (and guarded by the checksum anyway).
    }
    let request = CancelRequest {
        imp_uid: Some(p.imp_uid.clone()),
        amount: p.amount,
        checksum: Some(p.checksum),
        reason: Some(p.reason.clone()),
        refund_bank: p.refund_bank.clone(),
        refund_account: p.refund_account.clone(),
        refund_holder: p.refund_holder.clone(),
        ..CancelRequest::default()
    };
    match ctx.client.cancel(&request).await {
        Ok(payment) => done(
            ctx,
            &payment,
            &p,
            format!("{} 환불 완료", won(p.cancel_amount())),
        ),
        // "Too many requests" (HTTP 429, from Iamport or a relay's per-store limit) refused the
        // request unseen: it is tried again later, never parked as a refusal.
        Err(e @ iamport::Error::Api { .. }) if !e.is_retryable() => {
            // Refused (checksum, over-cancel, refund account...). Mirror what Iamport has now,
            // so a console cancel behind our back shows up, then park with the reason.
            match ctx.client.payment(&p.imp_uid).await {
                Ok(payment) => refused_after_lookup(ctx, &p, payment, Some(&e)),
                Err(_) => Err(JobFailure::from_iamport(WHAT, &e)),
            }
        }
        Err(e) => Err(JobFailure::from_iamport(WHAT, &e)),
    }
}

fn refused_after_lookup(
    ctx: &WorkContext,
    p: &CancelPayload,
    payment: Payment,
    error: Option<&iamport::Error>,
) -> Result<JobDone, JobFailure> {
    // Best effort: the refusal is what matters to the person; the mirror is refreshed by the
    // engine's poller if this fails.
    if let Err(e) = apply_payment(&ctx.store, &payment, "refund_refused_lookup") {
        tracing::warn!(error = %e, merchant_uid = %payment.merchant_uid, "could not mirror the payment after a refused cancel");
    }
    let why = error
        .map(|e| format!(" 아임포트 응답: {e}."))
        .unwrap_or_default();
    let message = if payment.refundable() != p.checksum {
        format!(
            "{WHAT} {} 요청이 거절되었습니다: 요청할 때의 환불 가능 잔액은 {}이었는데 아임포트의 잔액은 {}입니다. 관리자 화면 등에서 다른 취소가 있었던 것 같습니다. 주문을 새로고침해 잔액을 확인한 뒤 필요하면 다시 환불하세요 (이 요청은 보내지 않았고 중복 환불은 없습니다).{why}",
            won(p.cancel_amount()),
            won(p.checksum),
            won(payment.refundable()),
        )
    } else {
        format!(
            "{WHAT} {} 요청이 아임포트에서 거절되었습니다. 아임포트 관리자 화면에서 결제를 확인하세요.{why}",
            won(p.cancel_amount())
        )
    };
    Err(JobFailure::Permanent { message })
}
