//! Asking for and cancelling an order's cash receipt (현금영수증) from the order page or posctl.
//!
//! Only a non-card payment that is paid (or partly refunded) gets one; a card payment's evidence
//! is the PG's sales slip. 지출증빙 goes to the shop's business number from settings unless another
//! is given; 소득공제 goes to a phone number. The request is a job (see `crate::work::receipt`):
//! it is tried at once and, when Iamport cannot be reached, waits in the queue.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::business_number::{business_number_digits, BusinessNumberProblem};
use crate::error::ErrorCode;
use crate::store::{
    CashReceipt, OrderState, PayMethod, ReceiptKind, ReceiptState, Store, StoreError,
};
use crate::work::{run_job_now, JobRun, WorkContext};

/// Why a cash receipt cannot be asked for or cancelled. Messages are Korean first.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// The order book.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A card payment: its evidence is the card sales slip.
    #[error("카드 결제에는 현금영수증을 발급할 수 없습니다. 카드 결제의 증빙은 매출전표(카드 영수증)입니다. (no cash receipt for a card payment)")]
    CardPayment,
    /// The order is not paid (or was fully refunded).
    #[error("결제가 완료된 주문에만 현금영수증을 발급할 수 있습니다 (현재 상태: {state}). (the order is not paid)")]
    NotPaid { state: &'static str },
    /// 지출증빙 without a business number in the request or the settings.
    #[error("지출증빙 현금영수증에는 사업자등록번호가 필요합니다. 설정에서 사업자등록번호를 입력하거나 번호를 직접 적어 주세요. (no business number)")]
    NoBusinessNumber,
    /// A business number that is not 10 digits.
    #[error("사업자등록번호는 숫자 10자리입니다 (예: 123-45-67891). (business number must be 10 digits)")]
    BusinessNumberShape,
    /// A business number with a wrong check digit.
    #[error("사업자등록번호의 마지막 자리(검증 번호)가 맞지 않습니다. 번호를 다시 확인하세요. (business number check digit is wrong)")]
    BusinessNumberChecksum,
    /// 소득공제 without a usable phone number.
    #[error("소득공제 현금영수증에는 휴대폰 번호가 필요합니다 (예: 010-1234-5678). (a mobile number is needed)")]
    PhoneNumber,
    /// A receipt already stands or is on its way.
    #[error("이 주문의 현금영수증은 이미 {state} 상태입니다. 다시 발급하려면 먼저 취소하세요. (a cash receipt already exists)")]
    AlreadyIssued { state: &'static str },
    /// Nothing to cancel.
    #[error("취소할 현금영수증이 없습니다 (현재: {state}). (no cash receipt to cancel)")]
    NothingToCancel { state: &'static str },
    /// Iamport refused; the job is parked.
    #[error("현금영수증 처리가 거절되었습니다: {message}")]
    Refused { message: String },
}

impl ReceiptError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ReceiptError::Store(e) => e.code(),
            ReceiptError::CardPayment
            | ReceiptError::NoBusinessNumber
            | ReceiptError::BusinessNumberShape
            | ReceiptError::BusinessNumberChecksum
            | ReceiptError::PhoneNumber => ErrorCode::Validation,
            ReceiptError::NotPaid { .. }
            | ReceiptError::AlreadyIssued { .. }
            | ReceiptError::NothingToCancel { .. } => ErrorCode::Conflict,
            ReceiptError::Refused { .. } => ErrorCode::Declined,
        }
    }
}

/// What the owner asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReceiptAsk {
    /// 지출증빙 (default) or 소득공제.
    pub receipt_type: ReceiptKind,
    /// The business number (지출증빙; settings' when absent) or the phone number (소득공제).
    #[serde(default)]
    pub identifier: Option<String>,
}

/// How a receipt request or cancel ended.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum ReceiptOutcome {
    /// Done at Iamport.
    Done { receipt: CashReceipt },
    /// Waiting in the queue (offline, or the answer was lost); the sync engine finishes it.
    Queued {
        receipt: CashReceipt,
        message: String,
    },
}

