use pos_core::settings::{load_store_file, parse_store_value, Mode, STORE_FILE};

fn write(dir: &tempfile::TempDir, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(STORE_FILE);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write settings: {e}"));
    path
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

#[test]
fn a_missing_file_is_a_fresh_install_without_a_problem() {
    let dir = tempdir();
    let load = load_store_file(&dir.path().join(STORE_FILE));
    assert_eq!(load.settings, Default::default(), "defaults");
    assert_eq!(load.problem, None, "no problem on a fresh install");
}

#[test]
fn a_tauri_store_file_is_read_under_the_settings_key() {
    let dir = tempdir();
    let path = write(
        &dir,
        br#"{"settings":{"mode":"live","merchantCode":"imp12345678","storeName":"Panmusic Gangnam","poll":{"sweepSecs":120}}}"#,
    );
    let load = load_store_file(&path);
    assert_eq!(load.problem, None, "a good file has no problem");
    assert_eq!(load.settings.mode, Mode::Live, "mode is read");
    assert_eq!(
        load.settings.store_name, "Panmusic Gangnam",
        "store name is read"
    );
    assert_eq!(load.settings.poll.sweep_secs, 120, "nested fields are read");
}

#[test]
fn a_garbage_file_gives_defaults_a_korean_problem_and_stays_untouched() {
    let dir = tempdir();
    let garbage = b"\x00\xffthis is {not json".to_vec();
    let path = write(&dir, &garbage);
    let load = load_store_file(&path);
    assert_eq!(load.settings, Default::default(), "defaults are used");
    let problem = load.problem.unwrap_or_default();
    assert!(
        problem.contains("손상") && problem.contains("기본 설정"),
        "the problem says so in Korean: {problem}"
    );
    assert_eq!(
        std::fs::read(&path).ok(),
        Some(garbage),
        "the file is not modified"
    );
}

#[test]
fn a_bad_merchant_code_loses_only_that_field_and_live_falls_back_to_sandbox() {
    let dir = tempdir();
    let path = write(
        &dir,
        br#"{"settings":{"mode":"live","merchantCode":"imp12","storeName":"keep me"}}"#,
    );
    let load = load_store_file(&path);
    assert_eq!(load.settings.merchant_code, None, "the bad code is dropped");
    assert_eq!(
        load.settings.mode,
        Mode::Sandbox,
        "live without a code is not safe: sandbox"
    );
    assert_eq!(load.settings.store_name, "keep me", "other fields survive");
    let problem = load.problem.unwrap_or_default();
    assert!(
        problem.contains("merchantCode") && problem.contains("가맹점 식별코드"),
        "the problem names the field: {problem}"
    );
}

#[test]
fn wrong_types_and_out_of_range_values_fall_back_per_field() {
    let load = parse_store_value(Some(&serde_json::json!({
        "mode": 42,
        "storeName": "ok",
        "poll": {"sweepSecs": 1},
        "futureField": true
    })));
    assert_eq!(
        load.settings.mode,
        Mode::Sandbox,
        "a numeric mode falls back"
    );
    assert_eq!(
        load.settings.poll.sweep_secs, 300,
        "an out-of-range sweep falls back"
    );
    assert_eq!(load.settings.store_name, "ok", "good fields are kept");
    assert!(load.problem.is_some(), "the owner is told");
}

#[test]
fn a_settings_value_that_is_not_an_object_gives_defaults() {
    for value in [
        serde_json::json!("text"),
        serde_json::json!([1, 2]),
        serde_json::json!(7),
    ] {
        let load = parse_store_value(Some(&value));
        assert_eq!(load.settings, Default::default(), "defaults for {value}");
        assert!(load.problem.is_some(), "a problem for {value}");
    }
}

#[test]
fn a_file_whose_root_is_not_an_object_gives_defaults() {
    let dir = tempdir();
    let load = load_store_file(&write(&dir, b"[\"settings\"]"));
    assert_eq!(load.settings, Default::default(), "defaults");
    assert!(load.problem.is_some(), "a problem is reported");
}

mod arbitrary_input {
    use pos_core::settings::{load_store_file, parse_store_value, STORE_FILE};
    use proptest::prelude::*;
    use serde_json::Value;

    /// Any JSON value, biased towards the keys and shapes the settings use.
    fn json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("mode".to_string()),
            Just("merchantCode".to_string()),
            Just("channels".to_string()),
            Just("storeName".to_string()),
            Just("businessNumber".to_string()),
            Just("buyer".to_string()),
            Just("poll".to_string()),
            Just("sweepSecs".to_string()),
            Just("card".to_string()),
            Just("tel".to_string()),
            "[a-zA-Z]{1,8}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            prop_oneof![
                Just("live".to_string()),
                Just("sandbox".to_string()),
                Just("imp12345678".to_string()),
                ".{0,60}"
            ]
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map(key.clone(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_stored_value_loads_to_valid_settings(value in json()) {
            let load = parse_store_value(Some(&value));
            prop_assert!(load.settings.validate().is_ok(), "loaded settings always validate: {:?}", load);
        }

        #[test]
        fn any_file_bytes_load_without_panicking_and_stay_untouched(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let path = dir.path().join(STORE_FILE);
            std::fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let load = load_store_file(&path);
            prop_assert!(load.settings.validate().is_ok(), "loaded settings always validate");
            prop_assert_eq!(std::fs::read(&path).ok(), Some(bytes), "the file is never modified");
        }
    }
}
