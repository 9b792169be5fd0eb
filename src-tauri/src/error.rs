//! Errors of the shell, and the `{code, message}` shape every command rejects with.
//!
//! Messages are Korean, say what the owner can do, and never carry a secret: Iamport's own
//! error text goes to the log (without keys), not to the webview.

use pos_core::ErrorCode;
use serde::Serialize;
use ts_rs::TS;

/// What a failed command sends to the webview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    /// What the UI branches on.
    pub code: ErrorCode,
    /// Korean, safe to show as is.
    pub message: String,
}

/// Everything that can go wrong in the shell's own work (settings, credentials, start-up).
#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    /// The order book did not open at start-up; the message says why.
    #[error("주문 데이터를 열 수 없어 이 작업을 할 수 없습니다. {problem}")]
    StoreUnavailable {
        /// The Korean start-up problem.
        problem: String,
    },

    /// The settings file is broken in a store with live data: no mode runs until the owner saves.
    #[error("설정 파일이 손상되어 어느 모드로 결제할지 정할 수 없습니다. 이 매장에는 실제 결제 기록이 있어 테스트 모드로 바꾸지 않았습니다. 설정 화면에서 모드를 확인하고 저장해 주세요.")]
    ModeHeld,

    /// A failure of the order book.
    #[error(transparent)]
    Store(#[from] pos_core::StoreError),

    /// The settings failed validation.
    #[error(transparent)]
    Settings(#[from] pos_core::settings::SettingsError),

    /// The owner's PIN refused the command (missing, wrong, locked) or its file failed.
    #[error(transparent)]
    Pin(#[from] pos_core::owner_pin::PinError),

    /// The keyring or the secrets file failed.
    #[error(transparent)]
    Secrets(#[from] pos_core::secrets::SecretError),

    /// A switch to the relay was refused: live work the relay would not let this store reach.
    #[error(transparent)]
    Switch(#[from] pos_core::connection::SwitchError),

    /// The settings file could not be written.
    #[error("설정을 저장하지 못했습니다. 데이터 폴더에 쓸 수 있는지, 디스크 공간이 남아 있는지 확인해 주세요.")]
    SettingsWrite(#[source] tauri_plugin_store::Error),

    /// The broken settings file could not be copied aside before being replaced.
    #[error("망가진 설정 파일의 사본을 만들지 못해 저장하지 않았습니다. 데이터 폴더에 쓸 수 있는지 확인해 주세요.")]
    SettingsBackup(#[source] std::io::Error),

    /// The settings sent by the webview do not parse (a merchant code of the wrong shape, say).
    #[error("설정 값이 올바르지 않습니다. {0}")]
    SettingsInput(#[source] serde_json::Error),

    /// Live mode asked for without REST credentials.
    #[error("실제 결제 모드로 바꾸려면 REST API 키와 시크릿을 먼저 저장해 주세요.")]
    LiveNeedsCredentials,

    /// Iamport refused the REST key or secret.
    #[error("아임포트가 REST API 키 또는 시크릿을 거부했습니다. 아임포트 관리자 콘솔의 [내 식별코드·API Keys]에서 값을 확인해 다시 입력해 주세요.")]
    CredentialsRefused,

    /// Iamport could not be reached to check the credentials (no connection: the internet).
    #[error("인터넷에 연결되어 있지 않아 아임포트에서 API 키를 확인할 수 없습니다. 인터넷 연결을 확인한 뒤 다시 저장해 주세요.")]
    IamportUnreachable,

    /// Iamport was reached but failed or did not answer in time (an outage or maintenance).
    #[error("아임포트 서버가 응답하지 않아(장애 또는 점검 중) API 키를 확인할 수 없습니다. 잠시 후 다시 저장해 주세요.")]
    IamportDown,

    /// Iamport answered the credential check with something unexpected.
    #[error("아임포트가 API 키 확인 요청에 예상하지 못한 응답을 보냈습니다. 잠시 후 다시 시도해 주세요.")]
    IamportCheckFailed,

    /// The in-process sandbox did not start.
    #[error("테스트용 결제 서버(SANDBOX)를 시작하지 못했습니다. 앱을 다시 시작해 주세요.")]
    SandboxStart,

    /// A backup or restore failed (the message says why and that the data is unchanged).
    #[error(transparent)]
    Backup(#[from] pos_core::backup::BackupError),

    /// The diagnostics zip could not be written.
    #[error(transparent)]
    Diagnostics(#[from] pos_core::diagnostics::DiagnosticsError),

    /// The login item (autostart) could not be read or changed.
    #[error("로그인할 때 자동 실행 설정을 바꾸지 못했습니다. 잠시 후 다시 시도해 주세요.")]
    Autostart(#[source] tauri_plugin_autostart::Error),

    /// The settings file is broken: the settings screen must be saved first.
    #[error("설정 파일에 문제가 있어 백업 폴더를 저장하지 않았습니다. 설정 화면에서 설정을 확인하고 먼저 저장해 주세요.")]
    SettingsNeedSaving,

    /// A restore needs an open order book (it restores the book of the mode in effect).
    #[error("지금 열린 주문 장부가 없어 복원할 수 없습니다. 설정에서 모드를 확인해 주세요.")]
    NoBookToRestore,

    /// The update host could not be reached (no internet, or the host is down).
    #[error("업데이트 서버에 연결하지 못했습니다. 인터넷 연결을 확인한 뒤 다시 확인해 주세요. 지금 버전은 그대로 쓸 수 있습니다.")]
    UpdateOffline(#[source] tauri_plugin_updater::Error),

    /// The connection broke while the update downloaded.
    #[error("업데이트 파일을 받는 중에 연결이 끊겼습니다. 받은 파일은 버렸고 아무것도 설치하지 않았습니다. 인터넷 연결을 확인한 뒤 다시 받아 주세요.")]
    UpdateInterrupted(#[source] tauri_plugin_updater::Error),

    /// The update host answered with something unusable (no manifest, no bundle for this PC).
    #[error("업데이트 정보를 받지 못했습니다(업데이트 서버의 응답이 올바르지 않습니다). 아무것도 설치하지 않았습니다. 잠시 후 다시 확인해 주세요.")]
    UpdateHost(#[source] tauri_plugin_updater::Error),

    /// The downloaded update's signature does not hold: it was damaged or altered.
    #[error("업데이트 파일이 손상되었거나 변조되어 설치하지 않았습니다. 받은 파일은 버렸습니다. 다시 받아 보고, 계속 이러면 판뮤직 고객센터에 알려 주세요.")]
    UpdateTampered(#[source] tauri_plugin_updater::Error),

    /// 받기 asked for a version that is not the one offered (check first).
    #[error("받을 업데이트가 없습니다. 먼저 업데이트 확인을 눌러 주세요.")]
    NoUpdateOffered,

    /// An update is already downloading.
    #[error("업데이트를 받는 중입니다. 끝날 때까지 기다려 주세요.")]
    UpdateBusy,

    /// 설치 asked for an update that was not downloaded and verified.
    #[error("설치할 준비가 된 업데이트가 없습니다. 먼저 업데이트를 받아 주세요.")]
    NoUpdateReady,

    /// This copy was not installed from a package (a development build): it cannot update itself.
    #[error("이 판뮤직 POS는 설치 파일로 설치되지 않아 스스로 업데이트할 수 없습니다. 새 버전의 설치 파일로 설치해 주세요. 아무것도 바꾸지 않았습니다.")]
    UpdateNotInstallable,

    /// The administrator password prompt of the installer was dismissed.
    #[error(
        "관리자 암호 확인이 취소되어 업데이트를 설치하지 않았습니다. 지금 버전을 계속 씁니다."
    )]
    UpdateInstallCancelled,

    /// The computer has no way to run the installer as administrator (on Linux: neither `pkexec`
    /// nor `sudo`).
    #[error("이 컴퓨터에는 관리자 권한으로 설치하는 도구(pkexec 또는 sudo)가 없어 업데이트를 설치하지 못했습니다. 지금 버전을 계속 씁니다. 컴퓨터 관리자에게 설치를 부탁하거나, 새 버전의 설치 파일로 직접 설치해 주세요.")]
    UpdateNoInstaller(#[source] tauri_plugin_updater::Error),

    /// The installer failed.
    #[error(
        "업데이트를 설치하지 못했습니다. 지금 버전을 계속 씁니다. 잠시 후 다시 시도해 주세요."
    )]
    UpdateInstall(#[source] tauri_plugin_updater::Error),

    /// A background task of a command died (a bug).
    #[error("작업을 끝내지 못했습니다. 앱을 다시 시작해 주세요.")]
    TaskFailed,
}

impl ShellError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ShellError::Store(e) => e.code(),
            ShellError::Settings(e) => e.code(),
            ShellError::Secrets(e) => e.code(),
            ShellError::Pin(e) => e.code(),
            ShellError::Switch(e) => e.code(),
            ShellError::Backup(e) => e.code(),
            ShellError::Diagnostics(e) => e.code(),
            ShellError::NoBookToRestore | ShellError::SettingsNeedSaving => ErrorCode::Conflict,
            ShellError::UpdateOffline(_) | ShellError::UpdateInterrupted(_) => ErrorCode::Offline,
            ShellError::NoUpdateOffered
            | ShellError::UpdateBusy
            | ShellError::NoUpdateReady
            | ShellError::UpdateNotInstallable
            // Nothing the owner typed is wrong: this computer's state kept the update out.
            | ShellError::UpdateInstallCancelled
            | ShellError::UpdateNoInstaller(_) => ErrorCode::Conflict,
            ShellError::UpdateHost(_)
            | ShellError::UpdateTampered(_)
            | ShellError::UpdateInstall(_) => ErrorCode::Internal,
            ShellError::Autostart(_) => ErrorCode::Internal,
            ShellError::SettingsInput(_)
            | ShellError::LiveNeedsCredentials
            | ShellError::CredentialsRefused => ErrorCode::Validation,
            ShellError::IamportUnreachable | ShellError::IamportDown => ErrorCode::Offline,
            ShellError::ModeHeld => ErrorCode::Conflict,
            ShellError::StoreUnavailable { .. }
            | ShellError::SettingsWrite(_)
            | ShellError::SettingsBackup(_)
            | ShellError::IamportCheckFailed
            | ShellError::SandboxStart
            | ShellError::TaskFailed => ErrorCode::Internal,
        }
    }
}

impl From<ShellError> for IpcError {
    fn from(error: ShellError) -> Self {
        if error.code() == ErrorCode::Internal {
            tracing::error!(error = ?error, "command failed");
        }
        IpcError {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

impl From<pos_core::StoreError> for IpcError {
    fn from(error: pos_core::StoreError) -> Self {
        ShellError::from(error).into()
    }
}

/// What a command returns.
pub type CommandResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_error_serialises_as_code_and_message() {
        let error = IpcError::from(ShellError::LiveNeedsCredentials);
        let json = serde_json::to_value(&error).expect("serialisable");
        assert_eq!(json["code"], "validation", "the UI branches on this");
        assert!(
            json["message"]
                .as_str()
                .is_some_and(|m| m.contains("REST API 키")),
            "Korean message that names what is missing: {json}"
        );
        assert_eq!(
            json.as_object().map(|o| o.len()),
            Some(2),
            "only code and message: {json}"
        );
    }

    #[test]
    fn unreachable_iamport_is_offline_not_internal() {
        assert_eq!(
            ShellError::IamportUnreachable.code(),
            ErrorCode::Offline,
            "UI shows offline advice"
        );
        assert_eq!(
            ShellError::CredentialsRefused.code(),
            ErrorCode::Validation,
            "owner fixes the input"
        );
    }
}

/// Why the order book could not be opened at start-up. The app still opens and shows this
/// (in Korean) on its error screen; commands that need the order book answer `StoreUnavailable`.
#[derive(Debug, thiserror::Error)]
pub enum StartupProblem {
    /// The OS gave no data directory and none was passed with `--data-dir`.
    #[error("이 컴퓨터에서 데이터 폴더 위치를 찾지 못했습니다. --data-dir 옵션으로 폴더를 지정해 주세요.")]
    NoDataDir,
    /// The data directory could not be created or written.
    #[error(transparent)]
    DataDir(#[from] pos_core::paths::PathError),
    /// The database refused to open (corrupt, newer schema, unreadable).
    #[error(transparent)]
    Store(#[from] pos_core::StoreError),
}
