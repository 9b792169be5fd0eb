//! What every command needs: the data folder, the store, the settings, the credentials.

use std::path::PathBuf;

use pos_core::paths::{default_data_dir, prepare_data_dir};
use pos_core::secrets::{CredentialStore, Credentials};
use pos_core::settings::{load_store_file, SettingsLoad, STORE_FILE};
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

/// Prepares the data folder and opens the store in it.
pub fn open_store(global: &Global) -> Result<Store, CliError> {
    let dir = prepare_data_dir(&data_dir(global)?)?;
    Ok(Store::open(&dir)?)
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
