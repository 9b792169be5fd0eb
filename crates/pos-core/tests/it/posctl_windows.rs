//! `posctl.exe`, cross-built for Windows by `.ci/windows-build.sh`, run under Wine against a sandbox
//! started by the test: the Windows data folder (`%APPDATA%\kr.panmusic.pos` of a user with a
//! Korean name), the credential store's Windows backend, and the checkout, refund and sync paths.
//!
//! It needs `PANMUSIC_POSCTL_EXE` (the .exe) and `wine` on PATH; `.ci/test` sets the first after
//! the Windows build when Wine is present. Without them it prints why and checks nothing. DLLs in
//! `PANMUSIC_WINE_DLLS` are put beside the exe: Debian 12's Wine 8 lacks `bcryptprimitives.dll`
//! (every Windows 10 has it), so the build makes a shim of its one function for these tests.

use std::path::PathBuf;
use std::process::Output;

use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::Value;

use crate::checkout_support::Shop;

/// The Windows user the Wine prefix is made for: a Korean name, as on many store PCs.
const USER: &str = "김사장";

struct Wine {
    exe: PathBuf,
    prefix: tempfile::TempDir,
    _app: tempfile::TempDir,
}

impl Wine {
    /// The cross-built posctl.exe and a fresh Wine prefix, or `None` (with the reason printed).
    fn find() -> Option<Wine> {
        let Some(exe) = std::env::var_os("PANMUSIC_POSCTL_EXE").map(PathBuf::from) else {
            eprintln!("skipped: PANMUSIC_POSCTL_EXE is not set (.ci/test sets it after .ci/windows-build.sh)");
            return None;
        };
        assert!(
            exe.is_file(),
            "PANMUSIC_POSCTL_EXE names no file: {}",
            exe.display()
        );
        let wine_runs = std::process::Command::new("wine")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !wine_runs {
            eprintln!("skipped: wine is not installed (.ci/setup.sh --windows installs it)");
            return None;
        }
        let prefix = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        // The exe and its DLLs in a folder of their own: Windows looks beside the exe first.
        let app = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let copy = |from: &std::path::Path| {
            let to = app.path().join(from.file_name().unwrap_or_default());
            std::fs::copy(from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
            to
        };
        let exe = copy(&exe);
        if let Some(dlls) = std::env::var_os("PANMUSIC_WINE_DLLS") {
            let entries = std::fs::read_dir(&dlls)
                .unwrap_or_else(|e| panic!("PANMUSIC_WINE_DLLS is a folder: {e}"));
            for entry in entries.flatten() {
                copy(&entry.path());
            }
        }
        Some(Wine {
            exe,
            prefix,
            _app: app,
        })
    }

    /// `%APPDATA%\kr.panmusic.pos` of [`USER`], as a Linux path inside the prefix.
    fn data_dir(&self) -> PathBuf {
        self.prefix
            .path()
            .join("drive_c/users")
            .join(USER)
            .join("AppData/Roaming/kr.panmusic.pos")
    }

    /// Runs `posctl.exe args` with the Windows default data folder (no `--data-dir`).
    async fn posctl(&self, base: &str, args: &[&str], credentials: bool) -> Output {
        let mut cmd = tokio::process::Command::new("wine");
        cmd.arg(&self.exe)
            .args(args)
            .arg("--api-base")
            .arg(base)
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            // No Mono or Gecko installer prompts (offline, no display).
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("USER", USER)
            .env("LANG", "C.UTF-8")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("IAMPORT_API_BASE")
            .env_remove("PANMUSIC_SECRETS");
        if credentials {
            cmd.env("IAMPORT_KEY", DEFAULT_IMP_KEY)
                .env("IAMPORT_SECRET", DEFAULT_IMP_SECRET);
        } else {
            cmd.env_remove("IAMPORT_KEY").env_remove("IAMPORT_SECRET");
        }
        cmd.output()
            .await
            .unwrap_or_else(|e| panic!("wine posctl.exe must start: {e}"))
    }

    async fn ok(&self, base: &str, args: &[&str]) -> String {
        let out = self.posctl(base, args, true).await;
        assert!(
            out.status.success(),
            "posctl.exe {args:?} succeeds under Wine: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"))
}

fn windows_path_ends_with(path: &str, tail: &str) -> bool {
    path.replace('/', "\\")
        .to_lowercase()
        .ends_with(&tail.to_lowercase())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posctl_exe_pays_refunds_and_syncs_in_the_windows_data_folder() {
    let Some(wine) = Wine::find() else { return };
    let shop = Shop::open().await;
    let base = shop.sandbox.base_url();

    let doctor = json(&wine.ok(&base, &["doctor", "--json"]).await);
    let dir = doctor["dataDir"].as_str().unwrap_or_default();
    assert!(
        windows_path_ends_with(
            dir,
            &format!("users\\{USER}\\AppData\\Roaming\\kr.panmusic.pos")
        ),
        "the data folder is %APPDATA%\\kr.panmusic.pos of the Korean-named user: {doctor}"
    );
    assert_eq!(doctor["ok"], true, "doctor is content: {doctor}");
    assert_eq!(
        doctor["iamport"]["status"], "ok",
        "a token was issued: {doctor}"
    );

    let muid = wine
        .ok(
            &base,
            &[
                "orders",
                "create",
                "--plan",
                "pass_1m",
                "--pay-method",
                "card",
            ],
        )
        .await
        .trim()
        .to_owned();
    assert!(
        muid.starts_with("order_"),
        "a merchant_uid is printed: {muid:?}"
    );
    let imp = shop.buyer_pays(&muid, 9900, "card", "paid").await;

    let paid = wine.ok(&base, &["payment", "complete", &muid, &imp]).await;
    assert!(
        paid.contains("결제 완료"),
        "Korean output survives Wine: {paid}"
    );
    let refunded = wine
        .ok(
            &base,
            &["refund", &muid, "--amount", "3000", "--reason", "고객 요청"],
        )
        .await;
    assert!(refunded.contains("환불 완료"), "says refunded: {refunded}");
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        3000,
        "Iamport refunded 3,000원"
    );

    // A console refund of the rest, found by the Windows build's sync engine.
    shop.console_cancel(&imp, 6900).await;
    wine.ok(&base, &["sync", "--once"]).await;
    let order = json(&wine.ok(&base, &["orders", "show", &muid, "--json"]).await);
    assert_eq!(
        (
            order["order"]["state"].as_str(),
            order["order"]["refundedAmount"].as_i64()
        ),
        (Some("refunded"), Some(9900)),
        "sync --once under Wine applied the console refund: {order}"
    );

    let book = wine.data_dir().join("sandbox");
    assert!(
        book.join("pos.sqlite3").is_file(),
        "the order book is in the Windows data folder: {}",
        book.display()
    );
    let store = pos_core::Store::open(&book).unwrap_or_else(|e| panic!("open the book: {e}"));
    let saved = store
        .order(&muid)
        .unwrap_or_else(|e| panic!("read the order: {e}"));
    assert_eq!(
        saved.refunded_amount, 9900,
        "the book the Windows build wrote is the one Linux reads"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posctl_exe_keeps_credentials_in_the_windows_credential_store_or_its_file_fallback() {
    let Some(wine) = Wine::find() else { return };
    let shop = Shop::open().await;
    let base = shop.sandbox.base_url();
    let stored = |out: Output| {
        assert!(
            out.status.success(),
            "posctl.exe succeeds: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&String::from_utf8_lossy(&out.stdout))
    };

    let fresh = stored(wine.posctl(&base, &["doctor", "--json"], false).await);
    assert_eq!(
        fresh["credentialsSet"], false,
        "a fresh PC has none: {fresh}"
    );

    let saved = stored(
        wine.posctl(&base, &["credentials", "set", "--json"], true)
            .await,
    );
    let backend = saved["backend"].as_str().unwrap_or_default().to_owned();
    assert!(
        matches!(backend.as_str(), "keyring" | "file"),
        "saved in the keyring or its file fallback: {saved}"
    );
    eprintln!("credential store under Wine: {backend}");
    assert_eq!(
        wine.data_dir().join("credentials.json").is_file(),
        backend == "file",
        "credentials.json exists in %APPDATA%\\kr.panmusic.pos exactly when the file backend holds them"
    );

    // A later run with no key in its environment reads them back and gets a token with them.
    let doctor = stored(wine.posctl(&base, &["doctor", "--json"], false).await);
    assert_eq!(
        (
            doctor["credentialsSet"].as_bool(),
            doctor["credentialsSource"].as_str()
        ),
        (Some(true), Some(backend.as_str())),
        "doctor finds what was saved: {doctor}"
    );
    assert_eq!(
        doctor["iamport"]["status"], "ok",
        "the saved key gets a token: {doctor}"
    );
    let text = doctor.to_string();
    assert!(
        !text.contains(DEFAULT_IMP_SECRET),
        "the secret never appears in doctor's output"
    );

    stored(
        wine.posctl(&base, &["credentials", "clear", "--json"], false)
            .await,
    );
    let cleared = stored(wine.posctl(&base, &["doctor", "--json"], false).await);
    assert_eq!(cleared["credentialsSet"], false, "cleared: {cleared}");
}
