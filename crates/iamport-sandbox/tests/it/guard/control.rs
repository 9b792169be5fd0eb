//! The control API of an open and of a guarded sandbox.

use super::{guarded, host_of, payments_for, raw, EVIL_ORIGIN, FORM_PAYMENT};
use crate::support::Env;
use iamport_sandbox::CONTROL_TOKEN_HEADER;

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
