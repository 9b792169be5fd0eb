//! Writing the settings file outside the app (`posctl account set`), in the format
//! tauri-plugin-store reads: a JSON object with the settings under [`STORE_KEY`]. Other keys of
//! the file are kept; the file is replaced atomically (a temporary file renamed over it) and is
//! owner-only (0600) on unix. A running app reads the file when it starts or saves its 설정.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value};

use super::{Settings, STORE_KEY};

/// Writes `settings` under [`STORE_KEY`] of the store file `path`, keeping the file's other
/// keys. A file that is not a JSON object is not overwritten (an error says so): the owner
/// fixes it in the app, which keeps a copy of a broken file first.
pub fn save_store_file(path: &Path, settings: &Settings) -> std::io::Result<()> {
    let mut root = match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "설정 파일이 손상되어 덮어쓰지 않았습니다. 앱의 설정 화면에서 다시 저장하세요. (the settings file is broken)",
                ))
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(e) => return Err(e),
    };
    root.insert(STORE_KEY.to_string(), settings.to_store_value());
    let text = serde_json::to_vec_pretty(&Value::Object(root)).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(&text)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}
