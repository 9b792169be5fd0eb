//! The Tauri shell of Panmusic POS: thin commands over `pos-core`, the main window, the payment
//! window that runs Iamport's SDK with no access to the commands, and the in-process sandbox.

pub mod args;
pub mod books;
pub mod commands;
pub mod error;
pub mod models;
pub mod navigation;
pub mod owner;
pub mod payments;
pub mod paywindow;
pub mod sandbox;
pub mod settings_file;
pub mod settings_flow;
pub mod startup;
pub mod state;
pub mod status;

use tauri::{Builder, Runtime};

use crate::args::LaunchArgs;

/// Registers the plugins (single-instance first, so a second launch only focuses the first),
/// the commands and the start-up work on `builder`.
pub fn app_builder<R: Runtime>(builder: Builder<R>, args: LaunchArgs) -> Builder<R> {
    builder
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            navigation::focus_main_window(app);
        }))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(commands::handler())
        .setup(move |app| {
            startup::setup(app.handle(), &args);
            navigation::create_main_window(app.handle())?;
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                payments::engine::ensure_started(&handle).await;
            });
            Ok(())
        })
}

/// Runs the app until its window closes.
pub fn run() {
    init_logging();
    let args = LaunchArgs::from_env();
    let context = tauri::generate_context!();
    match app_builder(Builder::default(), args).build(context) {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                // The sync engine finishes its step and releases the lease before the exit.
                tauri::async_runtime::block_on(payments::engine::stop(handle));
            }
        }),
        Err(error) => {
            tracing::error!(error = ?error, "the app stopped with an error");
            eprintln!("판뮤직 POS를 실행하지 못했습니다 (Panmusic POS failed to start): {error}");
            std::process::exit(1);
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second subscriber (tests) is not an error worth stopping for.
    if tracing_subscriber::fmt()
        .with_env_filter(filter)
        .try_init()
        .is_err()
    {
        eprintln!("logging was already set up");
    }
}
