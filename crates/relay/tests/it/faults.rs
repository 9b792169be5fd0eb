//! Faults for real: Iamport failing under the relay (the sandbox's errors, held replies and
//! dropped connections) and PostgreSQL restarting mid-run. No write may be lost or sent twice.

use std::time::Duration;

use iamport::AgainRequest;
use iamport_sandbox::{Sandbox, SandboxConfig};
use panmusic_relay::Relay;
use reqwest::Method;
use serde_json::json;

use crate::pg::Pg;
use crate::support::{config, Env};

/// Charges `merchant_uid` the way the desktop app's queue does: on any failure, wait and try
/// again with the same merchant_uid, until Iamport gives an answer. Failures are counted in
/// `failures` by kind.
async fn charge_until_answered_counting(
    client: &iamport::Client,
    customer: &str,
    merchant_uid: &str,
    failures: &mut Vec<&'static str>,
) -> iamport::Payment {
    let req = AgainRequest {
        customer_uid: customer.into(),
        merchant_uid: merchant_uid.into(),
        amount: 9900,
        name: "정기결제 1개월".into(),
        ..AgainRequest::default()
    };
    for _ in 0..200 {
        match client.again(&req).await {
            Ok(p) => return p,
            Err(e) => {
                failures.push(e.kind());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("{merchant_uid}: no answer after 200 tries");
}

/// [`charge_until_answered_counting`] without the count.
async fn charge_until_answered(
    client: &iamport::Client,
    customer: &str,
    merchant_uid: &str,
) -> iamport::Payment {
    charge_until_answered_counting(client, customer, merchant_uid, &mut Vec::new()).await
}

/// How many payments Iamport holds for `merchant_uid`.
async fn charges_of(
    env_http: &reqwest::Client,
    sandbox: &Sandbox,
    token: &str,
    merchant_uid: &str,
) -> usize {
    let (_, all) = crate::support::send(
        env_http,
        Method::GET,
        &format!("{}/payments/findAll/{merchant_uid}", sandbox.base_url()),
        Some(token),
        None,
    )
    .await;
    all["response"]["list"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn iamport_faults_under_the_relay_lose_no_charge_and_double_none() {
    let env = Env::start_with(|c| c.upstream_timeout = Duration::from_millis(800)).await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    let _ = client
        .find_payment(&format!("{}warmup", store.prefix), None)
        .await;
    env.control(
        "/__sandbox/faults",
        json!({"error_rate": 0.2, "timeout_rate": 0.1, "drop_rate": 0.2, "seed": 15}),
    )
    .await;
    let uids: Vec<String> = (0..12)
        .map(|i| format!("{}renew_{i:02}", store.prefix))
        .collect();
    for m in &uids {
        let p = charge_until_answered(&client, &customer, m).await;
        assert!(p.is_paid(), "{m} ends paid");
    }
    env.control("/__sandbox/faults", json!({})).await;
    let token = env.sandbox_token().await;
    for m in &uids {
        assert_eq!(
            charges_of(&env.http, &env.sandbox, &token, m).await,
            1,
            "{m}: charged exactly once"
        );
    }
    let sent = env.upstream_count("POST /subscribe/payments/again").await;
    println!("again requests that reached the sandbox for 12 charges under faults: {sent}");
    assert!(sent >= 12, "faults struck and were retried: {sent}");
}

#[tokio::test]
async fn a_postgresql_restart_mid_run_loses_no_charge_and_doubles_none() {
    let pg = std::sync::Arc::new(tokio::task::spawn_blocking(Pg::start).await.expect("pg"));
    let db_url = pg.fresh_db().await;
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let relay = Relay::start(config(&db_url, &sandbox.base_url()))
        .await
        .expect("relay");
    let (db, conn) = tokio_postgres::connect(&db_url, tokio_postgres::NoTls)
        .await
        .expect("db");
    tokio::spawn(conn);
    let store = panmusic_relay::db::stores::add(&db, "A")
        .await
        .expect("store");
    drop(db);
    let http = reqwest::Client::new();
    let customer = format!("{}cust_1", store.prefix);
    let (status, _) = crate::support::send(
        &http,
        Method::POST,
        &format!("{}/__sandbox/customers/{customer}", sandbox.base_url()),
        None,
        Some(json!({"decline": false})),
    )
    .await;
    assert_eq!(status, 200, "billing key");
    let client = iamport::Client::new(iamport::Config::new(
        relay.base_url(),
        &store.key,
        &store.secret,
    ))
    .expect("client");

    let uids: Vec<String> = (0..16)
        .map(|i| format!("{}renew_{i:02}", store.prefix))
        .collect();
    let restarter = {
        let pg = pg.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            tokio::task::spawn_blocking(move || {
                pg.stop();
                std::thread::sleep(Duration::from_millis(1500));
                pg.start_server();
            })
            .await
            .expect("restart");
        })
    };
    let mut failures = Vec::new();
    for m in &uids {
        let p = charge_until_answered_counting(&client, &customer, m, &mut failures).await;
        assert!(p.is_paid(), "{m} ends paid");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    restarter.await.expect("restarted");
    println!("charge attempts refused while PostgreSQL restarted: {failures:?}");
    assert!(
        !failures.is_empty(),
        "the restart struck charges in flight (else this proves nothing)"
    );
    assert!(
        failures.iter().all(|k| *k == "transport"),
        "without its database the relay sends nothing and says so (safe to repeat, not of \
         unknown outcome): {failures:?}"
    );

    let stats: serde_json::Value = http
        .get(format!("{}/__sandbox/stats", sandbox.base_url()))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    let sent = stats["response"]["by_route"]["POST /subscribe/payments/again"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(
        sent, 16,
        "every charge reached Iamport exactly once, across the restart"
    );
    let (_, token_reply) = crate::support::send(
        &http,
        Method::POST,
        &format!("{}/users/getToken", sandbox.base_url()),
        None,
        Some(json!({"imp_key": iamport_sandbox::DEFAULT_IMP_KEY, "imp_secret": iamport_sandbox::DEFAULT_IMP_SECRET})),
    )
    .await;
    let token = token_reply["response"]["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for m in &uids {
        assert_eq!(
            charges_of(&http, &sandbox, &token, m).await,
            1,
            "{m}: charged exactly once"
        );
    }
    let log = std::fs::read_to_string(pg.dir().join("server.log")).unwrap_or_default();
    assert!(
        log.contains("shutting down") || log.contains("shut down"),
        "PostgreSQL really went down mid-run"
    );
    relay.shutdown().await.expect("relay stops");
}

#[tokio::test]
async fn with_iamport_unreachable_every_answer_says_so_as_a_dead_iamport_would() {
    // Iamport's address: bound but never listening, so every connection is refused.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("loopback"))
        .expect("bind");
    let dead = format!("http://{}", socket.local_addr().expect("addr"));
    let env = Env::start_with(|c| c.upstream = dead).await;
    let store = env.add_store("A").await;
    let client = env.store_client(&store);
    let is_unreachable = |e: &iamport::Error| matches!(e, iamport::Error::Transport { .. });

    // The desktop app's offline probe names an id that is no store's: the relay answers it
    // without Iamport, but must not claim Iamport answered once the feed reader found it dead.
    let mut probe = None;
    for _ in 0..100 {
        match client.find_payment("panmusic-probe", None).await {
            Err(e) if is_unreachable(&e) => {
                probe = Some(e);
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert!(
        probe.is_some(),
        "the probe is told Iamport is unreachable within 5 s"
    );
    let feed = client
        .payments_by_status(&iamport::StatusQuery::default())
        .await
        .expect_err("no feed without Iamport");
    assert!(
        is_unreachable(&feed),
        "the feed is unreachable, not a feed that stops short of now: {feed:?}"
    );
    let own = client
        .find_payment(&format!("{}order_1", store.prefix), None)
        .await
        .expect_err("no lookup");
    assert!(is_unreachable(&own), "a lookup of its own payment: {own:?}");
    let charge = client
        .again(&AgainRequest {
            customer_uid: format!("{}cust_1", store.prefix),
            merchant_uid: format!("{}renew_01", store.prefix),
            amount: 9900,
            name: "정기결제 1개월".into(),
            ..AgainRequest::default()
        })
        .await
        .expect_err("no charge");
    assert!(
        is_unreachable(&charge) && !charge.is_outcome_unknown(),
        "a charge that never left is unreachable (safe to send again), not unknown: {charge:?}"
    );
    let outcome = env
        .sql(
            "SELECT o.outcome FROM audit a JOIN audit_outcomes o ON o.audit_id = a.id \
             WHERE a.operation = 'again'",
        )
        .await;
    let outcomes: Vec<String> = outcome.iter().map(|r| r.get(0)).collect();
    assert_eq!(
        outcomes,
        vec!["not_applied".to_owned()],
        "the audit says the charge was not applied"
    );
}

#[tokio::test]
async fn a_cancel_whose_ownership_lookup_fails_is_answered_not_sent_and_goes_through_as_is_later() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let imp_uid = env.paid(&format!("{}order_1", store.prefix), 9900).await;
    let client = env.store_client(&store);
    let seen = client.payment(&imp_uid).await;
    assert!(seen.is_ok(), "the payment, through the relay: {seen:?}");
    let request = iamport::CancelRequest {
        imp_uid: Some(imp_uid.clone()),
        checksum: Some(9900),
        reason: Some("고객 요청".into()),
        ..iamport::CancelRequest::default()
    };

    // Every Iamport call fails with a 5xx: the relay's lookup of whose payment this is fails
    // before anything is sent.
    env.control("/__sandbox/faults", json!({"error_rate": 1.0}))
        .await;
    let refused = client.cancel(&request).await;
    env.control("/__sandbox/faults", json!({})).await;
    assert!(
        matches!(refused, Err(iamport::Error::Transport { .. })),
        "the store is told nothing was sent (safe to send again as is), not 'outcome unknown': \
         {refused:?}"
    );
    assert_eq!(
        env.upstream_count("POST /payments/cancel").await,
        0,
        "no cancel reached Iamport"
    );
    let audited = env
        .sql("SELECT count(*) FROM audit WHERE operation = 'cancel'")
        .await;
    assert_eq!(audited[0].get::<_, i64>(0), 0, "no write was recorded");

    let done = client.cancel(&request).await;
    assert!(done.is_ok(), "the same cancel, sent again: {done:?}");
    let upstream = env.upstream_payment(&imp_uid).await;
    assert_eq!(
        upstream["cancel_history"].as_array().map_or(0, Vec::len),
        1,
        "refunded exactly once: {upstream}"
    );
}

#[tokio::test]
async fn more_concurrent_writes_than_database_connections_all_go_through() {
    // Four connections; every Iamport reply takes 200 ms, so eight refunds sent at once reach
    // the write path together, and each write holds two connections.
    let env = Env::start_with(|c| c.pool_size = 4).await;
    let store = env.add_store("A").await;
    let mut imp_uids = Vec::new();
    for i in 0..8 {
        imp_uids.push(env.paid(&format!("{}order_{i}", store.prefix), 9900).await);
    }
    let client = env.store_client(&store);
    env.control("/__sandbox/faults", json!({"latency_ms": 200}))
        .await;
    let started = std::time::Instant::now();
    let mut refunds = tokio::task::JoinSet::new();
    for imp_uid in &imp_uids {
        let (client, imp_uid) = (client.clone(), imp_uid.clone());
        refunds.spawn(async move {
            client
                .cancel(&iamport::CancelRequest {
                    imp_uid: Some(imp_uid),
                    checksum: Some(9900),
                    reason: Some("고객 요청".into()),
                    ..iamport::CancelRequest::default()
                })
                .await
        });
    }
    let answers = refunds.join_all().await;
    let took = started.elapsed();
    env.control("/__sandbox/faults", json!({})).await;
    let failed: Vec<_> = answers.iter().filter(|a| a.is_err()).collect();
    assert!(failed.is_empty(), "every refund went through: {failed:?}");
    assert!(
        took < Duration::from_secs(5),
        "no write waited for the pool to give up (5 s): {took:?}"
    );
}
