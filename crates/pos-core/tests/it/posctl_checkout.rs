//! `posctl orders create`, `payment complete` and `refund` as processes against a sandbox
//! started by the test: the same verification and refund paths the UI uses. Each test runs
//! twice: direct (`--api-base` and the sandbox's key) and through the relay (posctl in 중계 서버
//! mode from the app's settings, the live book, merchant_uids behind the store's prefix), with
//! the same wording and exit codes.

use std::path::Path;
use std::process::Output;

use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::json;

use crate::checkout_support::Shop;
use crate::relay_support::{over_both, relay_data_dir, Backend};

/// posctl on one data dir, over the shop's connection.
struct Cli<'a> {
    shop: &'a Shop,
    dir: tempfile::TempDir,
}

impl<'a> Cli<'a> {
    /// A fresh data dir: through the relay, an app saved in 중계 서버 mode with the relay
    /// store's key.
    fn new(shop: &'a Shop) -> Cli<'a> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        if let Some(front) = shop.front.as_ref().filter(|f| f.is_relay()) {
            relay_data_dir(front, dir.path());
        }
        Cli { shop, dir }
    }

    /// `uid` as this connection names it (behind the relay store's prefix through the relay).
    fn uid(&self, uid: &str) -> String {
        self.shop
            .front
            .as_ref()
            .map_or_else(|| uid.to_owned(), |f| f.uid(uid))
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs posctl with `args` on the data dir: direct with the sandbox's API base and test
    /// credentials, through the relay from the app's settings alone.
    async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_posctl"));
        cmd.args(args)
            .arg("--data-dir")
            .arg(self.path())
            .env("PANMUSIC_SECRETS", "file")
            .env_remove("IAMPORT_API_BASE");
        if self.shop.front.as_ref().is_some_and(|f| f.is_relay()) {
            cmd.env_remove("IAMPORT_KEY").env_remove("IAMPORT_SECRET");
        } else {
            cmd.arg("--api-base")
                .arg(self.shop.sandbox.base_url())
                .env("IAMPORT_KEY", DEFAULT_IMP_KEY)
                .env("IAMPORT_SECRET", DEFAULT_IMP_SECRET);
        }
        cmd.output()
            .await
            .unwrap_or_else(|e| panic!("posctl must start: {e}"))
    }

    /// `orders create --plan P`: one merchant_uid.
    async fn create(&self, plan: &str, method: &str) -> String {
        let out = self
            .run(&["orders", "create", "--plan", plan, "--pay-method", method])
            .await;
        assert!(
            out.status.success(),
            "orders create succeeds: {}",
            stderr(&out)
        );
        stdout(&out).trim().to_string()
    }

