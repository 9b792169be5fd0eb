//! The app's own command-line flags: `--data-dir DIR` (or `--data-dir=DIR`), `--sandbox`,
//! `--hidden` (started at login: straight to the tray, no window shown), and `--sync-now` (given to
//! a second launch: the running app runs 지금 동기화 instead of showing its window); and what a
//! copy started by the tray's handover gets (`--handed-over`, `--screen FRAGMENT`: see
//! [`crate::handover`]).
//!
//! Parsed by hand because anything else on the command line (a second instance's arguments,
//! whatever a launcher or tauri-driver adds) must be ignored, not refused: the window must open.

use std::ffi::OsString;
use std::path::PathBuf;

/// What the command line asked for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LaunchArgs {
    /// Where the order book, settings and secrets live; `None` = the platform's app data dir.
    pub data_dir: Option<PathBuf>,
    /// Force sandbox mode whatever the saved settings say.
    pub sandbox: bool,
    /// Start in the tray without showing the window (how autostart launches the app).
    pub hidden: bool,
    /// A second launch asks the running app for 지금 동기화 and shows no window (a desktop
    /// shortcut or a script can ask for a sync without opening the app).
    pub sync_now: bool,
    /// Started by the handover of an app idle in the tray ([`crate::handover`]).
    pub handed_over: bool,
    /// The screen (the UI's URL fragment) the next window opens on, handed over.
    pub screen: Option<String>,
}

/// The flag autostart launches the app with.
pub const HIDDEN_FLAG: &str = "--hidden";
/// The flag a second launch gives to ask the running app for 지금 동기화.
pub const SYNC_NOW_FLAG: &str = "--sync-now";
/// The flag the tray's handover starts the fresh copy with.
pub const HANDED_OVER_FLAG: &str = "--handed-over";
/// The flag (followed by a URL fragment) that hands the fresh copy the screen the window showed.
pub const SCREEN_FLAG: &str = "--screen";

impl LaunchArgs {
    /// Parses the process's arguments (without the program name).
    pub fn from_env() -> Self {
        Self::parse(std::env::args_os().skip(1))
    }

    /// Parses `args` (without the program name). Unknown arguments are ignored; a `--data-dir`
    /// without a value is ignored too (the default dir is used).
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Self {
        let mut parsed = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--sandbox" {
                parsed.sandbox = true;
            } else if arg == HIDDEN_FLAG {
                parsed.hidden = true;
            } else if arg == SYNC_NOW_FLAG {
                parsed.sync_now = true;
            } else if arg == HANDED_OVER_FLAG {
                parsed.handed_over = true;
            } else if arg == SCREEN_FLAG {
                parsed.screen = args.next().and_then(|s| s.into_string().ok());
            } else if arg == "--data-dir" {
                if let Some(dir) = args.next().filter(|dir| !dir.is_empty()) {
                    parsed.data_dir = Some(PathBuf::from(dir));
                }
            } else if let Some(dir) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
                if !dir.is_empty() {
                    parsed.data_dir = Some(PathBuf::from(dir));
                }
            }
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> LaunchArgs {
        LaunchArgs::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn no_arguments_mean_default_dir_and_saved_mode() {
        assert_eq!(parse(&[]), LaunchArgs::default(), "nothing asked for");
    }

    #[test]
    fn data_dir_takes_the_next_argument() {
        let args = parse(&["--data-dir", "/tmp/pos data"]);
        assert_eq!(
            args.data_dir,
            Some(PathBuf::from("/tmp/pos data")),
            "dir with a space"
        );
        assert!(!args.sandbox, "sandbox not asked for");
    }

    #[test]
    fn data_dir_accepts_the_equals_form() {
        let args = parse(&["--data-dir=/var/pos"]);
        assert_eq!(
            args.data_dir,
            Some(PathBuf::from("/var/pos")),
            "--data-dir=DIR"
        );
    }

    #[test]
    fn sandbox_flag_is_seen_in_any_position() {
        let args = parse(&["--data-dir", "/d", "--sandbox"]);
        assert!(args.sandbox, "--sandbox after --data-dir");
        assert_eq!(args.data_dir, Some(PathBuf::from("/d")), "dir kept");
    }

    #[test]
    fn the_autostart_flag_starts_hidden() {
        assert!(
            parse(&[HIDDEN_FLAG]).hidden,
            "--hidden: straight to the tray"
        );
        assert!(
            !parse(&["--sandbox"]).hidden,
            "a plain launch shows the window"
        );
    }

    #[test]
    fn a_second_launch_may_ask_for_a_sync_instead_of_the_window() {
        assert!(
            parse(&["--data-dir", "/d", SYNC_NOW_FLAG]).sync_now,
            "--sync-now: the running app syncs"
        );
        assert!(
            !parse(&["--data-dir", "/d"]).sync_now,
            "a plain second launch shows the window"
        );
    }

    #[test]
    fn a_handed_over_copy_knows_it_and_its_screen() {
        let args = parse(&[
            "--data-dir",
            "/d",
            HIDDEN_FLAG,
            HANDED_OVER_FLAG,
            SCREEN_FLAG,
            "/orders/o-1",
        ]);
        assert!(args.hidden && args.handed_over, "hidden, and handed over");
        assert_eq!(
            args.screen.as_deref(),
            Some("/orders/o-1"),
            "the screen it hands on"
        );
        assert_eq!(args.data_dir, Some(PathBuf::from("/d")), "dir kept");
    }

    #[test]
    fn unknown_and_incomplete_arguments_are_ignored() {
        let args = parse(&["--verbose", "file.txt", "--data-dir"]);
        assert_eq!(args, LaunchArgs::default(), "ignored, not refused");
        assert_eq!(
            parse(&["--data-dir="]).data_dir,
            None,
            "empty value ignored"
        );
    }
}
