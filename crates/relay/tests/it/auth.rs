//! Store authentication: relay tokens, hashed secrets, disabling, paths outside the app's use.

use reqwest::Method;
use serde_json::json;

use crate::support::Env;

#[tokio::test]
async fn a_store_token_works_at_the_relay_and_is_not_an_iamport_token() {
    let env = Env::start().await;
    let store = env.add_store("강남점").await;
    let imp_uid = env.paid(&format!("{}order_1", store.prefix), 9900).await;
    let token = env.token(&store).await;

    let (status, body) = env
        .relay(&token, Method::GET, &format!("/payments/{imp_uid}"), None)
        .await;
    assert_eq!(status, 200, "the store reads its own payment: {body}");
    assert_eq!(body["response"]["amount"], 9900, "the amount Iamport holds");

    let (status, _) = env
        .iamport(&token, Method::GET, &format!("/payments/{imp_uid}"), None)
        .await;
    assert_eq!(status, 401, "a relay token buys nothing at Iamport itself");
}

#[tokio::test]
async fn the_desktop_client_in_relay_mode_verifies_its_own_payment() {
    let env = Env::start().await;
    let store = env.add_store("홍대점").await;
    let merchant_uid = format!("{}order_01JDXS7N6V3Q8Z4C2M5B9R1T0W", store.prefix);
    let imp_uid = env.paid(&merchant_uid, 30_000).await;
    let client = env.store_client(&store);
    let p = client
        .payment(&imp_uid)
        .await
        .expect("lookup through the relay");
    assert_eq!(p.merchant_uid, merchant_uid, "same payment");
    assert_eq!(p.amount, 30_000, "amount as paid");
    let found = client
        .find_payment(&merchant_uid, None)
        .await
        .expect("find through the relay");
    assert_eq!(
        found.imp_uid, imp_uid,
        "find by merchant_uid gives the same payment"
    );
}

#[tokio::test]
async fn wrong_or_borrowed_secrets_are_refused() {
    let env = Env::start().await;
    let a = env.add_store("A").await;
    let b = env.add_store("B").await;
    for (key, secret, why) in [
        (&a.key, "0".repeat(64), "a wrong secret"),
        (&a.key, b.secret.clone(), "another store's secret"),
        (
            &"pmr_nosuchkey".to_owned(),
            a.secret.clone(),
            "an unknown key",
        ),
    ] {
        let (status, body) = crate::support::send(
            &env.http,
            Method::POST,
            &format!("{}/users/getToken", env.relay.base_url()),
            None,
            Some(json!({"imp_key": key, "imp_secret": secret})),
        )
        .await;
        assert_eq!(status, 401, "{why} is refused: {body}");
        assert_eq!(
            body["response"],
            serde_json::Value::Null,
            "{why}: no token in the reply"
        );
    }
}

#[tokio::test]
async fn secrets_and_tokens_are_stored_only_as_hashes() {
    let env = Env::start().await;
    let store = env.add_store("C").await;
    let token = env.token(&store).await;
    let dump: String = env
        .sql(
            "SELECT string_agg(t::text, ' ') FROM (SELECT row_to_json(s)::text AS t FROM stores s \
              UNION ALL SELECT row_to_json(k)::text FROM store_tokens k) x",
        )
        .await[0]
        .get(0);
    assert!(
        !dump.contains(&store.secret),
        "the store secret is not stored in clear"
    );
    assert!(!dump.contains(&token), "the token is not stored in clear");
}

#[tokio::test]
async fn a_disabled_store_is_refused_at_once() {
    let env = Env::start().await;
    let store = env.add_store("D").await;
    let token = env.token(&store).await;
    let path = format!("/payments/find/{}order_1", store.prefix);
    let (status, _) = env.relay(&token, Method::GET, &path, None).await;
    assert_eq!(
        status, 404,
        "before: the token works (the order simply does not exist)"
    );

    env.sql("UPDATE stores SET disabled_at = now() WHERE name = 'D'")
        .await;
    let (status, body) = env.relay(&token, Method::GET, &path, None).await;
    assert_eq!(status, 401, "after: the live token is refused: {body}");
    let (status, _) = crate::support::send(
        &env.http,
        Method::POST,
        &format!("{}/users/getToken", env.relay.base_url()),
        None,
        Some(json!({"imp_key": store.key, "imp_secret": store.secret})),
    )
    .await;
    assert_eq!(status, 401, "after: no new token either");
}