    /// The order as `orders show --json` prints it.
    async fn show(&self, merchant_uid: &str) -> serde_json::Value {
        let out = self.run(&["orders", "show", merchant_uid, "--json"]).await;
        assert!(
            out.status.success(),
            "orders show succeeds: {}",
            stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("orders show --json is JSON ({e}): {}", stdout(&out)));
        v["order"].clone()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn create_pay_complete_and_refund_from_the_command_line(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let cli = Cli::new(&shop);
    let muid = cli.create("pass_1m", "card").await;
    assert!(
        muid.starts_with(&cli.uid("order_")),
        "a merchant_uid is printed: {muid:?}"
    );
    let imp = shop.buyer_pays(&muid, 9900, "card", "paid").await;

    let out = cli.run(&["payment", "complete", &muid, &imp]).await;
    assert!(
        out.status.success(),
        "payment complete succeeds: {}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("결제 완료"),
        "says paid: {}",
        stdout(&out)
    );
    assert_eq!(cli.show(&muid).await["state"], "paid", "the order is paid");

    let out = cli
        .run(&["refund", &muid, "--amount", "3000", "--reason", "고객 요청"])
        .await;
    assert!(out.status.success(), "refund succeeds: {}", stderr(&out));
    assert!(
        stdout(&out).contains("환불 완료"),
        "says refunded: {}",
        stdout(&out)
    );
    let order = cli.show(&muid).await;
    assert_eq!(
        (order["state"].as_str(), order["refundedAmount"].as_i64()),
        (Some("partially_refunded"), Some(3000)),
        "{order}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        3000,
        "Iamport refunded 3,000원"
    );
}
over_both!(create_pay_complete_and_refund_from_the_command_line);

async fn bad_refunds_and_foreign_payments_fail_clearly_and_change_nothing(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let cli = Cli::new(&shop);
    let mine = cli.create("pass_1m", "card").await;
    let other = cli.create("pass_1m", "card").await;
    let others_imp = shop.buyer_pays(&other, 9900, "card", "paid").await;

    let out = cli.run(&["payment", "complete", &mine, &others_imp]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "another order's payment is refused"
    );
    assert!(
        stderr(&out).contains("다른 주문"),
        "the message says why: {}",
        stderr(&out)
    );
    assert_eq!(
        cli.show(&mine).await["state"],
        "created",
        "my order did not change"
    );

    let out = cli.run(&["refund", &mine, "--reason", "고객 요청"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unpaid order cannot be refunded"
    );
    assert!(
        stderr(&out).contains("환불할 수 없습니다"),
        "{}",
        stderr(&out)
    );

    let out = cli
        .run(&["refund", &mine, "--amount", "-5", "--reason", "x"])
        .await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "a negative amount is refused: {}",
        stderr(&out)
    );

    let out = cli
        .run(&["refund", &mine, "--amount", "abc", "--reason", "x"])
        .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "text where a number belongs is a usage error"
    );

    let out = cli.run(&["refund", "order_NOPE", "--reason", "x"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unknown order: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("찾을 수 없습니다"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        shop.calls("POST /payments/cancel").await,
        0,
        "nothing was sent to Iamport"
    );
}
over_both!(bad_refunds_and_foreign_payments_fail_clearly_and_change_nothing);

async fn refund_while_iamport_fails_exits_zero_and_says_queued(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let cli = Cli::new(&shop);
    let muid = cli.create("pass_1m", "card").await;
    let imp = shop.buyer_pays(&muid, 9900, "card", "paid").await;
    let out = cli.run(&["payment", "complete", &muid, &imp]).await;
    assert!(out.status.success(), "paid first: {}", stderr(&out));
    shop.faults(json!({"error_rate": 1.0})).await;
    let out = cli.run(&["refund", &muid, "--reason", "고객 요청"]).await;
    assert!(
        out.status.success(),
        "queued is not a failure: {}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("환불이 대기열에 등록됨"),
        "says queued: {}",
        stdout(&out)
    );
    shop.faults(json!({})).await;
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        0,
        "nothing refunded yet"
    );
    let out = cli.run(&["sync", "--once"]).await;
    assert!(
        out.status.success(),
        "sync --once runs the queue: {}",
        stderr(&out)
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        9900,
        "the queued refund ran once"
    );
    assert_eq!(
        cli.show(&muid).await["state"],
        "refunded",
        "and was mirrored"
    );
}
over_both!(refund_while_iamport_fails_exits_zero_and_says_queued);

async fn payment_complete_json_reports_the_order_and_a_repeat_changes_nothing(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let cli = Cli::new(&shop);
    let muid = cli.create("pass_3m", "card").await;
    let imp = shop.buyer_pays(&muid, 27000, "card", "paid").await;
    for (round, changed) in [(1, true), (2, false)] {
        let out = cli
            .run(&["payment", "complete", &muid, &imp, "--json"])
            .await;
        assert!(
            out.status.success(),
            "round {round} succeeds: {}",
            stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("--json is JSON ({e}): {}", stdout(&out)));
        assert_eq!(v["order"]["state"], "paid", "round {round}: {v}");
        assert_eq!(
            v["changed"], changed,
            "round {round} changed={changed}: {v}"
        );
        assert_eq!(v["impUid"], imp.as_str(), "round {round} names the payment");
    }
}
over_both!(payment_complete_json_reports_the_order_and_a_repeat_changes_nothing);

async fn refund_resume_sends_the_parked_vbank_cancel_with_a_bank_code_and_refuses_a_bank_name(
    backend: Backend,
) {
    let shop = Shop::open_on(backend).await;
    let cli = Cli::new(&shop);
    let muid = cli.create("pass_1m", "vbank").await;
    // The buyer's window was tampered: an account for 100원 instead of 9,900원, then deposited.
    let imp = shop.buyer_pays(&muid, 100, "vbank", "ready").await;
    let out = cli.run(&["payment", "complete", &muid, &imp]).await;
    assert!(
        out.status.success(),
        "issued account verifies: {}",
        stderr(&out)
    );
    shop.deposit(&imp).await;
    let out = cli.run(&["payment", "complete", &muid, &imp]).await;
    assert!(
        stdout(&out).contains("확인 필요"),
        "the automatic cancel is parked for the refund account: {} {}",
        stdout(&out),
        stderr(&out)
    );

    let resume = |bank: &'static str| {
        let (cli, muid) = (&cli, muid.clone());
        async move {
            cli.run(&[
                "refund",
                "resume",
                &muid,
                "--refund-bank",
                bank,
                "--refund-account",
                "123-4567-8901",
                "--refund-holder",
                "홍길동",
            ])
            .await
        }
    };
    let out = resume("국민은행").await;
    assert!(
        !out.status.success(),
        "a bank name is refused: {}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("은행"),
        "the error names the field: {}",
        stderr(&out)
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        0,
        "nothing was sent with free text as refund_bank"
    );

    let banks = cli.run(&["refund", "banks"]).await;
    assert!(
        stdout(&banks).contains("004") && stdout(&banks).contains("아임포트 목록"),
        "the codes come from Iamport's GET /banks: {}",
        stdout(&banks)
    );
    let out = resume("004").await;
    assert!(
        out.status.success(),
        "with a bank code it is sent: {}",
        stderr(&out)
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        100,
        "the whole tampered deposit was refunded to the account"
    );
    assert!(
        stdout(&out).contains("자동 취소를 보냈습니다"),
        "it says the cancel was sent: {}",
        stdout(&out)
    );
}
over_both!(refund_resume_sends_the_parked_vbank_cancel_with_a_bank_code_and_refuses_a_bank_name);
