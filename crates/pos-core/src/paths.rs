//! Where the app keeps its data: the same folder Tauri's `app_data_dir` gives for
//! `kr.panmusic.pos` (`~/.local/share/kr.panmusic.pos` on Linux,
//! `~/Library/Application Support/kr.panmusic.pos` on macOS, `%APPDATA%\kr.panmusic.pos` on Windows).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::ErrorCode;

/// The app's bundle identifier, which names its data folder.
pub const APP_IDENTIFIER: &str = "kr.panmusic.pos";

/// Name of the probe file written (and removed) to prove a folder is writable.
const PROBE_FILE: &str = ".write-probe";

/// Problems with the data folder.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    /// The OS reports no per-user data folder (no home directory).
    #[error("사용자 데이터 폴더를 찾을 수 없습니다. --data-dir 로 폴더를 지정하세요. (no user data directory)")]
    NoDataDir,
    /// The data folder could not be created.
    #[error("데이터 폴더를 만들 수 없습니다 ({path}). 상위 폴더의 권한을 확인하거나 --data-dir 로 다른 폴더를 지정하세요. (cannot create the data directory)")]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The path exists but is not a folder.
    #[error(
        "데이터 폴더 경로가 폴더가 아닙니다 ({path}). (the data directory path is not a directory)"
    )]
    NotADirectory { path: PathBuf },
    /// The data folder exists but cannot be written to.
    #[error("데이터 폴더에 쓸 수 없습니다 ({path}). 폴더 권한을 확인하거나 --data-dir 로 다른 폴더를 지정하세요. (the data directory is not writable)")]
    NotWritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl PathError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            PathError::NoDataDir
            | PathError::Create { .. }
            | PathError::NotADirectory { .. }
            | PathError::NotWritable { .. } => ErrorCode::Internal,
        }
    }
}

/// The app's log folder: `dirs::data_local_dir()/kr.panmusic.pos/logs` (what Tauri's
/// `app_log_dir` is on Linux and Windows: `~/.local/share/…`, `%LOCALAPPDATA%\…`); on macOS
/// `~/Library/Logs/kr.panmusic.pos`.
pub fn default_log_dir() -> Result<PathBuf, PathError> {
    let dir = if cfg!(target_os = "macos") {
        dirs::home_dir().map(|home| home.join("Library/Logs").join(APP_IDENTIFIER))
    } else {
        dirs::data_local_dir().map(|base| base.join(APP_IDENTIFIER).join("logs"))
    };
    dir.ok_or(PathError::NoDataDir)
}

/// `dirs::data_dir()/kr.panmusic.pos`: the folder the app uses unless told otherwise.
pub fn default_data_dir() -> Result<PathBuf, PathError> {
    dirs::data_dir()
        .map(|base| base.join(APP_IDENTIFIER))
        .ok_or(PathError::NoDataDir)
}

/// Creates `dir` (mode 0700 on unix) if missing, tightens an existing one to 0700 (it holds
/// orders, settings and possibly the credentials file), and proves it is writable with a probe
/// file. Returns the folder as given.
pub fn prepare_data_dir(dir: &Path) -> Result<PathBuf, PathError> {
    if dir.exists() && !dir.is_dir() {
        return Err(PathError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| PathError::Create {
        path: dir.to_path_buf(),
        source,
    })?;
    // Proven writable first: a folder we cannot write to (a system folder) is never chmod-ed.
    probe_writable(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).map(|m| m.permissions().mode() & 0o777);
        if mode.is_ok_and(|mode| mode != 0o700) {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(
                |source| PathError::NotWritable {
                    path: dir.to_path_buf(),
                    source,
                },
            )?;
        }
    }
    Ok(dir.to_path_buf())
}

fn probe_writable(dir: &Path) -> Result<(), PathError> {
    let probe = dir.join(PROBE_FILE);
    let not_writable = |source| PathError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    // A leftover probe (or a symlink planted in its place) is removed, not followed; the probe
    // is then created with O_EXCL, which refuses to go through a symlink.
    if std::fs::symlink_metadata(&probe).is_ok() {
        std::fs::remove_file(&probe).map_err(not_writable)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(not_writable)?;
    file.write_all(b"ok")
        .and_then(|()| file.sync_all())
        .map_err(not_writable)?;
    drop(file);
    std::fs::remove_file(&probe).map_err(not_writable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_data_dir_ends_with_the_app_identifier() {
        if let Ok(dir) = default_data_dir() {
            assert!(
                dir.ends_with(APP_IDENTIFIER),
                "{dir:?} ends with the identifier"
            );
        }
    }

    #[test]
    fn a_missing_dir_is_created_owner_only_and_left_clean() {
        let base = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let dir = base.path().join("a/b/kr.panmusic.pos");
        assert!(
            prepare_data_dir(&dir).is_ok(),
            "a nested missing dir is created"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or_default();
            assert_eq!(mode, 0o700, "the data dir is owner-only");
        }
        assert!(!dir.join(PROBE_FILE).exists(), "the probe file is removed");
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_open_dir_is_tightened_to_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let base = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let dir = base.path().join("kr.panmusic.pos");
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("chmod: {e}"));
        assert!(prepare_data_dir(&dir).is_ok(), "the existing dir is used");
        let mode = std::fs::metadata(&dir)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default();
        assert_eq!(mode, 0o700, "other users can no longer list or read it");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_at_the_probe_path_is_not_followed() {
        let base = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let dir = base.path().join("data");
        std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
        let victim = base.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap_or_else(|e| panic!("write: {e}"));
        std::os::unix::fs::symlink(&victim, dir.join(PROBE_FILE))
            .unwrap_or_else(|e| panic!("symlink: {e}"));
        assert!(prepare_data_dir(&dir).is_ok(), "the dir is still usable");
        assert_eq!(
            std::fs::read(&victim).unwrap_or_default(),
            b"precious",
            "the probe wrote nothing through the symlink"
        );
        assert!(
            std::fs::symlink_metadata(dir.join(PROBE_FILE)).is_err(),
            "nothing is left at the probe path"
        );
    }

    #[test]
    fn a_file_in_place_of_the_dir_is_not_a_directory() {
        let base = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let file = base.path().join("file");
        std::fs::write(&file, b"x").unwrap_or_else(|e| panic!("write: {e}"));
        let err = prepare_data_dir(&file).err();
        assert!(
            matches!(err, Some(PathError::NotADirectory { .. })),
            "got {err:?}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_unwritable_dir_is_refused_with_a_korean_message() {
        // /proc exists and refuses new files even for root, unlike a chmod-ed temp dir.
        let err = prepare_data_dir(Path::new("/proc")).err();
        assert!(
            matches!(err, Some(PathError::NotWritable { .. })),
            "got {err:?}"
        );
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("쓸 수 없습니다") && message.contains("/proc"),
            "Korean message naming the dir: {message}"
        );
    }
}