/// A mobile number's digits: 010/011/016/017/018/019 and 10–11 digits.
fn mobile_digits(text: &str) -> Option<String> {
    let text = text.trim();
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
    {
        return None;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let prefix_ok = ["010", "011", "016", "017", "018", "019"]
        .iter()
        .any(|p| digits.starts_with(p));
    (prefix_ok && (10..=11).contains(&digits.len())).then_some(digits)
}

/// The identifier a receipt goes to, checked: a business number (check digit included) or a
/// mobile number. `settings_business_number` is used for 지출증빙 when none is given.
pub fn receipt_identifier(
    ask: &ReceiptAsk,
    settings_business_number: Option<&str>,
) -> Result<String, ReceiptError> {
    let given = ask
        .identifier
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match ask.receipt_type {
        ReceiptKind::Company => {
            let number = given
                .or(settings_business_number
                    .map(str::trim)
                    .filter(|s| !s.is_empty()))
                .ok_or(ReceiptError::NoBusinessNumber)?;
            business_number_digits(number).map_err(|p| match p {
                BusinessNumberProblem::Shape => ReceiptError::BusinessNumberShape,
                BusinessNumberProblem::Checksum => ReceiptError::BusinessNumberChecksum,
            })
        }
        ReceiptKind::Person => given
            .and_then(mobile_digits)
            .ok_or(ReceiptError::PhoneNumber),
    }
}

/// Checks the order and the ask, records the request and queues the issue job (nothing is sent).
/// Returns the job id.
pub fn request_receipt(
    store: &Store,
    merchant_uid: &str,
    ask: &ReceiptAsk,
    settings_business_number: Option<&str>,
) -> Result<i64, ReceiptError> {
    let order = store.order(merchant_uid)?;
    if order.pay_method == PayMethod::Card {
        return Err(ReceiptError::CardPayment);
    }
    if !matches!(
        order.state,
        OrderState::Paid | OrderState::PartiallyRefunded
    ) || order.imp_uid.is_none()
    {
        return Err(ReceiptError::NotPaid {
            state: order.state.label_ko(),
        });
    }
    if let Some(existing) = store.cash_receipt(merchant_uid)? {
        if matches!(
            existing.state,
            ReceiptState::Requested | ReceiptState::Issued | ReceiptState::CancelRequested
        ) {
            return Err(ReceiptError::AlreadyIssued {
                state: existing.state.label_ko(),
            });
        }
    }
    let identifier = receipt_identifier(ask, settings_business_number)?;
    Ok(store.request_cash_receipt(&order, ask.receipt_type, &identifier)?)
}

/// Marks the order's standing receipt for cancelling and queues the cancel job. Returns the job id.
pub fn request_receipt_cancel(store: &Store, merchant_uid: &str) -> Result<i64, ReceiptError> {
    store.order(merchant_uid)?;
    let state = store.cash_receipt(merchant_uid)?.map(|r| r.state);
    match state {
        Some(ReceiptState::Issued) => Ok(store.request_cash_receipt_cancel(merchant_uid)?),
        other => Err(ReceiptError::NothingToCancel {
            state: other.map_or("발급 안 됨", ReceiptState::label_ko),
        }),
    }
}

async fn run(
    store: &Store,
    client: Option<&iamport::Client>,
    merchant_uid: &str,
    job_id: i64,
) -> Result<ReceiptOutcome, ReceiptError> {
    let receipt = |store: &Store| -> Result<CashReceipt, ReceiptError> {
        store.cash_receipt(merchant_uid)?.ok_or_else(|| {
            ReceiptError::Store(StoreError::OrderNotFound {
                merchant_uid: merchant_uid.to_string(),
            })
        })
    };
    let Some(client) = client else {
        return Ok(ReceiptOutcome::Queued {
            receipt: receipt(store)?,
            message: "아임포트 연결 정보가 없어 대기열에 등록했습니다".to_string(),
        });
    };
    let ctx = WorkContext {
        store: store.clone(),
        client: client.clone(),
    };
    match run_job_now(&ctx, job_id).await? {
        JobRun::Done(_) => Ok(ReceiptOutcome::Done {
            receipt: receipt(store)?,
        }),
        JobRun::Queued { message, .. } => Ok(ReceiptOutcome::Queued {
            receipt: receipt(store)?,
            message,
        }),
        JobRun::NotPending { .. } => Ok(ReceiptOutcome::Queued {
            receipt: receipt(store)?,
            message: "동기화 엔진이 처리하고 있습니다".to_string(),
        }),
        JobRun::Parked { message, .. } => Err(ReceiptError::Refused { message }),
    }
}

/// [`request_receipt`], then one attempt at once; offline (or no client) it stays queued.
pub async fn issue_receipt_now(
    store: &Store,
    client: Option<&iamport::Client>,
    merchant_uid: &str,
    ask: &ReceiptAsk,
    settings_business_number: Option<&str>,
) -> Result<ReceiptOutcome, ReceiptError> {
    let job_id = request_receipt(store, merchant_uid, ask, settings_business_number)?;
    run(store, client, merchant_uid, job_id).await
}

/// [`request_receipt_cancel`], then one attempt at once; offline it stays queued.
pub async fn cancel_receipt_now(
    store: &Store,
    client: Option<&iamport::Client>,
    merchant_uid: &str,
) -> Result<ReceiptOutcome, ReceiptError> {
    let job_id = request_receipt_cancel(store, merchant_uid)?;
    run(store, client, merchant_uid, job_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(kind: ReceiptKind, identifier: Option<&str>) -> ReceiptAsk {
        ReceiptAsk {
            receipt_type: kind,
            identifier: identifier.map(str::to_string),
        }
    }

    #[test]
    fn company_receipts_go_to_the_settings_number_by_default() {
        assert_eq!(
            receipt_identifier(&ask(ReceiptKind::Company, None), Some("123-45-67891")).ok(),
            Some("1234567891".to_string()),
            "the settings' number, digits only"
        );
        assert!(
            matches!(
                receipt_identifier(&ask(ReceiptKind::Company, None), None),
                Err(ReceiptError::NoBusinessNumber)
            ),
            "no number anywhere is refused"
        );
    }

    #[test]
    fn a_business_number_with_a_wrong_check_digit_is_refused() {
        assert!(
            matches!(
                receipt_identifier(&ask(ReceiptKind::Company, Some("123-45-67890")), None),
                Err(ReceiptError::BusinessNumberChecksum)
            ),
            "wrong check digit"
        );
    }

    #[test]
    fn person_receipts_need_a_mobile_number() {
        assert_eq!(
            receipt_identifier(&ask(ReceiptKind::Person, Some("010-1234-5678")), None).ok(),
            Some("01012345678".to_string()),
            "a mobile number, digits only"
        );
        for bad in [
            None,
            Some("02-123-4567"),
            Some("010-12"),
            Some("010-abcd-5678"),
        ] {
            assert!(
                matches!(
                    receipt_identifier(&ask(ReceiptKind::Person, bad), Some("123-45-67891")),
                    Err(ReceiptError::PhoneNumber)
                ),
                "{bad:?} is refused"
            );
        }
    }
}
