//! The sync engine in the status bar (issue 6): status, 지금 동기화, the needs-attention list.

use pos_core::sync::SyncStatus;
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::payments::models::JobView;
use crate::payments::{engine, flows};

/// Online/offline, queue length, oldest item's age, last successful sync.
#[tauri::command]
pub async fn sync_status<R: Runtime>(app: AppHandle<R>) -> CommandResult<SyncStatus> {
    Ok(engine::status(&app).await?)
}

/// Runs a cycle now (starts the engine if none runs); returns the status.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>) -> CommandResult<SyncStatus> {
    Ok(engine::sync_now(&app).await?)
}

/// Jobs still open: waiting, running, or parked for a person.
#[tauri::command]
pub async fn list_jobs<R: Runtime>(app: AppHandle<R>) -> CommandResult<Vec<JobView>> {
    Ok(flows::open_jobs(&app).await?)
}

/// A parked job back in the queue, due now.
#[tauri::command]
pub async fn retry_job<R: Runtime>(app: AppHandle<R>, id: i64) -> CommandResult<JobView> {
    Ok(engine::retry_job(&app, id).await?)
}