#[tokio::test]
async fn the_bank_codes_for_a_refund_account_come_from_iamport_to_a_store_with_a_token() {
    let env = Env::start().await;
    let store = env.add_store("B").await;
    let banks = env
        .store_client(&store)
        .banks()
        .await
        .expect("GET /banks through the relay");
    assert!(
        banks.iter().any(|b| b.code == "004"),
        "Iamport's standard codes, as the desktop app lists them for a vbank refund: {banks:?}"
    );
    let (status, body) = crate::support::send(
        &env.http,
        Method::GET,
        &format!("{}/banks", env.relay.base_url()),
        None,
        None,
    )
    .await;
    assert_eq!(status, 401, "not without a store's token: {body}");
}

#[tokio::test]
async fn paths_the_app_does_not_use_answer_in_the_envelope() {
    let env = Env::start().await;
    let store = env.add_store("E").await;
    let token = env.token(&store).await;
    for (method, path, want) in [
        (Method::GET, "/payments/findAll/x", 403),
        (Method::POST, "/subscribe/payments/onetime", 403),
        (
            Method::GET,
            "/subscribe/payments/schedule?schedule_from=0&schedule_to=1",
            403,
        ),
        (Method::GET, "/subscribe/customers?customer_uid[]=x", 403),
        (Method::GET, "/certifications/imp_1", 404),
        (Method::GET, "/no/such/path", 404),
    ] {
        let (status, body) = env.relay(&token, method.clone(), path, None).await;
        assert_eq!(status, want, "{method} {path}: {body}");
        assert!(
            body["code"].as_i64().is_some_and(|c| c != 0),
            "{path}: envelope with a non-zero code"
        );
        assert!(
            body["message"].is_string(),
            "{path}: envelope with a message"
        );
        assert_eq!(
            body["response"],
            serde_json::Value::Null,
            "{path}: no response"
        );
    }
}

#[tokio::test]
async fn a_store_over_its_rate_is_told_to_slow_down() {
    let env = Env::start().await;
    let store = env.add_store("F").await;
    env.sql("UPDATE stores SET requests_per_second = 2 WHERE name = 'F'")
        .await;
    let token = env.token(&store).await;
    let path = format!("/payments/find/{}order_1", store.prefix);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(env.relay(&token, Method::GET, &path, None).await.0);
    }
    assert_eq!(
        &statuses[..4],
        &[404; 4],
        "a burst of two seconds' worth passes: {statuses:?}"
    );
    assert!(
        statuses[4..].contains(&429),
        "then the store is limited: {statuses:?}"
    );
}

#[tokio::test]
async fn a_limited_store_is_told_when_to_come_back_and_is_served_then() {
    let env = Env::start().await;
    let store = env.add_store("H").await;
    env.sql("UPDATE stores SET requests_per_second = 1 WHERE name = 'H'")
        .await;
    let token = env.token(&store).await;
    let url = format!(
        "{}/payments/find/{}order_1",
        env.relay.base_url(),
        store.prefix
    );
    let get = || async {
        env.http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("the relay answers")
    };
    let mut refused = None;
    for _ in 0..6 {
        let reply = get().await;
        if reply.status() == 429 {
            refused = Some(reply);
            break;
        }
    }
    let refused = refused.expect("a burst of more than two seconds' worth is limited");
    let retry_after = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // One request a second: a token is back within a second, and the relay says whole seconds.
    assert_eq!(
        retry_after,
        Some(1),
        "the 429 says when to come back: {:?}",
        refused.headers()
    );
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(
        get().await.status(),
        404,
        "after waiting Retry-After the store is served again"
    );
}

#[tokio::test]
async fn two_instances_draw_on_one_bucket_per_store() {
    let env = Env::start().await;
    let second =
        panmusic_relay::Relay::start(crate::support::config(&env.db_url, &env.sandbox.base_url()))
            .await
            .expect("a second instance on the same database");
    let store = env.add_store("G").await;
    env.sql("UPDATE stores SET requests_per_second = 2 WHERE name = 'G'")
        .await;
    let token = env.token(&store).await;
    let path = format!("/payments/find/{}order_1", store.prefix);
    let bases = [env.relay.base_url(), second.base_url()];
    let mut statuses = Vec::new();
    for i in 0..8 {
        let url = format!("{}{path}", bases[i % 2]);
        let (status, _) =
            crate::support::send(&env.http, Method::GET, &url, Some(&token), None).await;
        statuses.push(status);
    }
    let admitted = statuses.iter().filter(|s| **s == 404).count();
    assert_eq!(
        &statuses[..4],
        &[404; 4],
        "the burst (two seconds' worth) passes across both instances: {statuses:?}"
    );
    // One bucket per instance would admit all eight (four at each); one shared bucket admits
    // the burst and what refilled meanwhile (two a second).
    assert!(
        admitted <= 5 && statuses.contains(&429),
        "alternating between instances buys no more than one instance: {statuses:?}"
    );
    let _ = second.shutdown().await;
}
