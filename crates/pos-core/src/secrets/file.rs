//! The fallback credentials file: JSON, mode 0600, replaced atomically (write a temp file in the
//! same folder, then rename), so a crash never leaves half a secret.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::{Credentials, SecretError};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stored<'a> {
    imp_key: &'a str,
    imp_secret: &'a str,
}

/// The JSON text stored for `c` (also the keyring's value).
pub(super) fn encode(c: &Credentials) -> String {
    let stored = Stored {
        imp_key: &c.imp_key,
        imp_secret: &c.imp_secret,
    };
    // Two strings always serialise.
    serde_json::to_string(&stored).unwrap_or_default()
}

pub(super) fn read(path: &Path) -> Result<Option<Credentials>, SecretError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SecretError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|source| SecretError::Malformed {
            path: path.to_path_buf(),
            source,
        })
}

pub(super) fn write(path: &Path, c: &Credentials) -> Result<(), SecretError> {
    let io = |source| SecretError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    // NamedTempFile is created 0600 on unix.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(encode(c).as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    Ok(())
}

pub(super) fn remove(path: &Path) -> Result<(), SecretError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(SecretError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
