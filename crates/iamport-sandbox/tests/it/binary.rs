//! The `iamport-sandbox` binary: first stdout line, flags, `--state FILE` across restarts.

use serde_json::{json, Value};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

async fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamport-sandbox"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .await
        .expect("first line readable");
    let base = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line is 'listening on http://ADDR', got {first:?}"))
        .to_owned();
    (child, base)
}

async fn terminate(mut child: Child) {
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success(), "SIGTERM sent");
    let exit = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .expect("exits within 10 s of SIGTERM")
        .expect("exit status");
    assert!(exit.success(), "clean exit on SIGTERM: {exit}");
}

async fn token(http: &reqwest::Client, base: &str, key: &str, secret: &str) -> reqwest::StatusCode {
    http.post(format!("{base}/users/getToken"))
        .json(&json!({"imp_key": key, "imp_secret": secret}))
        .send()
        .await
        .expect("sent")
        .status()
}

#[tokio::test]
async fn binary_prints_the_real_port_and_honours_key_flags() {
    let (child, base) = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--imp-key",
        "k1",
        "--imp-secret",
        "s1",
    ])
    .await;
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "real port printed: {base}"
    );
    let http = reqwest::Client::new();
    assert_eq!(
        token(&http, &base, "k1", "s1").await,
        reqwest::StatusCode::OK,
        "configured key works"
    );
    assert_eq!(
        token(
            &http,
            &base,
            iamport_sandbox::DEFAULT_IMP_KEY,
            iamport_sandbox::DEFAULT_IMP_SECRET
        )
        .await,
        reqwest::StatusCode::UNAUTHORIZED,
        "default key refused when another is configured"
    );
    terminate(child).await;
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("sandbox.json");
    let state_arg = state.to_str().expect("utf-8 path");
    let http = reqwest::Client::new();
    let (child, base) = spawn(&["--state", state_arg]).await;
    let created: Value = http
        .post(format!("{base}/__sandbox/payments"))
        .json(&json!({"merchant_uid": "order_persist", "amount": 4400}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let imp_uid = created["response"]["imp_uid"]
        .as_str()
        .expect("imp_uid")
        .to_owned();
    terminate(child).await;
    assert!(state.exists(), "state written on shutdown");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temp files left behind");

    let (child, base) = spawn(&["--state", state_arg]).await;
    let t: Value = http
        .post(format!("{base}/users/getToken"))
        .json(&json!({"imp_key": iamport_sandbox::DEFAULT_IMP_KEY, "imp_secret": iamport_sandbox::DEFAULT_IMP_SECRET}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let token = t["response"]["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let found: Value = http
        .get(format!("{base}/payments/find/order_persist"))
        .header("Authorization", token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        found["response"]["imp_uid"].as_str(),
        Some(imp_uid.as_str()),
        "payment survived: {found}"
    );
    terminate(child).await;
}
