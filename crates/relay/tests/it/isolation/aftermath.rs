//! After the attacks: nothing changed at Iamport (no payment cancelled, no charge or schedule
//! made on B's key, no receipt issued or cancelled), and the control: B itself can do what A
//! could not.

use reqwest::Method;
use serde_json::json;

use super::victim::Victim;
use crate::support::Env;

/// Checks at Iamport itself that none of the attacks of the store with uid prefix `pa` changed
/// `victim`'s objects.
pub(super) async fn nothing_changed_at_iamport(
    env: &Env,
    iamport_token: &str,
    pa: &str,
    victim: &Victim,
) {
    let (pb, b_imp, b_customer) = (&victim.pb, &victim.b_imp, &victim.b_customer);
    let (b_cash_imp, b_cash2_imp) = (&victim.b_cash_imp, &victim.b_cash2_imp);
    let held = env.upstream_payment(b_imp).await;
    assert_eq!(held["cancel_amount"], 0, "B's payment was not cancelled");
    assert_eq!(held["status"], "paid", "B's payment is still paid");
    let (status, schedule) = env
        .iamport(
            iamport_token,
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
                iamport_token,
                Method::GET,
                &format!("/payments/find/{pa}{m}"),
                None,
            )
            .await;
        assert_eq!(status, 404, "no charge {m} was made on B's key");
        let (status, _) = env
            .iamport(
                iamport_token,
                Method::GET,
                &format!("/subscribe/payments/schedule/{pa}{m}"),
                None,
            )
            .await;
        assert_eq!(status, 404, "no schedule {m} was registered on B's key");
    }
    let (status, _) = env
        .iamport(
            iamport_token,
            Method::GET,
            &format!("/subscribe/customers/{b_customer}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "B's billing key still exists");
    let (status, receipt) = env
        .iamport(
            iamport_token,
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
            iamport_token,
            Method::GET,
            &format!("/receipts/{b_cash2_imp}"),
            None,
        )
        .await;
    assert_eq!(
        status, 404,
        "no cash receipt was issued on B's other payment"
    );
}

/// The control: `victim` itself reads, issues and cancels what the attacks could not.
pub(super) async fn b_itself_can_do_it(env: &Env, victim: &Victim) {
    let (pb, b_token, b_order) = (&victim.pb, &victim.b_token, &victim.b_order);
    let (b_imp, b_customer) = (&victim.b_imp, &victim.b_customer);
    let (b_cash_imp, b_cash2_imp) = (&victim.b_cash_imp, &victim.b_cash2_imp);
    let receipt_body = &victim.receipt_body;
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
        let (status, got) = env.relay(b_token, method.clone(), &path, body).await;
        assert_eq!(
            (status, got["code"].as_i64()),
            (200, Some(0)),
            "B may {method} {path}: {got}"
        );
    }
}
