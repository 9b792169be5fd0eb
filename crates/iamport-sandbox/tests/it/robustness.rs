//! Malformed, oversized and hostile input: 400 envelopes, never a panic or corrupted state.

use crate::support::{assert_error, Env};
use reqwest::StatusCode;

#[tokio::test]
async fn malformed_json_is_a_400_envelope() {
    let env = Env::start().await;
    let resp = env
        .http
        .post(env.url("/payments/cancel"))
        .header("Authorization", env.token())
        .header("Content-Type", "application/json")
        .body("{\"imp_uid\": ")
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.expect("envelope");
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "broken JSON");
}

#[tokio::test]
async fn oversized_body_is_a_400_envelope() {
    let env = Env::start().await;
    let big = format!("{{\"imp_uid\": \"{}\"}}", "x".repeat(200 * 1024));
    let resp = env
        .http
        .post(env.url("/payments/cancel"))
        .header("Authorization", env.token())
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.expect("envelope");
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "200 KiB body");
}

#[tokio::test]
async fn unknown_path_and_wrong_method_get_envelopes() {
    let env = Env::start().await;
    let (status, body) = env.get("/no/such/api").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "unknown path");
    let (status, body) = env.delete("/payments/cancel").await;
    assert_error(
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        1,
        "wrong method",
    );
}

#[tokio::test]
async fn wrong_types_and_hostile_values_do_not_break_the_server() {
    let env = Env::start().await;
    let hostile = [
        (
            "/payments/cancel",
            serde_json::json!({"imp_uid": ["a"], "amount": "lots"}),
        ),
        (
            "/payments/cancel",
            serde_json::json!({"merchant_uid": "x", "amount": 1e300}),
        ),
        (
            "/payments/cancel",
            serde_json::json!({"merchant_uid": "x", "amount": -9223372036854775807_i64}),
        ),
        (
            "/subscribe/payments/schedule",
            serde_json::json!({"customer_uid": "c", "schedules": "nope"}),
        ),
        (
            "/subscribe/payments/again",
            serde_json::json!({"customer_uid": "c", "merchant_uid": "m", "amount": 1.5, "name": "n"}),
        ),
        (
            "/payments/prepare",
            serde_json::json!({"merchant_uid": "m".repeat(41), "amount": 1}),
        ),
    ];
    for (path, body) in hostile {
        let (status, reply) = env.post(path, body.clone()).await;
        assert_ne!(
            reply["code"], 0,
            "{path} {body} is refused: {status} {reply}"
        );
        assert!(reply["response"].is_null(), "no partial result for {body}");
    }
    let (status, _) = env.get("/payments/status/all?page=-1&limit=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "bad query values are 400");
    let (status, _) = env
        .get("/payments/status/all?from=9223372036854775807&to=-9223372036854775808")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "extreme window is 400");
    let (status, body) = env.get("/payments/status/all").await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::OK, serde_json::json!(0)),
        "server still healthy"
    );
}

/// A random JSON value of bounded depth (strings include Korean, brackets and quotes).
fn random_value(rng: &mut rand::rngs::StdRng, depth: u32) -> serde_json::Value {
    use rand::Rng;
    use serde_json::json;
    let pick = if depth == 0 {
        rng.random_range(0..5)
    } else {
        rng.random_range(0..7)
    };
    match pick {
        0 => json!(null),
        1 => json!(rng.random_bool(0.5)),
        2 => json!(rng.random::<i64>() >> rng.random_range(0..63)),
        3 => json!(rng.random_range(-1.0e6..1.0e6_f64)),
        4 => {
            let parts = [
                "imp_",
                "주문",
                "[]",
                "\"",
                "0",
                "-1",
                "%5B",
                "paid",
                " ",
                "9999999999999999999999",
            ];
            let n = rng.random_range(0..4);
            json!((0..n)
                .map(|_| parts[rng.random_range(0..parts.len())])
                .collect::<String>())
        }
        5 => serde_json::Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let keys = [
                "imp_uid",
                "merchant_uid",
                "amount",
                "checksum",
                "customer_uid",
                "schedules",
                "schedule_at",
                "name",
                "x",
            ];
            let mut map = serde_json::Map::new();
            for _ in 0..rng.random_range(0..6) {
                map.insert(
                    keys[rng.random_range(0..keys.len())].to_owned(),
                    random_value(rng, depth - 1),
                );
            }
            serde_json::Value::Object(map)
        }
    }
}

