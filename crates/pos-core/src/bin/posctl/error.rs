//! posctl's errors: the library's, plus the CLI's own.

use pos_core::paths::PathError;
use pos_core::secrets::SecretError;
use pos_core::{ErrorCode, StoreError};

/// Why a posctl command failed. Messages are the library's Korean ones.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The data folder.
    #[error(transparent)]
    Path(#[from] PathError),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The credential store.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// Writing JSON to stdout.
    #[error("JSON 출력에 실패했습니다. (cannot write JSON)")]
    Json(#[source] serde_json::Error),
    /// Writing to stdout failed (a closed pipe is not reported).
    #[error("출력에 실패했습니다. (cannot write to stdout)")]
    Stdout(#[source] std::io::Error),
    /// The async runtime for the Iamport check could not start.
    #[error("비동기 런타임을 시작할 수 없습니다. (cannot start the async runtime)")]
    Runtime(#[source] std::io::Error),
    /// The sync engine.
    #[error(transparent)]
    Sync { source: pos_core::sync::SyncError },
    /// Sandbox mode runs its sandbox inside the app only: posctl needs `--api-base`.
    #[error("샌드박스 모드에서는 --api-base 로 아임포트(샌드박스) 주소를 지정해야 합니다. (no API base in sandbox mode)")]
    NoApiBase,
    /// The settings file is broken, so it cannot say which order book to use.
    #[error("설정 파일을 읽을 수 없어 어느 주문 장부(실제/테스트)를 쓸지 알 수 없습니다. --mode live 또는 --mode sandbox 로 지정하세요. (the settings file is unreadable: pass --mode)")]
    ModeUnknown,
    /// No REST key/secret in the flags or the app's credential store.
    #[error("아임포트 REST API 키/시크릿이 없습니다. --imp-key 와 IAMPORT_SECRET(또는 --imp-secret-file)을 주거나 앱 설정에서 저장하세요. (no credentials)")]
    NoCredentials,
    /// `--imp-secret` on the command line.
    #[error("--imp-secret 는 받지 않습니다: 명령줄에 쓴 시크릿은 ps 로 이 PC의 모든 사용자에게 보입니다. 환경 변수 IAMPORT_SECRET, --imp-secret-file 파일(- 이면 표준 입력), 또는 앱에 저장된 인증 정보를 쓰세요. (--imp-secret is refused: argv is visible in ps; use IAMPORT_SECRET, --imp-secret-file or the stored credentials)")]
    SecretInArgv,
    /// `--imp-key` without a secret.
    #[error("--imp-key 에는 시크릿이 함께 있어야 합니다: 환경 변수 IAMPORT_SECRET 또는 --imp-secret-file 로 주세요. (--imp-key needs IAMPORT_SECRET or --imp-secret-file)")]
    KeyWithoutSecret,
    /// A secret without `--imp-key`.
    #[error("시크릿(IAMPORT_SECRET 또는 --imp-secret-file)에는 --imp-key(또는 IAMPORT_KEY)가 함께 있어야 합니다. (a secret needs --imp-key)")]
    SecretWithoutKey,
    /// `--imp-secret-file` could not be read.
    #[error("시크릿 파일을 읽을 수 없습니다 ({path}). 경로와 권한을 확인하세요. (cannot read the secret file)")]
    SecretFile {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Checkout, verification or refund.
    #[error(transparent)]
    Checkout(#[from] pos_core::checkout::CheckoutError),
    /// A subscription action.
    #[error(transparent)]
    Subscription(#[from] pos_core::subscription::SubscriptionError),
    /// A backup or restore.
    #[error(transparent)]
    Backup(#[from] pos_core::backup::BackupError),
    /// A cash receipt.
    #[error(transparent)]
    Receipt(#[from] pos_core::tax::ReceiptError),
    /// The owner's PIN file.
    #[error(transparent)]
    Pin(#[from] pos_core::owner_pin::PinError),
    /// A setting given on the command line is not valid.
    #[error(transparent)]
    Settings(#[from] pos_core::settings::SettingsError),
    /// The settings file could not be written.
    #[error("설정 파일을 저장하지 못했습니다: {0}. (cannot write the settings file)")]
    SettingsWrite(#[source] std::io::Error),
    /// The Iamport client could not be built (bad --api-base).
    #[error("아임포트 클라이언트를 만들 수 없습니다. --api-base 주소를 확인하세요: {source}")]
    Client { source: iamport::Error },
}

impl CliError {
    /// Whether the command line itself was wrong (exit code 2, like clap's usage errors).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            CliError::SecretInArgv | CliError::KeyWithoutSecret | CliError::SecretWithoutKey
        )
    }

    /// The code of the underlying error.
    pub fn code(&self) -> ErrorCode {
        match self {
            CliError::Path(e) => e.code(),
            CliError::Store(e) => e.code(),
            CliError::Secret(e) => e.code(),
            CliError::Json(_) | CliError::Stdout(_) | CliError::Runtime(_) => ErrorCode::Internal,
            CliError::Sync { source } => source.code(),
            CliError::Subscription(e) => e.code(),
            CliError::Checkout(e) => e.code(),
            CliError::Pin(e) => e.code(),
            CliError::Backup(e) => e.code(),
            CliError::Receipt(e) => e.code(),
            CliError::Settings(e) => e.code(),
            CliError::SettingsWrite(_) => ErrorCode::Internal,
            CliError::NoApiBase
            | CliError::NoCredentials
            | CliError::ModeUnknown
            | CliError::SecretInArgv
            | CliError::KeyWithoutSecret
            | CliError::SecretWithoutKey
            | CliError::SecretFile { .. }
            | CliError::Client { .. } => ErrorCode::Validation,
        }
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(CliError::Json)?;
    text.push('\n');
    emit(&text)
}

/// Writes `text` to stdout. A reader that went away (`posctl ... | head`) is not an error.
pub fn emit(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Stdout(e)),
    }
}

/// Appends one formatted line to a `String` buffer.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

pub(crate) use say;
