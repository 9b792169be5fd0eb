//! A store cannot see or touch another store's payments or billing keys by any path. Each case
//! performs the attack for real with store A's credentials against store B's objects, and
//! checks that the relay answers exactly what Iamport answers for an object that does not
//! exist, that nothing changed at Iamport, and (the control) that B itself can do it.
//!
//! The parts: [`victim`] (B's objects, made for real), [`cases`] (every path, as the attack and
//! the same request for a nonexistent object), [`aftermath`] (nothing changed; B still can).

mod aftermath;
mod cases;
mod victim;

use std::time::Duration;

use reqwest::Method;

use crate::support::Env;
use victim::Victim;

#[tokio::test]
async fn no_path_reaches_another_stores_payments_or_billing_keys() {
    attack_every_path(Duration::ZERO).await;
}

#[tokio::test]
async fn no_path_reaches_another_stores_payments_when_lookups_come_from_the_table() {
    attack_every_path(Duration::from_secs(60)).await;
}

async fn attack_every_path(fresh: Duration) {
    let env = Env::start_with(|c| c.fresh = fresh).await;
    let a = env.add_store("A").await;
    let b = env.add_store("B").await;
    let victim = Victim::set_up(&env, &b).await;
    let a_token = env.token(&a).await;
    let iamport_token = env.sandbox_token().await;
    let cases = cases::every_path(&a.prefix, &victim);
    let b_customer = &victim.b_customer;

    for case in &cases {
        let got = env
            .relay(
                &a_token,
                case.method.clone(),
                &case.attack.0,
                case.attack.1.clone(),
            )
            .await;
        let want = env
            .iamport(
                &iamport_token,
                case.method.clone(),
                &case.nonexistent.0,
                case.nonexistent.1.clone(),
            )
            .await;
        // Iamport names the customer_uid in its message; compare with B's uid put back.
        let want_body = serde_json::to_string(&want.1)
            .unwrap_or_default()
            .replace(&format!("{b_customer}_ghost"), b_customer);
        assert_eq!(
            got.0, want.0,
            "{}: the HTTP status Iamport gives a nonexistent object ({})",
            case.name, got.1
        );
        assert_eq!(
            serde_json::to_string(&got.1).unwrap_or_default(),
            want_body,
            "{}: the body Iamport gives a nonexistent object",
            case.name
        );
    }

    aftermath::nothing_changed_at_iamport(&env, &iamport_token, &a.prefix, &victim).await;
    aftermath::b_itself_can_do_it(&env, &victim).await;
}

#[tokio::test]
async fn another_stores_payments_never_appear_in_a_stores_feed() {
    let env = Env::start().await;
    let a = env.add_store("A").await;
    let b = env.add_store("B").await;
    let a_imp = env.paid(&format!("{}order_1", a.prefix), 1000).await;
    let b_imp = env.paid(&format!("{}order_1", b.prefix), 2000).await;
    let feed = |token: String| {
        let env = &env;
        async move {
            let (status, body) = env
                .relay(
                    &token,
                    Method::GET,
                    "/payments/status/all?sorting=updated&limit=100",
                    None,
                )
                .await;
            assert_eq!(status, 200, "feed: {body}");
            body["response"]["list"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|p| p["imp_uid"].as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    };
    let (ta, tb) = (env.token(&a).await, env.token(&b).await);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (mut seen_a, mut seen_b) = (feed(ta.clone()).await, feed(tb.clone()).await);
    while (seen_a.is_empty() || seen_b.is_empty()) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        (seen_a, seen_b) = (feed(ta.clone()).await, feed(tb.clone()).await);
    }
    assert_eq!(
        seen_a,
        vec![a_imp],
        "A's feed holds A's payment and nothing else"
    );
    assert_eq!(
        seen_b,
        vec![b_imp],
        "B's feed holds B's payment and nothing else"
    );
}
