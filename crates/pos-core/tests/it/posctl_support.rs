//! What the posctl process tests share: running the real `posctl` binary on a data dir, isolated
//! from the caller's environment, and reading what it printed.

use std::path::Path;
use std::process::{Command, Output};

/// A fresh temporary data dir.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// `posctl ARGS --data-dir DIR`, isolated from the caller's environment (file secrets, no
/// Iamport key, secret or API base inherited); not yet run.
pub fn posctl_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_posctl"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("PANMUSIC_SECRETS", "file")
        .env_remove("IAMPORT_API_BASE")
        .env_remove("IAMPORT_KEY")
        .env_remove("IAMPORT_SECRET");
    cmd
}

/// Runs [`posctl_cmd`] with the variables `env` set, and waits for it.
pub fn posctl_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = posctl_cmd(dir, args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("posctl must start: {e}"))
}

/// Runs [`posctl_cmd`] and waits for it.
pub fn posctl(dir: &Path, args: &[&str]) -> Output {
    posctl_env(dir, args, &[])
}

/// What it printed on stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What it printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Its stdout as JSON (`--json`).
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(o)))
}
