//! The PIN file: the Argon2id hash (a PHC string), the wrong tries and the lock time still to
//! serve. JSON, mode 0600, replaced atomically (a temp file in the same folder, then a rename),
//! so a crash never loses a counted failure or leaves half a hash.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::PinError;

/// The format version written today.
const VERSION: u32 = 1;

/// What the PIN file holds. Private to this module tree: the hash never leaves Rust.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PinRecord {
    /// Format version (1).
    pub version: u32,
    /// `$argon2id$v=19$m=...,t=...,p=...$salt$hash`.
    pub hash: String,
    /// Wrong tries since the last right one (or since the last lock ended).
    pub failures: u32,
    /// Lock time still to serve, in milliseconds of the app running (0: not locked).
    pub lock_remaining_ms: u64,
}

impl std::fmt::Debug for PinRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinRecord")
            .field("hash", &"<redacted>")
            .field("failures", &self.failures)
            .field("lock_remaining_ms", &self.lock_remaining_ms)
            .finish()
    }
}

impl PinRecord {
    /// A fresh record for `hash`: no failures, no lock.
    pub fn new(hash: String) -> Self {
        PinRecord {
            version: VERSION,
            hash,
            failures: 0,
            lock_remaining_ms: 0,
        }
    }
}

/// The record, or `None` when no PIN is set (no file).
pub(super) fn read(path: &Path) -> Result<Option<PinRecord>, PinError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(PinError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let malformed = || PinError::Malformed {
        path: path.to_path_buf(),
    };
    let record: PinRecord = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
    if record.version != VERSION || record.hash.is_empty() {
        return Err(malformed());
    }
    Ok(Some(record))
}

/// Replaces the file with `record` (owner-only).
pub(super) fn write(path: &Path, record: &PinRecord) -> Result<(), PinError> {
    let io = |source| PinError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = serde_json::to_vec(record).map_err(|e| io(std::io::Error::other(e)))?;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    // NamedTempFile is created 0600 on unix.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(&text).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    Ok(())
}

/// Removes the file; `true` if there was one.
pub(super) fn remove(path: &Path) -> Result<bool, PinError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(PinError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
