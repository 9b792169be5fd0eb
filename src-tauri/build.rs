// The one command list (`src/commands/list.rs`) as names, for the permissions below.
macro_rules! commands {
    ($($module:ident :: $command:ident),+ $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($command)),+];
    };
}

include!("src/commands/list.rs");

/// The `allow-<command>` permissions the main window's capability in `tauri.conf.json` is
/// missing, and those it names that are no command of the app.
fn capability_mismatch(conf: &str) -> (Vec<String>, Vec<String>) {
    let wanted: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    let missing = wanted
        .iter()
        .filter(|p| !conf.contains(&format!("\"{p}\"")))
        .cloned()
        .collect();
    let unknown = conf
        .split("\"allow-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| format!("allow-{name}"))
        .filter(|p| !wanted.contains(p))
        .collect();
    (missing, unknown)
}

fn main() {
    // A build script reports failure by panicking; this is not runtime code.
    // The manifest dir of this run (Cargo sets it when it runs the script), not of the build
    // that compiled the script: a target dir shared by two checkouts reuses the compiled script.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let conf = std::fs::read_to_string(std::path::Path::new(&dir).join("tauri.conf.json"))
        .unwrap_or_else(|e| panic!("read tauri.conf.json: {e}"));
    let (missing, unknown) = capability_mismatch(&conf);
    if !missing.is_empty() || !unknown.is_empty() {
        panic!(
            "tauri.conf.json's capability must allow exactly the commands of \
             src-tauri/src/commands/list.rs: missing {missing:?}, not a command {unknown:?}"
        );
    }
    // Declaring the app's commands makes each one a permission (`allow-<command>`), so the
    // capability file lists exactly what the webview may call.
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri-build failed: {error:#}");
    }
}
