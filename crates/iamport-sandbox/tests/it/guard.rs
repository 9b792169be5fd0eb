//! The guard an app turns on for a sandbox on the shop's PC, attacked the way a web page in the
//! shop's browser would: form posts and `no-cors` fetches (CSRF), requests after re-pointing a
//! domain name at 127.0.0.1 (DNS rebinding), calls from a foreign origin, and the control API
//! without the app's token. Every attack is first shown to work on the open test tool.

use crate::support::Env;
use iamport_sandbox::{Guard, SandboxConfig, CONTROL_TOKEN_HEADER};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

const APP_ORIGIN: &str = "tauri://localhost";
const EVIL_ORIGIN: &str = "https://evil.example";

async fn guarded() -> (Env, String) {
    let guard = Guard::strict(&[APP_ORIGIN]);
    let token = guard
        .control_token
        .clone()
        .expect("strict guards have a token");
    let env = Env::start_with(SandboxConfig {
        guard,
        ..SandboxConfig::default()
    })
    .await;
    (env, token)
}

/// A reply: status code, headers (lower-case names) and the body as JSON (Null if not JSON).
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request exactly as written (any `Host`, any headers) and reads the reply.
fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("write");
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("read");
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body_text = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    let body = serde_json::from_str(&body_text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

fn host_of(env: &Env) -> String {
    env.sandbox.addr().to_string()
}

/// How many payments the sandbox holds for `merchant_uid`, asked through the REST API.
async fn payments_for(env: &Env, merchant_uid: &str) -> usize {
    let (_, body) = env.get(&format!("/payments/findAll/{merchant_uid}")).await;
    body["response"]["list"].as_array().map_or(0, Vec::len)
}

const FORM_PAYMENT: &str = "merchant_uid=csrf_1&amount=1000&outcome=paid";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_test_tool_lets_a_web_form_create_a_paid_payment() {
    let env = Env::start().await;
    let host = host_of(&env);
    let reply = raw(
        env.sandbox.addr(),
        "POST",
        "/__sandbox/payments",
        &host,
        &[
            ("Origin", EVIL_ORIGIN),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        FORM_PAYMENT,
    );
    assert_eq!(
        reply.status, 200,
        "the open tool takes the form post: {}",
        reply.body
    );
    assert_eq!(
        payments_for(&env, "csrf_1").await,
        1,
        "the attack works on the open tool"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guarded_sandbox_refuses_the_control_api_without_the_token() {
    let (env, token) = guarded().await;
    let host = host_of(&env);
    let json_payment = r#"{"merchant_uid":"csrf_2","amount":1000}"#;
    for given in [None, Some("0".repeat(64)), Some(format!("{token}x"))] {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(t) = &given {
            headers.push((CONTROL_TOKEN_HEADER, t.as_str()));
        }
        let reply = raw(
            env.sandbox.addr(),
            "POST",
            "/__sandbox/payments",
            &host,
            &headers,
            json_payment,
        );
        assert_eq!(
            reply.status, 403,
            "no or a wrong token ({given:?}) is refused: {}",
            reply.body
        );
        assert_ne!(
            reply.body["code"], 0,
            "the refusal is an error envelope: {}",
            reply.body
        );
    }
    let stats = raw(
        env.sandbox.addr(),
        "GET",
        "/__sandbox/stats",
        &host,
        &[],
        "",
    );
    assert_eq!(
        stats.status, 403,
        "even reading the counters needs the token"
    );
    assert_eq!(payments_for(&env, "csrf_2").await, 0, "nothing was created");

    let reply = raw(
        env.sandbox.addr(),
        "POST",
        "/__sandbox/payments",
        &host,
        &[
            ("Content-Type", "application/json"),
            (CONTROL_TOKEN_HEADER, &token),
        ],
        json_payment,
    );
    assert_eq!(
        reply.status, 200,
        "the app, with its token, may: {}",
        reply.body
    );
    assert_eq!(
        payments_for(&env, "csrf_2").await,
        1,
        "the app's call took effect"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guarded_sandbox_refuses_web_form_posts_and_no_cors_fetches() {
    let (env, token) = guarded().await;
    let host = host_of(&env);
    let addr = env.sandbox.addr();
    // What a page can send without a preflight: a form, text/plain, or no body at all.
    let simple = [
        ("application/x-www-form-urlencoded", FORM_PAYMENT),
        ("multipart/form-data; boundary=x", "--x--"),
        ("text/plain", r#"{"merchant_uid":"csrf_3","amount":1000}"#),
    ];
    for (content_type, body) in simple {
        // Even with the token (which a page cannot have), the content type alone is refused.
        let control = raw(
            addr,
            "POST",
            "/__sandbox/payments",
            &host,
            &[
                ("Content-Type", content_type),
                (CONTROL_TOKEN_HEADER, &token),
            ],
            body,
        );
        assert_eq!(
            control.status, 415,
            "control API, {content_type}: {}",
            control.body
        );
        let sdk = raw(
            addr,
            "POST",
            "/__sdk/open",
            &host,
            &[("Content-Type", content_type)],
            body,
        );
        assert_eq!(sdk.status, 415, "SDK open, {content_type}: {}", sdk.body);
        let login = raw(
            addr,
            "POST",
            "/users/getToken",
            &host,
            &[("Content-Type", content_type)],
            body,
        );
        assert_eq!(
            login.status, 415,
            "getToken, {content_type}: {}",
            login.body
        );
    }
    let bodiless = raw(addr, "POST", "/__sdk/complete", &host, &[], "");
    assert_eq!(
        bodiless.status, 415,
        "a bodiless no-cors POST is refused: {}",
        bodiless.body
    );
    let reset = raw(
        addr,
        "POST",
        "/__sandbox/reset",
        &host,
        &[(CONTROL_TOKEN_HEADER, &token)],
        "",
    );
    assert_eq!(
        reset.status, 415,
        "state changes are JSON, even a reset: {}",
        reset.body
    );
    assert_eq!(
        payments_for(&env, "csrf_1").await + payments_for(&env, "csrf_3").await,
        0,
        "nothing was created"
    );

    // The app's own REST client is unaffected: JSON bodies, and bodiless calls with a token.
    let (status, body) = env.delete("/subscribe/customers/nobody").await;
    assert_ne!(
        status.as_u16(),
        415,
        "a bodiless DELETE with the access token is not a form post: {body}"
    );
    let (status, body) = env.post_form("/payments/cancel", "imp_uid=imp_1").await;
    assert_eq!(
        status.as_u16(),
        415,
        "a form body is refused on REST routes too: {body}"
    );
}

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
