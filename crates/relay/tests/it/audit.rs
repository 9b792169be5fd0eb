//! Every forwarded write is audited, and a write whose outcome is unknown is looked up before
//! it is ever sent again.

use iamport::AgainRequest;
use reqwest::Method;
use serde_json::json;

use crate::support::Env;

fn again(customer_uid: &str, merchant_uid: &str) -> AgainRequest {
    AgainRequest {
        customer_uid: customer_uid.into(),
        merchant_uid: merchant_uid.into(),
        amount: 9900,
        name: "정기결제 1개월".into(),
        ..AgainRequest::default()
    }
}

#[tokio::test]
async fn a_charge_whose_answer_was_lost_is_looked_up_not_charged_again() {
    let (env, proxy) = Env::start_behind_proxy().await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    let merchant_uid = format!("{}renew_01", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    // The relay's own Iamport token is fetched before replies start getting lost.
    let _ = client.find_payment(&merchant_uid, None).await;

    proxy.lose_replies(true);
    let first = client.again(&again(&customer, &merchant_uid)).await;
    proxy.lose_replies(false);
    assert!(
        first
            .as_ref()
            .is_err_and(iamport::Error::is_outcome_unknown),
        "the store is told the outcome is unknown, not that it failed: {first:?}"
    );
    assert_eq!(
        env.upstream_count("POST /subscribe/payments/again").await,
        1,
        "the charge reached Iamport"
    );

    let second = client
        .again(&again(&customer, &merchant_uid))
        .await
        .expect("the retry succeeds");
    assert!(
        second.is_paid(),
        "the retry answers with the charge that happened: {second:?}"
    );
    assert_eq!(
        env.upstream_count("POST /subscribe/payments/again").await,
        1,
        "the retry was answered by a lookup: the card was charged once"
    );
    assert!(
        env.upstream_count("GET /payments/find/{merchant_uid}")
            .await
            >= 1,
        "the relay looked the charge up"
    );
    let outcomes: Vec<String> = env
        .sql(
            "SELECT o.outcome FROM audit a JOIN audit_outcomes o ON o.audit_id = a.id \
              WHERE a.operation = 'again' ORDER BY o.id",
        )
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        outcomes,
        ["unknown", "applied"],
        "the audit tells the story"
    );
}

#[tokio::test]
async fn a_charge_that_never_arrived_is_looked_up_then_sent_once_more() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    let merchant_uid = format!("{}renew_02", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    let _ = client.find_payment(&merchant_uid, None).await;

    env.control("/__sandbox/faults", json!({"drop_rate": 1.0}))
        .await;
    let first = client.again(&again(&customer, &merchant_uid)).await;
    env.control("/__sandbox/faults", json!({})).await;
    assert!(
        first.is_err_and(|e| e.is_outcome_unknown()),
        "a dropped reply is an unknown outcome"
    );

    let finds_before = env
        .upstream_count("GET /payments/find/{merchant_uid}")
        .await;
    let second = client
        .again(&again(&customer, &merchant_uid))
        .await
        .expect("the retry charges");
    assert!(second.is_paid(), "charged on the retry");
    assert_eq!(
        env.upstream_count("GET /payments/find/{merchant_uid}")
            .await,
        finds_before + 1,
        "looked up before sending again"
    );
    let token = env.sandbox_token().await;
    let (_, all) = env
        .iamport(
            &token,
            Method::GET,
            &format!("/payments/findAll/{merchant_uid}"),
            None,
        )
        .await;
    assert_eq!(
        all["response"]["list"].as_array().map(Vec::len),
        Some(1),
        "exactly one charge exists: {all}"
    );
}

#[tokio::test]
async fn every_forwarded_write_is_in_the_audit_and_the_audit_cannot_be_rewritten() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let imp_uid = env.paid(&format!("{}order_1", store.prefix), 9900).await;
    let token = env.token(&store).await;
    let (status, body) = env
        .relay(&token, Method::POST, "/payments/cancel", Some(json!({"imp_uid": imp_uid, "amount": 1000, "checksum": 9900, "reason": "고객 요청"})))
        .await;
    assert_eq!(
        (status, body["code"].as_i64()),
        (200, Some(0)),
        "partial refund: {body}"
    );
    let rows = env
        .sql(
            "SELECT a.operation, a.target, a.request::text, o.outcome, o.reply::text \
              FROM audit a JOIN audit_outcomes o ON o.audit_id = a.id",
        )
        .await;
    assert_eq!(rows.len(), 1, "one write, one audit row with its outcome");
    let (op, target, request, outcome, reply): (String, String, String, String, String) = (
        rows[0].get(0),
        rows[0].get(1),
        rows[0].get(2),
        rows[0].get(3),
        rows[0].get(4),
    );
    assert_eq!(op, "cancel", "the operation");
    assert!(
        target.starts_with(&imp_uid),
        "the target is the payment: {target}"
    );
    assert!(
        request.contains("\"checksum\": 9900"),
        "the request as forwarded, checksum included: {request}"
    );
    assert_eq!(outcome, "answered", "Iamport answered");
    assert!(
        reply.contains("\"cancel_amount\": 1000"),
        "Iamport's answer is kept: {reply}"
    );

    for statement in [
        "UPDATE audit SET target = 'x'",
        "DELETE FROM audit_outcomes",
        "DELETE FROM audit",
    ] {
        let (client, conn) = tokio_postgres::connect(&env.db_url, tokio_postgres::NoTls)
            .await
            .expect("db");
        tokio::spawn(conn);
        let refused = client.execute(statement, &[]).await;
        assert!(
            refused.is_err(),
            "{statement} is refused: the audit is append-only"
        );
    }
}

