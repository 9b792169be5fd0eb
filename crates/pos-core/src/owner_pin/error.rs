//! Why a PIN check or change was refused. No variant carries the PIN or its hash.

use std::path::PathBuf;

use crate::error::ErrorCode;

/// Failures of the owner's PIN.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    /// A new PIN that is not 4 to 8 digits.
    #[error("관리자 PIN은 숫자 4~8자리여야 합니다. (the PIN must be 4 to 8 digits)")]
    Invalid,
    /// A PIN is set and none was given.
    #[error("관리자 PIN을 입력하세요. 이 작업은 관리자만 할 수 있습니다. (owner PIN required)")]
    Required,
    /// The PIN given is not the owner's.
    #[error("관리자 PIN이 맞지 않습니다. {tries_left}번 더 틀리면 5분 동안 잠깁니다. (wrong PIN, {tries_left} tries left)")]
    Wrong {
        /// Wrong tries left before the lock.
        tries_left: u32,
    },
    /// Too many wrong tries: nothing is checked until the lock ends.
    #[error("관리자 PIN을 5번 잘못 입력해 잠겼습니다. {until}까지 기다린 뒤 다시 시도해 주세요. PIN을 잊었다면 이 컴퓨터에서 `posctl pin reset`으로 초기화할 수 있습니다. (PIN locked)")]
    Locked {
        /// Until when, in KST, as shown (`2026-11-30 14:05:09 KST`).
        until: String,
        /// The same instant in Unix milliseconds.
        until_ms: i64,
    },
    /// The PIN file could not be read or written (a failed try is never forgotten: the
    /// command is refused instead).
    #[error("관리자 PIN 파일({path})을 읽거나 쓸 수 없어 이 작업을 막았습니다. 데이터 폴더의 권한과 디스크 공간을 확인해 주세요. (PIN file I/O)")]
    Io {
        /// The PIN file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The PIN file is not in the expected format. Guarded work stays refused until it is
    /// reset.
    #[error("관리자 PIN 파일({path})의 형식이 올바르지 않아 이 작업을 막았습니다. 이 컴퓨터에서 `posctl pin reset`으로 초기화한 뒤 새 PIN을 정하세요. (PIN file malformed)")]
    Malformed {
        /// The PIN file.
        path: PathBuf,
    },
    /// Argon2 failed to hash or to read the stored hash.
    #[error("관리자 PIN을 처리하지 못했습니다. 이 컴퓨터에서 `posctl pin reset`으로 초기화한 뒤 새 PIN을 정하세요. (PIN hash failure)")]
    Hash,
}

impl PinError {
    /// The code the UI branches on: [`ErrorCode::Pin`] keeps the PIN dialog open.
    pub fn code(&self) -> ErrorCode {
        match self {
            PinError::Invalid => ErrorCode::Validation,
            PinError::Required | PinError::Wrong { .. } | PinError::Locked { .. } => ErrorCode::Pin,
            PinError::Io { .. } | PinError::Malformed { .. } | PinError::Hash => {
                ErrorCode::Internal
            }
        }
    }
}
