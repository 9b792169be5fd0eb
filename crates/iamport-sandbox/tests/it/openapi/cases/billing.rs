//! Billing keys, `again` and one-time payments on a key, schedules, and deleting the keys.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::Case;

/// The billing calls, in order.
pub fn cases(now: i64) -> Vec<Case> {
    use Method as M;
    use StatusCode as S;
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
    let s = |x: &str| x.to_owned();
    vec![
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
    ]
}
