//! Whether Iamport answers, as every upstream call finds it: a forwarded call that gets no
//! answer makes the answers the relay makes up itself (the table, "does not exist", the feed)
//! say "Iamport unreachable" at once, without waiting for the change-feed reader; and they stop
//! saying so as soon as Iamport answers again.

use std::time::{Duration, Instant};

use iamport_sandbox::{Sandbox, SandboxConfig};
use panmusic_relay::db::stores;
use panmusic_relay::Relay;

use crate::support::config;

fn unreachable<T: std::fmt::Debug>(answer: &iamport::Result<T>) -> bool {
    matches!(answer, Err(iamport::Error::Transport { .. }))
}

fn not_found<T: std::fmt::Debug>(answer: &iamport::Result<T>) -> bool {
    matches!(answer, Err(e) if e.is_not_found())
}

#[tokio::test]
async fn a_forwarded_call_that_finds_iamport_stopped_makes_table_answers_say_unreachable_until_it_answers(
) {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let db_url = crate::pg::shared().fresh_db().await;
    let mut c = config(&db_url, &sandbox.base_url());
    // The feed reader reads once at start and then not for an hour: whatever the relay says
    // about Iamport below, it learned from the store's own calls.
    c.feed_interval = Duration::from_secs(3600);
    // Lookups of payments confirmed within a minute are answered from the table.
    c.fresh = Duration::from_secs(60);
    let relay = Relay::start(c).await.expect("relay starts");
    let (db, conn) = tokio_postgres::connect(&db_url, tokio_postgres::NoTls)
        .await
        .expect("db");
    tokio::spawn(conn);
    let store = stores::add(&db, "A").await.expect("store added");
    let client = iamport::Client::new(iamport::Config::new(
        relay.base_url(),
        &store.key,
        &store.secret,
    ))
    .expect("client");

    let (status, body) = crate::support::send(
        &reqwest::Client::new(),
        reqwest::Method::POST,
        &format!("{}/__sandbox/payments", sandbox.base_url()),
        None,
        Some(
            serde_json::json!({"merchant_uid": format!("{}order_1", store.prefix),
            "amount": 9900, "name": "1개월 이용권", "pay_method": "card", "outcome": "paid"}),
        ),
    )
    .await;
    assert_eq!(status, 200, "sandbox payment: {body}");
    let imp_uid = body["response"]["imp_uid"]
        .as_str()
        .expect("imp_uid")
        .to_owned();
    let looked_up = client.payment(&imp_uid).await;
    assert!(
        looked_up.is_ok(),
        "looked up through Iamport: {looked_up:?}"
    );
    let probe = client.find_payment("panmusic-probe", None).await;
    assert!(
        not_found(&probe),
        "the offline probe is answered 'not found' while Iamport answers: {probe:?}"
    );

    let addr = sandbox.addr();
    sandbox.shutdown().await;
    // A lookup the relay must forward: Iamport does not answer it.
    let forwarded = client
        .find_payment(&format!("{}order_2", store.prefix), None)
        .await;
    assert!(
        unreachable(&forwarded),
        "a forwarded lookup with Iamport stopped: {forwarded:?}"
    );
    let from_table = client.payment(&imp_uid).await;
    assert!(
        unreachable(&from_table),
        "a lookup the table could answer says Iamport is unreachable, not that it answered: {from_table:?}"
    );
    let probe = client.find_payment("panmusic-probe", None).await;
    assert!(
        unreachable(&probe),
        "the offline probe is told Iamport is unreachable at once, not after a feed read: {probe:?}"
    );
    let feed = client
        .payments_by_status(&iamport::StatusQuery::default())
        .await;
    assert!(unreachable(&feed), "the store's feed: {feed:?}");

    let back = Sandbox::start(SandboxConfig {
        listen: addr,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox restarts on its address");
    let started = Instant::now();
    let mut probe = client.find_payment("panmusic-probe", None).await;
    while !not_found(&probe) && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        probe = client.find_payment("panmusic-probe", None).await;
    }
    let waited = started.elapsed();
    assert!(
        not_found(&probe) && waited < Duration::from_secs(3),
        "the probe sees Iamport back within about a second, with no feed read due for an hour \
         (waited {waited:?}): {probe:?}"
    );
    let from_table = client.payment(&imp_uid).await;
    assert!(
        from_table.is_ok(),
        "the table answers again: {from_table:?}"
    );
    relay.shutdown().await.expect("relay stops");
    back.shutdown().await;
}

/// `panmusic-relay status` against `db_url`: the JSON and the human text.
fn status(db_url: &str) -> (serde_json::Value, String) {
    let run = |json: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_panmusic-relay"));
        cmd.args(["status", "--database-url", db_url]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().expect("status runs");
        assert!(out.status.success(), "status exits 0: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let json = serde_json::from_str(&run(true)).expect("status JSON");
    (json, run(false))
}

#[tokio::test]
async fn status_tells_the_operator_whether_iamport_answers_the_relay() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let db_url = crate::pg::shared().fresh_db().await;
    let mut c = config(&db_url, &sandbox.base_url());
    // No feed read after the first: only the store's own calls reach Iamport.
    c.feed_interval = Duration::from_secs(3600);
    let relay = Relay::start(c).await.expect("relay starts");
    let (db, conn) = tokio_postgres::connect(&db_url, tokio_postgres::NoTls)
        .await
        .expect("db");
    tokio::spawn(conn);
    let store = stores::add(&db, "A").await.expect("store added");
    let client = iamport::Client::new(iamport::Config::new(
        relay.base_url(),
        &store.key,
        &store.secret,
    ))
    .expect("client");
    let order = format!("{}order_1", store.prefix);

    let (json, text) = status(&db_url);
    assert_eq!(
        json["upstream_unreachable"], false,
        "answering at first: {json}"
    );
    assert!(text.contains("iamport: 응답함"), "said in words: {text}");

    let addr = sandbox.addr();
    sandbox.shutdown().await;
    let forwarded = client.find_payment(&order, None).await;
    assert!(unreachable(&forwarded), "Iamport stopped: {forwarded:?}");
    let (json, text) = status(&db_url);
    assert_eq!(
        json["upstream_unreachable"], true,
        "the operator sees that Iamport does not answer: {json}"
    );
    assert!(
        json["upstream_reach_seconds_ago"]
            .as_i64()
            .is_some_and(|t| t < 60),
        "and when that was found: {json}"
    );
    assert!(text.contains("iamport: 응답 없음"), "said in words: {text}");

    let _back = Sandbox::start(SandboxConfig {
        listen: addr,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox restarts on its address");
    let forwarded = client.find_payment(&order, None).await;
    assert!(
        not_found(&forwarded),
        "Iamport answers again: {forwarded:?}"
    );
    let (json, text) = status(&db_url);
    assert_eq!(
        json["upstream_unreachable"], false,
        "the operator sees Iamport answering again: {json}"
    );
    assert!(text.contains("iamport: 응답함"), "said in words: {text}");
}
