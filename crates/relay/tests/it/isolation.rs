//! A store cannot see or touch another store's payments or billing keys by any path. Each case
//! performs the attack for real with store A's credentials against store B's objects, and
//! checks that the relay answers exactly what Iamport answers for an object that does not
//! exist, that nothing changed at Iamport, and (the control) that B itself can do it.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{in_a_month, Env};

struct Case {
    name: &'static str,
    method: Method,
    /// Path and body naming B's objects.
    attack: (String, Option<Value>),
    /// The same request naming objects that exist nowhere, sent to Iamport itself.
    nonexistent: (String, Option<Value>),
}

#[tokio::test]
async fn no_path_reaches_another_stores_payments_or_billing_keys() {
    attack_every_path(Duration::ZERO).await;
}

#[tokio::test]
async fn no_path_reaches_another_stores_payments_when_lookups_come_from_the_table() {
    attack_every_path(Duration::from_secs(60)).await;
}

async fn attack_every_path(fresh: Duration) {
    let env = Env::start_with(|c| c.fresh = fresh).await;
    let a = env.add_store("A").await;
    let b = env.add_store("B").await;
    let (pa, pb) = (&a.prefix, &b.prefix);
    let b_order = format!("{pb}order_1");
    let b_imp = env.paid(&b_order, 9900).await;
    let b_customer = format!("{pb}cust_1");
    env.billing_key(&b_customer).await;
    let b_token = env.token(&b).await;
    let (status, body) = env
        .relay(
            &b_token,
            Method::POST,
            "/subscribe/payments/schedule",
            Some(json!({"customer_uid": b_customer, "schedules": [
                {"merchant_uid": format!("{pb}renew_1"), "schedule_at": in_a_month(), "amount": 9900, "name": "정기결제"}]})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (200, Some(0)),
        "B schedules on its own key: {body}"
    );
    // B's own reads put its payment in the relay's table (fresh for a minute in one variant).
    for path in [
        format!("/payments/{b_imp}"),
        format!("/payments?merchant_uid[]={b_order}"),
    ] {
        let (status, _) = env.relay(&b_token, Method::GET, &path, None).await;
        assert_eq!(status, 200, "B reads {path}");
    }
    // B's bank transfers: one with B's cash receipt, one without any yet.
    let b_cash_imp = crate::receipts::paid_transfer(&env, &format!("{pb}order_cash")).await;
    let b_cash2_imp = crate::receipts::paid_transfer(&env, &format!("{pb}order_cash2")).await;
    let receipt_body = json!({"identifier": "01012345678", "type": "person"});
    let (status, body) = env
        .relay(
            &b_token,
            Method::POST,
            &format!("/receipts/{b_cash_imp}"),
            Some(receipt_body.clone()),
        )
        .await;
    assert_eq!(status, 200, "B issues its own cash receipt: {body}");
    let a_token = env.token(&a).await;
    let iamport_token = env.sandbox_token().await;
    let ghost_imp = "imp_000000000001".to_owned();
    let ghost_customer = format!("{pa}ghost_cust");

    let cases = vec![
        Case {
            name: "lookup by imp_uid",
            method: Method::GET,
            attack: (format!("/payments/{b_imp}"), None),
            nonexistent: (format!("/payments/{ghost_imp}"), None),
        },
        Case {
            name: "find by merchant_uid",
            method: Method::GET,
            attack: (format!("/payments/find/{b_order}"), None),
            nonexistent: (format!("/payments/find/{pa}ghost_order"), None),
        },
        Case {
            name: "find by merchant_uid and status",
            method: Method::GET,
            attack: (format!("/payments/find/{b_order}/paid"), None),
            nonexistent: (format!("/payments/find/{pa}ghost_order/paid"), None),
        },
        Case {
            name: "batch lookup",
            method: Method::GET,
            attack: (
                format!("/payments?imp_uid[]={b_imp}&merchant_uid[]={b_order}"),
                None,
            ),
            nonexistent: (
                format!("/payments?imp_uid[]={ghost_imp}&merchant_uid[]={pa}ghost_order"),
                None,
            ),
        },
        Case {
            name: "cancel by imp_uid",
            method: Method::POST,
            attack: (
                "/payments/cancel".into(),
                Some(json!({"imp_uid": b_imp, "checksum": 9900, "reason": "x"})),
            ),
            nonexistent: (
                "/payments/cancel".into(),
                Some(json!({"imp_uid": ghost_imp, "checksum": 9900, "reason": "x"})),
            ),
        },
        Case {
            name: "cancel by merchant_uid",
            method: Method::POST,
            attack: (
                "/payments/cancel".into(),
                Some(json!({"merchant_uid": b_order, "reason": "x"})),
            ),
            nonexistent: (
                "/payments/cancel".into(),
                Some(json!({"merchant_uid": format!("{pa}ghost_order"), "reason": "x"})),
            ),
        },
        Case {
            name: "again on B's billing key",
            method: Method::POST,
            attack: (
                "/subscribe/payments/again".into(),
                Some(json!({"customer_uid": b_customer,
                "merchant_uid": format!("{pa}renew_x"), "amount": 9900, "name": "정기결제"})),
            ),
            nonexistent: (
                "/subscribe/payments/again".into(),
                Some(json!({"customer_uid": ghost_customer,
                "merchant_uid": format!("{pa}renew_y"), "amount": 9900, "name": "정기결제"})),
            ),
        },
        Case {
            name: "schedule on B's billing key",
            method: Method::POST,
            attack: (
                "/subscribe/payments/schedule".into(),
                Some(json!({"customer_uid": b_customer, "schedules": [
                {"merchant_uid": format!("{pa}renew_z"), "schedule_at": in_a_month(), "amount": 9900, "name": "정기결제"}]})),
            ),
            nonexistent: (
                "/subscribe/payments/schedule".into(),
                Some(json!({"customer_uid": ghost_customer, "schedules": [
                {"merchant_uid": format!("{pa}renew_w"), "schedule_at": in_a_month(), "amount": 9900, "name": "정기결제"}]})),
            ),
        },
        Case {
            name: "unschedule B's schedule",
            method: Method::POST,
            attack: (
                "/subscribe/payments/unschedule".into(),
                Some(json!({"customer_uid": b_customer,
                "merchant_uid": [format!("{pb}renew_1")]})),
            ),
            nonexistent: (
                "/subscribe/payments/unschedule".into(),
                Some(json!({"customer_uid": ghost_customer,
                "merchant_uid": [format!("{pa}renew_v")]})),
            ),
        },
        Case {
            name: "schedule lookup",
            method: Method::GET,
            attack: (format!("/subscribe/payments/schedule/{pb}renew_1"), None),
            nonexistent: (
                format!("/subscribe/payments/schedule/{pa}ghost_renew"),
                None,
            ),
        },
        Case {
            name: "billing key lookup",
            method: Method::GET,
            attack: (format!("/subscribe/customers/{b_customer}"), None),
            nonexistent: (format!("/subscribe/customers/{b_customer}_ghost"), None),
        },
        Case {
            name: "cash receipt lookup",
            method: Method::GET,
            attack: (format!("/receipts/{b_cash_imp}"), None),
            nonexistent: (format!("/receipts/{ghost_imp}"), None),
        },
        Case {
            name: "cash receipt issue",
            method: Method::POST,
            attack: (
                format!("/receipts/{b_cash2_imp}"),
                Some(receipt_body.clone()),
            ),
            nonexistent: (format!("/receipts/{ghost_imp}"), Some(receipt_body.clone())),
        },
        Case {
            name: "cash receipt cancel",
            method: Method::DELETE,
            attack: (format!("/receipts/{b_cash_imp}"), None),
            nonexistent: (format!("/receipts/{ghost_imp}"), None),
        },
        Case {
            name: "billing key deletion",
            method: Method::DELETE,
            attack: (format!("/subscribe/customers/{b_customer}"), None),
            nonexistent: (format!("/subscribe/customers/{b_customer}_ghost"), None),
        },
    ];

    for case in &cases {
        let got = env
            .relay(
                &a_token,
                case.method.clone(),
                &case.attack.0,
                case.attack.1.clone(),
            )
            .await;
        let want = env
            .iamport(
                &iamport_token,
                case.method.clone(),
                &case.nonexistent.0,
                case.nonexistent.1.clone(),
            )
            .await;
        // Iamport names the customer_uid in its message; compare with B's uid put back.
        let want_body = serde_json::to_string(&want.1)
            .unwrap_or_default()
            .replace(&format!("{b_customer}_ghost"), &b_customer);
        assert_eq!(
            got.0, want.0,
            "{}: the HTTP status Iamport gives a nonexistent object ({})",
            case.name, got.1
        );
        assert_eq!(
            serde_json::to_string(&got.1).unwrap_or_default(),
            want_body,
            "{}: the body Iamport gives a nonexistent object",
            case.name
        );
    }

    // Nothing changed at Iamport.
    let held = env.upstream_payment(&b_imp).await;
    assert_eq!(held["cancel_amount"], 0, "B's payment was not cancelled");
    assert_eq!(held["status"], "paid", "B's payment is still paid");
    let (status, schedule) = env
        .iamport(
            &iamport_token,
            Method::GET,
            &format!("/subscribe/payments/schedule/{pb}renew_1"),
            None,
        )
        .await;
    assert_eq!(
        (status, schedule["response"]["schedule_status"].as_str()),
        (200, Some("scheduled")),
        "B's schedule still waits"
    );
    for m in ["renew_x", "renew_z"] {
        let (status, _) = env
            .iamport(
                &iamport_token,
                Method::GET,
                &format!("/payments/find/{pa}{m}"),
                None,
            )
            .await;
        assert_eq!(status, 404, "no charge {m} was made on B's key");
        let (status, _) = env
            .iamport(
                &iamport_token,
                Method::GET,
                &format!("/subscribe/payments/schedule/{pa}{m}"),
                None,
            )
            .await;
        assert_eq!(status, 404, "no schedule {m} was registered on B's key");
    }
    let (status, _) = env
        .iamport(
            &iamport_token,
            Method::GET,
            &format!("/subscribe/customers/{b_customer}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "B's billing key still exists");
    let (status, receipt) = env
        .iamport(
            &iamport_token,
            Method::GET,
            &format!("/receipts/{b_cash_imp}"),
            None,
        )
        .await;
    assert_eq!(
        (status, receipt["response"]["cancelled_at"].as_i64()),
        (200, Some(0)),
        "B's cash receipt still stands: {receipt}"
    );
    let (status, _) = env
        .iamport(
            &iamport_token,
            Method::GET,
            &format!("/receipts/{b_cash2_imp}"),
            None,
        )
        .await;
    assert_eq!(
        status, 404,
        "no cash receipt was issued on B's other payment"
    );

    // The control: B itself can do what A could not.
    for (method, path, body) in [
        (Method::GET, format!("/payments/{b_imp}"), None),
        (Method::GET, format!("/payments/find/{b_order}"), None),
        (Method::GET, format!("/payments?imp_uid[]={b_imp}"), None),
        (
            Method::GET,
            format!("/subscribe/customers/{b_customer}"),
            None,
        ),
        (
            Method::GET,
            format!("/subscribe/payments/schedule/{pb}renew_1"),
            None,
        ),
        (Method::GET, format!("/receipts/{b_cash_imp}"), None),
        (
            Method::POST,
            format!("/receipts/{b_cash2_imp}"),
            Some(receipt_body.clone()),
        ),
        (
            Method::POST,
            "/payments/cancel".into(),
            Some(json!({"imp_uid": b_imp, "checksum": 9900, "reason": "B"})),
        ),
    ] {
        let (status, got) = env.relay(&b_token, method.clone(), &path, body).await;
        assert_eq!(
            (status, got["code"].as_i64()),
            (200, Some(0)),
            "B may {method} {path}: {got}"
        );
    }
}

#[tokio::test]
async fn another_stores_payments_never_appear_in_a_stores_feed() {
    let env = Env::start().await;
    let a = env.add_store("A").await;
    let b = env.add_store("B").await;
    let a_imp = env.paid(&format!("{}order_1", a.prefix), 1000).await;
    let b_imp = env.paid(&format!("{}order_1", b.prefix), 2000).await;
    let feed = |token: String| {
        let env = &env;
        async move {
            let (status, body) = env
                .relay(
                    &token,
                    Method::GET,
                    "/payments/status/all?sorting=updated&limit=100",
                    None,
                )
                .await;
            assert_eq!(status, 200, "feed: {body}");
            body["response"]["list"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|p| p["imp_uid"].as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    };
    let (ta, tb) = (env.token(&a).await, env.token(&b).await);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (mut seen_a, mut seen_b) = (feed(ta.clone()).await, feed(tb.clone()).await);
    while (seen_a.is_empty() || seen_b.is_empty()) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        (seen_a, seen_b) = (feed(ta.clone()).await, feed(tb.clone()).await);
    }
    assert_eq!(
        seen_a,
        vec![a_imp],
        "A's feed holds A's payment and nothing else"
    );
    assert_eq!(
        seen_b,
        vec![b_imp],
        "B's feed holds B's payment and nothing else"
    );
}
