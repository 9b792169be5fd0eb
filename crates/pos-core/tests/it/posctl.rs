//! posctl as a process: what a person at a terminal (or a script with --json) sees.

use std::path::Path;
use std::process::{Command, Output};

use pos_core::secrets::{CredentialStore, Credentials, SecretBackend};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Runs posctl with `args` and `--data-dir dir`, isolated from the caller's environment.
fn posctl_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_posctl"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("PANMUSIC_SECRETS", "file")
        .env_remove("IAMPORT_API_BASE")
        .env_remove("IAMPORT_KEY")
        .env_remove("IAMPORT_SECRET");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("posctl must start: {e}"))
}

fn posctl(dir: &Path, args: &[&str]) -> Output {
    posctl_env(dir, args, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(o)))
}

#[test]
fn plans_list_shows_prices_in_won() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["plans", "list"]);
    assert!(
        out.status.success(),
        "plans list succeeds: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    for expected in [
        "1개월 이용권",
        "9,900원",
        "3개월 이용권",
        "27,000원",
        "월 정기결제",
        "9,900원/월",
    ] {
        assert!(text.contains(expected), "the list shows {expected}: {text}");
    }
}

#[test]
fn global_flags_work_before_and_after_the_subcommand() {
    let dir = tempdir();
    let before = Command::new(env!("CARGO_BIN_EXE_posctl"))
        .arg("--json")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["plans", "list"])
        .env("PANMUSIC_SECRETS", "file")
        .output()
        .unwrap_or_else(|e| panic!("posctl must start: {e}"));
    let after = posctl(dir.path(), &["plans", "list", "--json"]);
    assert!(
        before.status.success() && after.status.success(),
        "both spellings succeed"
    );
    assert_eq!(
        json(&before),
        json(&after),
        "flags before or after give the same answer"
    );
    assert_eq!(
        json(&after)[0]["price"],
        9_900,
        "JSON has the price as a number of won"
    );
}

#[test]
fn orders_list_json_is_an_object_with_total_and_items() {
    let dir = tempdir();
    let created = posctl(
        dir.path(),
        &["orders", "create", "--plan", "pass_1m", "--count", "3"],
    );
    assert!(
        created.status.success(),
        "orders create succeeds: {}",
        stderr(&created)
    );
    assert_eq!(
        stdout(&created).lines().count(),
        3,
        "three merchant_uids are printed"
    );
    let out = posctl(dir.path(), &["orders", "list", "--limit", "2", "--json"]);
    assert!(
        out.status.success(),
        "orders list succeeds: {}",
        stderr(&out)
    );
    let v = json(&out);
    assert_eq!(v["total"], 3, "total counts all orders");
    assert_eq!(
        v["items"].as_array().map(Vec::len),
        Some(2),
        "items holds one page"
    );
}

#[test]
fn orders_list_filters_by_status() {
    let dir = tempdir();
    let made = posctl(dir.path(), &["orders", "create", "--plan", "pass_1m"]);
    assert!(
        made.status.success(),
        "an order is created: {}",
        stderr(&made)
    );
    let paid = posctl(
        dir.path(),
        &["orders", "list", "--status", "paid", "--json"],
    );
    assert_eq!(json(&paid)["total"], 0, "no paid orders");
    let created = posctl(
        dir.path(),
        &["orders", "list", "--status", "created", "--json"],
    );
    assert_eq!(json(&created)["total"], 1, "one created order");
}

#[test]
fn orders_show_prints_the_order_and_its_timeline_in_korean() {
    let dir = tempdir();
    let created = posctl(
        dir.path(),
        &[
            "orders",
            "create",
            "--plan",
            "pass_3m",
            "--pay-method",
            "vbank",
        ],
    );
    let uid = stdout(&created).trim().to_string();
    let out = posctl(dir.path(), &["orders", "show", &uid]);
    assert!(
        out.status.success(),
        "orders show succeeds: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    for expected in [
        uid.as_str(),
        "27,000원",
        "가상계좌",
        "주문 생성",
        "KST",
        "-> created",
    ] {
        assert!(text.contains(expected), "show prints {expected}: {text}");
    }
    let v = json(&posctl(dir.path(), &["orders", "show", &uid, "--json"]));
    assert_eq!(
        v["order"]["merchantUid"],
        uid.as_str(),
        "JSON has the order"
    );
    assert_eq!(
        v["events"].as_array().map(Vec::len),
        Some(1),
        "JSON has the timeline"
    );
}

#[test]
fn an_unknown_merchant_uid_is_an_error_on_stderr_with_a_failing_exit() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["orders", "show", "order_nope"]);
    assert!(!out.status.success(), "the exit code is non-zero");
    assert!(stdout(&out).is_empty(), "nothing on stdout");
    assert!(
        stderr(&out).contains("찾을 수 없습니다"),
        "a Korean message on stderr: {}",
        stderr(&out)
    );
}

