//! The Iamport REST key and secret: in the OS keyring (service `kr.panmusic.pos`, user
//! `iamport-rest`), or, where no keyring answers (a headless Linux box), in `credentials.json`
//! in the data dir, mode 0600. `PANMUSIC_SECRETS=file` forces the file.
//!
//! Secrets never appear in `Debug` output, logs or error messages, and [`Credentials`] cannot be
//! serialised, so it cannot slip into an IPC reply.

mod file;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ErrorCode;

/// Keyring service name (the app identifier).
pub const KEYRING_SERVICE: &str = "kr.panmusic.pos";
/// Keyring user name of the REST credentials.
pub const KEYRING_USER: &str = "iamport-rest";
/// The fallback file in the data dir.
pub const CREDENTIALS_FILE: &str = "credentials.json";
/// Keyring user name of the relay store key and secret (중계 서버).
pub const RELAY_KEYRING_USER: &str = "relay-store";
/// The fallback file of the relay store key and secret.
pub const RELAY_CREDENTIALS_FILE: &str = "relay-credentials.json";
/// Environment variable that picks the backend (`file` forces the file).
pub const BACKEND_ENV: &str = "PANMUSIC_SECRETS";

/// The Iamport REST API key and secret. `Debug` shows neither.
#[derive(Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Credentials {
    /// REST API key (`imp_key`).
    pub imp_key: String,
    /// REST API secret (`imp_secret`).
    pub imp_secret: String,
}

impl Credentials {
    /// Registers the key and secret with the log redaction, so no log line ever shows them.
    pub fn keep_out_of_logs(&self) {
        crate::logfile::keep_out_of_logs(&self.imp_key);
        crate::logfile::keep_out_of_logs(&self.imp_secret);
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("imp_key", &"<redacted>")
            .field("imp_secret", &"<redacted>")
            .finish()
    }
}

impl Credentials {
    /// Credentials from a key and a secret (not yet checked; see [`Credentials::normalized`]).
    pub fn new(imp_key: impl Into<String>, imp_secret: impl Into<String>) -> Self {
        Credentials {
            imp_key: imp_key.into(),
            imp_secret: imp_secret.into(),
        }
    }

    /// Trimmed copies of both values, checked for shape (non-empty, no inner whitespace, bounded).
    pub fn normalized(&self) -> Result<Credentials, SecretError> {
        let key = self.imp_key.trim();
        let secret = self.imp_secret.trim();
        let bad =
            |v: &str, max: usize| v.is_empty() || v.len() > max || v.contains(char::is_whitespace);
        if bad(key, 200) {
            return Err(SecretError::Invalid {
                field: "REST API 키",
            });
        }
        if bad(secret, 500) {
            return Err(SecretError::Invalid {
                field: "REST API 시크릿",
            });
        }
        Ok(Credentials {
            imp_key: key.to_string(),
            imp_secret: secret.to_string(),
        })
    }
}

/// Where credentials are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SecretBackend {
    /// The OS keyring (Keychain, Credential Manager, Secret Service).
    Keyring,
    /// `credentials.json` in the data dir, owner-only.
    File,
}

impl SecretBackend {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretBackend::Keyring => "keyring",
            SecretBackend::File => "file",
        }
    }
}

/// Failures of the credential store. No variant carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// A credential value is empty, too long or has spaces inside.
    #[error("{field} 값이 올바르지 않습니다 (비어 있거나, 공백이 있거나, 너무 깁니다). (invalid credential)")]
    Invalid { field: &'static str },
    /// The OS keyring failed.
    #[error("운영체제 키체인을 사용할 수 없습니다 ({operation}). (keyring failure)")]
    Keyring {
        operation: &'static str,
        #[source]
        source: keyring::Error,
    },
    /// The keyring holds a value this build cannot read (its bytes are not shown: they are secret).
    #[error("키체인에 저장된 인증 정보를 읽을 수 없습니다. 설정에서 다시 입력하세요. (stored credentials unreadable)")]
    KeyringValueUnreadable,
    /// The credentials file could not be read or written.
    #[error("인증 정보 파일({path})을 읽거나 쓸 수 없습니다. 폴더 권한을 확인하세요. (credentials file I/O)")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The credentials file is not in the expected format. It was left as it is.
    #[error("인증 정보 파일({path})의 형식이 올바르지 않습니다. 파일은 그대로 두었습니다: 설정에서 다시 입력하세요. (credentials file malformed)")]
    Malformed {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl SecretError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            SecretError::Invalid { .. } => ErrorCode::Validation,
            SecretError::Keyring { .. }
            | SecretError::KeyringValueUnreadable
            | SecretError::Io { .. }
            | SecretError::Malformed { .. } => ErrorCode::Internal,
        }
    }
}

/// Reads and writes the REST credentials for one data dir.
#[derive(Debug, Clone)]
pub struct CredentialStore {
    file: PathBuf,
    backend: SecretBackend,
    user: String,
    /// Set when the keyring answered the probe but refused to store (e.g. a locked collection
    /// that cannot prompt): from then on the file is used. Shared by clones.
    fell_back: Arc<AtomicBool>,
}

/// The backend forced by the environment value, if any.
pub fn backend_from_env(value: Option<&str>) -> Option<SecretBackend> {
    match value.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("file") => Some(SecretBackend::File),
        Some(v) if v.eq_ignore_ascii_case("keyring") => Some(SecretBackend::Keyring),
        _ => None,
    }
}

