//! Standard bank codes (`GET /banks`, `GET /banks/{code}`): the KFTC codes (금융결제원 표준코드)
//! Iamport lists, and the check that a virtual-account refund names one of them.

use axum::extract::Path;
use serde_json::json;

use crate::envelope::{ok, ApiError, ApiResult};

/// The banks the sandbox serves: the standard Korean codes and names.
pub const BANKS: &[(&str, &str)] = &[
    ("002", "KDB산업은행"),
    ("003", "IBK기업은행"),
    ("004", "KB국민은행"),
    ("007", "수협은행"),
    ("011", "NH농협은행"),
    ("012", "지역농축협"),
    ("020", "우리은행"),
    ("023", "SC제일은행"),
    ("027", "한국씨티은행"),
    ("031", "iM뱅크(대구은행)"),
    ("032", "부산은행"),
    ("034", "광주은행"),
    ("035", "제주은행"),
    ("037", "전북은행"),
    ("039", "경남은행"),
    ("045", "새마을금고"),
    ("048", "신협"),
    ("050", "저축은행"),
    ("064", "산림조합"),
    ("071", "우체국"),
    ("081", "하나은행"),
    ("088", "신한은행"),
    ("089", "케이뱅크"),
    ("090", "카카오뱅크"),
    ("092", "토스뱅크"),
];

/// The listed bank for `code` (a two-digit old form such as `88` is read as `088`).
pub fn bank(code: &str) -> Option<(&'static str, &'static str)> {
    let code = code.trim();
    if code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{code:0>3}");
    BANKS.iter().copied().find(|(c, _)| *c == padded)
}

/// `GET /banks`.
pub async fn list() -> ApiResult {
    let banks: Vec<_> = BANKS
        .iter()
        .map(|(code, name)| json!({"code": code, "name": name}))
        .collect();
    Ok(ok(banks))
}

/// `GET /banks/{bank_standard_code}`.
pub async fn one(Path(code): Path<String>) -> ApiResult {
    let (code, name) = bank(&code).ok_or(ApiError::BankNotFound)?;
    Ok(ok(json!({"code": code, "name": name})))
}