#[test]
fn bad_numbers_and_states_are_refused() {
    let dir = tempdir();
    for args in [
        vec!["orders", "list", "--limit", "0"],
        vec!["orders", "list", "--limit", "abc"],
        vec!["orders", "list", "--limit", "-5"],
        vec!["orders", "list", "--status", "bogus"],
        vec!["orders", "create", "--plan", "pass_99m"],
        vec!["orders", "create", "--plan", "pass_1m", "--count", "0"],
    ] {
        let out = posctl(dir.path(), &args);
        assert!(!out.status.success(), "{args:?} fails");
        assert!(!stderr(&out).is_empty(), "{args:?} explains on stderr");
    }
    let v = json(&posctl(dir.path(), &["orders", "list", "--json"]));
    assert_eq!(v["total"], 0, "no bad command created an order");
}

#[test]
fn a_corrupt_database_is_reported_and_left_untouched() {
    let dir = tempdir();
    let path = dir.path().join(pos_core::store::DB_FILE);
    let garbage = b"garbage, not sqlite\n".repeat(100);
    std::fs::write(&path, &garbage).unwrap_or_else(|e| panic!("write: {e}"));
    let list = posctl(dir.path(), &["orders", "list"]);
    assert!(!list.status.success(), "orders list fails");
    assert!(
        stderr(&list).contains("not a database"),
        "the error says why: {}",
        stderr(&list)
    );
    let doctor = posctl(dir.path(), &["doctor"]);
    assert!(!doctor.status.success(), "doctor fails");
    assert!(
        stdout(&doctor).contains("손상"),
        "doctor names the problem: {}",
        stdout(&doctor)
    );
    assert_eq!(
        std::fs::read(&path).ok(),
        Some(garbage),
        "the file is untouched"
    );
}

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

#[test]
fn doctor_reports_an_unreachable_iamport() {
    let dir = tempdir();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let out = posctl_env(
        dir.path(),
        &[
            "doctor",
            "--json",
            "--api-base",
            "http://127.0.0.1:9",
            "--imp-key",
            "k",
        ],
        &[("IAMPORT_SECRET", "s")],
    );
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
    let out = posctl_env(
        dir.path(),
        &[
            "doctor",
            "--json",
            "--api-base",
            "http://api.iamport.kr",
            "--imp-key",
            "k",
        ],
        &[("IAMPORT_SECRET", "s")],
    );
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

#[test]
fn plans_set_price_changes_the_catalog_for_new_orders() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["plans", "set-price", "pass_1m", "11000"]);
    assert!(out.status.success(), "set-price succeeds: {}", stderr(&out));
    assert!(
        stdout(&out).contains("11,000원"),
        "it confirms in won: {}",
        stdout(&out)
    );
    let created = posctl(
        dir.path(),
        &["orders", "create", "--plan", "pass_1m", "--json"],
    );
    assert_eq!(
        json(&created)[0]["amount"],
        11_000,
        "a new order takes the new price"
    );
}

#[test]
fn plans_set_price_refuses_bad_prices_and_unknown_plans() {
    let dir = tempdir();
    for args in [
        vec!["plans", "set-price", "pass_1m", "0"],
        vec!["plans", "set-price", "pass_1m", "-9900"],
        vec!["plans", "set-price", "pass_1m", "9,900"],
        vec!["plans", "set-price", "pass_1m", "99.5"],
        vec!["plans", "set-price", "pass_99m", "9900"],
    ] {
        let out = posctl(dir.path(), &args);
        assert!(!out.status.success(), "{args:?} fails");
        assert!(!stderr(&out).is_empty(), "{args:?} explains on stderr");
    }
    let v = json(&posctl(dir.path(), &["plans", "list", "--json"]));
    assert_eq!(v[0]["price"], 9_900, "the price is unchanged");
}

#[test]
fn orders_list_filters_by_pay_method_and_search_and_pages() {
    let dir = tempdir();
    for (plan, method) in [
        ("pass_1m", "card"),
        ("pass_3m", "vbank"),
        ("pass_1m", "phone"),
    ] {
        let made = posctl(
            dir.path(),
            &["orders", "create", "--plan", plan, "--pay-method", method],
        );
        assert!(made.status.success(), "create {method}: {}", stderr(&made));
    }
    let vbank = json(&posctl(
        dir.path(),
        &["orders", "list", "--pay-method", "vbank", "--json"],
    ));
    assert_eq!(vbank["total"], 1, "one vbank order: {vbank}");
    let uid = vbank["items"][0]["merchantUid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let found = json(&posctl(
        dir.path(),
        &["orders", "list", "--search", &uid, "--json"],
    ));
    assert_eq!(found["total"], 1, "the merchant_uid search finds it");
    let second = json(&posctl(
        dir.path(),
        &["orders", "list", "--limit", "1", "--offset", "1", "--json"],
    ));
    assert_eq!(
        second["items"][0]["payMethod"], "vbank",
        "offset 1 skips the newest"
    );
    let bad = posctl(dir.path(), &["orders", "list", "--pay-method", "cash"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown pay method is a usage error"
    );
}
