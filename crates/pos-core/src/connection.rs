//! Switching between the two live connections, 직접 연결 and 중계 서버.
//!
//! Both use the live order book. Through the relay a store may only name uids carrying its
//! prefix, and ids minted directly carry none; the relay answers "not found" for them, which the
//! sync engine would read as "nothing was paid". So a switch to the relay (or to another prefix)
//! is refused while the live book holds open orders, live subscriptions or unfinished jobs
//! whose uids lack the new prefix: the owner finishes or cancels them first (or stays). Switching
//! from the relay to 직접 연결 is always allowed: the merchant's own key sees every payment.
//! Paid orders made before a switch to the relay stay in the book; refunding one of them goes
//! through the Iamport console (or 직접 연결), since the relay does not let the store touch it.

use crate::settings::{Connection, Settings};
use crate::store::{OutsideWork, Store, StoreError};

/// Why a connection change was refused.
#[derive(Debug, thiserror::Error)]
pub enum SwitchError {
    /// The live book holds work the relay would not let this store reach.
    #[error("진행 중인 결제 {orders}건, 정기결제 {subscriptions}건, 처리 대기 작업 {jobs}건이 중계 서버에서 보이지 않는 번호로 만들어졌습니다. 모두 끝나거나 정리된 뒤 중계 서버로 바꾸세요. (live work outside the relay prefix: finish it before switching)", orders = .0.open_orders, subscriptions = .0.live_subscriptions, jobs = .0.open_jobs)]
    WorkOutsidePrefix(OutsideWork),
    /// The live book could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SwitchError {
    /// The code the UI branches on.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            SwitchError::WorkOutsidePrefix(_) => crate::ErrorCode::Conflict,
            SwitchError::Store(e) => e.code(),
        }
    }
}

/// Checks that saving `to` over `from` keeps every unfinished piece of live work reachable.
/// `live_book` is the live order book (only read, and only when the change needs it).
pub fn check_switch(live_book: &Store, from: &Settings, to: &Settings) -> Result<(), SwitchError> {
    if to.connection() != Connection::Relay {
        return Ok(());
    }
    let Some(prefix) = to.uid_prefix() else {
        return Ok(());
    };
    if from.connection() == Connection::Relay && from.uid_prefix().as_ref() == Some(&prefix) {
        return Ok(());
    }
    let outside = live_book.work_outside_prefix(&prefix)?;
    if outside.is_empty() {
        Ok(())
    } else {
        Err(SwitchError::WorkOutsidePrefix(outside))
    }
}
