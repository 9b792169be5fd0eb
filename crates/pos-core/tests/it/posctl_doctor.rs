//! `posctl doctor` and the Iamport credentials as a process: the health report (mode, schema,
//! settings file, integrity, the engine lease), the token check against a sandbox, and where the
//! key and secret come from (the app's store, a file or stdin; never the command line).

use std::path::Path;
use std::process::{Command, Output};

use pos_core::secrets::{CredentialStore, Credentials, SecretBackend};

use super::posctl_support::{json, posctl, posctl_env, stderr, stdout, tempdir};

#[test]
fn doctor_on_a_fresh_dir_reports_sandbox_and_skips_the_token_check() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["doctor", "--json"]);
    assert!(
        out.status.success(),
        "a fresh install is healthy: {}",
        stdout(&out)
    );
    let v = json(&out);
    assert_eq!(v["mode"], "sandbox", "sandbox by default");
    assert_eq!(
        v["schemaVersion"],
        pos_core::SCHEMA_VERSION,
        "schema version reported"
    );
    assert_eq!(v["credentialsSet"], false, "no credentials yet");
    assert_eq!(
        v["iamport"]["status"], "skipped",
        "no API base in sandbox mode"
    );
    assert_eq!(
        v["integrityProblems"],
        serde_json::json!([]),
        "the database passes quick_check"
    );
    assert!(
        v["iamport"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("앱 안에서만"),
        "doctor says the sandbox runs only inside the app: {v}"
    );
}

#[test]
fn doctor_reports_a_garbage_settings_file_and_keeps_it() {
    let dir = tempdir();
    let path = dir.path().join(pos_core::settings::STORE_FILE);
    std::fs::write(&path, b"{{{{ nope").unwrap_or_else(|e| panic!("write: {e}"));
    let out = posctl(dir.path(), &["doctor"]);
    assert!(!out.status.success(), "doctor flags the settings file");
    assert!(
        stdout(&out).contains("설정 파일"),
        "doctor names the settings file: {}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read(&path).ok(),
        Some(b"{{{{ nope".to_vec()),
        "the settings file is untouched"
    );
}

#[test]
fn doctor_reads_credentials_from_the_app_store() {
    let dir = tempdir();
    let creds = Credentials {
        imp_key: "key-from-store".into(),
        imp_secret: "secret-from-store".into(),
    };
    let saved =
        CredentialStore::with_backend(dir.path(), SecretBackend::File, "iamport-rest").set(&creds);
    assert!(saved.is_ok(), "credentials saved: {saved:?}");
    let v = json(&posctl(dir.path(), &["doctor", "--json"]));
    assert_eq!(
        (v["credentialsSet"].clone(), v["credentialsSource"].clone()),
        (true.into(), "file".into()),
        "{v}"
    );
    assert!(
        !v.to_string().contains("secret-from-store"),
        "the secret is never printed"
    );
}

/// Starts an iamport-sandbox on loopback, runs `f` with its base URL, stops it.
fn with_sandbox(f: impl FnOnce(String) + Send + 'static) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    runtime.block_on(async move {
        let sandbox = iamport_sandbox::Sandbox::start(iamport_sandbox::SandboxConfig::default())
            .await
            .unwrap_or_else(|e| panic!("sandbox starts: {e}"));
        let base = sandbox.base_url();
        let ran = tokio::task::spawn_blocking(move || f(base)).await;
        sandbox.shutdown().await;
        if let Err(e) = ran {
            std::panic::resume_unwind(e.into_panic());
        }
    });
}

#[test]
fn doctor_gets_a_token_from_iamport_with_good_credentials() {
    with_sandbox(|base| {
        let dir = tempdir();
        let out = posctl_env(
            dir.path(),
            &["doctor", "--json", "--api-base", &base],
            &[
                ("IAMPORT_KEY", iamport_sandbox::DEFAULT_IMP_KEY),
                ("IAMPORT_SECRET", iamport_sandbox::DEFAULT_IMP_SECRET),
            ],
        );
        let v = json(&out);
        assert_eq!(
            v["iamport"]["status"], "ok",
            "the token request succeeds: {v}"
        );
        assert_eq!(
            v["credentialsSource"], "flags",
            "env credentials count as flags"
        );
        assert!(out.status.success(), "doctor passes");
        assert!(
            !stdout(&out).contains(iamport_sandbox::DEFAULT_IMP_SECRET),
            "the secret is not printed"
        );
    });
}

#[test]
fn doctor_fails_clearly_when_iamport_refuses_the_credentials() {
    with_sandbox(|base| {
        let dir = tempdir();
        let out = posctl_env(
            dir.path(),
            &["doctor", "--api-base", &base, "--imp-key", "wrong-key"],
            &[("IAMPORT_SECRET", "wrong-secret-XYZ")],
        );
        assert!(!out.status.success(), "doctor fails");
        let text = stdout(&out);
        assert!(
            text.contains("거부"),
            "the Korean message says Iamport refused: {text}"
        );
        assert!(
            !text.contains("wrong-secret-XYZ") && !stderr(&out).contains("wrong-secret-XYZ"),
            "the secret is not printed"
        );
    });
}

/// `posctl doctor --json` checking a token at `api_base` with a throwaway key and secret.
fn doctor_json_against(dir: &Path, api_base: &str) -> Output {
    posctl_env(
        dir,
        &["doctor", "--json", "--api-base", api_base, "--imp-key", "k"],
        &[("IAMPORT_SECRET", "s")],
    )
}

