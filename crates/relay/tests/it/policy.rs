//! Per-store refund policy, enforced before anything is sent; and the refund checksum, which the
//! relay forwards for Iamport to enforce.

use panmusic_relay::db::stores;
use panmusic_relay::policy::RefundPolicy;
use reqwest::Method;
use serde_json::json;

use crate::support::Env;

async fn set_policy(env: &Env, name: &str, policy: RefundPolicy) {
    let (client, conn) = tokio_postgres::connect(&env.db_url, tokio_postgres::NoTls)
        .await
        .expect("db");
    tokio::spawn(conn);
    stores::set_policy(&client, name, None, policy)
        .await
        .expect("policy set");
}

#[tokio::test]
async fn a_store_limited_to_one_refund_a_day_gets_one() {
    let env = Env::start().await;
    let s = env.add_store("A").await;
    set_policy(
        &env,
        "A",
        RefundPolicy {
            window_days: None,
            per_day: Some(1),
        },
    )
    .await;
    let first = env.paid(&format!("{}order_1", s.prefix), 9900).await;
    let second = env.paid(&format!("{}order_2", s.prefix), 9900).await;
    let token = env.token(&s).await;
    let cancel = |imp: &str| json!({"imp_uid": imp, "checksum": 9900, "reason": "고객 요청"});
    let (status, body) = env
        .relay(
            &token,
            Method::POST,
            "/payments/cancel",
            Some(cancel(&first)),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (200, Some(0)),
        "the first refund goes through: {body}"
    );
    let (status, body) = env
        .relay(
            &token,
            Method::POST,
            "/payments/cancel",
            Some(cancel(&second)),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (200, Some(1)),
        "the second is refused like an Iamport refusal: {body}"
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("하루 1건")),
        "the message says why: {body}"
    );
    assert_eq!(
        env.upstream_count("POST /payments/cancel").await,
        1,
        "the refused refund never reached Iamport"
    );
    assert_eq!(
        env.upstream_payment(&second).await["cancel_amount"],
        0,
        "the second payment is untouched"
    );
}

#[tokio::test]
async fn refunds_past_the_window_are_refused_by_iamports_clock() {
    let env = Env::start().await;
    let s = env.add_store("A").await;
    set_policy(
        &env,
        "A",
        RefundPolicy {
            window_days: Some(30),
            per_day: None,
        },
    )
    .await;
    let old = env.paid(&format!("{}order_old", s.prefix), 9900).await;
    env.control("/__sandbox/clock", json!({"advance": 31 * 86_400}))
        .await;
    env.relay.sync_clock().await;
    let recent = env.paid(&format!("{}order_new", s.prefix), 9900).await;
    let token = env.token(&s).await;
    let cancel = |imp: &str| json!({"imp_uid": imp, "checksum": 9900, "reason": "고객 요청"});

    let (status, body) = env
        .relay(&token, Method::POST, "/payments/cancel", Some(cancel(&old)))
        .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (200, Some(1)),
        "31 days after payment: refused: {body}"
    );
    assert_eq!(
        env.upstream_payment(&old).await["cancel_amount"],
        0,
        "the old payment is untouched"
    );
    let (status, body) = env
        .relay(
            &token,
            Method::POST,
            "/payments/cancel",
            Some(cancel(&recent)),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (200, Some(0)),
        "a payment of today: refunded: {body}"
    );
}

#[tokio::test]
async fn a_refund_checksum_reaches_iamport_so_a_stale_one_refunds_nothing() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let imp_uid = env.paid(&format!("{}order_9", store.prefix), 9900).await;
    let client = env.store_client(&store);
    let refund = |checksum: i64| iamport::CancelRequest {
        imp_uid: Some(imp_uid.clone()),
        amount: Some(3000),
        checksum: Some(checksum),
        reason: Some("고객 요청".into()),
        ..iamport::CancelRequest::default()
    };

    // The store believes 5,000원 is refundable; Iamport knows 9,900원 is.
    let stale = client.cancel(&refund(5000)).await;
    assert!(
        stale.is_err(),
        "Iamport refuses a stale checksum: {stale:?}"
    );
    assert_eq!(
        env.upstream_payment(&imp_uid).await["cancel_amount"],
        0,
        "nothing was refunded: the relay forwarded the checksum"
    );

    let current = client.cancel(&refund(9900)).await;
    assert!(current.is_ok(), "the current checksum refunds: {current:?}");
    assert_eq!(
        env.upstream_payment(&imp_uid).await["cancel_amount"],
        3000,
        "refunded once, as asked"
    );
}