#[tokio::test]
async fn a_refund_whose_answer_was_lost_is_looked_up_not_refunded_again() {
    let (env, proxy) = Env::start_behind_proxy().await;
    let store = env.add_store("A").await;
    let imp_uid = env.paid(&format!("{}order_1", store.prefix), 9900).await;
    let client = env.store_client(&store);
    let _ = client
        .payment(&imp_uid)
        .await
        .expect("the relay and its Iamport token are warm");
    let refund = iamport::CancelRequest {
        imp_uid: Some(imp_uid.clone()),
        amount: Some(3000),
        checksum: Some(9900),
        reason: Some("고객 요청".into()),
        ..iamport::CancelRequest::default()
    };

    proxy.lose_replies(true);
    let first = client.cancel(&refund).await;
    proxy.lose_replies(false);
    assert!(
        first.is_err_and(|e| e.is_outcome_unknown()),
        "the store is told the outcome is unknown"
    );
    assert_eq!(
        env.upstream_payment(&imp_uid).await["cancel_amount"],
        3000,
        "the refund happened at Iamport"
    );

    let second = client.cancel(&refund).await.expect("the retry answers");
    assert_eq!(
        second.cancel_amount, 3000,
        "the retry answers with the refund that happened"
    );
    assert_eq!(
        env.upstream_count("POST /payments/cancel").await,
        1,
        "refunded once, not twice"
    );
    assert_eq!(
        env.upstream_payment(&imp_uid).await["cancel_amount"],
        3000,
        "3,000원 refunded in all"
    );

    let again = iamport::CancelRequest {
        checksum: Some(6900),
        ..refund
    };
    let third = client
        .cancel(&again)
        .await
        .expect("a second, deliberate partial refund");
    assert_eq!(
        third.cancel_amount, 6000,
        "a new refund (new checksum) is a new write and is sent"
    );
}

#[tokio::test]
async fn a_schedule_whose_answer_was_lost_is_looked_up_not_registered_again() {
    let (env, proxy) = Env::start_behind_proxy().await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    let _ = client.billing_key(&customer).await.expect("warm");
    let req = iamport::ScheduleRequest {
        customer_uid: customer.clone(),
        schedules: vec![iamport::ScheduleItem {
            merchant_uid: format!("{}renew_02", store.prefix),
            schedule_at: crate::support::in_a_month(),
            amount: 9900,
            name: "정기결제 2개월째".into(),
            ..iamport::ScheduleItem::default()
        }],
    };
    proxy.lose_replies(true);
    let first = client.schedule(&req).await;
    proxy.lose_replies(false);
    assert!(
        first.is_err_and(|e| e.is_outcome_unknown()),
        "unknown outcome"
    );
    let second = client.schedule(&req).await.expect("the retry answers");
    assert_eq!(
        second.len(),
        1,
        "the schedule that was registered: {second:?}"
    );
    assert_eq!(
        env.upstream_count("POST /subscribe/payments/schedule")
            .await,
        1,
        "registered once; the retry was a lookup"
    );
}

#[tokio::test]
async fn a_retry_at_another_instance_is_looked_up_too() {
    let (env, proxy) = Env::start_behind_proxy().await;
    let second =
        panmusic_relay::Relay::start(crate::support::config(&env.db_url, &proxy.base_url()))
            .await
            .expect("a second instance on the same database");
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    let merchant_uid = format!("{}renew_03", store.prefix);
    env.billing_key(&customer).await;
    let via_first = env.store_client(&store);
    let via_second = iamport::Client::new(iamport::Config::new(
        second.base_url(),
        &store.key,
        &store.secret,
    ))
    .expect("client");
    let _ = via_first.find_payment(&merchant_uid, None).await;

    proxy.lose_replies(true);
    let first = via_first.again(&again(&customer, &merchant_uid)).await;
    proxy.lose_replies(false);
    assert!(
        first.is_err_and(|e| e.is_outcome_unknown()),
        "unknown at the first instance"
    );

    let retry = via_second
        .again(&again(&customer, &merchant_uid))
        .await
        .expect("the retry answers");
    assert!(
        retry.is_paid(),
        "the second instance answers with the charge that happened"
    );
    assert_eq!(
        env.upstream_count("POST /subscribe/payments/again").await,
        1,
        "the second instance knew from PostgreSQL to look it up: charged once"
    );
    second.shutdown().await.expect("stops");
}

#[tokio::test]
async fn status_counts_writes_whose_outcome_is_still_unknown() {
    let (env, proxy) = Env::start_behind_proxy().await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    let _ = client.billing_key(&customer).await;
    let status = || async {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_panmusic-relay"))
            .args(["status", "--json", "--database-url", &env.db_url])
            .output()
            .expect("status runs");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("status JSON")
    };
    assert_eq!(
        status().await["writes_of_unknown_outcome"],
        0,
        "none before"
    );
    proxy.lose_replies(true);
    let lost = client
        .again(&again(&customer, &format!("{}renew_04", store.prefix)))
        .await;
    proxy.lose_replies(false);
    assert!(lost.is_err(), "the answer was lost");
    let now = status().await;
    assert_eq!(
        now["writes_of_unknown_outcome"], 1,
        "the operator sees it: {now}"
    );
    assert_eq!(now["stores"], 1, "one store: {now}");
}
