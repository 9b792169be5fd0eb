//! The `{code, message, response}` envelope every reply uses, and the typed errors behind it.
//!
//! Business failures that the real API reports as HTTP 200 with `code != 0` (cancel, again,
//! schedule, unschedule) are variants whose [`ApiError::status`] is 200.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// A successful reply: `{code: 0, message: null, response}` with HTTP 200.
pub fn ok<T: Serialize>(response: T) -> Response {
    ok_with(StatusCode::OK, response)
}

/// A successful reply with another status (207 for partial batch lookups).
pub fn ok_with<T: Serialize>(status: StatusCode, response: T) -> Response {
    (
        status,
        Json(json!({"code": 0, "message": null, "response": response})),
    )
        .into_response()
}

/// Every error the sandbox can answer, with the HTTP status and `code` the real API uses.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Missing, unknown or expired access token.
    #[error("Unauthorized")]
    Unauthorized,
    /// `getToken` with a wrong key or secret.
    #[error("imp_key, imp_secret 인증에 실패하였습니다.")]
    BadCredentials,
    /// No route for this path.
    #[error("요청하신 API를 찾을 수 없습니다.")]
    UnknownPath,
    /// The route exists but not with this method.
    #[error("허용되지 않은 HTTP 메소드입니다.")]
    MethodNotAllowed,
    /// The body could not be read or parsed, or was too large.
    #[error("요청 본문을 해석할 수 없습니다: {0}")]
    MalformedBody(String),
    /// A parameter is missing or out of range.
    #[error("잘못된 요청 파라미터입니다: {0}")]
    InvalidParam(&'static str),
    /// A `page` past the last page.
    #[error("요청하신 페이지가 범위를 벗어났습니다.")]
    PageOutOfRange,
    /// `from`/`to` describe more than the allowed window.
    #[error("조회기간은 최대 {0}일까지 가능합니다.")]
    WindowTooWide(i64),
    /// No payment matches.
    #[error("존재하지 않는 결제정보입니다.")]
    PaymentNotFound,
    /// Nothing prepared for this merchant_uid.
    #[error("사전등록된 결제정보가 없습니다.")]
    PrepareNotFound,
    /// Cancel of an unknown payment, or of one that is not paid.
    #[error("취소할 결제건이 존재하지 않습니다.")]
    NothingToCancel,
    /// Cancel of a payment whose balance is already zero.
    #[error("이미 전액취소된 주문입니다.")]
    AlreadyCancelled,
    /// `checksum` differs from the refundable balance.
    #[error("취소 가능 잔액({balance}원)이 요청하신 checksum({checksum}원)과 일치하지 않습니다.")]
    ChecksumMismatch { balance: i64, checksum: i64 },
    /// Cancel amount larger than the refundable balance.
    #[error(
        "결제취소에 실패하였습니다.(requested cancel amount is bigger than cancelable amount)"
    )]
    OverCancel,
    /// A negative cancel amount.
    #[error("취소 요청금액이 올바르지 않습니다.")]
    InvalidCancelAmount,
    /// A virtual-account refund without the refund account fields.
    #[error("가상계좌 환불을 위해서는 refund_holder, refund_bank, refund_account 가 필요합니다.")]
    RefundAccountRequired,
    /// No bank has this standard code.
    #[error("코드에 해당되는 은행정보를 찾을 수 없습니다.")]
    BankNotFound,
    /// A virtual-account refund naming a bank that is not a standard bank code.
    #[error("환불 은행코드(refund_bank: {0})가 올바르지 않습니다. 은행 표준코드를 보내 주세요.")]
    InvalidRefundBank(String),
    /// Unknown billing key on a lookup (`GET|DELETE /subscribe/customers/{uid}`).
    #[error("요청하신 customer_uid({0})로 등록된 정보를 찾을 수 없습니다.")]
    CustomerNotFound(String),
    /// None of the asked billing keys exist.
    #[error("요청하신 customer_uid로 등록된 정보를 찾을 수 없습니다.")]
    NoCustomers,
    /// `again` with an unknown billing key.
    #[error("등록되지 않은 구매자입니다.")]
    UnknownBuyer,
    /// `schedule` for an unknown customer without card data.
    #[error("등록된 고객정보가 없습니다.")]
    NoCustomerInfo,
    /// Key-in payment with card data that does not authenticate.
    #[error("카드정보 인증에 실패하였습니다.")]
    CardAuthFailed,
    /// Billing key issuance refused (card data marked to decline).
    #[error("카드정보 인증 및 빌키 발급에 실패하였습니다.")]
    IssueRefused,
    /// A merchant_uid that was already paid (or is already scheduled).
    #[error(
        "이미 결제된 주문번호(merchant_uid: {0})입니다. 동일한 주문번호로 중복결제 불가합니다."
    )]
    DuplicateMerchantUid(String),
    /// A schedule time that is not in the future.
    #[error("예약결제 시각은 현재 시각 이후여야 합니다.")]
    ScheduleInPast,
    /// `unschedule` with nothing left to revoke.
    #[error("취소할 예약결제 기록이 존재하지 않습니다.")]
    NothingToUnschedule,
    /// No schedule with this merchant_uid.
    #[error("merchant_uid로 조회되는 예약결제건이 존재하지 않습니다.")]
    ScheduleNotFound,
    /// `PUT` of a schedule that already ran or was revoked.
    #[error("이미 실행되었거나 취소된 예약결제건입니다.")]
    ScheduleNotWaiting,
    /// `retry`/`reschedule` of a schedule that is neither failed nor revoked.
    #[error("실패했거나 취소된 예약결제건만 재시도 또는 재예약할 수 있습니다.")]
    ScheduleNotRetryable,
    /// `PUT`/`reschedule` to a time that is not in the future.
    #[error("예약결제 시각은 현재 시각 이후여야 합니다.")]
    ScheduleTimeNotFuture,
    /// `DELETE /vbanks`: not a virtual account, or not waiting for its deposit.
    #[error("입금 대기 중인 가상계좌가 아닙니다. 가상계좌 결제건이 아니거나 이미 입금 또는 발급 취소되었습니다.")]
    VbankNotWaiting,
    /// A deposit to a virtual account after its deadline (`vbank_date`).
    #[error("가상계좌 입금기한이 지났습니다.")]
    VbankExpired,
    /// A cash receipt for a payment that is not paid (or fully cancelled).
    #[error("결제완료(paid)된 결제건이 아니어서 현금영수증을 발행할 수 없습니다.")]
    ReceiptNotPaid,
    /// A cash receipt for a payment that is not cash-like (a card payment).
    #[error("현금영수증 발행 대상이 아닌 결제수단({0})입니다. (현금성 거래: 가상계좌, 계좌이체)")]
    ReceiptNotCashLike(String),
    /// A second cash receipt while one stands.
    #[error("이미 현금영수증이 발행된 결제건입니다.")]
    ReceiptAlreadyIssued,
    /// No cash receipt was ever issued for the payment (look-up).
    #[error("현금영수증 발행된 내역이 확인되지 않습니다.")]
    ReceiptNotFound,
    /// Cancel of a cash receipt that does not stand.
    #[error("포트원으로 현금영수증이 발급된 적 없는 건입니다.")]
    ReceiptNotIssued,
    /// An injected fault (see `/__sandbox/faults`).
    #[error("일시적인 서버 오류입니다. (sandbox fault)")]
    InjectedFault,
    /// The SDK endpoints: `IMP.init` was given another merchant code.
    #[error("가맹점 식별코드가 올바르지 않습니다.")]
    UnknownMerchant,
    /// The SDK endpoints: the amount differs from the one registered with `prepare`.
    #[error("사전 등록된 결제금액({0}원)과 요청 금액이 일치하지 않습니다.")]
    PreparedAmountMismatch(i64),
    /// The SDK endpoints: a billing-key window with less than its PG accepts (0원 for a PG that
    /// charges at issuance, or under a PG's minimum).
    #[error("이 PG({pg})의 카드 등록 결제창은 {least}원 이상이어야 합니다.")]
    BillingAmountTooSmall {
        /// The PG code.
        pg: String,
        /// The smallest amount it accepts.
        least: i64,
    },
    /// The SDK endpoints: an attempt that does not exist or was already answered.
    #[error("결제창 세션이 유효하지 않습니다.")]
    SdkSessionInvalid,
    /// The SDK endpoints: the window's pay method cannot do this (가상계좌 발급 on a card order,
    /// an instant approval of a virtual account).
    #[error("이 결제 수단으로는 할 수 없는 동작입니다: {0}")]
    NotThisMethod(&'static str),
    /// The sandbox's guard refused the request (see `guard.rs`).
    #[error("{}", refused_message(.0))]
    Refused(crate::guard::Refused),
}

