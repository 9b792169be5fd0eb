//! The calls the contract test makes, in order (later calls depend on earlier ones).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// One call: method, the path as the file spells it, the path called, the body, the expected
/// status, and a definition that replaces the declared one where the file is known wrong.
pub type Case = (
    Method,
    &'static str,
    String,
    Option<Value>,
    StatusCode,
    Option<&'static str>,
);

pub fn cases(imp: &str, vbank_imp: &str, now: i64) -> Vec<Case> {
    use Method as M;
    use StatusCode as S;
    let key = json!({"imp_key": iamport_sandbox::DEFAULT_IMP_KEY, "imp_secret": iamport_sandbox::DEFAULT_IMP_SECRET});
    let bad_key = json!({"imp_key": "x", "imp_secret": "y"});
    let again = |cu: &str, m: &str| {
        Some(json!({"customer_uid": cu, "merchant_uid": m, "amount": 900, "name": "정기"}))
    };
    let sched = |m: &str, at: i64| {
        Some(
            json!({"customer_uid": "oa_cu", "schedules": [{"merchant_uid": m, "schedule_at": at, "amount": 900, "name": "정기"}]}),
        )
    };
    let at = |t: i64| Some(json!({"schedule_at": t}));
    let day = now + 86_400;
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
    let (cu, cs, ag) = (
        "/subscribe/customers/{customer_uid}",
        "/subscribe/customers",
        "/subscribe/payments/again",
    );
    let (sc, un) = (
        "/subscribe/payments/schedule",
        "/subscribe/payments/unschedule",
    );
    let bc = "/subscribe/payments/schedule/customers/{customer_uid}";
    let one = "/subscribe/payments/schedule/{merchant_uid}";
    let rs = "/subscribe/payments/schedule/{merchant_uid}/reschedule";
    let rt = "/subscribe/payments/schedule/{merchant_uid}/retry";
    let paged = Some("PagedScheduleResponse");
    let rc = "/receipts/{imp_uid}";
    let company = || Some(json!({"identifier": "1234567891", "type": "company"}));
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
        (
            M::GET,
            cu,
            s("/subscribe/customers/oa_cu"),
            None,
            S::OK,
            None,
        ),
        (
            M::GET,
            cu,
            s("/subscribe/customers/oa_none"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (
            M::POST,
            cu,
            s("/subscribe/customers/oa_card"),
            Some(json!({"card_number": "1234-1234-1234-1234", "expiry": "2030-01"})),
            S::OK,
            None,
        ),
        (
            M::GET,
            cs,
            s("/subscribe/customers?customer_uid[]=oa_cu"),
            None,
            S::OK,
            None,
        ),
        (
            M::GET,
            cs,
            s("/subscribe/customers?customer_uid[]=oa_cu&customer_uid[]=x"),
            None,
            S::MULTI_STATUS,
            None,
        ),
        (
            M::GET,
            cs,
            s("/subscribe/customers?customer_uid[]=x"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (M::POST, ag, s(ag), again("oa_cu", "oa_again"), S::OK, None),
        (
            M::POST,
            "/subscribe/payments/onetime",
            s("/subscribe/payments/onetime"),
            Some(
                json!({"merchant_uid": "oa_one", "amount": 100, "card_number": "1234-1234-1234-1234", "expiry": "2030-01"}),
            ),
            S::OK,
            None,
        ),
        (
            M::POST,
            "/subscribe/payments/onetime",
            s("/subscribe/payments/onetime"),
            Some(
                json!({"merchant_uid": "oa_one_bad", "amount": 100, "card_number": "12", "expiry": "2030-01"}),
            ),
            S::OK,
            None,
        ),
        (
            M::POST,
            ag,
            s(ag),
            again("oa_decl", "oa_again_d"),
            S::OK,
            None,
        ),
        (
            M::POST,
            ag,
            s(ag),
            again("oa_nobody", "oa_again_x"),
            S::OK,
            None,
        ),
        (
            M::GET,
            "/subscribe/customers/{customer_uid}/payments",
            s("/subscribe/customers/oa_cu/payments"),
            None,
            S::OK,
            None,
        ),
        (M::POST, sc, s(sc), sched("oa_s1", now + 100), S::OK, None),
        (M::POST, sc, s(sc), sched("oa_s2", now + 200), S::OK, None),
        (
            M::GET,
            sc,
            format!("{sc}?schedule_from={now}&schedule_to={day}"),
            None,
            S::OK,
            paged,
        ),
        (M::GET, sc, s(sc), None, S::BAD_REQUEST, None),
        (
            M::GET,
            bc,
            format!("/subscribe/payments/schedule/customers/oa_cu?from={now}&to={day}"),
            None,
            S::OK,
            paged,
        ),
        (
            M::GET,
            one,
            s("/subscribe/payments/schedule/oa_s1"),
            None,
            S::OK,
            None,
        ),
        (
            M::GET,
            one,
            s("/subscribe/payments/schedule/oa_none"),
            None,
            S::NOT_FOUND,
            None,
        ),
        (
            M::PUT,
            one,
            s("/subscribe/payments/schedule/oa_s1"),
            at(now + 300),
            S::OK,
            None,
        ),
        (
            M::PUT,
            one,
            s("/subscribe/payments/schedule/oa_s1"),
            at(now - 300),
            S::BAD_REQUEST,
            None,
        ),
        (
            M::POST,
            un,
            s(un),
            Some(json!({"customer_uid": "oa_cu", "merchant_uid": ["oa_s2"]})),
            S::OK,
            None,
        ),
        (
            M::POST,
            un,
            s(un),
            Some(json!({"customer_uid": "oa_cu", "merchant_uid": ["oa_s2"]})),
            S::OK,
            None,
        ),
        (
            M::POST,
            rs,
            s("/subscribe/payments/schedule/oa_s2/reschedule"),
            at(now + 400),
            S::OK,
            None,
        ),
        (
            M::POST,
            rs,
            s("/subscribe/payments/schedule/oa_none/reschedule"),
            at(now + 400),
            S::NOT_FOUND,
            None,
        ),
        (
            M::POST,
            un,
            s(un),
            Some(json!({"merchant_uid": ["oa_s2"]})),
            S::OK,
            None,
        ),
        (
            M::POST,
            rt,
            s("/subscribe/payments/schedule/oa_s2/retry"),
            None,
            S::OK,
            None,
        ),
        (
            M::POST,
            rt,
            s("/subscribe/payments/schedule/oa_s2/retry"),
            None,
            S::BAD_REQUEST,
            None,
        ),
        (
            M::DELETE,
            cu,
            s("/subscribe/customers/oa_cu"),
            None,
            S::OK,
            None,
        ),
        (
            M::DELETE,
            cu,
            s("/subscribe/customers/oa_cu"),
            None,
            S::NOT_FOUND,
            None,
        ),
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
