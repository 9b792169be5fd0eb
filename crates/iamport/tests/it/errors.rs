//! Failure classification over real HTTP: timeouts, refused connections, 5xx, envelopes.

use std::time::Duration;

use iamport::{AgainRequest, Client, Config, Error};

use crate::fake::{Fake, Knobs, KEY, SECRET};

fn again_request() -> AgainRequest {
    AgainRequest {
        customer_uid: "store17_card1".into(),
        merchant_uid: "renew_01HZX9".into(),
        amount: 9900,
        name: "월간 이용권".into(),
        ..AgainRequest::default()
    }
}

fn with_timeout(fake: &Fake, timeout: Duration) -> Client {
    let mut config = fake.config();
    config.timeout = timeout;
    Client::new(config).expect("client")
}

#[tokio::test]
async fn timeout_after_again_was_sent_is_outcome_unknown() {
    let fake = Fake::start_with(Knobs {
        again_delay: Duration::from_secs(30),
        ..Knobs::default()
    })
    .await;
    // The token request must succeed under the same timeout: generous for a busy CI machine,
    // and far below the held reply.
    let client = with_timeout(&fake, Duration::from_secs(3));
    client.check_credentials().await.expect("token first");
    let err = client.again(&again_request()).await.expect_err("times out");
    assert!(
        err.is_outcome_unknown(),
        "a lost charge answer is unknown, got {err:?}"
    );
    assert!(!err.is_retryable(), "must look up before charging again");
    assert_eq!(fake.business_calls(), 1, "the charge was not re-sent");
    fake.stop().await;
}

#[tokio::test]
async fn timeout_on_a_lookup_is_a_retryable_transport_error() {
    let fake = Fake::start_with(Knobs {
        lookup_delay: Duration::from_secs(30),
        ..Knobs::default()
    })
    .await;
    // The token request inside `payment` must succeed under the same timeout (generous for a
    // busy CI machine) so the timeout seen is the lookup's.
    let client = with_timeout(&fake, Duration::from_secs(3));
    let err = client.payment("imp_1").await.expect_err("times out");
    assert!(matches!(err, Error::Transport { .. }), "got {err:?}");
    assert!(err.is_retryable(), "a lookup can be repeated");
    fake.stop().await;
}

#[tokio::test]
async fn refused_connection_is_retryable_even_for_a_charge() {
    // A port bound but never listened on: connections are refused, and because it stays
    // bound for the whole test no parallel test's server can take it over.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("loopback address"))
        .expect("bind");
    let addr = socket.local_addr().expect("addr");
    let client = Client::new(Config::new(format!("http://{addr}"), KEY, SECRET)).expect("client");
    let err = client
        .again(&again_request())
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, Error::Transport { .. }),
        "never sent => Transport, got {err:?}"
    );
    assert!(
        err.is_retryable(),
        "a request that never left is safe to repeat"
    );
}

#[tokio::test]
async fn server_error_reply_is_retryable_and_keeps_the_envelope() {
    let fake = Fake::start_with(Knobs {
        canned_find: Some((
            503,
            r#"{"code":-1,"message":"점검 중","response":null}"#.into(),
        )),
        ..Knobs::default()
    })
    .await;
    let client = fake.client();
    let err = client.find_payment("order_1", None).await.expect_err("503");
    match &err {
        Error::Server {
            http_status,
            code,
            message,
            ..
        } => {
            assert_eq!(*http_status, 503, "status");
            assert_eq!(*code, Some(-1), "code from the body");
            assert_eq!(message, "점검 중", "message from the body");
        }
        other => panic!("503 must be Server, got {other:?}"),
    }
    assert!(err.is_retryable(), "5xx is transient");
    fake.stop().await;
}

