//! The settings file (`settings.json` in the data dir, one typed struct under one key), written
//! through tauri-plugin-store.
//!
//! Reading goes through pos-core (the same code `posctl` uses) and does not open the plugin's
//! store: the plugin writes every open store back on exit, which would replace a broken file the
//! owner has not yet chosen to overwrite. The store is opened only to save; before a broken file
//! is replaced, it is copied aside (`settings.json.broken`) so nothing is lost.

use std::path::{Path, PathBuf};

use pos_core::settings::{Settings, SettingsLoad, STORE_FILE, STORE_KEY};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreBuilder;

use crate::error::ShellError;

/// The settings file of `data_dir`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(STORE_FILE)
}

/// Where a broken settings file is kept when the owner saves over it.
pub fn broken_copy_path(data_dir: &Path) -> PathBuf {
    data_dir.join(format!("{STORE_FILE}.broken"))
}

/// Loads the settings; a missing file gives defaults, a broken one defaults plus a Korean problem.
pub fn load(data_dir: &Path) -> SettingsLoad {
    pos_core::settings::load_store_file(&path(data_dir))
}

/// Writes `settings` under the settings key, keeping a copy of a broken file first.
pub fn save<R: Runtime>(
    app: &AppHandle<R>,
    data_dir: &Path,
    settings: &Settings,
    file_was_broken: bool,
) -> Result<(), ShellError> {
    let file = path(data_dir);
    if file_was_broken && file.exists() {
        let copy = broken_copy_path(data_dir);
        std::fs::copy(&file, &copy)
            .and_then(|_| owner_only(&copy))
            .map_err(|error| {
                tracing::error!(error = ?error, "could not keep a copy of the broken settings file");
                ShellError::SettingsBackup(error)
            })?;
    }
    // The plugin writes with `fs::write`, which keeps an existing file's mode: the file exists
    // and is owner-only before the first byte is written, so it is never world-readable.
    create_owner_only(&file)
        .map_err(|error| ShellError::SettingsWrite(tauri_plugin_store::Error::Io(error)))?;
    let value = serde_json::to_value(settings)
        .map_err(|error| ShellError::SettingsWrite(tauri_plugin_store::Error::Json(error)))?;
    let store = StoreBuilder::new(app, file)
        .disable_auto_save()
        .build()
        .map_err(ShellError::SettingsWrite)?;
    store.set(STORE_KEY, value);
    store.save().map_err(ShellError::SettingsWrite)
}

/// Creates `file` empty with mode 0600 if it is missing, else makes it 0600.
fn create_owner_only(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => owner_only(file),
        Err(e) => Err(e),
    }
}

/// Mode 0600 on unix (elsewhere the per-user data folder's ACL already applies).
fn owner_only(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}
