//! Errors of the sync engine. Korean first, with the English gist.

use chrono::{DateTime, Utc};

use crate::checkout::CheckoutError;
use crate::error::ErrorCode;
use crate::format::kst_minute;
use crate::StoreError;

/// Everything the sync engine can fail with.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Another engine runs on this data dir.
    #[error("다른 동기화 엔진이 이미 실행 중입니다: {holder} (PID {pid}, 마지막 신호 {since_kst}). 그 프로그램을 닫은 뒤 다시 시도하세요. (sync lease held)", since_kst = kst_minute(*since))]
    LeaseHeld {
        holder: String,
        pid: i64,
        since: DateTime<Utc>,
    },
    /// Our lease was taken over (we stalled past the heartbeat limit); the engine stops.
    #[error("동기화 잠금을 잃었습니다 ({holder}). 다른 프로세스가 동기화를 넘겨받았습니다. (sync lease lost)")]
    LeaseLost { holder: String },
    /// The order book.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Iamport could not be reached or refused a lookup.
    #[error("Iamport 조회에 실패했습니다 ({operation}). (Iamport lookup failed)")]
    Iamport {
        operation: &'static str,
        #[source]
        source: iamport::Error,
    },
    /// A fetched payment could not be applied to its order.
    #[error("결제 {imp_uid}을(를) 주문에 반영하지 못했습니다. (cannot apply a payment)")]
    Apply {
        imp_uid: String,
        #[source]
        source: CheckoutError,
    },
    /// A blocking task died (a bug); the engine keeps running.
    #[error("내부 작업이 비정상 종료되었습니다. (background task failed)")]
    Join(#[source] tokio::task::JoinError),
    /// The engine was stopped before the request could run.
    #[error("동기화 엔진이 멈춰 있습니다. (sync engine stopped)")]
    Stopped,
}

impl SyncError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::LeaseHeld { .. } | SyncError::LeaseLost { .. } => ErrorCode::Conflict,
            SyncError::Store(e) => e.code(),
            SyncError::Iamport { source, .. } if source.is_retryable() => ErrorCode::Offline,
            SyncError::Iamport { .. } => ErrorCode::Internal,
            SyncError::Apply { source, .. } => source.code(),
            SyncError::Join(_) | SyncError::Stopped => ErrorCode::Internal,
        }
    }

    /// Whether this failure means Iamport is unreachable (the engine goes offline).
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Iamport { source, .. } if matches!(source, iamport::Error::Transport { .. } | iamport::Error::OutcomeUnknown { .. }))
    }
}
