//! The control API: stats, faults, reset, clock.

use crate::support::{assert_error, assert_ok, Env};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn stats_count_rest_calls_by_route_template() {
    let env = Env::start().await;
    let p = env.paid("order_st", 100).await;
    let imp = p["imp_uid"].as_str().unwrap_or("");
    for _ in 0..3 {
        env.get(&format!("/payments/{imp}")).await;
    }
    env.get("/payments/find/order_st").await;
    let (status, body) = env.get_anon("/__sandbox/stats").await;
    let stats = assert_ok(status, &body, "stats");
    assert_eq!(
        stats["by_route"]["GET /payments/{imp_uid}"], 3,
        "lookups by template"
    );
    assert_eq!(
        stats["by_route"]["GET /payments/find/{merchant_uid}"], 1,
        "find by template"
    );
    assert_eq!(
        stats["by_route"]["POST /users/getToken"], 1,
        "the token call"
    );
    assert_eq!(stats["tokens_issued"], 1, "one token minted");
    assert_eq!(stats["total"], 5, "control calls are not counted");
}

#[tokio::test]
async fn error_fault_answers_5xx_with_an_envelope_and_spares_the_control_api() {
    let env = Env::start().await;
    env.control("/__sandbox/faults", json!({"error_rate": 1.0, "seed": 1}))
        .await;
    let (status, body) = env.get("/payments/status/all").await;
    assert!(status.is_server_error(), "5xx under error faults: {status}");
    assert_eq!(body["code"], -1, "still an envelope: {body}");
    env.paid("order_fault", 100).await;
    env.control("/__sandbox/faults", json!({})).await;
    let (status, _) = env.get("/payments/status/all").await;
    assert_eq!(status, StatusCode::OK, "{{}} turns faults off");
}

#[tokio::test]
async fn timeout_fault_holds_the_reply_until_the_client_gives_up() {
    let env = Env::start().await;
    env.control("/__sandbox/faults", json!({"timeout_rate": 1.0}))
        .await;
    let started = Instant::now();
    let err = env
        .http
        .get(env.url("/payments/status/all"))
        .header("Authorization", env.token())
        .timeout(Duration::from_millis(400))
        .send()
        .await
        .expect_err("no reply before the client timeout");
    assert!(err.is_timeout(), "the client saw a timeout: {err}");
    assert!(
        started.elapsed() >= Duration::from_millis(390),
        "held for the client's whole timeout"
    );
}

#[tokio::test]
async fn drop_fault_closes_the_connection_mid_reply() {
    let env = Env::start().await;
    env.control("/__sandbox/faults", json!({"drop_rate": 1.0}))
        .await;
    let result = async {
        let resp = env
            .http
            .get(env.url("/payments/status/all"))
            .header("Authorization", env.token())
            .send()
            .await?;
        resp.bytes().await
    }
    .await;
    let err = result.expect_err("the reply is cut");
    assert!(!err.is_timeout(), "a cut connection, not a timeout: {err}");
}

#[tokio::test]
async fn faults_with_the_same_seed_repeat_the_same_sequence() {
    let env = Env::start().await;
    let mut runs = Vec::new();
    for _ in 0..2 {
        env.control("/__sandbox/faults", json!({"error_rate": 0.5, "seed": 42}))
            .await;
        let mut seen = Vec::new();
        for _ in 0..20 {
            let (status, _) = env.get("/payments/status/all").await;
            seen.push(status.as_u16());
        }
        runs.push(seen);
    }
    assert_eq!(runs[0], runs[1], "same seed, same faults");
    assert!(
        runs[0].contains(&200) && runs[0].iter().any(|s| *s >= 500),
        "a mix at rate 0.5: {:?}",
        runs[0]
    );
}

#[tokio::test]
async fn latency_delays_every_rest_reply() {
    let env = Env::start().await;
    env.control("/__sandbox/faults", json!({"latency_ms": 200}))
        .await;
    let started = Instant::now();
    env.get("/payments/status/all").await;
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "latency applied"
    );
}

#[tokio::test]
async fn faults_refuse_rates_outside_0_to_1() {
    let env = Env::start().await;
    let (status, body) = env
        .post_anon("/__sandbox/faults", json!({"error_rate": 2}))
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "rate 2");
}

#[tokio::test]
async fn reset_empties_state_counters_and_faults() {
    let env = Env::start().await;
    let p = env.paid("order_reset", 100).await;
    env.control("/__sandbox/faults", json!({"error_rate": 1.0}))
        .await;
    env.control("/__sandbox/reset", json!({})).await;
    let (status, body) = env.get_anon("/__sandbox/stats").await;
    assert_eq!(
        assert_ok(status, &body, "stats")["total"],
        0,
        "counters reset"
    );
    let (status, body) = env
        .post_anon("/users/getToken", json!({"imp_key": iamport_sandbox::DEFAULT_IMP_KEY, "imp_secret": iamport_sandbox::DEFAULT_IMP_SECRET}))
        .await;
    assert_eq!(status, StatusCode::OK, "faults are off after reset: {body}");
    let token = body["response"]["access_token"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let resp = env
        .http
        .get(env.url(&format!(
            "/payments/{}",
            p["imp_uid"].as_str().unwrap_or("")
        )))
        .header("Authorization", token)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "payments are gone");
}

#[tokio::test]
async fn clock_refuses_going_backwards() {
    let env = Env::start().await;
    let (status, body) = env
        .post_anon("/__sandbox/clock", json!({"advance": -5}))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "negative advance",
    );
}

#[tokio::test]
async fn a_deposit_after_the_vbank_deadline_is_refused_and_the_payment_stays_ready() {
    let env = Env::start().await;
    let v = env
        .control("/__sandbox/payments", json!({"merchant_uid": "late", "amount": 1000, "pay_method": "vbank", "outcome": "ready"}))
        .await;
    let deadline = v["vbank_date"].as_i64().unwrap_or(0);
    let now = env.now().await;
    env.advance(deadline - now + 1).await;
    let imp = v["imp_uid"].as_str().unwrap_or("");
    let (status, body) = env
        .post_anon(&format!("/__sandbox/payments/{imp}/deposit"), json!({}))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "deposit after vbank_date",
    );
    let (_, body) = env.get(&format!("/payments/{imp}")).await;
    assert_eq!(
        body["response"]["status"], "ready",
        "still ready, never paid"
    );
}
