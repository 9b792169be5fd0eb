//! Errors of checkout, verification and refunds. Messages are Korean first, for the shop owner.

use crate::error::ErrorCode;
use crate::settings::SettingsError;
use crate::store::StoreError;

use super::reconcile::Refusal;

/// The Korean sentence for an Iamport failure, by what the caller can do about it.
fn iamport_ko(e: &iamport::Error) -> &'static str {
    if e.is_outcome_unknown() {
        "요청은 보냈지만 아임포트의 응답을 받지 못했습니다. 결과를 다시 확인한 뒤 처리합니다 (다시 보내지 않습니다)"
    } else if e.is_too_many_requests() {
        "요청이 많아 아임포트가 잠시 기다려 달라고 했습니다. 작업은 대기열에서 잠시 후 자동으로 다시 시도됩니다"
    } else if e.is_retryable() {
        "아임포트에 연결할 수 없습니다. 인터넷 연결을 확인하세요. 작업은 대기열에서 다시 시도됩니다"
    } else if e.is_auth() {
        "아임포트 REST API 키 또는 시크릿이 거부되었습니다. 설정에서 확인하세요"
    } else if e.is_not_found() {
        "아임포트에 해당 결제가 없습니다"
    } else {
        "아임포트가 요청을 거절했습니다"
    }
}

/// Everything that can go wrong starting a checkout, verifying a payment or refunding.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    /// The order book.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The settings do not allow a checkout (e.g. live mode without a merchant code).
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Talking to Iamport failed.
    #[error("{}: {source}", iamport_ko(source))]
    Iamport {
        #[source]
        source: Box<iamport::Error>,
    },
    /// Only passes are sold through the one-time checkout; subscriptions have their own flow.
    #[error("'{plan_id}'은(는) 이용권이 아닙니다. 정기결제는 구독 화면에서 신청하세요. (not a one-time pass)")]
    NotAPass { plan_id: String },
    /// The payment looked up does not exist at Iamport.
    #[error("아임포트에서 결제 '{id}'을(를) 찾을 수 없습니다. 결제창에서 결제가 끝났는지 확인하세요. (payment not found)")]
    PaymentNotFound {
        id: String,
        #[source]
        source: Box<iamport::Error>,
    },
    /// The payment must not be applied to this order.
    #[error(transparent)]
    Refused(Box<Refusal>),
    /// The order cannot be paid again in its current state.
    #[error("주문 '{merchant_uid}'은(는) 지금 상태({state})에서는 결제를 다시 시도할 수 없습니다. (order cannot be retried)")]
    NotRetryable {
        merchant_uid: String,
        state: &'static str,
    },
    /// A refund amount must be a positive number of won.
    #[error(
        "환불 금액은 1원 이상이어야 합니다 (받은 값: {amount}원). (refund amount must be positive)"
    )]
    InvalidRefundAmount { amount: i64 },
    /// A refund larger than what is left to refund.
    #[error("환불 금액 {amount}원이 환불 가능한 잔액 {balance}원보다 큽니다. (refund exceeds the balance)")]
    RefundExceedsBalance { amount: i64, balance: i64 },
    /// Only an unpaid order (waiting for payment or a deposit, or failed) can be given up.
    #[error("이 주문은 {state} 상태라 취소할 수 없습니다. 결제 대기, 입금 대기 또는 결제 실패 주문만 취소할 수 있습니다. 결제된 주문은 환불하세요. (order cannot be abandoned)")]
    NotAbandonable {
        merchant_uid: String,
        state: &'static str,
    },
    /// Only paid (or partly refunded) orders can be refunded.
    #[error("주문 '{merchant_uid}'은(는) 지금 상태({state})에서는 환불할 수 없습니다. 결제 완료 또는 부분 환불 상태만 환불할 수 있습니다. (order is not refundable)")]
    NotRefundable {
        merchant_uid: String,
        state: &'static str,
    },
    /// A virtual-account refund needs the buyer's refund account.
    #[error("가상계좌 결제의 환불에는 환불받을 계좌(은행, 계좌번호, 예금주)가 필요합니다. (refund account required)")]
    RefundAccountRequired,
    /// A refund account field is malformed.
    #[error("환불 계좌의 {field}이(가) 올바르지 않습니다: {reason}. (invalid refund account)")]
    InvalidRefundAccount {
        field: &'static str,
        reason: &'static str,
    },
    /// A refund needs a reason (it is shown on the receipt and in the timeline).
    #[error("환불 사유를 입력하세요 (200자 이하). (refund reason required)")]
    InvalidRefundReason,
    /// Another refund of this order is still waiting to be sent.
    #[error("주문 '{merchant_uid}'의 다른 환불이 아직 처리 중입니다. 처리된 뒤 다시 시도하세요. (a refund is already pending)")]
    RefundPending { merchant_uid: String },
    /// Iamport refused the refund; the job is parked for a person.
    #[error("환불이 거절되었습니다: {message}")]
    RefundRefused { message: String },
}

impl CheckoutError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            CheckoutError::Store(e) => e.code(),
            CheckoutError::Settings(e) => e.code(),
            CheckoutError::Iamport { source } => iamport_code(source),
            CheckoutError::NotAPass { .. }
            | CheckoutError::InvalidRefundAmount { .. }
            | CheckoutError::RefundExceedsBalance { .. }
            | CheckoutError::RefundAccountRequired
            | CheckoutError::InvalidRefundAccount { .. }
            | CheckoutError::InvalidRefundReason => ErrorCode::Validation,
            CheckoutError::PaymentNotFound { .. } => ErrorCode::NotFound,
            CheckoutError::Refused(_)
            | CheckoutError::NotRetryable { .. }
            | CheckoutError::NotAbandonable { .. }
            | CheckoutError::NotRefundable { .. }
            | CheckoutError::RefundPending { .. } => ErrorCode::Conflict,
            CheckoutError::RefundRefused { .. } => ErrorCode::Declined,
        }
    }
}

/// The UI code of an Iamport failure.
pub(crate) fn iamport_code(e: &iamport::Error) -> ErrorCode {
    if e.is_outcome_unknown() {
        ErrorCode::OutcomeUnknown
    } else if e.is_retryable() {
        ErrorCode::Offline
    } else if e.is_not_found() {
        ErrorCode::NotFound
    } else if matches!(e, iamport::Error::Api { .. }) {
        ErrorCode::Declined
    } else {
        ErrorCode::Internal
    }
}

impl From<iamport::Error> for CheckoutError {
    fn from(source: iamport::Error) -> Self {
        CheckoutError::Iamport {
            source: Box::new(source),
        }
    }
}

impl From<Refusal> for CheckoutError {
    fn from(refusal: Refusal) -> Self {
        CheckoutError::Refused(Box::new(refusal))
    }
}

#[cfg(test)]
mod tests {
    use super::CheckoutError;

    #[test]
    fn too_many_requests_is_told_as_such_not_as_a_lost_connection() {
        let e = CheckoutError::from(iamport::Error::Api {
            operation: "payment",
            http_status: 429,
            code: -1,
            message: "요청이 너무 많습니다. (rate limit)".into(),
        });
        let shown = e.to_string();
        assert!(
            shown.starts_with("요청이 많아") && shown.contains("자동으로 다시 시도됩니다"),
            "Korean first: what happened, and that it is retried: {shown}"
        );
        assert!(
            !shown.contains("인터넷"),
            "the PC is online: no word of the internet: {shown}"
        );
    }
}
