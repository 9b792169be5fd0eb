//! The library handle: shutdown flushes state, drop stops the server.

use iamport_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

#[tokio::test]
async fn dropping_the_sandbox_stops_the_server() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("starts");
    let addr = sandbox.addr();
    assert_eq!(
        sandbox.base_url(),
        format!("http://{addr}"),
        "base_url has no trailing slash"
    );
    assert_eq!(
        sandbox.sdk_url(),
        format!("http://{addr}/sdk/iamport.js"),
        "sdk_url"
    );
    drop(sandbox);
    // Poll for the condition with a deadline generous enough for a loaded CI machine.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut refused = false;
    while std::time::Instant::now() < deadline {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(refused, "nothing listens within 20 s of the drop");
}

#[tokio::test]
async fn shutdown_flushes_the_state_file_and_start_loads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = SandboxConfig {
        state_file: Some(dir.path().join("state.json")),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config.clone()).await.expect("starts");
    let http = reqwest::Client::new();
    let reply: serde_json::Value = http
        .post(format!(
            "{}/__sandbox/customers/cu_keep",
            sandbox.base_url()
        ))
        .json(&json!({}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(reply["code"], 0, "key created: {reply}");
    sandbox.shutdown().await;
    let again = Sandbox::start(config)
        .await
        .expect("restarts from the file");
    let env_token: serde_json::Value = http
        .post(format!("{}/users/getToken", again.base_url()))
        .json(&json!({"imp_key": iamport_sandbox::DEFAULT_IMP_KEY, "imp_secret": iamport_sandbox::DEFAULT_IMP_SECRET}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let token = env_token["response"]["access_token"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let resp = http
        .get(format!("{}/subscribe/customers/cu_keep", again.base_url()))
        .header("Authorization", token)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        resp.status(),
        reqwest::StatusCode::OK,
        "the billing key survived the restart"
    );
    again.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_state_file_is_an_error_not_an_empty_sandbox() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.json");
    std::fs::write(&path, b"{ not json").expect("written");
    let result = Sandbox::start(SandboxConfig {
        state_file: Some(path),
        ..SandboxConfig::default()
    })
    .await;
    assert!(
        matches!(
            result,
            Err(iamport_sandbox::SandboxError::StateParse { .. })
        ),
        "refuses to start on a corrupt file"
    );
}
