//! What every command needs: the data folder, the store, the settings, the credentials.

use std::path::PathBuf;

use pos_core::paths::{default_data_dir, prepare_data_dir};
use pos_core::secrets::{CredentialStore, Credentials};
use pos_core::settings::{
    load_store_file, Connection, Mode, RelaySettings, SettingsLoad, STORE_FILE,
};
use pos_core::Store;

use crate::cli::Global;
use crate::error::CliError;

/// The data folder: `--data-dir` or the app's.
pub fn data_dir(global: &Global) -> Result<PathBuf, CliError> {
    match &global.data_dir {
        Some(dir) => Ok(dir.clone()),
        None => Ok(default_data_dir()?),
    }
}

/// Prepares the data folder and opens the order book of the mode chosen ([`mode`]).
pub fn open_store(global: &Global) -> Result<Store, CliError> {
    let dir = prepare_data_dir(&data_dir(global)?)?;
    open_book(global, &dir)
}

/// Opens the order book of the mode chosen in the prepared data folder `dir`.
/// In relay mode (the app's settings, live, no `--api-base`) the live book mints every id behind
/// the store's prefix, as the app does.
pub fn open_book(global: &Global, dir: &std::path::Path) -> Result<Store, CliError> {
    let prefix = relay(global, dir)?.and_then(|_| settings(dir).settings.uid_prefix());
    let store = Store::open_book(dir, mode(global, dir)?)?.with_uid_prefix(prefix);
    // Orders made here name the shop's Panmusic account, as the app's do.
    store.set_account(settings(dir).settings.account());
    Ok(store)
}

/// The relay in effect: the app's saved 중계 서버 when the mode used is live and no
/// `--api-base` is given (`None`: 직접 연결 or sandbox).
pub fn relay(global: &Global, dir: &std::path::Path) -> Result<Option<RelaySettings>, CliError> {
    if global.api_base.is_some() || mode(global, dir)? != Mode::Live {
        return Ok(None);
    }
    let load = settings(dir);
    if load.problem.is_some() || load.settings.connection() != Connection::Relay {
        return Ok(None);
    }
    Ok(load.settings.relay)
}

/// The mode whose book and Iamport a command uses: `--mode`, else the app's saved mode (sandbox
/// on a fresh install). A broken settings file decides nothing: `--mode` is then required.
pub fn mode(global: &Global, dir: &std::path::Path) -> Result<Mode, CliError> {
    if let Some(mode) = global.mode {
        return Ok(mode);
    }
    let load = settings(dir);
    if load.problem.is_some() {
        return Err(CliError::ModeUnknown);
    }
    Ok(load.settings.mode)
}

/// The app's settings, as the app would load them.
pub fn settings(dir: &std::path::Path) -> SettingsLoad {
    load_store_file(&dir.join(STORE_FILE))
}

/// Where the credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// `--imp-key`/`IAMPORT_KEY` with `IAMPORT_SECRET` or `--imp-secret-file`.
    Flags,
    /// The app's credential store (keyring or file).
    Store(pos_core::secrets::SecretBackend),
}

/// The environment variable that may carry the REST secret (never a command-line flag).
pub const SECRET_ENV: &str = "IAMPORT_SECRET";

/// Checks the credential flags before any command runs: a secret given on the command line
/// (`--imp-secret`) is refused (every user of the PC can read argv with `ps` while posctl runs,
/// and it stays in the shell history); a key needs a secret source and a secret needs a key.
pub fn check_credential_flags(global: &Global) -> Result<(), CliError> {
    if global.imp_secret.is_some() {
        return Err(CliError::SecretInArgv);
    }
    let secret_given = global.imp_secret_file.is_some()
        || std::env::var_os(SECRET_ENV).is_some_and(|s| !s.is_empty());
    match (global.imp_key.is_some(), secret_given) {
        (true, false) => Err(CliError::KeyWithoutSecret),
        (false, true) => Err(CliError::SecretWithoutKey),
        _ => Ok(()),
    }
}

/// The secret from `--imp-secret-file` (`-` is stdin) or else `IAMPORT_SECRET`; trailing
/// line breaks and spaces are dropped.
fn given_secret(global: &Global) -> Result<Option<String>, CliError> {
    if let Some(path) = &global.imp_secret_file {
        let read = if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map(|_| text)
        } else {
            std::fs::read_to_string(path)
        };
        let text = read.map_err(|source| CliError::SecretFile {
            path: path.clone(),
            source,
        })?;
        return Ok(Some(text.trim_end().to_string()));
    }
    Ok(std::env::var(SECRET_ENV).ok().filter(|s| !s.is_empty()))
}

/// Credentials from `--imp-key` with a secret from the environment or a file (both needed), or
/// else the app's credential store (the relay store key in relay mode). A secret in argv is refused.
pub fn credentials(
    global: &Global,
    dir: &std::path::Path,
) -> Result<Option<(Credentials, CredentialSource)>, CliError> {
    check_credential_flags(global)?;
    match (&global.imp_key, given_secret(global)?) {
        (Some(key), Some(secret)) => {
            let creds = Credentials {
                imp_key: key.clone(),
                imp_secret: secret,
            }
            .normalized()?;
            return Ok(Some((creds, CredentialSource::Flags)));
        }
        (Some(_), None) => return Err(CliError::KeyWithoutSecret),
        (None, Some(_)) => return Err(CliError::SecretWithoutKey),
        (None, None) => {}
    }
    let store = if relay(global, dir)?.is_some() {
        CredentialStore::relay(dir)
    } else {
        CredentialStore::new(dir)
    };
    let backend = store.backend();
    Ok(store.get()?.map(|c| (c, CredentialSource::Store(backend))))
}
