//! One upstream change-feed reader for all stores and instances; each store's feed from its
//! own rows; fresh lookups from the table.

use std::time::{Duration, Instant};

use panmusic_relay::Relay;
use reqwest::Method;

use crate::support::{config, Env};

const FEED_ROUTE: &str = "GET /payments/status/{payment_status}";

async fn feed_ids(env: &Env, base: &str, token: &str, query: &str) -> (u16, serde_json::Value) {
    crate::support::send(
        &env.http,
        Method::GET,
        &format!("{base}/payments/status/all?{query}"),
        Some(token),
        None,
    )
    .await
}

#[tokio::test]
#[allow(clippy::float_arithmetic)] // counting intervals, not money
async fn two_instances_share_one_upstream_feed_read_per_interval_whatever_the_number_of_stores() {
    let env = Env::start().await;
    let second = Relay::start(config(&env.db_url, &env.sandbox.base_url()))
        .await
        .expect("a second instance on the same database");
    let mut stores = Vec::new();
    for i in 0..20 {
        let s = env.add_store(&format!("store-{i}")).await;
        env.paid(&format!("{}order_1", s.prefix), 1000 + i).await;
        stores.push(s);
    }
    let before = env.upstream_count(FEED_ROUTE).await;
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let reads = env.upstream_count(FEED_ROUTE).await - before;
    let intervals = started.elapsed().as_secs_f64() / 0.3;
    println!(
        "upstream feed reads in {:.1} s: {reads} (interval 0.3 s, 2 instances, 20 stores)",
        started.elapsed().as_secs_f64()
    );
    assert!(reads >= 2, "the feed is being read: {reads}");
    assert!(
        (reads as f64) <= intervals + 2.0,
        "at most one read per interval across both instances and all stores: {reads} in {intervals:.1} intervals"
    );

    // Both instances serve each store exactly its own payment.
    for s in stores.iter().take(5) {
        let token = env.token(s).await;
        for base in [env.relay.base_url(), second.base_url()] {
            let (status, body) = feed_ids(&env, &base, &token, "sorting=updated").await;
            assert_eq!(status, 200, "feed at {base}: {body}");
            let list = body["response"]["list"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                list.len(),
                1,
                "{base}: one payment for {}: {body}",
                s.prefix
            );
            let m = list[0]["merchant_uid"].as_str().unwrap_or_default();
            assert!(
                m.starts_with(&s.prefix),
                "{base}: the store's own payment: {m}"
            );
        }
    }
    second.shutdown().await.expect("second instance stops");
}

#[tokio::test]
async fn a_stores_feed_pages_as_iamports_does() {
    let env = Env::start().await;
    let s = env.add_store("A").await;
    for i in 0..3 {
        env.paid(&format!("{}order_{i}", s.prefix), 1000).await;
    }
    let token = env.token(&s).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, body) = feed_ids(&env, &env.relay.base_url(), &token, "limit=2").await;
        if body["response"]["total"] == 3 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, p1) = feed_ids(&env, &env.relay.base_url(), &token, "limit=2&page=1").await;
    assert_eq!(status, 200, "page 1: {p1}");
    assert_eq!(p1["response"]["total"], 3, "three payments in all");
    assert_eq!(
        p1["response"]["list"].as_array().map(Vec::len),
        Some(2),
        "two on page 1"
    );
    assert_eq!(p1["response"]["next"], 2, "next page is 2");
    let (_, p2) = feed_ids(&env, &env.relay.base_url(), &token, "limit=2&page=2").await;
    assert_eq!(
        p2["response"]["list"].as_array().map(Vec::len),
        Some(1),
        "one on page 2"
    );
    assert_eq!(p2["response"]["next"], 0, "no page after 2");
    let (status, p3) = feed_ids(&env, &env.relay.base_url(), &token, "limit=2&page=3").await;
    assert_eq!(
        status, 400,
        "a page past the end is a 400, as at Iamport: {p3}"
    );
    let (status, _) = feed_ids(&env, &env.relay.base_url(), &token, "from=0&to=99999999").await;
    assert_eq!(
        status, 400,
        "a window over 90 days is refused, as at Iamport"
    );
}

#[tokio::test]
async fn lookups_of_recently_seen_payments_are_answered_without_asking_iamport() {
    let env = Env::start_with(|c| c.fresh = Duration::from_secs(30)).await;
    let s = env.add_store("A").await;
    let imp_uid = env.paid(&format!("{}order_1", s.prefix), 9900).await;
    let token = env.token(&s).await;
    let (status, _) = env
        .relay(&token, Method::GET, &format!("/payments/{imp_uid}"), None)
        .await;
    assert_eq!(status, 200, "first lookup");
    let before = env.upstream_count("GET /payments/{imp_uid}").await;
    for _ in 0..5 {
        let (status, body) = env
            .relay(&token, Method::GET, &format!("/payments/{imp_uid}"), None)
            .await;
        assert_eq!(
            (status, body["response"]["amount"].as_i64()),
            (200, Some(9900)),
            "served: {body}"
        );
    }
    assert_eq!(
        env.upstream_count("GET /payments/{imp_uid}").await,
        before,
        "fresh lookups cost Iamport nothing"
    );
    let batches = env.upstream_count("GET /payments").await;
    let (status, body) = env
        .relay(
            &token,
            Method::GET,
            &format!(
                "/payments?imp_uid[]={imp_uid}&merchant_uid[]={}order_1",
                s.prefix
            ),
            None,
        )
        .await;
    assert_eq!(status, 200, "batch served: {body}");
    assert_eq!(
        body["response"].as_array().map(Vec::len),
        Some(2),
        "both ids answered: {body}"
    );
    assert_eq!(
        env.upstream_count("GET /payments").await,
        batches,
        "a fresh batch costs Iamport nothing"
    );
    let (status, _) = env
        .relay(
            &token,
            Method::GET,
            &format!("/payments?merchant_uid[]={}order_unseen", s.prefix),
            None,
        )
        .await;
    assert_eq!(status, 404, "an id the table lacks is asked of Iamport");
    assert_eq!(
        env.upstream_count("GET /payments").await,
        batches + 1,
        "and Iamport was asked"
    );
}
