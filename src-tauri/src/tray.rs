//! Living in the system tray: closing the main window closes it to the tray (the window and its
//! WebKit page are destroyed, the sync engine keeps running; the first time, a notification says
//! so), and the tray menu has 열기 (which builds the window again), 지금 동기화, the queue count,
//! and 종료 (which asks first while work is still queued).

use std::sync::Mutex;

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, ExitRequestApi, Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::navigation::{focus_main_window, LastScreen, WINDOW_TITLE};
use crate::notify;
use crate::payments::engine;
use crate::paywindow;
use crate::state::PosStateExt;

/// What of the main window is remembered across starts: size, position and maximized state
/// (visibility is the app's to decide).
pub const WINDOW_STATE: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// The tray icon's id.
pub const TRAY_ID: &str = "main";

/// A marker file in the data dir: the "still running in the tray" notice was shown once.
pub const HIDDEN_NOTICE_MARKER: &str = "tray-notice-shown";

/// The tray menu's queue line, updated as the queue changes.
pub struct TrayMenu<R: Runtime> {
    queue: Mutex<Option<MenuItem<R>>>,
}

/// The queue line of the tray menu: how much work is waiting.
pub fn queue_label(pending: i64, needs_attention: i64) -> String {
    match (pending, needs_attention) {
        (0, 0) => "대기 중인 작업 없음".to_owned(),
        (p, 0) => format!("대기 중인 작업 {p}건"),
        (p, n) => format!("대기 중인 작업 {p}건 · 확인 필요 {n}건"),
    }
}

/// What 종료 asks while work is queued (`None`: quit at once).
pub fn quit_question(pending: i64) -> Option<String> {
    (pending > 0).then(|| {
        format!(
            "아직 아임포트에 보내지 못한 작업이 {pending}건 있습니다. 종료하면 앱을 다시 켤 때까지 처리되지 않습니다(작업은 사라지지 않습니다). 종료할까요?"
        )
    })
}

/// Builds the tray icon and its menu.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "열기", true, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", "지금 동기화", true, None::<&str>)?;
    let queue = MenuItem::with_id(app, "queue", queue_label(0, 0), false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "종료", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&open, &sync, &queue, &separator, &quit])?;
    app.manage(TrayMenu {
        queue: Mutex::new(Some(queue)),
    });
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(WINDOW_TITLE)
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => focus_main_window(app),
            "sync" => sync_in_background(app, "the tray"),
            "quit" => ask_and_quit(app),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                focus_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// 지금 동기화 without a window (from the tray menu, or asked by a second launch); `from` names
/// who asked, in the log.
pub fn sync_in_background<R: Runtime>(app: &AppHandle<R>, from: &'static str) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match engine::sync_now(&app).await {
            Ok(status) => tracing::info!(
                from,
                online = status.online,
                clean = status.last_error.is_none(),
                last_success_at = ?status.last_success_at,
                "지금 동기화 finished"
            ),
            Err(error) => tracing::warn!(error = %error, from, "지금 동기화 failed"),
        }
        notify::refresh_queue(&app).await;
    });
}

/// Sets the queue line of the tray menu.
pub fn show_queue<R: Runtime>(app: &AppHandle<R>, pending: i64, needs_attention: i64) {
    let Some(menu) = app.try_state::<TrayMenu<R>>() else {
        return;
    };
    let item = menu
        .queue
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(item) = item.as_ref() {
        if let Err(error) = item.set_text(queue_label(pending, needs_attention)) {
            tracing::warn!(error = ?error, "tray queue line not updated");
        }
    }
}

/// 종료: quits at once with an empty queue; otherwise asks first.
fn ask_and_quit<R: Runtime>(app: &AppHandle<R>) {
    let pending = app
        .pos()
        .store()
        .ok()
        .and_then(|store| store.queue_summary().ok())
        .map_or(0, |q| q.pending);
    let Some(question) = quit_question(pending) else {
        app.exit(0);
        return;
    };
    focus_main_window(app);
    let handle = app.clone();
    app.dialog()
        .message(question)
        .title("판뮤직 POS 종료")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            "종료".into(),
            "취소".into(),
        ))
        .show(move |quit| {
            if quit {
                handle.exit(0);
            }
        });
}