/// The Korean (then English) reason of a guard refusal.
fn refused_message(refused: &crate::guard::Refused) -> &'static str {
    use crate::guard::Refused;
    match refused {
        Refused::Host => "이 샌드박스는 자신의 루프백 주소로 온 요청만 받습니다. (Host is not the sandbox's loopback address)",
        Refused::Origin => "허용되지 않은 웹 페이지에서 온 요청입니다. (origin not allowed)",
        Refused::NotJson => "상태를 바꾸는 요청은 application/json 이어야 합니다. (state-changing requests must be application/json)",
        Refused::ControlToken => "샌드박스 제어 API에는 앱의 제어 토큰이 필요합니다. (control token missing or wrong)",
    }
}

impl ApiError {
    /// The HTTP status the real API uses for this error.
    pub fn status(&self) -> StatusCode {
        use ApiError::*;
        match self {
            Unauthorized | BadCredentials => StatusCode::UNAUTHORIZED,
            UnknownPath | PaymentNotFound | PrepareNotFound | CustomerNotFound(_) | NoCustomers
            | BankNotFound | ScheduleNotFound | ReceiptNotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            MalformedBody(_)
            | InvalidParam(_)
            | PageOutOfRange
            | WindowTooWide(_)
            | ScheduleNotWaiting
            | ScheduleNotRetryable
            | ScheduleTimeNotFuture
            | UnknownMerchant
            | PreparedAmountMismatch(_)
            | BillingAmountTooSmall { .. }
            | SdkSessionInvalid
            | NotThisMethod(_)
            | VbankNotWaiting
            | VbankExpired
            | ReceiptNotPaid
            | ReceiptNotCashLike(_)
            | ReceiptAlreadyIssued
            | ReceiptNotIssued => StatusCode::BAD_REQUEST,
            InjectedFault => StatusCode::SERVICE_UNAVAILABLE,
            Refused(crate::guard::Refused::NotJson) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refused(_) => StatusCode::FORBIDDEN,
            NothingToCancel
            | AlreadyCancelled
            | ChecksumMismatch { .. }
            | OverCancel
            | InvalidCancelAmount
            | RefundAccountRequired
            | InvalidRefundBank(_)
            | UnknownBuyer
            | NoCustomerInfo
            | IssueRefused
            | CardAuthFailed
            | DuplicateMerchantUid(_)
            | ScheduleInPast
            | NothingToUnschedule => StatusCode::OK,
        }
    }

    /// The envelope `code`: -1 for authentication and card failures, 1 for the rest.
    pub fn code(&self) -> i64 {
        match self {
            ApiError::Unauthorized
            | ApiError::BadCredentials
            | ApiError::PaymentNotFound
            | ApiError::IssueRefused
            | ApiError::CardAuthFailed
            | ApiError::InjectedFault => -1,
            _ => 1,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body =
            Json(json!({"code": self.code(), "message": self.to_string(), "response": null}));
        if status == StatusCode::UNAUTHORIZED {
            // The header PortOne agreed to send in 2015 (iamport-rest-client issue #2).
            return (status, [("WWW-Authorize", "iamport")], body).into_response();
        }
        (status, body).into_response()
    }
}

/// Shorthand for handler results.
pub type ApiResult = Result<Response, ApiError>;
