//! The `verify` job: look the order's payment up (by the `imp_uid` in the payload, else the
//! newest payment of the merchant_uid) and apply it. Lookups are idempotent, so a retry is
//! always safe.

use super::{JobDone, JobFailure, WorkContext};
use crate::checkout::apply_payment;
use crate::store::Job;

const WHAT: &str = "결제 확인";

pub(super) async fn execute(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    let imp_uid = job
        .payload
        .get("impUid")
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty());
    let found = match imp_uid {
        Some(imp_uid) => ctx.client.payment(imp_uid).await,
        None => ctx.client.find_payment(&job.merchant_uid, None).await,
    };
    let payment = match found {
        Ok(payment) => payment,
        Err(e) if e.is_not_found() => {
            return Ok(JobDone {
                order: ctx.store.order(&job.merchant_uid).ok().map(Box::new),
                note: "아임포트에 아직 이 주문의 결제가 없습니다 (결제창이 닫혔거나 결제 전)"
                    .to_string(),
            })
        }
        Err(e) => return Err(JobFailure::from_iamport(WHAT, &e)),
    };
    if payment.merchant_uid != job.merchant_uid {
        return Err(JobFailure::Permanent {
            message: format!(
                "{WHAT}: 결제 '{}'는 다른 주문('{}')의 결제입니다. 이 주문에는 적용하지 않았습니다.",
                payment.imp_uid, payment.merchant_uid
            ),
        });
    }
    let applied = apply_payment(&ctx.store, &payment, "verify_job")
        .map_err(|e| JobFailure::from_checkout(WHAT, &e))?;
    Ok(JobDone {
        note: format!("결제 상태 확인: {}", applied.order.state.label_ko()),
        order: Some(Box::new(applied.order)),
    })
}
