//! Token reuse, refresh, single flight and 401 healing.

use std::time::Duration;

use futures::future::join_all;
use iamport::{Error, StatusQuery};

use crate::fake::{Fake, Knobs};

#[tokio::test]
async fn thousand_mixed_calls_cost_one_token_request() {
    let fake = Fake::start_with(Knobs {
        status_total: 5,
        ..Knobs::default()
    })
    .await;
    let client = fake.client();
    for i in 0..1000 {
        match i % 4 {
            0 => drop(client.payment("imp_1").await.expect("payment")),
            1 => drop(client.find_payment("order_1", None).await.expect("find")),
            2 => drop(
                client
                    .payments_by_status(&StatusQuery::default())
                    .await
                    .expect("status"),
            ),
            _ => drop(
                client
                    .payments_by_ids(&["imp_1".into()], &[])
                    .await
                    .expect("batch"),
            ),
        }
    }
    assert_eq!(client.token_requests(), 1, "client-side count of getToken");
    assert_eq!(fake.token_calls(), 1, "server-side count of getToken");
    fake.stop().await;
}

#[tokio::test]
async fn concurrent_first_callers_share_one_token_request() {
    let fake = Fake::start_with(Knobs {
        token_delay: Duration::from_millis(200),
        ..Knobs::default()
    })
    .await;
    let client = fake.client();
    let calls = (0..50).map(|_| {
        let c = client.clone();
        async move { c.payment("imp_1").await }
    });
    let results = join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "every caller succeeds");
    assert_eq!(fake.token_calls(), 1, "50 concurrent callers, one getToken");
    fake.stop().await;
}

#[tokio::test]
async fn token_is_refreshed_shortly_before_it_expires() {
    // An 8 s token is refreshed 2 s before expiry (margin = lifetime / 4 below 4 min), i.e. 6 s
    // after it was received. The "still fresh" call comes 1 s in, leaving 5 s of slack for a busy
    // machine; the "refreshed" call waits until well past the 6 s mark, so lateness never hurts.
    let fake = Fake::start_with(Knobs {
        lifetime: Some(8),
        ..Knobs::default()
    })
    .await;
    let client = fake.client();
    // The token is received between these two instants, so its refresh falls between
    // `before_first + 6 s` and `first_done + 6 s`.
    let before_first = tokio::time::Instant::now();
    client.payment("imp_1").await.expect("first call");
    let first_done = tokio::time::Instant::now();
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    client.payment("imp_1").await.expect("still fresh");
    let fresh_checked = before_first.elapsed() < Duration::from_millis(6_000);
    if fresh_checked {
        assert_eq!(fake.token_calls(), 1, "reused while fresh");
    } else {
        eprintln!("the machine stalled past the refresh margin; freshness not checked this run");
    }
    tokio::time::sleep_until(first_done + Duration::from_millis(6_300)).await;
    client.payment("imp_1").await.expect("refreshed call");
    if fresh_checked {
        assert_eq!(fake.token_calls(), 2, "refreshed inside the margin");
    } else {
        assert!(fake.token_calls() >= 2, "refreshed inside the margin");
    }
    assert_eq!(fake.rejected_401(), 0, "refresh came before any 401");
    fake.stop().await;
}

#[tokio::test]
async fn skewed_server_clock_does_not_cause_refreshes() {
    // The server's clock is ten years behind ours; only expired_at - now may count.
    let fake = Fake::start_with(Knobs {
        skew: -10 * 365 * 86_400,
        ..Knobs::default()
    })
    .await;
    let client = fake.client();
    for _ in 0..20 {
        client.payment("imp_1").await.expect("call");
    }
    assert_eq!(
        fake.token_calls(),
        1,
        "skew must not make the token look expired"
    );
    fake.stop().await;
}

