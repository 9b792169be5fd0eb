//! `--state FILE`: the store as JSON, written atomically (a temp file beside it, then rename).

use std::path::Path;

use crate::state::Store;
use crate::SandboxError;

/// Loads a store; a missing file is an empty store.
pub fn load(path: &Path) -> Result<Store, SandboxError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Store::default()),
        Err(source) => {
            return Err(SandboxError::StateRead {
                path: path.to_owned(),
                source,
            })
        }
    };
    let mut store: Store =
        serde_json::from_slice(&bytes).map_err(|source| SandboxError::StateParse {
            path: path.to_owned(),
            source,
        })?;
    store.reindex();
    Ok(store)
}

/// Serialises a store (call under the lock; write outside it).
pub fn encode(path: &Path, store: &Store) -> Result<Vec<u8>, SandboxError> {
    serde_json::to_vec(store).map_err(|source| SandboxError::StateParse {
        path: path.to_owned(),
        source,
    })
}

/// Writes encoded state atomically: a temp file in the same folder, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let write = |p: &Path| -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(p)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(p, path)
    };
    write(&tmp).map_err(|source| SandboxError::StateWrite {
        path: path.to_owned(),
        source,
    })
}