#[tokio::test]
async fn random_bodies_never_break_the_server_and_always_get_envelopes() {
    use rand::SeedableRng;
    let env = Env::start().await;
    env.control("/__sandbox/customers/c", serde_json::json!({}))
        .await;
    env.paid("m", 1000).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261127);
    let routes = [
        "/payments/cancel",
        "/payments/prepare",
        "/subscribe/payments/again",
        "/subscribe/payments/schedule",
        "/subscribe/payments/unschedule",
        "/subscribe/customers/c",
        "/__sandbox/payments",
        "/__sandbox/clock",
        "/__sdk/open",
    ];
    for i in 0..400 {
        let path = routes[i % routes.len()];
        let body = random_value(&mut rng, 3);
        let resp = env
            .http
            .post(env.url(path))
            .header("Authorization", env.token())
            .json(&body)
            .send()
            .await
            .expect("the server answers");
        let status = resp.status();
        let reply: serde_json::Value = resp.json().await.unwrap_or_else(|e| {
            panic!("{path} {body}: reply is a JSON envelope ({e}), status {status}")
        });
        assert!(
            reply["code"].is_i64(),
            "{path} {body}: envelope has a code: {reply}"
        );
        assert!(
            !status.is_server_error(),
            "{path} {body}: no 5xx for bad input: {status} {reply}"
        );
    }
    let (status, body) = env.get("/payments/find/m").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the server is healthy and the paid payment intact: {body}"
    );
}

#[tokio::test]
async fn concurrent_charges_of_one_merchant_uid_pay_exactly_once() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_race", serde_json::json!({}))
        .await;
    let body = serde_json::json!({"customer_uid": "cu_race", "merchant_uid": "race_1", "amount": 9900, "name": "x"});
    let calls = (0..20).map(|_| env.post("/subscribe/payments/again", body.clone()));
    let replies = futures_util::future::join_all(calls).await;
    let paid = replies
        .iter()
        .filter(|(_, r)| r["response"]["status"] == "paid")
        .count();
    assert_eq!(paid, 1, "one charge wins, the rest are refused");
    let (_, all) = env.get("/payments/findAll/race_1").await;
    assert_eq!(all["response"]["total"], 1, "one payment exists");
}

#[tokio::test]
async fn concurrent_cancels_with_the_same_checksum_refund_once() {
    let env = Env::start().await;
    let p = env.paid("race_cancel", 10000).await;
    let body = serde_json::json!({"imp_uid": p["imp_uid"], "amount": 4000, "checksum": 10000});
    let calls = (0..10).map(|_| env.post("/payments/cancel", body.clone()));
    let replies = futures_util::future::join_all(calls).await;
    let ok = replies.iter().filter(|(_, r)| r["code"] == 0).count();
    assert_eq!(ok, 1, "the checksum lets exactly one retry through");
    let (_, now) = env
        .get(&format!(
            "/payments/{}",
            p["imp_uid"].as_str().unwrap_or("")
        ))
        .await;
    assert_eq!(now["response"]["cancel_amount"], 4000, "refunded once");
}

#[tokio::test]
async fn a_json_body_without_content_type_is_read_as_json() {
    let env = Env::start().await;
    let resp = env
        .http
        .post(env.url("/payments/prepare"))
        .header("Authorization", env.token())
        .body(r#"{"merchant_uid": "no_ct", "amount": 700}"#)
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.expect("envelope");
    assert_eq!(
        (status, body["response"]["amount"].clone()),
        (StatusCode::OK, serde_json::json!(700)),
        "{body}"
    );
}
