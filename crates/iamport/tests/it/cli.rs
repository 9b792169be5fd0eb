//! The `iamport-cli` example as a person would run it, against the sandbox. `cargo test -p
//! iamport` builds examples next to the test binaries (`target/<profile>/examples`); with
//! `--test it` alone, build the example first (`cargo build -p iamport --example iamport-cli`).

use std::path::PathBuf;
use std::process::Output;

use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::Value;

use crate::sandbox::Env;

fn cli_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/it-… -> target/<profile>/examples/iamport-cli
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    profile_dir
        .join("examples")
        .join(format!("iamport-cli{}", std::env::consts::EXE_SUFFIX))
}

async fn run(base: &str, secret: &str, args: &[&str]) -> Output {
    let path = cli_path();
    assert!(
        path.exists(),
        "{} is missing: run `cargo test -p iamport` (builds examples) or \
         `cargo build -p iamport --example iamport-cli` first",
        path.display()
    );
    tokio::process::Command::new(path)
        .env("IAMPORT_API_BASE", base)
        .env("IAMPORT_KEY", DEFAULT_IMP_KEY)
        .env("IAMPORT_SECRET", secret)
        .args(args)
        .output()
        .await
        .expect("cli runs")
}

#[tokio::test]
async fn cli_prints_json_and_exits_zero_or_names_the_error_and_exits_non_zero() {
    let env = Env::start().await;
    let base = env.sandbox.base_url();
    env.paid("order_cli", 4_500).await;

    let out = run(
        &base,
        DEFAULT_IMP_SECRET,
        &["find", "order_cli", "--status", "paid"],
    )
    .await;
    assert!(out.status.success(), "find exits 0: {out:?}");
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["amount"], 4_500, "the typed payment is printed");

    let out = run(&base, DEFAULT_IMP_SECRET, &["payment", "imp_000000000000"]).await;
    assert!(!out.status.success(), "not found exits non-zero");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not_found"),
        "stderr names the kind: {stderr}"
    );

    let out = run(&base, "wrong-secret-for-cli", &["token"]).await;
    assert!(!out.status.success(), "refused credentials exit non-zero");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("auth"), "stderr names the kind: {all}");
    assert!(
        !all.contains("wrong-secret-for-cli"),
        "secret printed: {all}"
    );
    env.stop().await;
}
