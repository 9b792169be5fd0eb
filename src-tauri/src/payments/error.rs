//! Errors of the payment commands (checkout, orders, sync, subscriptions), mapped to
//! `{code, message}` like the shell's own. Messages are Korean and never carry a secret.

use pos_core::checkout::CheckoutError;
use pos_core::subscription::SubscriptionError;
use pos_core::sync::SyncError;
use pos_core::{ErrorCode, StoreError};

use crate::error::{IpcError, ShellError};

/// Everything a payment command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum PaymentsError {
    /// The shell's own failures (the order book did not open, a task died).
    #[error(transparent)]
    Shell(#[from] ShellError),
    /// The order book.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Checkout, verification or refund.
    #[error(transparent)]
    Checkout(#[from] CheckoutError),
    /// A cash receipt.
    #[error(transparent)]
    Receipt(#[from] pos_core::tax::ReceiptError),
    /// Subscriptions.
    #[error(transparent)]
    Subscription(#[from] SubscriptionError),
    /// The sync engine.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// Sandbox mode, but the in-process sandbox is not running.
    #[error("테스트 결제 서버(SANDBOX)가 실행되지 않아 결제를 진행할 수 없습니다. 앱을 다시 시작해 주세요.")]
    NoSandbox,
    /// Live mode without REST credentials.
    #[error(
        "아임포트 REST API 키와 시크릿이 저장되어 있지 않습니다. 설정에서 먼저 저장해 주세요."
    )]
    NoCredentials,
    /// The Iamport client could not be built (a malformed API address).
    #[error("아임포트 연결을 준비하지 못했습니다. 설정을 확인하고 앱을 다시 시작해 주세요.")]
    Client(#[source] iamport::Error),
    /// The sync engine is not running (it did not start, or another program holds the lease).
    #[error("동기화 엔진이 실행 중이 아닙니다. {reason}")]
    EngineDown {
        /// Why, in Korean.
        reason: String,
    },
    /// A pay method the app does not offer.
    #[error(
        "결제 수단 '{given}'은(는) 지원하지 않습니다. 카드, 계좌이체, 가상계좌, 휴대폰 중에서 골라 주세요."
    )]
    UnknownPayMethod {
        /// What the webview sent.
        given: String,
    },
    /// A refund amount that is not a whole number of won.
    #[error("환불 금액은 숫자(원 단위 정수)로 입력해 주세요.")]
    AmountNotANumber,
    /// The order has no receipt yet.
    #[error("이 주문에는 아직 영수증이 없습니다. 결제가 완료된 주문만 영수증을 볼 수 있습니다.")]
    NoReceipt,
    /// The payment window could not be created.
    #[error(
        "결제창을 열지 못했습니다. 앱을 다시 시작한 뒤 다시 시도해 주세요. 주문은 열려 있습니다."
    )]
    Window(#[source] tauri::Error),
    /// The system browser did not open.
    #[error("영수증을 브라우저로 열지 못했습니다. 기본 브라우저 설정을 확인해 주세요.")]
    Opener(#[source] tauri_plugin_opener::Error),
}

impl PaymentsError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            PaymentsError::Shell(e) => e.code(),
            PaymentsError::Store(e) => e.code(),
            PaymentsError::Checkout(e) => e.code(),
            PaymentsError::Subscription(e) => e.code(),
            PaymentsError::Receipt(e) => e.code(),
            PaymentsError::Sync(e) => e.code(),
            PaymentsError::NoCredentials
            | PaymentsError::UnknownPayMethod { .. }
            | PaymentsError::AmountNotANumber => ErrorCode::Validation,
            PaymentsError::NoReceipt => ErrorCode::NotFound,
            PaymentsError::EngineDown { .. } => ErrorCode::Conflict,
            PaymentsError::NoSandbox
            | PaymentsError::Client(_)
            | PaymentsError::Window(_)
            | PaymentsError::Opener(_) => ErrorCode::Internal,
        }
    }
}

impl From<PaymentsError> for IpcError {
    fn from(error: PaymentsError) -> Self {
        let code = error.code();
        if code == ErrorCode::Internal {
            tracing::error!(error = ?error, "payment command failed");
        } else {
            tracing::info!(code = code.as_str(), error = %error, "payment command refused");
        }
        IpcError {
            code,
            message: error.to_string(),
        }
    }
}

impl From<CheckoutError> for IpcError {
    fn from(error: CheckoutError) -> Self {
        PaymentsError::from(error).into()
    }
}

impl From<SubscriptionError> for IpcError {
    fn from(error: SubscriptionError) -> Self {
        PaymentsError::from(error).into()
    }
}
