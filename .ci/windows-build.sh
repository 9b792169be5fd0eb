#!/usr/bin/env bash
# Cross-builds Panmusic POS for Windows (x86_64-pc-windows-gnu) on this Linux machine, offline:
#   $CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release/panmusic-pos.exe   the app (production build)
#   $CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release/posctl.exe         the command-line tool
#   $CARGO_TARGET_DIR/windows/panmusic-pos-VERSION-x64-portable.zip    exe + WebView2Loader.dll + posctl.exe
#   $CARGO_TARGET_DIR/windows/panmusic-pos-VERSION-x64-setup.exe       per-user NSIS installer, in Korean
# and prints each file's size. Needs Debian's mingw-w64 and nsis and the rustup target (.ci/setup.sh
# --windows installs them). Tauri's own NSIS bundler is not used here: it downloads its NSIS plugin
# (nsis_tauri_utils.dll) from GitHub, which this offline machine cannot reach; the installer is built
# from .ci/windows/installer.nsi with Debian's makensis instead (README, "Windows").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/panmusic-pos/target}"
target=x86_64-pc-windows-gnu
rel="$CARGO_TARGET_DIR/$target/release"
out="$CARGO_TARGET_DIR/windows"

for tool in x86_64-w64-mingw32-gcc makensis zip; do
  command -v "$tool" >/dev/null || { echo "windows-build: $tool is missing (run .ci/setup.sh --windows)" >&2; exit 1; }
done
rustup target list --installed 2>/dev/null | grep -qx "$target" || rustup target add "$target"

# A production build, as `tauri build` makes it: the UI built and embedded, the custom-protocol
# feature on (no dev server); then posctl, which has no Tauri in it.
npm --prefix ui run --silent build
cargo build --locked --release --target "$target" -p panmusic-pos --features custom-protocol
cargo build --locked --release --target "$target" -p pos-core --bin posctl

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
# The GNU target links WebView2Loader.dll dynamically; webview2-com-sys ships Microsoft's DLL and its
# build script copies it into its OUT_DIR.
loader=$(ls -t "$rel"/build/webview2-com-sys-*/out/x64/WebView2Loader.dll 2>/dev/null | head -1)
[ -f "$loader" ] || { echo "windows-build: WebView2Loader.dll not found under $rel/build" >&2; exit 1; }

rm -rf "$out" && mkdir -p "$out/stage"
cp "$rel/panmusic-pos.exe" "$rel/posctl.exe" "$loader" "$out/stage/"
cp .ci/windows/README-windows.txt "$out/stage/읽어주세요.txt"
zip_name="panmusic-pos-$version-x64-portable.zip"
(cd "$out/stage" && zip -q -9 "../$zip_name" ./*)

# Not shipped: a bcryptprimitives.dll for Debian 12's Wine 8, which lacks it, so the tests can run
# posctl.exe under Wine (see the file's header).
mkdir -p "$out/wine-test"
x86_64-w64-mingw32-gcc -O2 -shared -Wl,--kill-at -o "$out/wine-test/bcryptprimitives.dll" \
  .ci/windows/wine-bcryptprimitives.c -ladvapi32

setup_name="panmusic-pos-$version-x64-setup.exe"
makensis -V2 -INPUTCHARSET UTF8 \
  -DVERSION="$version" -DSTAGE="$out/stage" -DICON="$root/icons/icon.ico" -DOUTFILE="$out/$setup_name" \
  .ci/windows/installer.nsi

size() { printf 'windows: %s is %s bytes (%s MiB)\n' "$(basename "$1")" "$(stat -c %s "$1")" \
  "$(awk "BEGIN{printf \"%.2f\", $(stat -c %s "$1")/1048576}")"; }
size "$rel/panmusic-pos.exe"; size "$rel/posctl.exe"; size "$out/$zip_name"; size "$out/$setup_name"
echo "windows: ok"
