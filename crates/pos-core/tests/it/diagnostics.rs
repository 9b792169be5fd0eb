//! 진단 정보 내보내기: the zip holds the checks, each book's version and queue, and the logs,
//! and never a secret, a token or buyer data beyond order ids.

use std::io::Read;
use std::process::Command;

use chrono::Utc;
use pos_core::diagnostics::{write_zip, DiagnosticsInput};
use pos_core::logfile;
use pos_core::settings::Mode;
use pos_core::{NewJob, NewOrder, PayMethod, Store};

const BUYER_PHONE: &str = "010-5555-7777";
const BUYER_NAME: &str = "김진단";
const SECRET: &str = "diag-rest-secret-3141";
const TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c";
const REFUND_ACCOUNT: &str = "110-222-333444";

fn entries(path: &std::path::Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("open the zip: {e}"));
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("read the zip: {e}"));
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap_or_else(|e| panic!("entry {i}: {e}"));
            let mut text = String::new();
            entry
                .read_to_string(&mut text)
                .unwrap_or_else(|e| panic!("entry {i} is text: {e}"));
            (entry.name().to_owned(), text)
        })
        .collect()
}

#[test]
fn the_diagnostics_zip_holds_checks_books_queue_and_logs_without_secrets_or_buyer_data() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = Store::open_book(dir.path(), Mode::Sandbox).unwrap_or_else(|e| panic!("book: {e}"));
    let order = store
        .create_order(&NewOrder {
            plan_id: "pass_1m".into(),
            pay_method: PayMethod::Vbank,
            buyer_name: Some(BUYER_NAME.into()),
            buyer_tel: Some(BUYER_PHONE.into()),
            buyer_email: None,
        })
        .unwrap_or_else(|e| panic!("order: {e}"));
    store
        .enqueue_job(&NewJob {
            kind: "cancel".into(),
            merchant_uid: order.merchant_uid.clone(),
            payload: serde_json::json!({"refund_account": REFUND_ACCOUNT, "refund_holder": BUYER_NAME}),
            run_at: None,
        })
        .unwrap_or_else(|e| panic!("job: {e}"));
    // A log written before redaction existed, or by hand: the export redacts it again.
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap_or_else(|e| panic!("logs: {e}"));
    logfile::keep_out_of_logs(SECRET);
    std::fs::write(
        logfile::file_of(&logs, Utc::now().date_naive()),
        format!(
            "token {TOKEN} issued with {SECRET}; buyer {BUYER_PHONE}; order {}\n",
            order.merchant_uid
        ),
    )
    .unwrap_or_else(|e| panic!("log: {e}"));
    let doctor = Command::new(env!("CARGO_BIN_EXE_posctl"))
        .args(["--mode", "sandbox", "--json", "doctor", "--data-dir"])
        .arg(dir.path())
        .env("PANMUSIC_SECRETS", "file")
        .env_remove("IAMPORT_API_BASE")
        .output()
        .unwrap_or_else(|e| panic!("posctl doctor: {e}"));
    let doctor: serde_json::Value = serde_json::from_slice(&doctor.stdout)
        .unwrap_or_else(|e| panic!("doctor --json is JSON: {e}"));

    let out = dir.path().join("진단.zip");
    let input = DiagnosticsInput {
        log_dir: Some(&logs),
        doctor,
        books: vec![(Mode::Sandbox, store)],
        now: Utc::now(),
    };
    write_zip(&out, &input).unwrap_or_else(|e| panic!("the zip is written: {e}"));
    let found = entries(&out);
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in [
        "README.txt",
        "doctor.json",
        "books/sandbox.json",
        "books/sandbox-jobs.json",
    ] {
        assert!(names.contains(&wanted), "the zip has {wanted}: {names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("logs/panmusic-pos.")),
        "the zip has the logs: {names:?}"
    );
    let book = &found
        .iter()
        .find(|(n, _)| n == "books/sandbox.json")
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    assert!(
        book.contains(&format!("\"schemaVersion\": {}", pos_core::SCHEMA_VERSION)),
        "the schema version is there: {book}"
    );
    let jobs = &found
        .iter()
        .find(|(n, _)| n == "books/sandbox-jobs.json")
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    assert!(
        jobs.contains(&order.merchant_uid),
        "the queue names the order by its id: {jobs}"
    );
    for (name, text) in &found {
        for forbidden in [SECRET, TOKEN, BUYER_PHONE, BUYER_NAME, REFUND_ACCOUNT] {
            assert!(
                !text.contains(forbidden),
                "{name} must not contain {forbidden}: {text}"
            );
        }
    }
}
