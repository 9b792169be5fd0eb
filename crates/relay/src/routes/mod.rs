//! The V1 routes the desktop app uses, one file per group.

pub mod auth;
pub mod cancel;
pub mod codes;
pub mod feed;
pub mod payments;
pub mod prepare;
pub mod receipts;
pub mod schedules;
pub mod subscribe;

use axum::body::Bytes;
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;

/// Reads a JSON or form body, as Iamport accepts both.
pub fn body<T: DeserializeOwned>(headers: &HeaderMap, bytes: &Bytes) -> Option<T> {
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        serde_urlencoded::from_bytes(bytes).ok()
    } else {
        serde_json::from_slice(bytes).ok()
    }
}