/// Makes closing the main window close it to the tray: its size and position are saved, the
/// screen it shows is remembered, and the window is destroyed with its WebKit page (the app keeps
/// running: [`keep_running_without_windows`]). While a payment window is open the main window is
/// only hidden, as the payment's result is told to it, and closed once it was told
/// ([`close_if_hidden`]). The first time, a notification says the
/// app keeps running in the tray. Once destroyed, the window's going starts the wait before the
/// tray's handover ([`crate::handover`]).
pub fn close_to_tray<R: Runtime>(window: &WebviewWindow<R>) {
    let handle = window.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::Destroyed = event {
            crate::handover::schedule(handle.app_handle());
        }
        if let WindowEvent::CloseRequested { api, .. } = event {
            let app = handle.app_handle();
            if let Err(error) = app.save_window_state(WINDOW_STATE) {
                tracing::warn!(error = %error, "window size and position not saved");
            }
            if let Ok(url) = handle.url() {
                app.state::<LastScreen>().remember(&url);
            }
            if paywindow::current(app).is_some() {
                api.prevent_close();
                if let Err(error) = handle.hide() {
                    tracing::warn!(error = ?error, "the main window did not hide");
                }
                tracing::info!("main window hidden to the tray while a payment window is open");
            } else {
                tracing::info!("main window closed to the tray; the sync engine keeps running");
            }
            first_hide_notice(app);
        }
    });
}

/// Once a payment window's result was told to the main window: a main window that was only
/// hidden to the tray because the payment window was open is closed to the tray now, as any
/// close does (its page destroyed, the tray's handover scheduled), so the app left idle in the
/// tray keeps no page. A main window on screen, or another payment window open, is left alone.
pub fn close_if_hidden<R: Runtime>(app: &AppHandle<R>) {
    let Some(main) = app.get_webview_window(crate::navigation::MAIN_WINDOW) else {
        return;
    };
    if paywindow::current(app).is_some() || main.is_visible().unwrap_or(true) {
        return;
    }
    tracing::info!("the payment window is gone: closing the hidden main window to the tray");
    if let Err(error) = main.close() {
        tracing::warn!(error = ?error, "the hidden main window did not close");
    }
}

/// Whether an exit request lets the app end: only 종료 (an exit with a code) does; the last
/// window closing (no code) leaves the app running in the tray.
pub fn exit_allowed(code: Option<i32>) -> bool {
    code.is_some()
}

/// Keeps the app running when its last window closes (it lives in the tray until 종료).
pub fn keep_running_without_windows(code: Option<i32>, api: &ExitRequestApi) {
    if !exit_allowed(code) {
        api.prevent_exit();
    }
}

fn first_hide_notice<R: Runtime>(app: &AppHandle<R>) {
    let marker = app.pos().data_dir.join(HIDDEN_NOTICE_MARKER);
    if marker.exists() {
        return;
    }
    notify::show(
        app,
        "판뮤직 POS는 계속 실행 중입니다",
        "창을 닫아도 트레이(알림 영역)에서 결제 확인과 동기화를 계속합니다. 끝내려면 트레이 아이콘의 메뉴에서 종료를 누르세요.",
    );
    if let Err(error) = std::fs::write(&marker, b"") {
        tracing::warn!(error = %error, "tray notice marker not written");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_line_counts_waiting_and_parked_work() {
        assert_eq!(
            queue_label(0, 0),
            "대기 중인 작업 없음",
            "an empty queue says so"
        );
        assert_eq!(
            queue_label(3, 0),
            "대기 중인 작업 3건",
            "waiting work is counted"
        );
        assert_eq!(
            queue_label(3, 1),
            "대기 중인 작업 3건 · 확인 필요 1건",
            "parked work too"
        );
    }

    #[test]
    fn only_quitting_ends_the_app() {
        assert!(
            !exit_allowed(None),
            "the last window closing leaves the app in the tray"
        );
        assert!(exit_allowed(Some(0)), "종료 ends it");
    }

    #[test]
    fn quitting_asks_only_while_work_is_queued() {
        assert_eq!(quit_question(0), None, "nothing queued: quit at once");
        let asked = quit_question(2).unwrap_or_default();
        assert!(
            asked.contains("2건"),
            "the question counts the queued work: {asked}"
        );
        assert!(
            asked.contains("사라지지 않습니다"),
            "and says nothing is lost: {asked}"
        );
    }
}
