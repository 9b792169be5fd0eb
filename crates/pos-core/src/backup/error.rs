//! Errors of backups and restores. Messages are Korean first, with the English gist.

use std::path::PathBuf;

use crate::error::ErrorCode;
use crate::StoreError;

/// Everything that can go wrong making, listing or restoring a backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The order book could not be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// SQLite failed while copying or checking a database.
    #[error("백업 중 데이터베이스 작업에 실패했습니다: {context}. (backup database error)")]
    Sqlite {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// A file or folder could not be read, written, renamed or deleted.
    #[error("백업 파일 작업에 실패했습니다: {context} ({path}). 폴더 권한과 디스크 공간을 확인하세요. (backup file error)")]
    Io {
        context: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file to restore does not exist.
    #[error("복원할 백업 파일이 없습니다 ({path}). 경로를 확인하세요. (backup file not found)")]
    NotFound { path: PathBuf },
    /// The file is damaged (SQLite's integrity check failed) or is not a database at all.
    #[error("백업 파일이 손상되었습니다 ({path}): {problem}. 다른 백업을 고르세요. 지금 데이터는 그대로입니다. (the backup is damaged)")]
    Damaged { path: PathBuf, problem: String },
    /// The file is a database but not an order book of this app.
    #[error("판뮤직 POS의 주문 장부 백업이 아닙니다 ({path}). 다른 파일을 고르세요. 지금 데이터는 그대로입니다. (not an order-book backup)")]
    NotABackup { path: PathBuf },
    /// The backup was made by a newer build of the app.
    #[error("더 새로운 버전의 앱에서 만든 백업입니다 (스키마 버전 {found}, 이 앱은 {known}까지). 앱을 업데이트한 뒤 복원하세요. 지금 데이터는 그대로입니다. (the backup is from a newer app)")]
    NewerSchema { found: u32, known: u32 },
    /// A sync engine (the app, or `posctl sync --watch`) runs on this order book.
    #[error("다른 프로그램({holder}, 프로세스 {pid})이 이 주문 장부로 동기화 중이라 복원하지 않았습니다. 그 프로그램을 끈 뒤 다시 시도하세요. 지금 데이터는 그대로입니다. (an engine runs on this book: stop it first)")]
    EngineRunning { holder: String, pid: i64 },
    /// Taking the restore's own lease failed for another reason.
    #[error(transparent)]
    Lease(crate::sync::SyncError),
}

impl BackupError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            BackupError::Store(e) => e.code(),
            BackupError::Lease(e) => e.code(),
            BackupError::NotFound { .. } => ErrorCode::NotFound,
            BackupError::Damaged { .. }
            | BackupError::NotABackup { .. }
            | BackupError::NewerSchema { .. } => ErrorCode::Validation,
            BackupError::EngineRunning { .. } => ErrorCode::Conflict,
            BackupError::Sqlite { .. } | BackupError::Io { .. } => ErrorCode::Internal,
        }
    }
}

/// Attaches what was being done to a rusqlite error.
pub(crate) fn sql(context: &'static str) -> impl FnOnce(rusqlite::Error) -> BackupError {
    move |source| BackupError::Sqlite { context, source }
}

/// Attaches what was being done, and to which path, to an I/O error.
pub(crate) fn io(
    context: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |source| BackupError::Io {
        context,
        path,
        source,
    }
}