#[tokio::test]
async fn a_401_mid_run_is_healed_by_one_refresh() {
    let fake = Fake::start().await;
    let client = fake.client();
    client.payment("imp_1").await.expect("first call");
    fake.revoke_token();
    let p = client.payment("imp_2").await.expect("healed call");
    assert_eq!(p.imp_uid, "imp_2", "the retried call's answer");
    assert_eq!(fake.rejected_401(), 1, "one 401 seen");
    assert_eq!(client.token_requests(), 2, "one refresh");
    fake.stop().await;
}

#[tokio::test]
async fn concurrent_401s_share_one_refresh() {
    let fake = Fake::start().await;
    let client = fake.client();
    client.payment("imp_1").await.expect("first call");
    fake.revoke_token();
    let results = join_all((0..20).map(|_| {
        let c = client.clone();
        async move { c.payment("imp_1").await }
    }))
    .await;
    assert!(results.iter().all(Result::is_ok), "every caller heals");
    assert_eq!(
        client.token_requests(),
        2,
        "initial token + one shared refresh"
    );
    fake.stop().await;
}

#[tokio::test]
async fn persistent_401_is_an_auth_error_after_exactly_one_retry() {
    let fake = Fake::start_with(Knobs {
        reject_all: true,
        ..Knobs::default()
    })
    .await;
    let client = fake.client();
    let err = client.payment("imp_1").await.expect_err("always refused");
    assert!(
        matches!(
            err,
            Error::Auth {
                http_status: 401,
                ..
            }
        ),
        "got {err:?}"
    );
    assert_eq!(fake.business_calls(), 2, "the call and one retry, no more");
    assert_eq!(client.token_requests(), 2, "one refresh between them");
    fake.stop().await;
}

#[tokio::test]
async fn wrong_secret_is_an_auth_error_that_does_not_show_the_secret() {
    let fake = Fake::start().await;
    let config = iamport::Config::new(fake.base_url(), crate::fake::KEY, "wrong-secret-value");
    let client = iamport::Client::new(config).expect("client");
    let err = client.check_credentials().await.expect_err("refused");
    assert!(err.is_auth(), "wrong secret => Auth, got {err:?}");
    assert!(
        !err.is_retryable(),
        "bad credentials do not heal by retrying"
    );
    let shown = format!("{err} {err:?} {client:?}");
    assert!(
        !shown.contains("wrong-secret-value"),
        "secret leaked: {shown}"
    );
    fake.stop().await;
}

#[tokio::test]
async fn check_credentials_always_asks_the_server() {
    let fake = Fake::start().await;
    let client = fake.client();
    client.check_credentials().await.expect("good credentials");
    client.check_credentials().await.expect("good credentials");
    assert_eq!(fake.token_calls(), 2, "each check is a real token request");
    client.payment("imp_1").await.expect("call");
    assert_eq!(fake.token_calls(), 2, "the checked token is cached");
    fake.stop().await;
}

#[tokio::test]
async fn token_reply_with_nonzero_code_is_an_auth_error() {
    let fake = Fake::start_with(Knobs {
        canned_token: Some((
            200,
            r#"{"code":-1,"message":"imp_key/imp_secret not matched","response":null}"#.into(),
        )),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .check_credentials()
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Auth {
                http_status: 200,
                ..
            }
        ),
        "HTTP 200 with code -1 from getToken is a refusal, got {err:?}"
    );
    fake.stop().await;
}

#[tokio::test]
async fn token_reply_that_cannot_be_decoded_never_shows_its_body() {
    let fake = Fake::start_with(Knobs {
        canned_token: Some((
            200,
            r#"{"code":0,"message":null,"response":{"access_token":"LEAKY-TOKEN-VALUE","now":"soon"}}"#
                .into(),
        )),
        ..Knobs::default()
    })
    .await;
    let err = fake
        .client()
        .check_credentials()
        .await
        .expect_err("bad shape");
    assert!(matches!(err, Error::Decode { .. }), "got {err:?}");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("LEAKY-TOKEN-VALUE"),
        "token leaked: {shown}"
    );
    fake.stop().await;
}
