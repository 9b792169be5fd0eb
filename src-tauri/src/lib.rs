//! The Tauri shell of Panmusic POS: thin commands over `pos-core`.
pub fn run() {}
