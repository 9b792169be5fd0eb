//! The error code that crosses IPC next to a Korean message.
//!
//! Every error enum of this crate maps itself to one [`ErrorCode`] with `fn code(&self)`; the UI
//! branches on the code and shows the message. Add a code only when the UI branches on it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of failure happened, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The input was wrong; fixing the input fixes it.
    Validation,
    /// The thing named does not exist.
    NotFound,
    /// The thing changed underneath, or the action does not fit its current state.
    Conflict,
    /// Iamport could not be reached; the work waits.
    Offline,
    /// Iamport or the card company said no.
    Declined,
    /// A request was sent but its outcome is not known yet; it will be checked, never re-sent blindly.
    OutcomeUnknown,
    /// The owner's PIN (관리자 PIN) is needed, was wrong, or is locked: the PIN dialog shows the
    /// message (tries left, or until when it is locked) and asks again.
    Pin,
    /// Anything else: a bug, a broken disk, a corrupt file.
    Internal,
}

impl ErrorCode {
    /// The snake_case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Offline => "offline",
            ErrorCode::Declined => "declined",
            ErrorCode::OutcomeUnknown => "outcome_unknown",
            ErrorCode::Pin => "pin",
            ErrorCode::Internal => "internal",
        }
    }
}
