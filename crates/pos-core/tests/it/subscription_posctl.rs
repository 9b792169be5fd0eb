//! `posctl subscriptions …` as a process against the sandbox: JSON shapes, exit codes, and
//! errors as `{code, message}` on stderr. Each test runs twice: direct (`--api-base` and the
//! sandbox's key) and through the relay (posctl in 중계 서버 mode from the app's settings, the
//! live book, customer_uids behind the store's prefix), with the same wording and exit codes.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::subscription_support::Sbx;
use crate::relay_support::{over_both, Backend};

async fn run(sbx: &Sbx, dir: &Path, args: &[&str]) -> Output {
    tokio::process::Command::from(sbx.posctl(dir, args))
        .output()
        .await
        .unwrap_or_else(|e| panic!("posctl {args:?}: {e}"))
}

fn create_args(uid: &str) -> [&str; 7] {
    [
        "subscriptions",
        "create",
        "--plan",
        "sub_monthly",
        "--customer-uid",
        uid,
        "--json",
    ]
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "posctl succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON on stdout: {e}"))
}

fn error_code(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(1), "a refused command exits 1");
    let v: Value =
        serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("JSON error on stderr: {e}"));
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "a message for a person: {v}"
    );
    v["error"]["code"].clone()
}

async fn posctl_subscribes_lists_and_cancels_with_clear_errors(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let (cli, cli_2) = (sbx.uid("cust_cli"), sbx.uid("cust_cli_2"));
    sbx.customer(&cli, false).await;
    sbx.customer(&cli_2, false).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    sbx.prepare_dir(dir.path());
    let d = dir.path();
    let unknown = sbx.uid("cust_unknown");
    assert_eq!(
        error_code(&run(&sbx, d, &create_args(&unknown)).await),
        "not_found",
        "an unknown billing key"
    );
    let sub = stdout_json(&run(&sbx, d, &create_args(&cli)).await);
    assert_eq!(sub["state"], "active", "the first month is paid: {sub}");
    let id = sub["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        error_code(&run(&sbx, d, &create_args(&cli)).await),
        "conflict",
        "subscribing twice"
    );
    let list = stdout_json(&run(&sbx, d, &["subscriptions", "list", "--json"]).await);
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "one subscription listed: {list}"
    );
    assert!(
        list[0]["nextChargeAt"].is_number(),
        "with its next charge date"
    );
    let at_end = stdout_json(&run(&sbx, d, &["subscriptions", "cancel", &id, "--json"]).await);
    assert_eq!(
        at_end["cancelAtPeriodEnd"], true,
        "cancel means at the period end"
    );
    assert_eq!(
        at_end["state"], "active",
        "the music keeps playing until then"
    );
    let resumed = stdout_json(&run(&sbx, d, &["subscriptions", "resume", &id, "--json"]).await);
    assert_eq!(
        resumed["cancelAtPeriodEnd"], false,
        "resumed before the end"
    );
    let card = [
        "subscriptions",
        "change-card",
        &id,
        "--customer-uid",
        &cli_2,
        "--json",
    ];
    let changed = stdout_json(&run(&sbx, d, &card).await);
    assert_eq!(
        changed["customerUid"],
        cli_2.as_str(),
        "future charges use the new card"
    );
    let cancel_now = ["subscriptions", "cancel", &id, "--now", "--json"];
    let now = stdout_json(&run(&sbx, d, &cancel_now).await);
    assert_eq!(now["state"], "cancelled", "--now ends it at once");
    let again = run(&sbx, d, &["subscriptions", "cancel", &id, "--json"]).await;
    assert_eq!(
        error_code(&again),
        "conflict",
        "cancelling a cancelled subscription"
    );
    let human = run(&sbx, d, &["subscriptions", "list"]).await;
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("해지됨"), "the human list is Korean: {text}");
    sbx.stop().await;
}
over_both!(posctl_subscribes_lists_and_cancels_with_clear_errors);

async fn posctl_deletes_a_billing_key_only_once_nothing_uses_it(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let key = sbx.uid("cust_cli_del");
    sbx.customer(&key, false).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    sbx.prepare_dir(dir.path());
    let d = dir.path();
    let delete = ["subscriptions", "delete-key", &key, "--json"];
    let sub = stdout_json(&run(&sbx, d, &create_args(&key)).await);
    assert_eq!(sub["state"], "active", "subscribed: {sub}");
    assert_eq!(
        error_code(&run(&sbx, d, &delete).await),
        "conflict",
        "an active subscription still uses the key"
    );
    let human = run(&sbx, d, &["subscriptions", "delete-key", &key]).await;
    assert_eq!(human.status.code(), Some(1), "refused without --json too");
    assert!(human.stdout.is_empty(), "nothing on stdout when refused");
    let list = stdout_json(&run(&sbx, d, &["subscriptions", "list", "--json"]).await);
    assert_eq!(list[0], sub, "nothing changed: {list}");
    let id = sub["id"].as_str().unwrap_or_default().to_string();
    // What Iamport holds, whatever the store's connection.
    let iamport = sbx.iamport();
    if let Err(e) = iamport.billing_key(&key).await {
        panic!("the refused key still exists in the sandbox: {e}");
    }
    let cancel = ["subscriptions", "cancel", &id, "--now", "--json"];
    assert_eq!(
        stdout_json(&run(&sbx, d, &cancel).await)["state"],
        "cancelled"
    );
    let deleted = stdout_json(&run(&sbx, d, &delete).await);
    assert_eq!(
        deleted["deleted"], true,
        "deleted once cancelled: {deleted}"
    );
    let gone = iamport.billing_key(&key).await.err();
    assert!(
        gone.as_ref().is_some_and(iamport::Error::is_not_found),
        "the sandbox no longer knows the key: {gone:?}"
    );
    sbx.stop().await;
}
over_both!(posctl_deletes_a_billing_key_only_once_nothing_uses_it);
