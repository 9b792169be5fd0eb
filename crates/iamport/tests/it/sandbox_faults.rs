//! The sandbox's fault injection (`POST /__sandbox/faults`) seen through the client's errors.

use std::time::Duration;

use iamport::Error;
use serde_json::json;

use crate::sandbox::{charge, Env};

#[tokio::test]
async fn held_again_reply_is_outcome_unknown() {
    let env = Env::start().await;
    env.control("customers/store_fault", json!({})).await;
    // The token request must succeed under this timeout, so it is generous for a busy CI
    // machine; the held reply (minutes) still outlasts it.
    let client = env.client_with_timeout(Duration::from_secs(3));
    client
        .check_credentials()
        .await
        .expect("token before the fault");
    env.control("faults", json!({"timeout_rate": 1.0})).await;
    let err = client
        .again(&charge("store_fault", "renew_fault_1"))
        .await
        .expect_err("no answer");
    assert!(err.is_outcome_unknown(), "got {err:?}");
    env.control("faults", json!({})).await;
    env.stop().await;
}

#[tokio::test]
async fn dropped_connection_is_outcome_unknown_for_a_charge_and_retryable_for_a_lookup() {
    let env = Env::start().await;
    env.control("customers/store_drop", json!({})).await;
    let imp_uid = env.paid("order_drop", 1_000).await;
    env.client.check_credentials().await.expect("token");
    env.control("faults", json!({"drop_rate": 1.0})).await;
    let err = env
        .client
        .again(&charge("store_drop", "renew_drop_1"))
        .await
        .expect_err("connection dropped");
    assert!(err.is_outcome_unknown(), "charge: {err:?}");
    let err = env.client.payment(&imp_uid).await.expect_err("dropped");
    assert!(
        matches!(err, Error::Transport { .. }) && err.is_retryable(),
        "lookup: {err:?}"
    );
    env.control("faults", json!({})).await;
    env.stop().await;
}

#[tokio::test]
async fn injected_server_errors_are_retryable() {
    let env = Env::start().await;
    let imp_uid = env.paid("order_503", 1_000).await;
    env.client.check_credentials().await.expect("token");
    env.control("faults", json!({"error_rate": 1.0})).await;
    let err = env.client.payment(&imp_uid).await.expect_err("5xx");
    assert!(
        matches!(err, Error::Server { .. }) && err.is_retryable(),
        "got {err:?}"
    );
    env.control("faults", json!({})).await;
    let p = env.client.payment(&imp_uid).await.expect("healed");
    assert_eq!(p.amount, 1_000, "same payment after the fault");
    env.stop().await;
}