#[test]
fn doctor_reports_an_unreachable_iamport() {
    let dir = tempdir();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let out = doctor_json_against(dir.path(), "http://127.0.0.1:9");
    assert!(!out.status.success(), "doctor fails");
    assert_eq!(
        json(&out)["iamport"]["status"],
        "unreachable",
        "the network failure is named"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_unusable_data_dir_is_a_clear_error() {
    // /proc refuses new folders and files, even for root.
    let out = posctl(Path::new("/proc/kr.panmusic.pos"), &["orders", "list"]);
    assert!(!out.status.success(), "the command fails");
    assert!(
        stderr(&out).contains("데이터 폴더"),
        "stderr names the data folder: {}",
        stderr(&out)
    );
    let out = posctl(Path::new("/proc"), &["doctor", "--json"]);
    assert!(
        !out.status.success(),
        "doctor fails on an unwritable folder"
    );
    assert!(
        json(&out)["dataDirError"]
            .as_str()
            .is_some_and(|e| e.contains("쓸 수 없습니다")),
        "doctor says it cannot write"
    );
}

#[test]
fn a_key_without_a_secret_is_a_usage_error() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["doctor", "--imp-key", "only-the-key"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&out).contains("IAMPORT_SECRET") && stderr(&out).contains("--imp-secret-file"),
        "stderr names where the secret goes: {}",
        stderr(&out)
    );
}

#[test]
fn a_secret_on_the_command_line_is_refused_and_never_used() {
    with_sandbox(|base| {
        let dir = tempdir();
        let out = posctl(
            dir.path(),
            &[
                "doctor",
                "--json",
                "--api-base",
                &base,
                "--imp-key",
                iamport_sandbox::DEFAULT_IMP_KEY,
                "--imp-secret",
                iamport_sandbox::DEFAULT_IMP_SECRET,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "refused as a usage error");
        let err = stderr(&out);
        assert!(
            err.contains("--imp-secret") && err.contains("ps") && err.contains("IAMPORT_SECRET"),
            "stderr says why and what to use instead: {err}"
        );
        assert!(
            !stdout(&out).contains("token") && !stdout(&out).contains("\"ok\""),
            "nothing was checked with the argv secret: {}",
            stdout(&out)
        );
        assert!(
            !err.contains(iamport_sandbox::DEFAULT_IMP_SECRET),
            "the secret is not echoed: {err}"
        );
    });
}

#[test]
fn the_secret_is_read_from_a_file_or_stdin() {
    with_sandbox(|base| {
        let dir = tempdir();
        let secret_file = dir.path().join("imp-secret");
        std::fs::write(
            &secret_file,
            format!("{}\n", iamport_sandbox::DEFAULT_IMP_SECRET),
        )
        .unwrap_or_else(|e| panic!("write the secret file: {e}"));
        let path = secret_file.to_string_lossy().into_owned();
        let args = [
            "doctor",
            "--json",
            "--api-base",
            &base,
            "--imp-key",
            iamport_sandbox::DEFAULT_IMP_KEY,
            "--imp-secret-file",
        ];
        let mut from_file = args.to_vec();
        from_file.push(&path);
        let v = json(&posctl(dir.path(), &from_file));
        assert_eq!(v["iamport"]["status"], "ok", "the file's secret works: {v}");

        let mut from_stdin = args.to_vec();
        from_stdin.push("-");
        let mut child = Command::new(env!("CARGO_BIN_EXE_posctl"))
            .args(&from_stdin)
            .arg("--data-dir")
            .arg(dir.path())
            .env("PANMUSIC_SECRETS", "file")
            .env_remove("IAMPORT_API_BASE")
            .env_remove("IAMPORT_KEY")
            .env_remove("IAMPORT_SECRET")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("posctl starts: {e}"));
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            stdin
                .write_all(iamport_sandbox::DEFAULT_IMP_SECRET.as_bytes())
                .unwrap_or_else(|e| panic!("write stdin: {e}"));
        }
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("posctl ends: {e}"));
        let v = json(&out);
        assert_eq!(v["iamport"]["status"], "ok", "stdin's secret works: {v}");
    });
}

#[test]
fn a_plain_http_api_base_off_this_machine_is_refused_naming_https() {
    let dir = tempdir();
    let out = doctor_json_against(dir.path(), "http://api.iamport.kr");
    assert!(!out.status.success(), "doctor fails");
    let v = json(&out);
    assert_eq!(v["iamport"]["status"], "error", "not sent anywhere: {v}");
    assert!(
        v["iamport"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("https://")),
        "the message names https: {v}"
    );
}

#[test]
fn doctor_names_the_engine_lease_holder() {
    let dir = tempdir();
    drop(crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("open: {e}")));
    let conn = rusqlite::Connection::open(crate::sandbox_db(dir.path()))
        .unwrap_or_else(|e| panic!("raw open: {e}"));
    conn.execute(
        "INSERT INTO engine_lease (id, holder, pid, heartbeat_at) VALUES (1, 'app-test', 4242, 1800000000000)",
        [],
    )
    .unwrap_or_else(|e| panic!("plant a lease: {e}"));
    let v = json(&posctl(dir.path(), &["doctor", "--json"]));
    assert_eq!(
        v["engineLease"]["holder"], "app-test",
        "the holder is named: {v}"
    );
    let text = stdout(&posctl(dir.path(), &["doctor"]));
    assert!(
        text.contains("app-test (pid 4242)"),
        "the human line names holder and pid: {text}"
    );
}
