//! Cash receipts (현금영수증): issue, look up, cancel.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::Case;

/// The receipts calls, in order.
pub fn cases(imp: &str, vbank_imp: &str) -> Vec<Case> {
    use Method as M;
    use StatusCode as S;
    let rc = "/receipts/{imp_uid}";
    let company = || Some(json!({"identifier": "1234567891", "type": "company"}));
    vec![
        (
            M::GET,
            rc,
            format!("/receipts/{vbank_imp}"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (
            M::POST,
            rc,
            format!("/receipts/{vbank_imp}"),
            company(),
            S::OK,
            None,
        ),
        (
            M::POST,
            rc,
            format!("/receipts/{vbank_imp}"),
            company(),
            S::BAD_REQUEST,
            None,
        ),
        (
            M::POST,
            rc,
            format!("/receipts/{imp}"),
            company(),
            S::BAD_REQUEST,
            None,
        ),
        (
            M::POST,
            rc,
            format!("/receipts/{vbank_imp}"),
            Some(json!({})),
            S::BAD_REQUEST,
            None,
        ),
        (
            M::GET,
            rc,
            format!("/receipts/{vbank_imp}"),
            None,
            S::OK,
            None,
        ),
        (
            M::DELETE,
            rc,
            format!("/receipts/{vbank_imp}"),
            None,
            S::OK,
            None,
        ),
        (
            M::DELETE,
            rc,
            format!("/receipts/{vbank_imp}"),
            None,
            S::BAD_REQUEST,
            None,
        ),
    ]
}
