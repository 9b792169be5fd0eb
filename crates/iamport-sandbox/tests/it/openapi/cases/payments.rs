//! The token, payment lookups, find and findAll, status lists, prepare and cancel.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::Case;

/// The payments calls, in order.
pub fn cases(imp: &str) -> Vec<Case> {
    use Method as M;
    use StatusCode as S;
    let key = json!({"imp_key": iamport_sandbox::DEFAULT_IMP_KEY, "imp_secret": iamport_sandbox::DEFAULT_IMP_SECRET});
    let bad_key = json!({"imp_key": "x", "imp_secret": "y"});
    let (tok, p, b) = ("/users/getToken", "/payments/{imp_uid}", "/payments");
    let (f, fa) = (
        "/payments/find/{merchant_uid}/{payment_status}",
        "/payments/findAll/{merchant_uid}/{payment_status}",
    );
    let (st, pr, cn) = (
        "/payments/status/{payment_status}",
        "/payments/prepare",
        "/payments/cancel",
    );
    let s = |x: &str| x.to_owned();
    vec![
        (M::POST, tok, s(tok), Some(key), S::OK, None),
        (M::POST, tok, s(tok), Some(bad_key), S::UNAUTHORIZED, None),
        (M::GET, p, format!("/payments/{imp}"), None, S::OK, None),
        (
            M::GET,
            p,
            s("/payments/imp_000000000000"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (
            M::GET,
            b,
            format!("/payments?imp_uid[]={imp}&merchant_uid[]=oa_vbank"),
            None,
            S::OK,
            None,
        ),
        (
            M::GET,
            b,
            format!("/payments?imp_uid[]={imp}&imp_uid[]=imp_1"),
            None,
            S::MULTI_STATUS,
            None,
        ),
        (
            M::GET,
            b,
            s("/payments?imp_uid[]=imp_1"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (
            M::GET,
            f,
            s("/payments/find/oa_paid/paid"),
            None,
            S::OK,
            None,
        ),
        (M::GET, f, s("/payments/find/oa_paid"), None, S::OK, None),
        (
            M::GET,
            f,
            s("/payments/find/oa_paid/cancelled"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (
            M::GET,
            fa,
            s("/payments/findAll/oa_paid"),
            None,
            S::OK,
            None,
        ),
        (
            M::GET,
            fa,
            s("/payments/findAll/oa_paid/weird"),
            None,
            S::BAD_REQUEST,
            None,
        ),
        (
            M::GET,
            fa,
            s("/payments/findAll/none"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (
            M::GET,
            st,
            s("/payments/status/all?sorting=-updated"),
            None,
            S::OK,
            None,
        ),
        (
            M::GET,
            st,
            s("/payments/status/weird"),
            None,
            S::BAD_REQUEST,
            None,
        ),
        (
            M::POST,
            pr,
            s(pr),
            Some(json!({"merchant_uid": "oa_prep", "amount": 100})),
            S::OK,
            None,
        ),
        (
            M::PUT,
            pr,
            s(pr),
            Some(json!({"merchant_uid": "oa_prep", "amount": 200})),
            S::OK,
            None,
        ),
        (
            M::PUT,
            pr,
            s(pr),
            Some(json!({"merchant_uid": "oa_none", "amount": 200})),
            S::NOT_FOUND,
            None,
        ),
        (
            M::GET,
            "/payments/prepare/{merchant_uid}",
            s("/payments/prepare/oa_prep"),
            None,
            S::OK,
            None,
        ),
        (
            M::POST,
            cn,
            s(cn),
            Some(json!({"imp_uid": imp, "amount": 1000, "checksum": 5000})),
            S::OK,
            None,
        ),
        (
            M::POST,
            cn,
            s(cn),
            Some(json!({"imp_uid": imp, "amount": 99999})),
            S::OK,
            None,
        ),
        (
            M::POST,
            cn,
            s(cn),
            Some(json!({"imp_uid": "imp_1"})),
            S::OK,
            None,
        ),
    ]
}
