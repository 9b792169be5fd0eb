//! A guarded sandbox against a rebound host name, and the SDK served to the app's origin only.

use super::{guarded, host_of, payments_for, raw, APP_ORIGIN, EVIL_ORIGIN};
use iamport_sandbox::CONTROL_TOKEN_HEADER;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guarded_sandbox_refuses_a_rebound_host_name_on_every_route() {
    let (env, token) = guarded().await;
    let addr = env.sandbox.addr();
    let evil_host = format!("evil.example:{}", addr.port());
    let token_body = r#"{"imp_key":"imp_apikey","imp_secret":"x"}"#;
    let json_type = "application/json".to_owned();
    let attempts = [
        ("GET", "/sdk/iamport.js", vec![], ""),
        (
            "POST",
            "/users/getToken",
            vec![("Content-Type", json_type.clone())],
            token_body,
        ),
        (
            "GET",
            "/payments/imp_1",
            vec![("Authorization", env.token())],
            "",
        ),
        (
            "GET",
            "/__sandbox/stats",
            vec![(CONTROL_TOKEN_HEADER, token.clone())],
            "",
        ),
        (
            "POST",
            "/__sdk/open",
            vec![("Content-Type", json_type.clone())],
            "{}",
        ),
        ("GET", "/no/such/route", vec![], ""),
    ];
    for (method, path, headers, body) in &attempts {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let reply = raw(addr, method, path, &evil_host, &headers, body);
        assert_eq!(
            reply.status, 403,
            "{method} {path} for Host {evil_host} is refused: {}",
            reply.body
        );
        let same = raw(addr, method, path, &host_of(&env), &headers, body);
        assert_ne!(
            same.status, 403,
            "{method} {path} for the sandbox's own Host is not: {}",
            same.body
        );
    }
    let localhost = raw(
        addr,
        "GET",
        "/sdk/iamport.js",
        &format!("localhost:{}", addr.port()),
        &[],
        "",
    );
    assert_eq!(
        localhost.status, 403,
        "only the exact bound address counts, not another name for it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guarded_sandbox_answers_the_sdk_only_for_the_app_origin() {
    let (env, _token) = guarded().await;
    let host = host_of(&env);
    let addr = env.sandbox.addr();
    let preflight = |origin: &str| {
        raw(
            addr,
            "OPTIONS",
            "/__sdk/open",
            &host,
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            "",
        )
    };
    let evil = preflight(EVIL_ORIGIN);
    assert!(
        evil.header("access-control-allow-origin").is_none(),
        "no CORS answer for a foreign page"
    );
    assert_eq!(evil.status, 403, "the foreign page's preflight is refused");
    let app = preflight(APP_ORIGIN);
    assert_eq!(
        app.header("access-control-allow-origin"),
        Some(APP_ORIGIN),
        "the app's page may call"
    );

    let open = json!({"merchant_code": "imp00000000", "params": {"merchant_uid": "sdk_1", "amount": 9900, "name": "1개월 이용권"}}).to_string();
    let foreign = raw(
        addr,
        "POST",
        "/__sdk/open",
        &host,
        &[
            ("Origin", EVIL_ORIGIN),
            ("Content-Type", "application/json"),
        ],
        &open,
    );
    assert_eq!(
        foreign.status, 403,
        "a foreign page's JSON call is refused even if it skipped CORS: {}",
        foreign.body
    );
    assert_eq!(
        payments_for(&env, "sdk_1").await,
        0,
        "no window was opened for it"
    );

    // The SDK's own flow from the app's page: open, approve, paid.
    let opened = raw(
        addr,
        "POST",
        "/__sdk/open",
        &host,
        &[("Origin", APP_ORIGIN), ("Content-Type", "application/json")],
        &open,
    );
    assert_eq!(
        opened.body["code"], 0,
        "the app's page opens a window: {}",
        opened.body
    );
    let imp_uid = opened.body["response"]["imp_uid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let complete = json!({"imp_uid": imp_uid, "action": "approve"}).to_string();
    let done = raw(
        addr,
        "POST",
        "/__sdk/complete",
        &host,
        &[
            ("Origin", APP_ORIGIN),
            ("Content-Type", "application/json; charset=utf-8"),
        ],
        &complete,
    );
    assert_eq!(
        done.body["response"]["status"], "paid",
        "and approves it: {}",
        done.body
    );
    let own = raw(
        addr,
        "GET",
        "/sdk/iamport.js",
        &host,
        &[("Origin", &format!("http://{host}"))],
        "",
    );
    assert_eq!(
        own.status, 200,
        "a page served by the sandbox itself is its own origin"
    );
}
