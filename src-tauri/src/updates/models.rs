//! What the update commands send to the webview.

use serde::Serialize;
use ts_rs::TS;

/// 업데이트 확인: the version running and the update offered, if any.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateCheck {
    /// The version running now (`0.1.0`).
    pub current_version: String,
    /// The newer version on the update host; `None`: this is the newest.
    pub offer: Option<UpdateOffer>,
}

/// An update the owner may take.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateOffer {
    /// The new version.
    pub version: String,
    /// What changed, as Panmusic wrote it.
    pub notes: Option<String>,
    /// When it was published (RFC 3339, UTC; the UI shows it in KST).
    pub published_at: Option<String>,
    /// Already downloaded and its signature checked: it installs on restart.
    pub ready: bool,
}

/// The event [`PROGRESS_EVENT`] while an update downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateProgress {
    /// Bytes received so far.
    #[ts(type = "number")]
    pub downloaded: u64,
    /// The bundle's size, when the host said it.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// Emitted to the main window while an update downloads.
pub const PROGRESS_EVENT: &str = "update-progress";
