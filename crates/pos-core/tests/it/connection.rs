//! The connection choice: 직접 연결, 중계 서버 (with the store's uid prefix), 테스트.

use pos_core::connection::{check_switch, SwitchError};
use pos_core::ids::UidPrefix;
use pos_core::settings::{Connection, Mode, RelaySettings, Settings, SettingsError};
use pos_core::store::OrderPatch;
use pos_core::OrderState;

use crate::{card_order, store};

fn relay(url: &str, prefix: &str) -> Settings {
    Settings {
        mode: Mode::Live,
        merchant_code: Some("imp12345678".parse().expect("merchant code")),
        relay: Some(RelaySettings {
            url: url.into(),
            uid_prefix: prefix.into(),
        }),
        ..Settings::default()
    }
}

fn direct() -> Settings {
    Settings {
        relay: None,
        ..relay("https://relay.example", "ab12_")
    }
}

#[test]
fn the_connection_follows_mode_and_relay() {
    assert_eq!(
        Settings::default().connection(),
        Connection::Sandbox,
        "a fresh install is 테스트"
    );
    assert_eq!(
        direct().connection(),
        Connection::Direct,
        "live without a relay is 직접 연결"
    );
    let r = relay("https://relay.example", "ab12_");
    assert_eq!(
        r.connection(),
        Connection::Relay,
        "live with a relay is 중계 서버"
    );
    assert_eq!(
        r.uid_prefix().as_ref().map(UidPrefix::as_str),
        Some("ab12_"),
        "relay mode mints behind the prefix"
    );
    assert_eq!(direct().uid_prefix(), None, "direct mode mints bare ids");
    let sandbox_with_relay = Settings {
        mode: Mode::Sandbox,
        ..r
    };
    assert_eq!(
        sandbox_with_relay.connection(),
        Connection::Sandbox,
        "sandbox mode ignores the relay"
    );
    assert_eq!(
        sandbox_with_relay.uid_prefix(),
        None,
        "sandbox ids carry no prefix"
    );
}

#[test]
fn relay_settings_of_the_wrong_shape_are_refused() {
    assert_eq!(
        relay("https://relay.example/", "ab12_").validate(),
        Ok(()),
        "a good relay validates"
    );
    assert_eq!(
        relay("http://127.0.0.1:8787", "ab12_").validate(),
        Ok(()),
        "http to this PC is allowed"
    );
    for url in [
        "",
        "relay.example",
        "http://relay.example",
        "ftp://relay.example",
        "https://u:p@relay.example",
    ] {
        assert_eq!(
            relay(url, "ab12_").validate(),
            Err(SettingsError::InvalidRelayUrl),
            "{url:?} must be refused"
        );
    }
    for prefix in ["", "ab12", "AB12_", "abcdef_", "a b_"] {
        assert!(
            matches!(
                relay("https://relay.example", prefix).validate(),
                Err(SettingsError::InvalidUidPrefix { .. })
            ),
            "prefix {prefix:?} must be refused"
        );
    }
}

#[test]
fn a_store_handle_with_a_prefix_mints_prefixed_order_ids() {
    let prefix = UidPrefix::parse("k3m9_").expect("prefix");
    let book = store().with_uid_prefix(Some(prefix));
    let order = card_order(&book, "pass_1m");
    assert!(
        order.merchant_uid.starts_with("k3m9_order_"),
        "{} must carry the store prefix",
        order.merchant_uid
    );
    assert!(
        order.merchant_uid.len() <= 40,
        "{} must fit 40 characters",
        order.merchant_uid
    );
    assert!(
        book.mint_customer_uid().starts_with("k3m9_cust_"),
        "customer_uids carry the prefix too"
    );
}

#[test]
fn switching_to_the_relay_is_refused_while_direct_orders_are_open() {
    let book = store();
    let open = card_order(&book, "pass_1m");
    let refused = check_switch(&book, &direct(), &relay("https://relay.example", "ab12_"));
    match refused {
        Err(SwitchError::WorkOutsidePrefix(w)) => {
            assert_eq!(w.open_orders, 1, "the open direct order is named")
        }
        other => panic!("switching with an open unprefixed order must be refused, got {other:?}"),
    }
    assert!(
        check_switch(&book, &relay("https://relay.example", "ab12_"), &direct()).is_ok(),
        "back to 직접 연결 is always allowed: the merchant's key sees every payment"
    );
    book.apply_transition(&open, OrderState::Abandoned, "test", &OrderPatch::default())
        .unwrap_or_else(|e| panic!("abandon: {e}"));
    assert!(
        check_switch(&book, &direct(), &relay("https://relay.example", "ab12_")).is_ok(),
        "with nothing open the switch is allowed"
    );
}

#[test]
fn a_prefixed_open_order_does_not_block_its_own_relay() {
    let book = store().with_uid_prefix(UidPrefix::parse("ab12_").ok());
    card_order(&book, "pass_1m");
    assert!(
        check_switch(
            &book,
            &Settings::default(),
            &relay("https://relay.example", "ab12_")
        )
        .is_ok(),
        "orders already behind the prefix stay reachable"
    );
    assert!(
        check_switch(
            &book,
            &Settings::default(),
            &relay("https://relay.example", "zz99_")
        )
        .is_err(),
        "another prefix could not reach them"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posctl_in_relay_mode_mints_behind_the_prefix_and_syncs_through_the_relay() {
    use crate::relay_support::{relay_data_dir, Backend, Front};
    let sandbox = crate::checkout_support::start_sandbox(None, None).await;
    let front = Front::start(Backend::Relay, &sandbox.base_url()).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    relay_data_dir(&front, dir.path());
    let posctl = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_posctl"))
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env("PANMUSIC_SECRETS", "file")
            .env_remove("IAMPORT_KEY")
            .env_remove("IAMPORT_SECRET")
            .env_remove("IAMPORT_API_BASE")
            .output()
            .unwrap_or_else(|e| panic!("posctl: {e}"))
    };
    let created = tokio::task::block_in_place(|| {
        posctl(&[
            "orders",
            "create",
            "--plan",
            "pass_1m",
            "--pay-method",
            "card",
        ])
    });
    let uid = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        uid.starts_with(&front.uid("order_")),
        "posctl mints behind the relay store's prefix: {uid}"
    );
    let synced = tokio::task::block_in_place(|| posctl(&["sync", "--once"]));
    assert!(
        synced.status.success(),
        "a sync cycle goes through the relay with the relay store key: {}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let doctor = tokio::task::block_in_place(|| posctl(&["doctor"]));
    let report = String::from_utf8_lossy(&doctor.stdout).into_owned();
    assert!(
        doctor.status.success() && report.contains(&front.base_url()),
        "posctl doctor checks the relay with the relay store key: {report}"
    );
    sandbox.shutdown().await;
}

#[test]
fn the_relay_survives_a_reload_and_a_broken_one_falls_back_to_sandbox() {
    let saved = relay("https://relay.example", "ab12_");
    let load = pos_core::settings::parse_store_value(Some(&saved.to_store_value()));
    assert_eq!(load.problem, None, "a good relay loads cleanly");
    assert_eq!(
        load.settings.connection(),
        Connection::Relay,
        "중계 서버 survives a restart"
    );
    let broken = relay("https://relay.example", "NOPE");
    let load = pos_core::settings::parse_store_value(Some(&broken.to_store_value()));
    assert!(load.problem.is_some(), "a bad prefix is reported");
    assert_eq!(
        load.settings.connection(),
        Connection::Sandbox,
        "a broken relay never falls back to a direct live connection"
    );
}
