//! `posctl credentials set | clear`: the Iamport REST key and secret in the app's credential store,
//! where 설정 saves them: the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service)
//! or, where no keyring answers, `credentials.json` in the data folder. The key comes from
//! `--imp-key`/`IAMPORT_KEY`, the secret from `IAMPORT_SECRET` or `--imp-secret-file`, never argv.

use pos_core::paths::prepare_data_dir;
use pos_core::secrets::CredentialStore;
use serde::Serialize;

use crate::cli::{CredentialsCommand, Global};
use crate::context::{credentials, data_dir, CredentialSource};
use crate::error::{emit, print_json, say, CliError};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    set: bool,
    backend: &'static str,
}

/// Runs `posctl credentials ...`.
pub fn run(global: &Global, command: &CredentialsCommand) -> Result<(), CliError> {
    let dir = prepare_data_dir(&data_dir(global)?)?;
    let store = CredentialStore::new(&dir);
    let backend = store.backend().as_str();
    let mut out = String::new();
    let set = match command {
        CredentialsCommand::Set => {
            let Some((given, CredentialSource::Flags)) = credentials(global, &dir)? else {
                return Err(CliError::NoCredentials);
            };
            store.set(&given)?;
            say!(
                out,
                "인증 정보를 저장했습니다 ({backend}). (credentials saved)"
            );
            true
        }
        CredentialsCommand::Clear => {
            store.clear()?;
            say!(
                out,
                "인증 정보를 지웠습니다 ({backend}). (credentials cleared)"
            );
            false
        }
    };
    if global.json {
        return print_json(&Saved { set, backend });
    }
    emit(&out)
}
