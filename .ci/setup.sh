#!/usr/bin/env bash
# Installs what Panmusic POS needs to build, run and test on a Debian 12 machine, and only what is missing.
# Usage: .ci/setup.sh [--test]   (--test also installs what the test suite needs: tauri-driver, chromium)
# Idempotent: a second run on a ready machine takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# Debian packages Tauri 2 needs (see ../shared/TAURI-NOTES.md), plus what the tests drive the app with,
# plus PostgreSQL's server binaries (panmusic-relay; its tests start their own server on a temp dir).
pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev libayatana-appindicator3-dev
      librsvg2-dev libsoup-3.0-dev libdbus-1-dev pkg-config xvfb xauth webkit2gtk-driver dbus dbus-x11
      fonts-nanum postgresql)
if [ "$want_test" = 1 ]; then
  pkgs+=(chromium chromium-driver xdotool x11-utils faketime)
  # The Windows cross-build (.ci/windows-build.sh) and posctl.exe's tests under Wine.
  pkgs+=(mingw-w64 nsis wine wine64 zip)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "cargo is missing: install Rust from https://rustup.rs first" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or newer first" >&2; exit 1; }

# npm dependencies of the webview, exactly as package-lock.json pins them.
stamp=ui/node_modules/.panmusic-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
  log "installing npm dependencies (npm ci)"
  npm ci --prefix ui --no-audit --no-fund --loglevel=error
  cp ui/package-lock.json "$stamp"
fi

if [ "$want_test" = 1 ]; then
  if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    log "adding the Rust target x86_64-pc-windows-gnu"
    rustup target add x86_64-pc-windows-gnu >/dev/null
  fi
  if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    log "installing tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
fi
log "ready"
