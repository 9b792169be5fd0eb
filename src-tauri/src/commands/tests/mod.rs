//! The commands through Tauri's mock runtime: real IPC requests (with the real capability file),
//! real pos-core store on a temp dir, the real sandbox on loopback. No display needed.

mod books;
mod checkout;
mod engine;
mod ledger;
mod owner_pin;
mod owner_pin_money;
mod payment_window;
mod relay_mode;
mod relay_switch;
mod settings;
mod status;
mod updates;

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

use pos_core::secrets::SecretBackend;

use crate::startup::build_state;
use crate::state::PosStateExt;
use crate::updates::test_host::TestHost;
use crate::updates::UpdateSlot;

/// A mock app with the shell's commands and state for `data_dir`, and its main window.
pub struct TestApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

impl TestApp {
    /// The app on `data_dir` with live API calls going to `live_api_base`.
    pub fn on(data_dir: &Path, force_sandbox: bool, live_api_base: &str) -> TestApp {
        TestApp::with_update_host(data_dir, force_sandbox, live_api_base, None)
    }

    /// [`TestApp::on`] with updates pointed at a test's update host.
    pub fn with_update_host(
        data_dir: &Path,
        force_sandbox: bool,
        live_api_base: &str,
        update_host: Option<TestHost>,
    ) -> TestApp {
        let app = mock_builder()
            .plugin(tauri_plugin_store::Builder::new().build())
            .plugin(tauri_plugin_updater::Builder::new().build())
            .invoke_handler(super::handler())
            .build(tauri::generate_context!(test = true))
            .expect("mock app builds");
        app.manage(build_state(
            Some(data_dir.to_path_buf()),
            force_sandbox,
            live_api_base,
            Some(SecretBackend::File),
        ));
        app.manage(UpdateSlot::new(update_host));
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("main window builds");
        TestApp { app, window }
    }

    /// The app on `data_dir` in sandbox mode with its sandbox started.
    pub fn sandboxed(data_dir: &Path) -> TestApp {
        let test = TestApp::on(data_dir, true, "http://127.0.0.1:9");
        tauri::async_runtime::block_on(test.app.pos().sandbox.ensure_started(data_dir))
            .expect("sandbox starts");
        test
    }

    /// Invokes `command` with `args` as the main window would; `Err` holds the rejection value.
    pub fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        invoke_in(&self.window, command, args)
    }
}

/// Invokes `command` with `args` from `window`'s page (the app's own origin); `Err` holds the
/// rejection value.
pub fn invoke_in(
    window: &WebviewWindow<MockRuntime>,
    command: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("local origin"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_owned(),
    };
    get_ipc_response(window, request).map(|body| {
        body.deserialize::<Value>()
            .expect("command replies are JSON")
    })
}

impl TestApp {
    /// Invokes `command` and decodes its successful reply.
    pub fn ok<T: DeserializeOwned>(&self, command: &str, args: Value) -> T {
        let reply = self
            .invoke(command, args)
            .unwrap_or_else(|error| panic!("{command} failed: {error}"));
        serde_json::from_value(reply).unwrap_or_else(|e| panic!("{command} reply shape: {e}"))
    }

    /// 결제하기 of the 1-month pass by card (`start_checkout`): the checkout ticket.
    pub fn card_checkout(&self) -> Value {
        self.ok(
            "start_checkout",
            json!({ "planId": "pass_1m", "payMethod": "card" }),
        )
    }

    /// Invokes `command`, expecting `{code, message}`; returns both.
    pub fn err(&self, command: &str, args: Value) -> (String, String) {
        let error = match self.invoke(command, args) {
            Ok(reply) => panic!("{command} should fail, replied {reply}"),
            Err(error) => error,
        };
        let code = error["code"].as_str().map(str::to_owned);
        let message = error["message"].as_str().map(str::to_owned);
        match (code, message) {
            (Some(code), Some(message)) => (code, message),
            _ => panic!("{command} rejected with something other than {{code, message}}: {error}"),
        }
    }
}

/// No arguments.
pub fn no_args() -> Value {
    json!({})
}
