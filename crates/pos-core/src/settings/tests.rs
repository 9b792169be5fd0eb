//! The settings' defaults, validation (each malformed field named) and their camelCase form.

use super::*;

#[test]
fn the_defaults_are_a_valid_sandbox_install() {
    let s = Settings::default();
    assert_eq!(s.mode, Mode::Sandbox, "sandbox by default");
    assert_eq!(s.poll.sweep_secs, 300, "5-minute sweep by default");
    assert_eq!(s.validate(), Ok(()), "defaults validate");
}

#[test]
fn live_mode_without_a_merchant_code_is_refused() {
    let s = Settings {
        mode: Mode::Live,
        ..Default::default()
    };
    assert_eq!(
        s.validate(),
        Err(SettingsError::LiveNeedsMerchantCode),
        "live needs a merchant code"
    );
}

#[test]
fn live_mode_with_a_merchant_code_is_accepted() {
    let s = Settings {
        mode: Mode::Live,
        merchant_code: "imp12345678".parse().ok(),
        ..Default::default()
    };
    assert_eq!(s.validate(), Ok(()), "live with a code validates");
}

#[test]
fn each_malformed_field_is_named() {
    let cases: Vec<(Settings, SettingsError)> = vec![
        (
            Settings {
                store_name: "가".repeat(51),
                ..Default::default()
            },
            SettingsError::StoreNameTooLong { max: 50 },
        ),
        (
            Settings {
                business_number: Some("123-45".into()),
                ..Default::default()
            },
            SettingsError::InvalidBusinessNumber,
        ),
        (
            Settings {
                business_number: Some("123-45-67890".into()),
                ..Default::default()
            },
            SettingsError::BusinessNumberChecksum,
        ),
        (
            Settings {
                channels: PayMethodChannels {
                    card: Some("has space".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
            SettingsError::InvalidChannel { method: "카드" },
        ),
        (
            Settings {
                poll: PollSettings { sweep_secs: 5 },
                ..Default::default()
            },
            SettingsError::SweepOutOfRange {
                value: 5,
                min: 30,
                max: 3600,
            },
        ),
        (
            Settings {
                buyer: BuyerDefaults {
                    email: Some("nope".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
            SettingsError::InvalidBuyer { field: "이메일" },
        ),
    ];
    for (settings, expected) in cases {
        assert_eq!(settings.validate(), Err(expected.clone()), "{expected:?}");
        assert_eq!(
            expected.code(),
            ErrorCode::Validation,
            "settings errors are validation errors"
        );
    }
}

#[test]
fn settings_serialise_in_camel_case_and_round_trip() {
    let s = Settings {
        mode: Mode::Live,
        merchant_code: "imp12345678".parse().ok(),
        store_name: "판뮤직 강남점".into(),
        ..Default::default()
    };
    let v = s.to_store_value();
    assert_eq!(
        v["merchantCode"], "imp12345678",
        "camelCase key, code as a string"
    );
    assert_eq!(v["mode"], "live", "snake_case mode");
    assert_eq!(v["poll"]["sweepSecs"], 300, "nested camelCase");
    let back: Result<Settings, _> = serde_json::from_value(v);
    assert_eq!(back.ok(), Some(s), "round trip");
}
