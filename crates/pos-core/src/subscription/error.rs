//! Errors of the subscription domain. Korean first, English gist in brackets.

use crate::error::ErrorCode;
use crate::store::StoreError;

/// Everything a subscription action can refuse or fail with. A refusal changes nothing.
#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    /// The order book failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Iamport failed or could not be reached; see the source for whether it may have happened.
    #[error("아임포트 요청({operation})에 실패했습니다: {source}")]
    Iamport {
        operation: &'static str,
        #[source]
        source: iamport::Error,
    },
    /// No subscription has this id.
    #[error("구독 '{id}'을(를) 찾을 수 없습니다. (unknown subscription)")]
    NotFound { id: String },
    /// The plan is a one-time pass, not a subscription.
    #[error("'{plan_id}'은(는) 정기결제 요금제가 아닙니다. (not a subscription plan)")]
    NotASubscriptionPlan { plan_id: String },
    /// This store already subscribes to the plan.
    #[error("이 요금제는 이미 구독 중입니다. 같은 요금제를 두 번 구독할 수 없습니다. 구독 화면에서 지금 구독을 확인해 주세요. (already subscribed: {plan_id}, {existing})")]
    AlreadySubscribed { plan_id: String, existing: String },
    /// The plan's card registration is still being confirmed (its window may have completed
    /// at Iamport without the app hearing of it): a second registration could issue a second
    /// key or charge twice, so it waits for the check or the owner's 취소.
    #[error("이 요금제의 카드 등록 결과를 아임포트에서 확인하고 있습니다. 확인되면 구독이 시작되고, 1시간 안에 확인되지 않으면 자동으로 취소됩니다. 기다리지 않으려면 구독 화면에서 그 등록을 취소하세요. (card registration being confirmed: {plan_id}, {existing})")]
    RegistrationChecking { plan_id: String, existing: String },
    /// Iamport does not know this billing key.
    #[error("아임포트에 등록되지 않은 빌링키입니다 (customer_uid {customer_uid}). 카드를 다시 등록하세요. (unknown billing key)")]
    UnknownBillingKey { customer_uid: String },
    /// A card change named a billing key the app did not mint for this subscription's
    /// card-change window (one typed in, another subscription's, or any key that merely exists
    /// at Iamport). Nothing is sent or changed.
    #[error("이 구독의 카드 변경 창에서 발급한 빌링키가 아닙니다 (customer_uid {customer_uid}). 카드 변경을 처음부터 다시 해 주세요. (not a key minted for this card change)")]
    KeyNotMinted { customer_uid: String },
    /// A key deletion named a billing key that is not one of ours.
    #[error("이 POS가 만든 빌링키가 아니어서 삭제하지 않았습니다 (customer_uid {customer_uid}). (not one of our billing keys)")]
    KeyNotOurs { customer_uid: String },
    /// The subscription is already cancelled.
    #[error("구독 '{id}'은(는) 이미 해지되었습니다. (already cancelled)")]
    AlreadyCancelled { id: String },
    /// The action does not fit the subscription's state.
    #[error("구독 '{id}'은(는) 지금 상태({state})에서 {action}할 수 없습니다. (not allowed in this state)")]
    NotAllowed {
        id: String,
        state: &'static str,
        action: &'static str,
    },
    /// The subscription changed underneath (another process); re-read and retry.
    #[error("구독 '{id}'의 상태가 바뀌었습니다 (예상: {expected}, 현재: {actual}). 새로고침 후 다시 시도하세요. (subscription state moved)")]
    StateMoved {
        id: String,
        expected: &'static str,
        actual: &'static str,
    },
    /// A charge for this period already exists: a period is charged at most once.
    #[error("구독 '{id}'의 {period_no}번째 기간 결제가 이미 있습니다. 한 기간은 한 번만 결제합니다. (period already charged)")]
    PeriodAlreadyCharged { id: String, period_no: u32 },
    /// No charge has this merchant_uid.
    #[error(
        "정기결제 주문 '{merchant_uid}'을(를) 찾을 수 없습니다. (unknown subscription charge)"
    )]
    ChargeNotFound { merchant_uid: String },
    /// A schedule time that is not in the future.
    #[error(
        "예약결제 시각({at})이 현재 시각({now})보다 이후여야 합니다. (schedule time in the past)"
    )]
    ScheduleInPast { at: String, now: String },
    /// The billing-key issuance does not check out.
    #[error("빌링키 발급을 확인할 수 없습니다: {reason}. (billing key issuance not verified)")]
    IssuanceNotVerified { reason: String },
    /// The billing key is still used by a subscription or a waiting schedule.
    #[error("빌링키 {customer_uid}을(를) 아직 사용하는 예약결제나 구독이 있어 삭제할 수 없습니다. (billing key still in use)")]
    KeyInUse { customer_uid: String },
    /// The refund of a charged issuance (a PG's minimum) could not be queued.
    #[error("카드 등록 확인용 결제의 환불을 요청하지 못했습니다: {source}")]
    IssuanceRefund {
        #[source]
        source: crate::checkout::CheckoutError,
    },
    /// A renewal's refund or wrong-amount payment could not be applied to its order.
    #[error("정기결제 주문에 결제 내용(환불 또는 금액 불일치)을 반영하지 못했습니다: {source}")]
    ChargeMirror {
        #[source]
        source: crate::checkout::CheckoutError,
    },
    /// Period arithmetic left chrono's range (a corrupt date).
    #[error("구독 기간을 계산할 수 없습니다. (period out of range)")]
    PeriodOutOfRange,
}

