//! The installed package as dpkg knows it, and the newer package the test host serves: the .deb
//! the app was installed from, unpacked and built again with [`NEW_VERSION`] and one file of its
//! own ([`MARKER`]), so its arrival on disk can be seen.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{fail, Result};

/// The version the test update carries (above the app's own 0.1.0 and the installed package's).
pub const NEW_VERSION: &str = "0.9.0";

/// A file only the newer package holds.
const MARKER: &str = "usr/lib/panmusic-pos/e2e-update-0.9.0";

/// The package that owns the app binary.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The package's name (`panmusic-pos`).
    pub package: String,
    /// Its version as dpkg lists it.
    pub version: String,
    /// The app binary's inode: a new one once dpkg has replaced it.
    pub inode: u64,
    bin: PathBuf,
}

impl Installed {
    /// The package owning `bin`, or why there is none (`dpkg -S` knows no package for it).
    pub fn owning(bin: &Path) -> Result<Installed> {
        let owner = run("dpkg", &["-S".as_ref(), bin.as_os_str()])?;
        // "panmusic-pos: /usr/bin/panmusic-pos"
        let package = owner
            .split(':')
            .next()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .ok_or_else(|| fail(format!("dpkg -S said {owner:?}")))?
            .to_owned();
        let installed = Installed {
            package,
            version: String::new(),
            inode: 0,
            bin: bin.to_path_buf(),
        };
        let installed = installed.current()?;
        if installed.version == NEW_VERSION {
            return Err(fail(format!(
                "{} {NEW_VERSION} is installed already (a previous run): dpkg -i the original .deb",
                installed.package
            )));
        }
        Ok(installed)
    }

    /// The package's version and the binary's inode now.
    pub fn current(&self) -> Result<Installed> {
        let version = run(
            "dpkg-query",
            &[
                "-W".as_ref(),
                "-f=${Version}".as_ref(),
                self.package.as_ref(),
            ],
        )?;
        let inode = std::fs::metadata(&self.bin)?.ino();
        Ok(Installed {
            version: version.trim().to_owned(),
            inode,
            ..self.clone()
        })
    }
}

/// The .deb `installed` came from, rebuilt as [`NEW_VERSION`] with [`MARKER`] added.
pub fn newer_deb(installed: &Installed) -> Result<Vec<u8>> {
    let original = original_deb(installed)?;
    let work = tempfile::Builder::new()
        .prefix("panmusic-e2e-deb-")
        .tempdir()?;
    let root = work.path().join("root");
    run(
        "dpkg-deb",
        &["-R".as_ref(), original.as_os_str(), root.as_os_str()],
    )?;
    let control = root.join("DEBIAN/control");
    let text = std::fs::read_to_string(&control)?;
    let text: String = text
        .lines()
        .map(|line| {
            if line.starts_with("Version:") {
                format!("Version: {NEW_VERSION}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(&control, text)?;
    let marker = root.join(MARKER);
    std::fs::create_dir_all(marker.parent().expect("the marker is in a folder"))?;
    std::fs::write(&marker, "made by the update_install e2e test\n")?;
    let newer = work
        .path()
        .join(format!("panmusic-pos_{NEW_VERSION}_amd64.deb"));
    // Fast gzip: a debug binary is ~100 MB, and the download must finish within a step's wait.
    run(
        "dpkg-deb",
        &[
            "--root-owner-group".as_ref(),
            "-Zgzip".as_ref(),
            "-z1".as_ref(),
            "-b".as_ref(),
            root.as_os_str(),
            newer.as_os_str(),
        ],
    )?;
    Ok(std::fs::read(&newer)?)
}

/// `PANMUSIC_UPDATE_DEB`, else the debug bundle of the installed version.
fn original_deb(installed: &Installed) -> Result<PathBuf> {
    let path = match std::env::var_os("PANMUSIC_UPDATE_DEB") {
        Some(path) => PathBuf::from(path),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
            // The bundler names it after the product ("Panmusic POS_0.1.0_amd64.deb").
            let suffix = format!("_{}_amd64.deb", installed.version);
            let bundles = target.join("debug/bundle/deb");
            std::fs::read_dir(&bundles)
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .find(|path| path.to_string_lossy().ends_with(&suffix))
                .unwrap_or_else(|| bundles.join(format!("*{suffix}")))
        }
    };
    if !path.is_file() {
        return Err(fail(format!(
            "the .deb the app was installed from is not at {} (set PANMUSIC_UPDATE_DEB)",
            path.display()
        )));
    }
    Ok(path)
}

/// Whether the newer package's own file is on disk.
pub fn marker_installed() -> bool {
    Path::new("/").join(MARKER).is_file()
}

/// The lines of dpkg's log (none when it cannot be read).
pub fn dpkg_log_lines() -> Vec<String> {
    std::fs::read_to_string("/var/log/dpkg.log")
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Runs `program` with `args`; its stdout, or an error with its stderr.
fn run(program: &str, args: &[&std::ffi::OsStr]) -> Result<String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|error| fail(format!("cannot run {program}: {error}")))?;
    if !output.status.success() {
        return Err(fail(format!(
            "{program} {args:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
