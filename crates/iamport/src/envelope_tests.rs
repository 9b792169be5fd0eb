//! Envelope rules against real-shape bodies (fixtures from REFERENCE.md) and hostile ones.

use proptest::prelude::*;

use super::Reply;
use crate::error::Error;
use crate::types::{
    CustomerUidUsage, PayMethod, Payment, PaymentPage, PaymentStatus, SchedulePage,
};

const CARD_2024: &str = include_str!("../fixtures/payment_card_2024.json");
const VBANK_READY: &str = include_str!("../fixtures/payment_vbank_ready.json");
const AGAIN_FAILED: &str = include_str!("../fixtures/again_failed.json");
const NOT_FOUND: &str = include_str!("../fixtures/not_found_404.json");
const BATCH_207: &str = include_str!("../fixtures/batch_207.json");
const PAGED: &str = include_str!("../fixtures/paged_list.json");

fn decode<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    Reply {
        operation: "test",
        status,
        body,
        secrets: &["KEY-abc", "SECRET-xyz", "TOKEN-123"],
    }
    .decode()
}

fn payment(status: u16, body: &str) -> Result<Payment, Error> {
    decode(status, body.as_bytes())
}

/// The 2024 card payment with one field replaced by `value` (raw text, maybe not JSON).
fn card_with(field: &str, value: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(CARD_2024).expect("fixture is JSON");
    v["response"][field] = serde_json::Value::String("__FIELD__".into());
    v.to_string().replace("\"__FIELD__\"", value)
}

#[test]
fn card_payment_2024_decodes_every_observed_field() {
    let p = payment(200, CARD_2024).expect("the 2024 card payment must decode");
    assert_eq!(p.imp_uid, "imp_088022300265", "imp_uid");
    assert_eq!(p.amount, 1, "amount in won");
    assert_eq!(p.cancel_amount, 0, "nothing cancelled");
    assert_eq!(p.status, PaymentStatus::Paid, "status");
    assert_eq!(p.pay_method, Some(PayMethod::Card), "pay_method");
    assert_eq!(p.paid_at, Some(1_709_722_069), "paid_at kept");
    assert_eq!(p.failed_at, None, "failed_at 0 => None");
    assert_eq!(p.cancelled_at, None, "cancelled_at 0 => None");
    assert_eq!(p.vbank_date, None, "vbank_date 0 => None");
    assert_eq!(
        p.card_number.as_deref(),
        Some("559410*********4"),
        "masked card"
    );
    assert_eq!(p.card_type, Some(1), "check card");
    assert!(!p.sandbox, "absent sandbox defaults to false");
    assert!(p.cancel_history.is_empty(), "no cancels");
    assert!(p.is_paid(), "paid");
    assert_eq!(p.refundable(), 1, "all of it is refundable");
}

