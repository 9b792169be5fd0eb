//! `posctl subscriptions …` as a process against the sandbox: JSON shapes, exit codes, and
//! errors as `{code, message}` on stderr.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::subscription_support::{posctl, Sbx};

fn run(dir: &Path, base: &str, args: &[&str]) -> Output {
    posctl(dir, base, args)
        .output()
        .unwrap_or_else(|e| panic!("posctl {args:?}: {e}"))
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posctl_subscribes_lists_and_cancels_with_clear_errors() {
    let sbx = Sbx::start().await;
    sbx.customer("cust_cli", false).await;
    sbx.customer("cust_cli_2", false).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (d, base) = (dir.path().to_path_buf(), sbx.base.clone());
    tokio::task::spawn_blocking(move || {
        let create = |uid: &str| {
            let args = [
                "subscriptions",
                "create",
                "--plan",
                "sub_monthly",
                "--customer-uid",
                uid,
                "--json",
            ];
            run(&d, &base, &args)
        };
        assert_eq!(
            error_code(&create("cust_unknown")),
            "not_found",
            "an unknown billing key"
        );
        let sub = stdout_json(&create("cust_cli"));
        assert_eq!(sub["state"], "active", "the first month is paid: {sub}");
        let id = sub["id"].as_str().unwrap_or_default().to_string();
        assert_eq!(
            error_code(&create("cust_cli")),
            "conflict",
            "subscribing twice"
        );
        let list = stdout_json(&run(&d, &base, &["subscriptions", "list", "--json"]));
        assert_eq!(
            list.as_array().map(Vec::len),
            Some(1),
            "one subscription listed: {list}"
        );
        assert!(
            list[0]["nextChargeAt"].is_number(),
            "with its next charge date"
        );
        let at_end = stdout_json(&run(&d, &base, &["subscriptions", "cancel", &id, "--json"]));
        assert_eq!(
            at_end["cancelAtPeriodEnd"], true,
            "cancel means at the period end"
        );
        assert_eq!(
            at_end["state"], "active",
            "the music keeps playing until then"
        );
        let resumed = stdout_json(&run(&d, &base, &["subscriptions", "resume", &id, "--json"]));
        assert_eq!(
            resumed["cancelAtPeriodEnd"], false,
            "resumed before the end"
        );
        let card = [
            "subscriptions",
            "change-card",
            &id,
            "--customer-uid",
            "cust_cli_2",
            "--json",
        ];
        let changed = stdout_json(&run(&d, &base, &card));
        assert_eq!(
            changed["customerUid"], "cust_cli_2",
            "future charges use the new card"
        );
        let now = stdout_json(&run(
            &d,
            &base,
            &["subscriptions", "cancel", &id, "--now", "--json"],
        ));
        assert_eq!(now["state"], "cancelled", "--now ends it at once");
        let again = run(&d, &base, &["subscriptions", "cancel", &id, "--json"]);
        assert_eq!(
            error_code(&again),
            "conflict",
            "cancelling a cancelled subscription"
        );
        let human = run(&d, &base, &["subscriptions", "list"]);
        let text = String::from_utf8_lossy(&human.stdout);
        assert!(text.contains("해지됨"), "the human list is Korean: {text}");
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posctl_deletes_a_billing_key_only_once_nothing_uses_it() {
    let sbx = Sbx::start().await;
    sbx.customer("cust_cli_del", false).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (d, base) = (dir.path().to_path_buf(), sbx.base.clone());
    let delete = ["subscriptions", "delete-key", "cust_cli_del", "--json"];
    let id = tokio::task::spawn_blocking(move || {
        let create = [
            "subscriptions",
            "create",
            "--plan",
            "sub_monthly",
            "--customer-uid",
            "cust_cli_del",
            "--json",
        ];
        let sub = stdout_json(&run(&d, &base, &create));
        assert_eq!(sub["state"], "active", "subscribed: {sub}");
        assert_eq!(
            error_code(&run(&d, &base, &delete)),
            "conflict",
            "an active subscription still uses the key"
        );
        let human = run(&d, &base, &["subscriptions", "delete-key", "cust_cli_del"]);
        assert_eq!(human.status.code(), Some(1), "refused without --json too");
        assert!(human.stdout.is_empty(), "nothing on stdout when refused");
        let list = stdout_json(&run(&d, &base, &["subscriptions", "list", "--json"]));
        assert_eq!(list[0], sub, "nothing changed: {list}");
        sub["id"].as_str().unwrap_or_default().to_string()
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let client = sbx.client();
    if let Err(e) = client.billing_key("cust_cli_del").await {
        panic!("the refused key still exists in the sandbox: {e}");
    }
    let (d, base) = (dir.path().to_path_buf(), sbx.base.clone());
    tokio::task::spawn_blocking(move || {
        let cancel = ["subscriptions", "cancel", &id, "--now", "--json"];
        assert_eq!(stdout_json(&run(&d, &base, &cancel))["state"], "cancelled");
        let deleted = stdout_json(&run(&d, &base, &delete));
        assert_eq!(
            deleted["deleted"], true,
            "deleted once cancelled: {deleted}"
        );
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let gone = client.billing_key("cust_cli_del").await.err();
    assert!(
        gone.as_ref().is_some_and(iamport::Error::is_not_found),
        "the sandbox no longer knows the key: {gone:?}"
    );
    sbx.stop().await;
}
