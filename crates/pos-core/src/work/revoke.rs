//! The `revoke_vbank` job: revoke the virtual account of an order the owner gave up
//! (`DELETE /vbanks/{imp_uid}`), safely repeatable.
//!
//! The payment is looked up before anything is sent: a deposit that arrived first is applied
//! (the order becomes paid and nothing is revoked), an account already revoked is done. A revoke
//! Iamport refuses is looked up once more, so a deposit that raced it is applied too.

use iamport::{Payment, PaymentStatus};

use super::{JobDone, JobFailure, WorkContext};
use crate::checkout::{apply_payment, RevokeVbankPayload};
use crate::store::Job;

const WHAT: &str = "가상계좌 발급 취소";

fn payload(job: &Job) -> Result<RevokeVbankPayload, JobFailure> {
    serde_json::from_value(job.payload.clone()).map_err(|e| JobFailure::Permanent {
        message: format!(
            "{WHAT} 작업의 내용을 읽을 수 없습니다 (작업 {}): {e}. 아임포트 관리자 화면에서 가상계좌를 취소하세요.",
            job.id
        ),
    })
}

/// What a looked-up payment means for the job: done (deposited or already revoked), or `None`
/// when the account is still waiting for a deposit.
fn settled(ctx: &WorkContext, payment: &Payment) -> Result<Option<JobDone>, JobFailure> {
    let note = if payment.status == PaymentStatus::Ready {
        return Ok(None);
    } else if payment.paid_at.is_some() {
        "입금이 먼저 확인되어 가상계좌를 취소하지 않았습니다 (결제 완료)"
    } else {
        "가상계좌는 이미 발급 취소되어 있었습니다"
    };
    let applied = apply_payment(&ctx.store, payment, "revoke_lookup")
        .map_err(|e| JobFailure::from_checkout(WHAT, &e))?;
    Ok(Some(JobDone {
        order: Some(Box::new(applied.order)),
        note: note.to_string(),
    }))
}

pub(super) async fn execute(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    let p = payload(job)?;
    let payment = ctx
        .client
        .payment(&p.imp_uid)
        .await
        .map_err(|e| JobFailure::from_iamport(WHAT, &e))?;
    if let Some(done) = settled(ctx, &payment)? {
        return Ok(done);
    }
    match ctx.client.revoke_vbank(&p.imp_uid).await {
        Ok(payment) => {
            let applied = apply_payment(&ctx.store, &payment, "vbank_revoked")
                .map_err(|e| JobFailure::from_checkout(WHAT, &e))?;
            Ok(JobDone {
                order: Some(Box::new(applied.order)),
                note: "가상계좌 발급을 취소했습니다".to_string(),
            })
        }
        // HTTP 429 (too many requests) is retried later, like a connection failure.
        Err(e @ iamport::Error::Api { .. }) if !e.is_retryable() => {
            // Refused: a deposit may have raced the revoke; mirror what Iamport has now.
            if let Ok(payment) = ctx.client.payment(&p.imp_uid).await {
                if let Some(done) = settled(ctx, &payment)? {
                    return Ok(done);
                }
            }
            Err(JobFailure::from_iamport(WHAT, &e))
        }
        Err(e) => Err(JobFailure::from_iamport(WHAT, &e)),
    }
}