#[tokio::test]
async fn ok_status_with_nonzero_code_over_http_is_an_api_error() {
    let fake = Fake::start_with(Knobs {
        canned_find: Some((
            200,
            r#"{"code":1,"message":"비인증결제모듈 사용정보를 찾을 수 없습니다.","response":null}"#
                .into(),
        )),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .find_payment("order_1", None)
        .await
        .expect_err("code 1");
    assert!(
        matches!(
            err,
            Error::Api {
                http_status: 200,
                code: 1,
                ..
            }
        ),
        "HTTP 200 is not success when code != 0, got {err:?}"
    );
    fake.stop().await;
}

#[tokio::test]
async fn html_error_page_is_a_decode_error_with_an_excerpt() {
    let fake = Fake::start_with(Knobs {
        canned_find: Some((200, "<html><body>proxy login</body></html>".into())),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .find_payment("order_1", None)
        .await
        .expect_err("not JSON");
    match err {
        Error::Decode {
            raw_body_excerpt, ..
        } => assert!(
            raw_body_excerpt.contains("proxy login"),
            "body kept: {raw_body_excerpt}"
        ),
        other => panic!("HTML must be a decode error, got {other:?}"),
    }
    fake.stop().await;
}

#[tokio::test]
async fn zero_or_negative_cancel_amount_is_refused_before_sending() {
    let fake = Fake::start().await;
    let client = fake.client();
    for amount in [0, -5] {
        let req = iamport::CancelRequest {
            imp_uid: Some("imp_1".into()),
            amount: Some(amount),
            ..Default::default()
        };
        let err = client.cancel(&req).await.expect_err("refused");
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "amount {amount}: {err:?}"
        );
    }
    let err = client
        .cancel(&iamport::CancelRequest::default())
        .await
        .expect_err("no target");
    assert!(
        matches!(err, Error::InvalidRequest { .. }),
        "no target: {err:?}"
    );
    assert_eq!(fake.business_calls(), 0, "nothing was sent");
    fake.stop().await;
}

#[tokio::test]
async fn gateway_error_after_again_is_outcome_unknown() {
    let fake = Fake::start_with(Knobs {
        canned_again: Some((504, "<html>Gateway Timeout</html>".into())),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .again(&again_request())
        .await
        .expect_err("504");
    assert!(
        matches!(
            err,
            Error::OutcomeUnknown {
                http_status: Some(504),
                ..
            }
        ),
        "a 5xx after a charge does not prove nothing happened, got {err:?}"
    );
    fake.stop().await;
}

#[tokio::test]
async fn undecodable_success_after_again_is_outcome_unknown() {
    let body = crate::fake::payment_json("imp_1", "renew_01HZX9");
    let mut body = serde_json::json!({"code": 0, "message": null, "response": body});
    body["response"]["amount"] = serde_json::json!(9900.5);
    let fake = Fake::start_with(Knobs {
        canned_again: Some((200, body.to_string())),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .again(&again_request())
        .await
        .expect_err("9900.5 won");
    match &err {
        Error::OutcomeUnknown { reason, .. } => {
            assert!(
                reason.contains("fractional"),
                "the decode reason is kept: {reason}"
            )
        }
        other => panic!("the charge went through but cannot be read: unknown, got {other:?}"),
    }
    fake.stop().await;
}

#[tokio::test]
async fn token_failure_before_again_is_not_outcome_unknown() {
    let fake = Fake::start_with(Knobs {
        canned_token: Some((
            503,
            r#"{"code":-1,"message":"점검 중","response":null}"#.into(),
        )),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .again(&again_request())
        .await
        .expect_err("no token");
    assert!(
        matches!(
            err,
            Error::Server {
                http_status: 503,
                ..
            }
        ) && err.is_retryable(),
        "the charge was never sent, got {err:?}"
    );
    assert_eq!(fake.business_calls(), 0, "again was not sent");
    fake.stop().await;
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let fake = Fake::start_with(Knobs {
        canned_find: Some((302, String::new())),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .find_payment("order_1", None)
        .await
        .expect_err("a redirect is not an answer");
    assert!(
        matches!(
            err,
            Error::Decode {
                http_status: 302,
                ..
            }
        ),
        "the 3xx is surfaced, got {err:?}"
    );
    fake.stop().await;
}

#[tokio::test]
async fn oversized_reply_is_refused_without_reading_it_all() {
    let huge = format!(
        r#"{{"code":0,"message":null,"response":{{"imp_uid":"{}"}}}}"#,
        "a".repeat(33 * 1024 * 1024)
    );
    let fake = Fake::start_with(Knobs {
        canned_find: Some((200, huge)),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .find_payment("order_1", None)
        .await
        .expect_err("33 MB reply");
    match err {
        Error::Decode {
            reason,
            raw_body_excerpt,
            ..
        } => {
            assert!(reason.contains("larger than"), "reason says why: {reason}");
            assert!(raw_body_excerpt.len() < 4096, "excerpt capped");
        }
        other => panic!("an oversized reply must be a decode error, got {other:?}"),
    }
    fake.stop().await;
}