impl CredentialStore {
    /// The store for `data_dir`: the keyring when one answers, else the file
    /// (`PANMUSIC_SECRETS=file` skips the probe).
    pub fn new(data_dir: &Path) -> Self {
        let forced = backend_from_env(std::env::var(BACKEND_ENV).ok().as_deref());
        let backend = forced.unwrap_or_else(|| probe_keyring(KEYRING_USER));
        Self::with_backend(data_dir, backend, KEYRING_USER)
    }

    /// A store with a chosen backend and keyring user (tests use their own user name so they
    /// never touch the real entry).
    pub fn with_backend(data_dir: &Path, backend: SecretBackend, user: &str) -> Self {
        CredentialStore {
            file: data_dir.join(CREDENTIALS_FILE),
            backend,
            user: user.to_string(),
            fell_back: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The store of the relay's per-store key and secret (중계 서버), kept like the REST key:
    /// keyring user [`RELAY_KEYRING_USER`], else `relay-credentials.json`, owner-only.
    pub fn relay(data_dir: &Path) -> Self {
        let forced = backend_from_env(std::env::var(BACKEND_ENV).ok().as_deref());
        let backend = forced.unwrap_or_else(|| probe_keyring(RELAY_KEYRING_USER));
        Self::relay_with_backend(data_dir, backend, RELAY_KEYRING_USER)
    }

    /// [`CredentialStore::relay`] with a chosen backend and keyring user (tests).
    pub fn relay_with_backend(data_dir: &Path, backend: SecretBackend, user: &str) -> Self {
        CredentialStore {
            file: data_dir.join(RELAY_CREDENTIALS_FILE),
            ..Self::with_backend(data_dir, backend, user)
        }
    }

    /// Where new credentials are written: the keyring, or the file when there is none or it
    /// refused to store.
    pub fn backend(&self) -> SecretBackend {
        if self.fell_back.load(Ordering::Relaxed) {
            SecretBackend::File
        } else {
            self.backend
        }
    }

    /// The stored credentials, if any. With the keyring backend, a file left by an earlier run
    /// without a keyring is still found.
    pub fn get(&self) -> Result<Option<Credentials>, SecretError> {
        let found = self.get_unlogged()?;
        if let Some(c) = &found {
            c.keep_out_of_logs();
        }
        Ok(found)
    }

    fn get_unlogged(&self) -> Result<Option<Credentials>, SecretError> {
        if self.backend() == SecretBackend::Keyring {
            match self.keyring_get() {
                Ok(Some(found)) => return Ok(Some(found)),
                Ok(None) => {}
                // The keyring failed (locked, gone): the file may still hold them.
                Err(keyring_error) => {
                    return match file::read(&self.file)? {
                        Some(found) => Ok(Some(found)),
                        None => Err(keyring_error),
                    }
                }
            }
        }
        file::read(&self.file)
    }

    /// Stores `c` (trimmed and checked). If the keyring refuses at runtime, the file is used.
    pub fn set(&self, c: &Credentials) -> Result<(), SecretError> {
        let c = c.normalized()?;
        c.keep_out_of_logs();
        if self.backend() == SecretBackend::Keyring {
            match self.keyring_set(&c) {
                Ok(()) => return file::remove(&self.file),
                Err(e) => {
                    tracing::warn!(error = %e, "keyring refused the credentials; using the owner-only file");
                    self.fell_back.store(true, Ordering::Relaxed);
                }
            }
        }
        file::write(&self.file, &c)
    }

    /// Removes the credentials from every place they may be.
    pub fn clear(&self) -> Result<(), SecretError> {
        if self.backend == SecretBackend::Keyring {
            match self.entry("clear credentials")?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(source) => {
                    return Err(SecretError::Keyring {
                        operation: "clear credentials",
                        source,
                    })
                }
            }
        }
        file::remove(&self.file)
    }

    /// Whether credentials are stored (an unreadable store counts as not set).
    pub fn is_set(&self) -> bool {
        matches!(self.get(), Ok(Some(_)))
    }

    fn entry(&self, operation: &'static str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(KEYRING_SERVICE, &self.user)
            .map_err(|source| SecretError::Keyring { operation, source })
    }

    fn keyring_get(&self) -> Result<Option<Credentials>, SecretError> {
        match self.entry("read credentials")?.get_password() {
            Ok(text) => serde_json::from_str::<Credentials>(&text)
                .map(Some)
                .map_err(|_| SecretError::KeyringValueUnreadable),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(keyring::Error::BadEncoding(_)) => Err(SecretError::KeyringValueUnreadable),
            Err(source) => Err(SecretError::Keyring {
                operation: "read credentials",
                source,
            }),
        }
    }

    fn keyring_set(&self, c: &Credentials) -> Result<(), SecretError> {
        let text = file::encode(c);
        self.entry("store credentials")?
            .set_password(&text)
            .map_err(|source| SecretError::Keyring {
                operation: "store credentials",
                source,
            })
    }
}

/// The keyring backend if a keyring answers a read for `user` (an entry or "no entry"),
/// the file otherwise.
fn probe_keyring(user: &str) -> SecretBackend {
    let answer = keyring::Entry::new(KEYRING_SERVICE, user).and_then(|e| e.get_password());
    match answer {
        Ok(_) | Err(keyring::Error::NoEntry) | Err(keyring::Error::BadEncoding(_)) => {
            SecretBackend::Keyring
        }
        Err(e) => {
            tracing::info!(error = %e, "no usable OS keyring; credentials go to the owner-only file");
            SecretBackend::File
        }
    }
}

/// Whether an OS keyring answers on this machine (tests use it to decide what they can check).
pub fn keyring_available() -> bool {
    probe_keyring("probe") == SecretBackend::Keyring
}
