//! Reading the settings out of the tauri-plugin-store file, forgivingly.
//!
//! Each top-level field is read on its own, so one bad field (a hand-edited merchant code, say)
//! falls back to its default without losing the others; then fields that break validation are
//! reset too (live mode without a merchant code falls back to sandbox). Nothing here writes.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::{Settings, STORE_KEY};

/// Settings as loaded, with what was wrong with the file if anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsLoad {
    /// The settings to use: the file's where they were good, defaults elsewhere.
    pub settings: Settings,
    /// A Korean message for the owner when something in the file was ignored.
    pub problem: Option<String>,
}

/// Reads `path` (a tauri-plugin-store JSON file). A missing file is a fresh install: defaults and
/// no problem. Unreadable or broken: defaults and a problem. The file is never modified.
pub fn load_store_file(path: &Path) -> SettingsLoad {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return SettingsLoad {
                settings: Settings::default(),
                problem: None,
            }
        }
        Err(e) => {
            return defaults_because(format!(
                "설정 파일({})을 읽을 수 없어 기본 설정으로 시작합니다: {e}. (cannot read the settings file)",
                path.display()
            ))
        }
    };
    let root: Value = match serde_json::from_slice(&text) {
        Ok(root) => root,
        Err(e) => {
            return defaults_because(format!(
                "설정 파일({})이 손상되어 기본 설정으로 시작합니다. 파일은 그대로 두었습니다: {e}. (the settings file is not valid JSON)",
                path.display()
            ))
        }
    };
    match root {
        Value::Object(map) => parse_store_value(map.get(STORE_KEY)),
        _ => defaults_because(format!(
            "설정 파일({})의 형식이 올바르지 않아 기본 설정으로 시작합니다. 파일은 그대로 두었습니다. (the settings file is not a JSON object)",
            path.display()
        )),
    }
}

/// Reads the value stored under [`STORE_KEY`] (`None`: nothing stored yet).
pub fn parse_store_value(value: Option<&Value>) -> SettingsLoad {
    let map = match value {
        None | Some(Value::Null) => {
            return SettingsLoad {
                settings: Settings::default(),
                problem: None,
            }
        }
        Some(Value::Object(map)) => map,
        Some(_) => {
            return defaults_because(
                "저장된 설정의 형식이 올바르지 않아 기본 설정으로 시작합니다. (stored settings are not an object)".to_string(),
            )
        }
    };
    let mut settings = Settings::default();
    let mut problems = Vec::new();
    field(map, "mode", &mut settings.mode, &mut problems);
    field(
        map,
        "merchantCode",
        &mut settings.merchant_code,
        &mut problems,
    );
    field(map, "channels", &mut settings.channels, &mut problems);
    field(map, "storeName", &mut settings.store_name, &mut problems);
    field(map, "accountId", &mut settings.account_id, &mut problems);
    field(
        map,
        "businessNumber",
        &mut settings.business_number,
        &mut problems,
    );
    field(map, "buyer", &mut settings.buyer, &mut problems);
    field(map, "poll", &mut settings.poll, &mut problems);
    field(map, "relay", &mut settings.relay, &mut problems);
    // Each reset removes one cause, so this ends within one pass per kind of problem.
    for _ in 0..10 {
        match settings.validate() {
            Ok(()) => break,
            Err(e) => {
                settings.reset_offending(&e);
                problems.push(e.to_string());
            }
        }
    }
    let problem = (!problems.is_empty()).then(|| {
        format!(
            "설정 일부가 올바르지 않아 기본값을 사용합니다: {}",
            problems.join(" / ")
        )
    });
    SettingsLoad { settings, problem }
}

fn field<T: DeserializeOwned>(
    map: &Map<String, Value>,
    key: &str,
    target: &mut T,
    problems: &mut Vec<String>,
) {
    if let Some(value) = map.get(key) {
        match serde_json::from_value::<T>(value.clone()) {
            Ok(parsed) => *target = parsed,
            Err(e) => problems.push(format!("'{key}' 항목을 읽을 수 없습니다 ({e})")),
        }
    }
}

fn defaults_because(problem: String) -> SettingsLoad {
    SettingsLoad {
        settings: Settings::default(),
        problem: Some(problem),
    }
}
