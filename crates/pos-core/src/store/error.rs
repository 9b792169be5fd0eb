//! Errors of the store. Messages are Korean first (for the shop owner), with the English gist.

use std::path::PathBuf;

use crate::error::ErrorCode;

/// Everything that can go wrong in [`crate::Store`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("데이터베이스 파일을 열 수 없습니다 ({path}). 폴더 권한과 디스크 공간을 확인하세요. (cannot open the database)")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The file exists but is not an SQLite database (or is damaged). It was left untouched.
    #[error("데이터베이스 파일이 손상되었거나 데이터베이스가 아닙니다 ({path}). 파일은 그대로 두었습니다: 백업에서 복원하거나 지원팀에 문의하세요. (file is not a database)")]
    NotADatabase {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer build of the app; this build does not touch it.
    #[error("이 데이터베이스는 더 새로운 버전의 앱에서 만들어졌습니다 (데이터베이스 스키마 버전 {found}, 이 앱이 아는 버전 {known}). 앱을 최신 버전으로 업데이트하세요. 파일은 그대로 두었습니다. (database schema version {found} is newer than this build's {known}; update the app)")]
    NewerSchema { found: u32, known: u32 },
    /// Migrating the schema failed; the transaction was rolled back.
    #[error("데이터베이스를 새 버전으로 바꾸지 못했습니다. 파일은 이전 상태 그대로입니다. (migration failed)")]
    Migrate {
        #[source]
        source: rusqlite_migration::Error,
    },
    /// The database file could not be created.
    #[error("데이터베이스 파일을 만들 수 없습니다 ({path}). 폴더가 있는지, 쓰기 권한이 있는지 확인하세요. (cannot create the database file)")]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The owner-only permissions could not be set on the database file.
    #[error("데이터베이스 파일 권한을 설정할 수 없습니다 ({path}). (cannot set file permissions)")]
    Permissions {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A query failed.
    #[error("데이터베이스 작업에 실패했습니다: {context}. (database error)")]
    Sqlite {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// A stored value is not one this build knows (a hand-edited or newer row).
    #[error(
        "데이터베이스에 알 수 없는 값이 있습니다: {column} = {value:?}. (unknown stored value)"
    )]
    UnknownValue { column: &'static str, value: String },
    /// A stored JSON document could not be read or written.
    #[error("데이터베이스의 JSON 값을 처리할 수 없습니다: {context}. (bad JSON)")]
    Json {
        context: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// No plan has this id.
    #[error("요금제 '{plan_id}'을(를) 찾을 수 없습니다. (unknown plan)")]
    UnknownPlan { plan_id: String },
    /// A price must be a positive number of won.
    #[error("가격은 0원보다 커야 합니다 (받은 값: {price}). (price must be positive)")]
    InvalidPrice { price: i64 },
    /// No order has this merchant_uid.
    #[error("주문 '{merchant_uid}'을(를) 찾을 수 없습니다. (unknown order)")]
    OrderNotFound { merchant_uid: String },
    /// The page size is outside 1..=max.
    #[error(
        "한 번에 볼 주문 수는 1에서 {max} 사이여야 합니다 (받은 값: {limit}). (limit out of range)"
    )]
    LimitOutOfRange { limit: u32, max: u32 },
    /// A date range ends before it starts.
    #[error("기간이 거꾸로입니다: 시작일 {from}이(가) 종료일 {to}보다 늦습니다. 시작일을 종료일과 같거나 앞선 날로 고르세요. (the date range ends before it starts)")]
    BackwardsRange {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    /// A date is not a real `YYYY-MM-DD` day.
    #[error("날짜 '{text}'을(를) 읽을 수 없습니다. 2026-11-30처럼 연-월-일로 적으세요. (not a YYYY-MM-DD date)")]
    InvalidDate { text: String },
    /// Writing an export file failed; no partial file was left in its place.
    #[error("내보내기 파일을 쓰지 못했습니다. 저장할 폴더의 권한과 디스크 공간을 확인한 뒤 다시 시도하세요. (cannot write the export file)")]
    Export {
        #[source]
        source: std::io::Error,
    },
    /// A buyer field is malformed.
    #[error("구매자 {field}이(가) 올바르지 않습니다: {reason}. (invalid buyer {field})")]
    InvalidBuyer {
        field: &'static str,
        reason: &'static str,
    },
    /// The plan cannot be paid with this method (a subscription needs a card).
    #[error("'{plan_id}' 요금제는 {pay_method} 결제를 지원하지 않습니다. (pay method not allowed for this plan)")]
    PayMethodNotAllowed {
        plan_id: String,
        pay_method: &'static str,
    },
    /// A transition was refused because the order changed since the caller read it (another
    /// state, or the same state at a newer version).
    #[error("주문 '{merchant_uid}'이(가) 그 사이에 바뀌었습니다 (읽은 상태: {expected}, 현재: {actual}). 새로고침 후 다시 시도하세요. (order changed)")]
    StateMoved {
        merchant_uid: String,
        expected: &'static str,
        actual: &'static str,
    },
    /// The Iamport payment already belongs to another order: one payment is never counted twice.
    #[error("결제 '{imp_uid}'은(는) 이미 다른 주문에 연결되어 있어 주문 '{merchant_uid}'에 쓸 수 없습니다. 같은 결제를 두 번 매출로 셀 수 없습니다. (payment belongs to another order)")]
    PaymentOfAnotherOrder {
        merchant_uid: String,
        imp_uid: String,
    },
    /// A patch would put the order in an impossible shape (e.g. refunding more than was paid).
    #[error("주문 '{merchant_uid}'에 적용할 수 없는 변경입니다: {reason}. (invalid order change)")]
    InvalidPatch {
        merchant_uid: String,
        reason: &'static str,
    },
    /// The job is not running (unknown id, or already finished by another worker).
    #[error("작업 {id}은(는) 실행 중이 아닙니다. (job is not running)")]
    JobNotRunning { id: i64 },
    /// An open job of this kind already exists for this merchant_uid.
    #[error(
        "'{merchant_uid}' 주문에 같은 작업({kind})이 이미 대기 중입니다. (duplicate open job)"
    )]
    DuplicateJob { kind: String, merchant_uid: String },
    /// No job has this id.
    #[error("작업 {id}번을 찾을 수 없습니다. (unknown job)")]
    JobNotFound { id: i64 },
    /// Only a parked (needs-attention) job can be retried by hand.
    #[error("작업 {id}번은 '확인 필요' 상태가 아니어서 다시 시도할 수 없습니다 (현재: {state}). (job is not parked)")]
    JobNotParked { id: i64, state: &'static str },
    /// A mode's book folder could not be created.
    #[error("주문 장부 폴더를 만들 수 없습니다 ({path}). 데이터 폴더의 권한과 디스크 공간을 확인하세요. (cannot create the order book folder)")]
    BookDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The old single order book could not be moved into its mode's book. It is still in place.
    #[error("이전 주문 장부({path})를 새 위치로 옮기지 못했습니다. 파일은 그대로 있습니다. 데이터 폴더 권한을 확인한 뒤 앱을 다시 시작하세요. (cannot move the old order book)")]
    LegacyMove {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The old single order book is open in another program (an older build still running).
    #[error("이전 주문 장부를 다른 프로그램(이전 버전의 앱 또는 posctl)이 사용 중이라 옮기지 못했습니다. 그 프로그램을 끄고 다시 시작하세요. (the old order book is in use)")]
    LegacyBusy,
    /// An old single order book and a new book of the same mode both exist; neither is touched.
    #[error("이전 주문 장부({legacy})와 새 주문 장부({target})가 함께 있어 어느 것도 건드리지 않았습니다. 지원팀에 문의하세요. (an old and a new order book both exist)")]
    LegacyConflict { legacy: PathBuf, target: PathBuf },
    /// Another program's sync engine works on the sandbox book; nothing was deleted.
    #[error("다른 프로그램({holder}, pid {pid})이 테스트 장부로 동기화 중이라 테스트 데이터를 지우지 않았습니다. 그 프로그램을 끈 뒤 다시 시도하세요. (the sandbox book is in use)")]
    SandboxBookInUse { holder: String, pid: i64 },
    /// The backup taken before a schema migration failed, so the migration did not run.
    #[error("데이터베이스를 새 버전으로 바꾸기 전에 백업하지 못해 바꾸지 않았습니다 (스키마 버전 {from}). 디스크 공간과 폴더 권한을 확인한 뒤 앱을 다시 시작하세요: {source}")]
    PreMigrationBackup {
        from: u32,
        #[source]
        source: Box<crate::backup::BackupError>,
    },
    /// A file of the sandbox book could not be deleted.
    #[error("테스트 데이터({path})를 지우지 못했습니다. 실제 결제 데이터는 건드리지 않았습니다. 앱을 다시 시작한 뒤 다시 시도하세요. (cannot delete the sandbox data)")]
    ClearSandbox {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::UnknownPlan { .. }
            | StoreError::OrderNotFound { .. }
            | StoreError::JobNotFound { .. } => ErrorCode::NotFound,
            StoreError::LimitOutOfRange { .. }
            | StoreError::InvalidPrice { .. }
            | StoreError::InvalidBuyer { .. }
            | StoreError::PayMethodNotAllowed { .. }
            | StoreError::InvalidPatch { .. }
            | StoreError::BackwardsRange { .. }
            | StoreError::InvalidDate { .. } => ErrorCode::Validation,
            StoreError::StateMoved { .. }
            | StoreError::PaymentOfAnotherOrder { .. }
            | StoreError::DuplicateJob { .. }
            | StoreError::JobNotRunning { .. }
            | StoreError::JobNotParked { .. } => ErrorCode::Conflict,
            StoreError::Open { .. }
            | StoreError::Create { .. }
            | StoreError::NotADatabase { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::Migrate { .. }
            | StoreError::Permissions { .. }
            | StoreError::Sqlite { .. }
            | StoreError::UnknownValue { .. }
            | StoreError::Json { .. }
            | StoreError::BookDir { .. }
            | StoreError::LegacyMove { .. }
            | StoreError::LegacyConflict { .. }
            | StoreError::ClearSandbox { .. }
            | StoreError::Export { .. }
            | StoreError::PreMigrationBackup { .. } => ErrorCode::Internal,
            StoreError::LegacyBusy | StoreError::SandboxBookInUse { .. } => ErrorCode::Conflict,
        }
    }
}

/// Attaches a short description of what was being done to a rusqlite error.
pub(crate) trait SqlContext<T> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn ctx(self, context: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Sqlite { context, source })
    }
}
