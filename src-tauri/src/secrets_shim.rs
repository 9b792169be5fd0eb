//! TEMPORARY stand-in for `pos_core::secrets` until it lands; same API as the brief describes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use pos_core::ErrorCode;

#[derive(Clone)]
pub struct Credentials {
    key: String,
    secret: String,
}

impl Credentials {
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            secret: secret.into(),
        }
    }
    pub fn key(&self) -> &str {
        &self.key
    }
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("API 키를 저장하지 못했습니다.")]
    Io(#[from] std::io::Error),
}

impl SecretsError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }
}

#[derive(Clone)]
pub struct CredentialStore {
    file: PathBuf,
}

impl CredentialStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            file: data_dir.join("credentials.shim"),
        }
    }
    pub fn get(&self) -> Result<Option<Credentials>, SecretsError> {
        match std::fs::read_to_string(&self.file) {
            Ok(text) => Ok(text.split_once('\n').map(|(k, s)| Credentials::new(k, s))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
    pub fn set(&self, credentials: &Credentials) -> Result<(), SecretsError> {
        Ok(std::fs::write(
            &self.file,
            format!("{}\n{}", credentials.key, credentials.secret),
        )?)
    }
    pub fn is_set(&self) -> Result<bool, SecretsError> {
        Ok(self.get()?.is_some())
    }
}
