//! The Tauri shell of Panmusic POS: thin commands over `pos-core`, the main window, the payment
//! window that runs Iamport's SDK with no access to the commands, and the in-process sandbox.

pub mod args;
pub mod backups;
pub mod books;
pub mod commands;
pub mod diagnostics;
pub mod error;
pub mod handover;
pub mod logging;
pub mod models;
pub mod navigation;
pub mod notify;
pub mod owner;
pub mod payments;
pub mod paywindow;
pub mod sandbox;
pub mod settings_file;
pub mod settings_flow;
pub mod startup;
pub mod state;
pub mod status;
pub mod tray;
pub mod updates;

use tauri::{Builder, Manager, Runtime};

use crate::args::LaunchArgs;

/// Registers the plugins (single-instance first, so a second launch only shows the first's
/// window, runs 지금 동기화 when it was given `--sync-now`, or does nothing when started
/// `--hidden`), the commands and the start-up work
/// on `builder`.
pub fn app_builder<R: Runtime>(builder: Builder<R>, args: LaunchArgs) -> Builder<R> {
    builder
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            let asked = LaunchArgs::parse(argv.into_iter().skip(1).map(Into::into));
            if asked.sync_now {
                tray::sync_in_background(app, "a second launch");
            } else if asked.hidden {
                // Autostart (or a handover) meeting a running app: nothing to show.
                tracing::info!("a hidden second launch: the app runs already");
            } else {
                navigation::focus_main_window(app);
            }
        }))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![args::HIDDEN_FLAG]),
        ))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(window_state(&args))
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(commands::handler())
        .setup(move |app| {
            startup::setup(app.handle(), &args);
            app.manage(diagnostics::LogDir(logging::log_dir(&args)));
            app.manage(updates::UpdateSlot::new(updates::test_host::from_env()));
            app.manage(navigation::LastScreen::new(args.screen.clone()));
            app.manage(handover::Handover::default());
            if args.handed_over {
                tracing::info!("started hidden by the tray's handover (no WebKit until 열기)");
            }
            // Started at login, the app waits in the tray with no window (and no WebKit page).
            if !args.hidden {
                navigation::create_main_window(app.handle())?;
            }
            tray::create(app.handle())?;
            startup::autostart_on_first_run(app.handle(), &args);
            notify::start(app.handle(), args.handed_over);
            backups::start_daily(app.handle());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                payments::engine::ensure_started(&handle).await;
            });
            Ok(())
        })
}

/// The main window's size, position and maximized state, remembered across starts (in the data
/// dir when `--data-dir` is given, so test runs do not share it). Visibility is not restored:
/// the app decides that (hidden when started at login).
fn window_state<R: Runtime>(args: &LaunchArgs) -> tauri::plugin::TauriPlugin<R> {
    let mut plugin = tauri_plugin_window_state::Builder::new()
        .with_state_flags(tray::WINDOW_STATE)
        .with_filter(|label| label == navigation::MAIN_WINDOW);
    if let Some(dir) = &args.data_dir {
        // An absolute name replaces the config dir the plugin would join it to.
        plugin = plugin.with_filename(dir.join("window-state.json").to_string_lossy());
    }
    plugin.build()
}

/// Runs the app until 종료 (closing the window closes it to the tray; the app keeps running).
pub fn run() {
    let args = LaunchArgs::from_env();
    logging::init(&args);
    handover::reap_inherited_webkit(args.handed_over);
    let context = tauri::generate_context!();
    match app_builder(Builder::default(), args).build(context) {
        Ok(app) => app.run(|handle, event| match event {
            tauri::RunEvent::ExitRequested { code, api, .. } => {
                tray::keep_running_without_windows(code, &api);
            }
            tauri::RunEvent::Exit => {
                // The sync engine finishes its step and releases the lease before the exit.
                tauri::async_runtime::block_on(payments::engine::stop(handle));
            }
            _ => {}
        }),
        Err(error) => {
            tracing::error!(error = ?error, "the app stopped with an error");
            eprintln!("판뮤직 POS를 실행하지 못했습니다 (Panmusic POS failed to start): {error}");
            std::process::exit(1);
        }
    }
}
