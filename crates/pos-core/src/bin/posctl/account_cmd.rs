//! `posctl account show|set`: the shop's Panmusic account in the app's settings.

use pos_core::paths::prepare_data_dir;
use pos_core::settings::{save_store_file, STORE_FILE};

use crate::cli::{AccountCommand, Global};
use crate::context::{data_dir, settings};
use crate::error::{emit, print_json, say, CliError};

pub fn run(global: &Global, command: &AccountCommand) -> Result<(), CliError> {
    let dir = prepare_data_dir(&data_dir(global)?)?;
    let load = settings(&dir);
    let mut current = load.settings;
    if let AccountCommand::Set { id, store } = command {
        if load.problem.is_some() {
            // Saving over a broken file would drop what the owner has not yet looked at.
            return Err(CliError::SettingsWrite(std::io::Error::other(
                "설정 파일에 문제가 있습니다. 앱의 설정 화면에서 먼저 확인하고 저장하세요",
            )));
        }
        current.account_id = Some(id.trim().to_string());
        if let Some(store) = store {
            current.store_name = store.trim().to_string();
        }
        current.validate()?;
        save_store_file(&dir.join(STORE_FILE), &current).map_err(CliError::SettingsWrite)?;
    }
    let account = current.account();
    if global.json {
        return print_json(&serde_json::json!({ "account": account }));
    }
    let mut out = String::new();
    match (&account, command) {
        (Some(a), AccountCommand::Set { .. }) => say!(
            out,
            "판뮤직 계정을 {} ({})(으)로 저장했습니다. 이제부터 만드는 주문의 결제에 이 계정이 담깁니다.",
            a.account_id,
            store_label(&a.store)
        ),
        (Some(a), AccountCommand::Show) => {
            say!(out, "판뮤직 계정: {} ({})", a.account_id, store_label(&a.store))
        }
        (None, _) => say!(
            out,
            "판뮤직 계정이 아직 없습니다. `posctl account set 계정ID --store 매장이름` 또는 앱의 설정에서 입력하세요."
        ),
    }
    emit(&out)
}

fn store_label(store: &str) -> &str {
    if store.is_empty() {
        "매장 이름 없음"
    } else {
        store
    }
}
