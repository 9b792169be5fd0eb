//! The `receipt_issue` and `receipt_cancel` jobs: safely repeatable because each attempt looks
//! the receipt up at Iamport before sending anything. A receipt already issued (an earlier attempt
//! whose answer was lost) is recorded, not issued twice; one already cancelled is recorded, not
//! cancelled again.

use iamport::{ReceiptRequest, ReceiptType};

use super::{JobDone, JobFailure, WorkContext};
use crate::format::won;
use crate::store::{Job, ReceiptKind, ReceiptState};

const ISSUE: &str = "현금영수증 발급";
const CANCEL: &str = "현금영수증 취소";

fn store_failure(what: &str, e: &crate::store::StoreError) -> JobFailure {
    JobFailure::Retryable {
        message: format!("{what}: 데이터베이스 오류로 기록하지 못했습니다. 다시 시도합니다. ({e})"),
    }
}

/// What Iamport has for the payment now: `Some` standing receipt, or `None`.
async fn standing(
    ctx: &WorkContext,
    what: &str,
    imp_uid: &str,
    unknown_before: bool,
) -> Result<Option<iamport::Receipt>, JobFailure> {
    match ctx.client.receipt(imp_uid).await {
        Ok(r) if r.is_active() => Ok(Some(r)),
        Ok(_) | Err(iamport::Error::NotFound { .. }) => Ok(None),
        Err(e) if unknown_before && e.is_retryable() => Err(JobFailure::OutcomeUnknown {
            message: format!("{what}: 이전 요청의 결과를 아직 확인하지 못했습니다. 연결되면 먼저 확인한 뒤 처리합니다 (중복 발급되지 않습니다). ({e})"),
        }),
        Err(e) => Err(JobFailure::from_iamport(what, &e)),
    }
}

pub(super) async fn issue(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    let muid = job.merchant_uid.as_str();
    let row = ctx
        .store
        .cash_receipt(muid)
        .map_err(|e| store_failure(ISSUE, &e))?;
    let Some(row) = row.filter(|r| r.state == ReceiptState::Requested) else {
        // Cancelled (a full refund) or handled meanwhile: nothing to send.
        return Ok(JobDone {
            order: None,
            note: "현금영수증 발급 요청이 더 이상 유효하지 않아 보내지 않았습니다".to_string(),
        });
    };
    if let Some(found) = standing(ctx, ISSUE, &row.imp_uid, job.outcome_unknown).await? {
        ctx.store
            .record_cash_receipt_issued(muid, &found)
            .map_err(|e| store_failure(ISSUE, &e))?;
        return Ok(JobDone {
            order: None,
            note: format!(
                "현금영수증이 이미 발급되어 있었습니다 ({}; 다시 보내지 않음)",
                won(found.amount)
            ),
        });
    }
    let (receipt_type, identifier_type) = match row.receipt_type {
        ReceiptKind::Company => (ReceiptType::Company, "business"),
        ReceiptKind::Person => (ReceiptType::Person, "phone"),
    };
    let request = ReceiptRequest {
        identifier: row.identifier.clone(),
        identifier_type: Some(identifier_type.to_string()),
        receipt_type,
        buyer_name: None,
        product_type: Some("digital".to_string()),
    };
    match ctx.client.issue_receipt(&row.imp_uid, &request).await {
        Ok(receipt) => {
            ctx.store
                .record_cash_receipt_issued(muid, &receipt)
                .map_err(|e| store_failure(ISSUE, &e))?;
            Ok(JobDone {
                order: None,
                note: format!(
                    "현금영수증({}) {} 발급 완료",
                    row.receipt_type.label_ko(),
                    won(receipt.amount)
                ),
            })
        }
        Err(e) => {
            let failure = JobFailure::from_iamport(ISSUE, &e);
            if let JobFailure::Permanent { message } = &failure {
                ctx.store
                    .record_cash_receipt_failed(muid, message)
                    .map_err(|e| store_failure(ISSUE, &e))?;
            }
            Err(failure)
        }
    }
}

pub(super) async fn cancel(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    let muid = job.merchant_uid.as_str();
    let row = ctx
        .store
        .cash_receipt(muid)
        .map_err(|e| store_failure(CANCEL, &e))?;
    let Some(row) = row.filter(|r| r.state == ReceiptState::CancelRequested) else {
        return Ok(JobDone {
            order: None,
            note: "취소할 현금영수증 요청이 더 이상 없어 보내지 않았습니다".to_string(),
        });
    };
    if standing(ctx, CANCEL, &row.imp_uid, job.outcome_unknown)
        .await?
        .is_none()
    {
        ctx.store
            .record_cash_receipt_cancelled(muid, None)
            .map_err(|e| store_failure(CANCEL, &e))?;
        return Ok(JobDone {
            order: None,
            note: "현금영수증이 발급되어 있지 않거나 이미 취소되어 있었습니다 (다시 보내지 않음)"
                .to_string(),
        });
    }
    match ctx.client.cancel_receipt(&row.imp_uid).await {
        Ok(receipt) => {
            ctx.store
                .record_cash_receipt_cancelled(muid, receipt.cancelled_at)
                .map_err(|e| store_failure(CANCEL, &e))?;
            Ok(JobDone {
                order: None,
                note: "현금영수증 취소 완료".to_string(),
            })
        }
        Err(e) => Err(JobFailure::from_iamport(CANCEL, &e)),
    }
}