#[test]
fn vbank_ready_payment_keeps_account_and_ignores_unknown_fields() {
    let p = payment(200, VBANK_READY).expect("a vbank ready payment must decode");
    assert_eq!(p.status, PaymentStatus::Ready, "awaiting deposit");
    assert_eq!(p.pay_method, Some(PayMethod::Vbank), "vbank");
    assert_eq!(
        p.vbank_num.as_deref(),
        Some("T1234-5678-9012"),
        "account number"
    );
    assert_eq!(p.vbank_date, Some(1_710_000_000), "deadline");
    assert_eq!(p.paid_at, None, "not paid");
    assert_eq!(
        p.custom_data.as_deref(),
        Some(r#"{"plan":"month","store":17}"#),
        "custom_data is the JSON string as sent"
    );
}

#[test]
fn declined_again_is_code_zero_with_status_failed() {
    let p = payment(200, AGAIN_FAILED).expect("a declined charge is not an error");
    assert_eq!(p.status, PaymentStatus::Failed, "declined => failed");
    assert!(!p.is_paid(), "a decline must not read as paid");
    assert_eq!(p.paid_at, None, "paid_at 0 => None");
    assert!(p.failed_at.is_some(), "failed_at set");
    assert_eq!(
        p.fail_reason.as_deref(),
        Some("[F1002] 한도초과 카드입니다."),
        "decline reason kept"
    );
    assert_eq!(
        p.customer_uid_usage,
        Some(CustomerUidUsage::Payment),
        "billing payment"
    );
}

#[test]
fn not_found_envelope_is_not_found_with_code_and_message() {
    match payment(404, NOT_FOUND) {
        Err(Error::NotFound { code, message, .. }) => {
            assert_eq!(code, Some(-1), "code read from the body");
            assert_eq!(
                message, "존재하지 않는 결제정보입니다.",
                "message read from the body"
            );
        }
        other => panic!("404 must be NotFound, got {other:?}"),
    }
}

#[test]
fn multi_status_batch_returns_the_found_payments_whatever_code() {
    let list: Vec<Payment> =
        decode(207, BATCH_207.as_bytes()).expect("207 must return what was found");
    assert_eq!(list.len(), 2, "both found payments");
    assert_eq!(list[1].cancel_history.len(), 1, "cancel history decoded");
    assert_eq!(list[1].refundable(), 0, "fully cancelled");
}

#[test]
fn ok_status_with_nonzero_code_is_an_api_error() {
    let body = r#"{"code":1,"message":"취소할 결제건이 존재하지 않습니다.","response":null}"#;
    match payment(200, body) {
        Err(Error::Api {
            http_status, code, ..
        }) => {
            assert_eq!(http_status, 200, "status kept");
            assert_eq!(code, 1, "code kept");
        }
        other => panic!("200 + code 1 must be an Api error, got {other:?}"),
    }
}

#[test]
fn paged_list_maps_zero_previous_to_none_and_keeps_unknown_enums() {
    let page: PaymentPage = decode(200, PAGED.as_bytes()).expect("a paged list decodes");
    assert_eq!(page.total, 41, "total");
    assert_eq!(page.previous, None, "previous 0 => None");
    assert_eq!(page.next, Some(2), "next page");
    assert_eq!(
        page.list[2].status,
        PaymentStatus::Unknown("partial_refunded".into()),
        "a new status decodes as Unknown"
    );
    assert_eq!(
        page.list[2].pay_method,
        Some(PayMethod::Unknown("kakaopay_money_2027".into())),
        "a new pay method decodes as Unknown"
    );
}

#[test]
fn schedule_list_decodes_both_the_paged_and_the_bare_array_shape() {
    let item = r#"{"customer_uid":"c","merchant_uid":"m","imp_uid":null,"schedule_at":1800000000,
        "executed_at":0,"revoked_at":0,"amount":9900,"schedule_status":"scheduled","payment_status":null}"#;
    let paged = format!(
        r#"{{"code":0,"message":null,"response":{{"total":1,"previous":0,"next":0,"list":[{item}]}}}}"#
    );
    let bare = format!(r#"{{"code":0,"message":null,"response":[{item}]}}"#);
    for body in [paged, bare] {
        let page: SchedulePage = decode(200, body.as_bytes()).expect("both shapes decode");
        assert_eq!(page.list.len(), 1, "one schedule: {body}");
        assert_eq!(page.list[0].payment_status, None, "null before execution");
        assert_eq!(page.list[0].executed_at, None, "not executed");
        assert_eq!(page.next, None, "single page");
    }
}

#[test]
fn fractional_krw_amount_is_a_decode_error() {
    match payment(200, &card_with("amount", "1000.5")) {
        Err(Error::Decode { reason, .. }) => {
            assert!(reason.contains("fractional"), "reason says why: {reason}")
        }
        other => panic!("1000.5 won must not decode, got {other:?}"),
    }
}

#[test]
fn huge_amount_is_a_decode_error() {
    for huge in [
        "1e400",
        "123456789012345678901234567890",
        "-9223372036854775809",
    ] {
        assert!(
            matches!(
                payment(200, &card_with("amount", huge)),
                Err(Error::Decode { .. })
            ),
            "{huge} must be a decode error"
        );
    }
}

#[test]
fn code_zero_without_response_is_a_decode_error() {
    for body in [
        r#"{"code":0,"message":null}"#,
        r#"{"code":0,"message":null,"response":null}"#,
    ] {
        assert!(
            matches!(payment(200, body), Err(Error::Decode { .. })),
            "{body}: success must carry a response"
        );
    }
}

#[test]
fn wrong_types_are_decode_errors() {
    for (field, value) in [
        ("amount", r#""1000""#),
        ("status", "5"),
        ("paid_at", r#""x""#),
        ("cancel_history", "{}"),
    ] {
        assert!(
            matches!(
                payment(200, &card_with(field, value)),
                Err(Error::Decode { .. })
            ),
            "{field}={value} must be a decode error"
        );
    }
    assert!(
        matches!(
            payment(200, r#"{"code":"0","response":{}}"#),
            Err(Error::Decode { .. })
        ),
        "a string code is not an envelope"
    );
}

#[test]
fn ten_megabyte_bodies_give_an_error_with_a_capped_excerpt() {
    let junk = vec![b'x'; 10 * 1024 * 1024];
    let mut huge_string = br#"{"code":0,"message":null,"response":{"imp_uid":""#.to_vec();
    huge_string.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    huge_string.extend(br#""}"#);
    for body in [junk, huge_string] {
        match decode::<Payment>(200, &body) {
            Err(Error::Decode {
                raw_body_excerpt, ..
            }) => assert!(
                raw_body_excerpt.len() < 4096,
                "excerpt must be capped, got {} bytes",
                raw_body_excerpt.len()
            ),
            other => panic!("a 10 MB bad body must be a decode error, got {other:?}"),
        }
    }
}

#[test]
fn invalid_utf8_is_a_decode_error() {
    let mut body = br#"{"code":0,"message":"#.to_vec();
    body.extend([b'"', 0xff, 0xfe, b'"', b'}']);
    assert!(
        matches!(decode::<Payment>(200, &body), Err(Error::Decode { .. })),
        "invalid UTF-8 must be a decode error"
    );
}

#[test]
fn error_statuses_map_to_their_kinds_and_read_the_envelope() {
    let env = r#"{"code":-1,"message":"imp_key/imp_secret not matched","response":null}"#;
    assert!(
        matches!(payment(401, env), Err(Error::Auth { .. })),
        "401 => Auth"
    );
    assert!(
        matches!(
            payment(500, "<html>oops</html>"),
            Err(Error::Server {
                http_status: 500,
                code: None,
                ..
            })
        ),
        "5xx without envelope => Server"
    );
    assert!(
        matches!(
            payment(400, env),
            Err(Error::Api {
                http_status: 400,
                code: -1,
                ..
            })
        ),
        "4xx with envelope => Api with the body's code"
    );
    assert!(
        matches!(
            payment(400, "Bad Request"),
            Err(Error::Decode {
                http_status: 400,
                ..
            })
        ),
        "4xx without envelope => Decode (no invented code)"
    );
}

#[test]
fn too_many_requests_without_an_envelope_is_still_a_retryable_429() {
    for body in ["", "<html>429 Too Many Requests</html>", "rate limited"] {
        let err = payment(429, body).expect_err("a 429 is an error");
        assert!(
            matches!(
                err,
                Error::Api {
                    http_status: 429,
                    ..
                }
            ),
            "{body:?}: a gateway's 429 is Iamport's 429, got {err:?}"
        );
        assert!(
            err.is_retryable(),
            "{body:?}: tried again later, never parked"
        );
    }
}

#[test]
fn secrets_in_bodies_never_reach_the_error() {
    let body = r#"{"code":1,"message":"bad SECRET-xyz for KEY-abc","response":null}"#;
    let err = payment(200, body).expect_err("code 1");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("SECRET-xyz") && !shown.contains("KEY-abc"),
        "leak: {shown}"
    );
    let err = payment(200, "TOKEN-123 not json").expect_err("not JSON");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("TOKEN-123"),
        "token leaked in excerpt: {shown}"
    );
}

proptest! {
    #[test]
    fn random_bytes_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let result = decode::<Payment>(status, &body);
        prop_assert!(result.is_err(), "random bytes are never a payment");
    }

    #[test]
    fn random_values_in_any_payment_field_never_panic(
        field in prop::sample::select(vec!["amount", "cancel_amount", "status", "paid_at", "vbank_date",
            "pay_method", "cancel_history", "custom_data", "card_type", "sandbox"]),
        value in prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            any::<f64>().prop_map(|v| format!("{v:?}")),
            "[a-z0-9\"{}\\[\\],:.-]{0,12}",
        ],
        status in prop::sample::select(vec![200u16, 207, 400, 401, 404, 500]),
    ) {
        let _ = payment(status, &card_with(field, &value));
    }
}

#[test]
fn null_sandbox_flag_and_null_lists_decode_as_false_and_empty() {
    let body =
        card_with("sandbox", "null").replace(r#""cancel_history":[]"#, r#""cancel_history":null"#);
    assert!(
        body.contains(r#""cancel_history":null"#) && body.contains(r#""sandbox":null"#),
        "the body under test has the nulls"
    );
    let p = payment(200, &body).expect("nulls in optional places decode");
    assert!(!p.sandbox, "null sandbox => false");
    assert!(p.cancel_history.is_empty(), "null cancel_history => empty");
}
