//! The case every card-change crash test starts from: a KakaoPay `sub_monthly` subscription in
//! a data dir posctl works on (직접 연결 or 중계 서버), whose 카드 변경 window was paid at the
//! sandbox (the 100원 check charged, the new key issued) while the app has not confirmed it yet.

use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use pos_core::store::SubscriptionState;
use pos_core::subscription::{CardChangeWindow, Subscriptions};
use serde_json::json;

use crate::relay_support::Backend;
use crate::subscription_support::Sbx;

/// The billing channel whose window charges what it carries (the 100원 check on a card change).
pub const KAKAOPAY: &str = "kakaopay.TCSUBSCRIP";

/// A subscription with a paid, unconfirmed card-change window, and where it lives.
pub struct CardCase {
    pub sbx: Sbx,
    pub dir: tempfile::TempDir,
    pub sub_id: String,
    /// The key the subscription was registered with.
    pub old_key: String,
    /// The card-change window: its `billing_` check order and the new key it issued.
    pub window: CardChangeWindow,
}

impl CardCase {
    /// Subscribes through a KakaoPay window, then opens the card-change window and pays it.
    pub async fn paid_window(backend: Backend) -> CardCase {
        let sbx = Sbx::start_on(backend).await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        sbx.prepare_dir(dir.path());
        let subs = domain(&sbx, dir.path());
        let ticket = subs
            .start("sub_monthly", Some(KAKAOPAY))
            .unwrap_or_else(|e| panic!("start: {e}"));
        let imp_uid = sbx.billing_window_ends(&ticket, "approve").await;
        let sub = subs
            .verify_issuance(
                &ticket.subscription_id,
                &imp_uid,
                Some(KAKAOPAY),
                sbx.now().await,
            )
            .await
            .unwrap_or_else(|e| panic!("verify: {e}"));
        assert_eq!(sub.state, SubscriptionState::Active, "subscribed: {sub:?}");
        let window = subs
            .open_card_change_window(&sub.id, Some(KAKAOPAY))
            .unwrap_or_else(|e| panic!("card-change window: {e}"));
        assert_eq!(
            window.amount, 100,
            "KakaoPay's card change carries the 100원 check"
        );
        let params = json!({"merchant_uid": window.merchant_uid, "amount": window.amount,
                            "pay_method": "card", "customer_uid": window.customer_uid, "pg": KAKAOPAY});
        let (opened, _) = sbx.sdk_window(params, "approve").await;
        assert_eq!(opened["code"], 0, "the 100원 window is paid: {opened}");
        CardCase {
            sbx,
            dir,
            sub_id: sub.id,
            old_key: sub.customer_uid,
            window,
        }
    }

    /// The subscription domain over the data dir's book, as the app builds it.
    pub fn subs(&self) -> Subscriptions {
        domain(&self.sbx, self.dir.path())
    }

    /// `posctl ARGS` on the data dir, over the case's connection.
    pub fn posctl(&self, args: &[&str]) -> Command {
        self.sbx.posctl(self.dir.path(), args)
    }

    /// `posctl subscriptions change-card SUB --customer-uid NEW --json`: the card change the
    /// owner's window asked for, confirmed from the terminal.
    pub fn change_card(&self) -> Command {
        let (id, key) = (self.sub_id.as_str(), self.window.customer_uid.as_str());
        self.posctl(&[
            "subscriptions",
            "change-card",
            id,
            "--customer-uid",
            key,
            "--json",
        ])
    }

    /// Runs `cmd` to its end and checks it succeeded.
    pub async fn run_ok(&self, mut cmd: Command, what: &str) -> Output {
        let out = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .unwrap_or_else(|e| panic!("{what} starts: {e}"));
        assert!(
            out.status.success(),
            "{what} succeeds: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Waits until the sandbox has received `route` more than `before` times, then kills
    /// `child` with SIGKILL (the request is at Iamport, its answer not yet back).
    pub async fn kill_at(&self, child: &mut Child, route: &str, before: u64) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.sbx.calls(route).await <= before {
            assert!(Instant::now() < deadline, "{route} was never sent");
            if let Ok(Some(status)) = child.try_wait() {
                panic!("posctl ended ({status}) before sending {route}");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        child.kill().unwrap_or_else(|e| panic!("SIGKILL: {e}"));
        let _reaped = child.wait();
    }
}

fn domain(sbx: &Sbx, dir: &Path) -> Subscriptions {
    Subscriptions::new(sbx.book(sbx.book_of(dir)), sbx.client())
}
