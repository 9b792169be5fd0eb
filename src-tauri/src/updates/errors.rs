//! The updater plugin's errors, said for the owner: which step failed and what it means.

use tauri_plugin_updater::Error;

use crate::error::ShellError;

/// What failed while checking for or downloading an update.
pub fn classify(error: Error) -> ShellError {
    match &error {
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => {
            tracing::warn!(error = %error, "update refused: its signature does not hold");
            ShellError::UpdateTampered(error)
        }
        Error::Reqwest(e) if e.is_connect() || e.is_timeout() || e.is_request() => {
            ShellError::UpdateOffline(error)
        }
        Error::Reqwest(e) if e.is_body() || e.is_decode() && e.status().is_none() => {
            ShellError::UpdateInterrupted(error)
        }
        _ => ShellError::UpdateHost(error),
    }
}

/// What failed while installing a downloaded, verified update.
pub fn classify_install(error: Error) -> ShellError {
    // In the log for support whatever the owner is told (not every code is logged).
    tracing::warn!(error = %error, "update not installed");
    match error {
        Error::AuthenticationFailed => ShellError::UpdateInstallCancelled,
        // The last way the plugin tries (`sudo dpkg -i`) is not on this computer: trying again
        // later cannot help.
        Error::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
            ShellError::UpdateNoInstaller(Error::Io(e))
        }
        other => ShellError::UpdateInstall(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_core::ErrorCode;

    #[test]
    fn a_bad_signature_is_tampering_and_says_so_in_korean() {
        let error = classify(Error::SignedVersionMismatch {
            signed: "0.1.0".into(),
            announced: "0.2.0".into(),
        });
        assert!(
            matches!(error, ShellError::UpdateTampered(_)),
            "an old release announced as new is tampering: {error:?}"
        );
        assert!(
            error.to_string().contains("손상되었거나 변조"),
            "the owner is told the file was damaged or altered: {error}"
        );
    }

    #[test]
    fn a_host_that_answers_nonsense_is_not_called_offline() {
        let error = classify(Error::ReleaseNotFound);
        assert_ne!(error.code(), ErrorCode::Offline, "the host answered");
        assert!(
            error.to_string().contains("업데이트 정보"),
            "says the update information was unusable: {error}"
        );
    }

    #[test]
    fn a_dismissed_password_prompt_installs_nothing_and_says_why() {
        let error = classify_install(Error::AuthenticationFailed);
        assert!(
            matches!(error, ShellError::UpdateInstallCancelled),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("설치하지 않았습니다"),
            "nothing was installed: {error}"
        );
    }

    #[test]
    fn a_computer_without_pkexec_or_sudo_is_told_so_not_to_try_again_later() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let error = classify_install(Error::Io(missing));
        assert!(
            matches!(error, ShellError::UpdateNoInstaller(_)),
            "{error:?}"
        );
        let said = error.to_string();
        assert!(
            said.contains("pkexec 또는 sudo") && !said.contains("잠시 후 다시 시도"),
            "says what is missing, not to retry: {said}"
        );
    }

    #[test]
    fn an_install_kept_out_by_the_computer_is_not_called_a_wrong_input() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        for error in [
            classify_install(Error::AuthenticationFailed),
            classify_install(Error::Io(missing)),
        ] {
            assert_eq!(
                error.code(),
                pos_core::ErrorCode::Conflict,
                "the owner typed nothing wrong (no \"입력한 내용을 확인해 주세요\"): {error:?}"
            );
        }
    }
}