impl SubscriptionError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            SubscriptionError::Store(e) => e.code(),
            SubscriptionError::Iamport { source, .. } => iamport_code(source),
            SubscriptionError::NotFound { .. }
            | SubscriptionError::ChargeNotFound { .. }
            | SubscriptionError::UnknownBillingKey { .. } => ErrorCode::NotFound,
            SubscriptionError::NotASubscriptionPlan { .. }
            | SubscriptionError::ScheduleInPast { .. }
            | SubscriptionError::IssuanceNotVerified { .. }
            | SubscriptionError::KeyNotMinted { .. }
            | SubscriptionError::KeyNotOurs { .. } => ErrorCode::Validation,
            SubscriptionError::AlreadySubscribed { .. }
            | SubscriptionError::RegistrationChecking { .. }
            | SubscriptionError::AlreadyCancelled { .. }
            | SubscriptionError::NotAllowed { .. }
            | SubscriptionError::StateMoved { .. }
            | SubscriptionError::PeriodAlreadyCharged { .. }
            | SubscriptionError::KeyInUse { .. } => ErrorCode::Conflict,
            SubscriptionError::IssuanceRefund { source }
            | SubscriptionError::ChargeMirror { source } => source.code(),
            SubscriptionError::PeriodOutOfRange => ErrorCode::Internal,
        }
    }

    /// Wraps an Iamport error with the operation it came from.
    pub(crate) fn iamport(operation: &'static str) -> impl FnOnce(iamport::Error) -> Self {
        move |source| SubscriptionError::Iamport { operation, source }
    }
}

/// The UI code of an Iamport failure.
pub fn iamport_code(e: &iamport::Error) -> ErrorCode {
    match e {
        iamport::Error::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
        iamport::Error::Transport { .. } | iamport::Error::Server { .. } => ErrorCode::Offline,
        iamport::Error::NotFound { .. } => ErrorCode::NotFound,
        iamport::Error::Api {
            http_status: 429, ..
        } => ErrorCode::Offline,
        iamport::Error::Api { .. } => ErrorCode::Declined,
        iamport::Error::InvalidRequest { .. } => ErrorCode::Validation,
        iamport::Error::InsecureBaseUrl { .. } => ErrorCode::Validation,
        iamport::Error::Config { .. }
        | iamport::Error::Auth { .. }
        | iamport::Error::Decode { .. } => ErrorCode::Internal,
    }
}
