//! What every command needs: the data folder, the store, the settings, the credentials.

use std::path::PathBuf;

use pos_core::paths::{default_data_dir, prepare_data_dir};
use pos_core::secrets::{CredentialStore, Credentials};
use pos_core::settings::{load_store_file, Mode, SettingsLoad, STORE_FILE};
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
pub fn open_book(global: &Global, dir: &std::path::Path) -> Result<Store, CliError> {
    Ok(Store::open_book(dir, mode(global, dir)?)?)
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
    /// `--imp-key`/`--imp-secret` or `IAMPORT_KEY`/`IAMPORT_SECRET`.
    Flags,
    /// The app's credential store (keyring or file).
    Store(pos_core::secrets::SecretBackend),
}

/// Credentials from the flags (both needed) or else the app's credential store.
pub fn credentials(
    global: &Global,
    dir: &std::path::Path,
) -> Result<Option<(Credentials, CredentialSource)>, CliError> {
    if let (Some(key), Some(secret)) = (&global.imp_key, &global.imp_secret) {
        let creds = Credentials {
            imp_key: key.clone(),
            imp_secret: secret.clone(),
        }
        .normalized()?;
        return Ok(Some((creds, CredentialSource::Flags)));
    }
    let store = CredentialStore::new(dir);
    let backend = store.backend();
    Ok(store.get()?.map(|c| (c, CredentialSource::Store(backend))))
}
