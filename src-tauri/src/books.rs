//! The order book in effect follows the mode: switching mode stops the engine (releasing the old
//! book's lease), swaps the book and the Iamport client, stops or starts the in-process sandbox,
//! then starts the engine on the new book. "테스트 데이터 지우기" deletes the sandbox book and
//! the sandbox's saved state and never opens or names the live book.

use pos_core::settings::Mode;
use tauri::{AppHandle, Runtime};

use crate::error::ShellError;
use crate::payments::{engine, PaymentsExt};
use crate::settings_flow::run_blocking;
use crate::startup::reopen_book;
use crate::state::PosStateExt;

/// Shown by commands while the book is being swapped (a moment).
const SWITCHING: &str = "결제 모드를 바꾸는 중입니다. 잠시 후 다시 시도해 주세요. (switching mode)";

/// Shown while the sandbox data is being deleted (a moment).
const CLEARING: &str =
    "테스트 데이터를 지우는 중입니다. 잠시 후 다시 시도해 주세요. (clearing sandbox data)";

/// Puts the book, the sandbox and the engine in step with the mode wanted now (after a save).
/// Nothing changes when the book in effect is already that mode's.
pub async fn follow_mode<R: Runtime>(app: &AppHandle<R>) -> Result<(), ShellError> {
    let state = app.pos();
    let _switching = state.switching.lock().await;
    let wanted = state.mode();
    if state.book_mode() != Some(wanted) {
        tracing::info!(to = wanted.as_str(), "switching the order book");
        engine::stop_locked(app).await;
        app.payments().forget_client();
        state.close_book(SWITCHING);
        let dir = state.data_dir.clone();
        let book = run_blocking(move || Ok(reopen_book(&dir, wanted))).await?;
        state.set_book(book);
    }
    match wanted {
        Mode::Live => state.sandbox.stop().await,
        Mode::Sandbox => {
            state.sandbox.ensure_started(&state.data_dir).await?;
        }
    }
    engine::ensure_started_locked(app).await;
    Ok(())
}

/// Deletes the sandbox book and the sandbox's saved state, then (in sandbox mode) opens an empty
/// sandbox book and starts the sandbox and the engine again. The live book is never touched.
pub async fn clear_sandbox_data<R: Runtime>(app: &AppHandle<R>) -> Result<(), ShellError> {
    let state = app.pos();
    state.usable_data_dir()?;
    let _switching = state.switching.lock().await;
    let in_sandbox = state.book_mode() == Some(Mode::Sandbox);
    if in_sandbox {
        // The engine holds the sandbox book's lease and a client of the sandbox.
        engine::stop_locked(app).await;
        state.close_book(CLEARING);
    }
    // The sandbox saves its state when it stops: stop it before that file is deleted.
    state.sandbox.stop().await;
    let dir = state.data_dir.clone();
    let cleared = run_blocking(move || Ok(pos_core::store::clear_sandbox_book(&dir)?)).await;
    if in_sandbox {
        let dir = state.data_dir.clone();
        let book = run_blocking(move || Ok(reopen_book(&dir, Mode::Sandbox))).await?;
        state.set_book(book);
        state.sandbox.ensure_started(&state.data_dir).await?;
        engine::ensure_started_locked(app).await;
    }
    cleared?;
    tracing::info!("sandbox data cleared");
    Ok(())
}
