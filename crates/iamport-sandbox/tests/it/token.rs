//! `POST /users/getToken` and the token check (REFERENCE §2).

use crate::support::{assert_error, assert_ok, Env};
use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use reqwest::StatusCode;
use serde_json::json;

async fn get_token(env: &Env) -> serde_json::Value {
    let (status, body) = env
        .post_anon(
            "/users/getToken",
            json!({"imp_key": DEFAULT_IMP_KEY, "imp_secret": DEFAULT_IMP_SECRET}),
        )
        .await;
    assert_ok(status, &body, "getToken")
}

#[tokio::test]
async fn token_is_40_hex_and_lives_30_minutes() {
    let env = Env::start().await;
    let t = get_token(&env).await;
    let token = t["access_token"].as_str().expect("token string");
    assert_eq!(token.len(), 40, "token is 40 characters");
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "lowercase hex"
    );
    let lifetime = t["expired_at"].as_i64().unwrap_or(0) - t["now"].as_i64().unwrap_or(0);
    assert!(
        (1795..=1800).contains(&lifetime),
        "a fresh token lives 30 minutes, got {lifetime}"
    );
}

#[tokio::test]
async fn token_request_before_expiry_returns_the_same_token_and_expiry() {
    let env = Env::start().await;
    let first = get_token(&env).await;
    env.advance(600).await;
    let second = get_token(&env).await;
    assert_eq!(
        first["access_token"], second["access_token"],
        "same token is reused"
    );
    assert_eq!(
        first["expired_at"], second["expired_at"],
        "expiry is unchanged outside the last minute"
    );
    let moved = second["now"].as_i64().unwrap_or(0) - first["now"].as_i64().unwrap_or(0);
    assert!(
        moved >= 600,
        "now follows the sandbox clock (moved {moved} s)"
    );
}

#[tokio::test]
async fn token_request_in_the_last_minute_extends_expiry_by_five_minutes() {
    let env = Env::start().await;
    let first = get_token(&env).await;
    let exp = first["expired_at"].as_i64().expect("expired_at");
    let now = env.now().await;
    env.advance(exp - now - 30).await;
    let second = get_token(&env).await;
    assert_eq!(
        first["access_token"], second["access_token"],
        "same token in the last minute"
    );
    assert_eq!(
        second["expired_at"].as_i64(),
        Some(exp + 300),
        "expiry extended by 300 s"
    );
}

#[tokio::test]
async fn expired_token_gets_401_and_a_new_token_is_minted() {
    let env = Env::start().await;
    env.control("/__sandbox/clock", json!({"advance": 1801}))
        .await;
    let (status, body) = env.get("/payments/imp_000000000000").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, -1, "expired token");
    let fresh = get_token(&env).await;
    assert_ne!(
        fresh["access_token"].as_str(),
        Some(env.token().as_str()),
        "a new token after expiry"
    );
}

#[tokio::test]
async fn wrong_secret_gets_401_envelope() {
    let env = Env::start().await;
    let (status, body) = env
        .post_anon(
            "/users/getToken",
            json!({"imp_key": DEFAULT_IMP_KEY, "imp_secret": "nope"}),
        )
        .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, -1, "wrong secret");
}

#[tokio::test]
async fn token_can_be_requested_with_a_form_body() {
    let env = Env::start().await;
    let form = format!("imp_key={DEFAULT_IMP_KEY}&imp_secret={DEFAULT_IMP_SECRET}");
    let resp = env
        .http
        .post(env.url("/users/getToken"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK, "form getToken is accepted");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(
        body["response"]["access_token"].as_str(),
        Some(env.token().as_str()),
        "same token as the JSON call"
    );
}

#[tokio::test]
async fn both_authorization_forms_are_accepted() {
    let env = Env::start().await;
    let paid = env.paid("order_auth", 1000).await;
    let path = format!("/payments/{}", paid["imp_uid"].as_str().unwrap_or(""));
    for header in [env.token(), format!("Bearer {}", env.token())] {
        let resp = env
            .http
            .get(env.url(&path))
            .header("Authorization", &header)
            .send()
            .await
            .expect("sent");
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "Authorization: {header} is accepted"
        );
    }
}

#[tokio::test]
async fn missing_or_unknown_token_gets_401_envelope() {
    let env = Env::start().await;
    let resp = env
        .http
        .get(env.url("/payments/status/all"))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "no token is 401");
    let body: serde_json::Value = resp.json().await.expect("401 has an envelope");
    assert_eq!(body["code"], -1, "401 envelope code");
    let resp = env
        .http
        .get(env.url("/payments/status/all"))
        .header(
            "Authorization",
            "Bearer 0123456789abcdef0123456789abcdef01234567",
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "unknown token is 401"
    );
}

#[tokio::test]
async fn legacy_x_imp_token_header_is_accepted() {
    let env = Env::start().await;
    let resp = env
        .http
        .get(env.url("/payments/status/all"))
        .header("X-ImpTokenHeader", env.token())
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK, "the 2015 header still works");
}
