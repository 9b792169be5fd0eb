//! A write whose outcome is unknown is settled by a look-up at Iamport in the background,
//! without waiting for the store to send it again: the audit gains what Iamport says (its
//! history is kept), and the operator's count of unknown writes goes back to zero.

use std::time::{Duration, Instant};

use iamport::AgainRequest;
use serde_json::{json, Value};

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

/// The outcomes recorded for `again` writes, oldest first, with their replies.
async fn outcomes(env: &Env) -> Vec<(String, Option<Value>)> {
    env.sql(
        "SELECT o.outcome, o.reply FROM audit a JOIN audit_outcomes o ON o.audit_id = a.id \
          WHERE a.operation = 'again' ORDER BY o.id",
    )
    .await
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// Waits up to 20 s for the `again` write to have two outcomes recorded.
async fn settled(env: &Env) -> Vec<(String, Option<Value>)> {
    let started = Instant::now();
    loop {
        let now = outcomes(env).await;
        if now.len() >= 2 || started.elapsed() > Duration::from_secs(20) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn unknown_writes(env: &Env) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_panmusic-relay"))
        .args(["status", "--json", "--database-url", &env.db_url])
        .output()
        .expect("status runs");
    let status: Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    status["writes_of_unknown_outcome"].clone()
}

#[tokio::test]
async fn a_charge_whose_answer_was_lost_is_settled_as_applied_without_a_retry() {
    let (env, proxy) =
        Env::start_behind_proxy_with(|c| c.settle_after = Duration::from_secs(1)).await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    let merchant_uid = format!("{}renew_01", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    // The relay's own Iamport token is fetched before replies start getting lost.
    let _ = client.find_payment(&merchant_uid, None).await;

    proxy.lose_replies(true);
    let lost = client.again(&again(&customer, &merchant_uid)).await;
    proxy.lose_replies(false);
    assert!(
        lost.is_err_and(|e| e.is_outcome_unknown()),
        "the store is told the outcome is unknown"
    );

    // The store never sends it again.
    let recorded = settled(&env).await;
    let kinds: Vec<&str> = recorded.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(
        kinds,
        ["unknown", "applied"],
        "the audit keeps the unknown outcome and adds what Iamport says: {recorded:?}"
    );
    let reply = recorded[1].1.clone().unwrap_or_default();
    assert_eq!(
        (
            reply["code"].clone(),
            reply["response"]["merchant_uid"].clone(),
            reply["response"]["status"].clone()
        ),
        (json!(0), json!(merchant_uid), json!("paid")),
        "Iamport's answer is recorded: {reply}"
    );
    assert_eq!(unknown_writes(&env), 0, "the operator no longer counts it");
    assert_eq!(
        env.upstream_count("POST /subscribe/payments/again").await,
        1,
        "settling looked the charge up; it never sent it again"
    );
}

#[tokio::test]
async fn a_charge_that_never_arrived_is_settled_as_not_applied_and_not_sent() {
    let env = Env::start_with(|c| c.settle_after = Duration::from_secs(1)).await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    let merchant_uid = format!("{}renew_02", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    let _ = client.find_payment(&merchant_uid, None).await;

    env.control("/__sandbox/faults", json!({"drop_rate": 1.0}))
        .await;
    let lost = client.again(&again(&customer, &merchant_uid)).await;
    env.control("/__sandbox/faults", json!({})).await;
    assert!(
        lost.is_err_and(|e| e.is_outcome_unknown()),
        "a dropped reply is an unknown outcome"
    );

    let recorded = settled(&env).await;
    let kinds: Vec<&str> = recorded.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(
        kinds,
        ["unknown", "not_applied"],
        "Iamport has no such charge, and the audit says so: {recorded:?}"
    );
    assert_eq!(unknown_writes(&env), 0, "the operator no longer counts it");
    let token = env.sandbox_token().await;
    let (_, all) = env
        .iamport(
            &token,
            reqwest::Method::GET,
            &format!("/payments/findAll/{merchant_uid}"),
            None,
        )
        .await;
    assert_eq!(
        all["response"]["list"].as_array().map_or(0, Vec::len),
        0,
        "settling never charges: {all}"
    );
}
