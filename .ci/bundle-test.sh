#!/usr/bin/env bash
# Builds the Linux desktop bundle (.deb), unpacks it into a scratch root, starts the installed binary
# under Xvfb with a scratch data dir and checks that its window appears. Prints the .deb's size.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/panmusic-pos/target}"
export PANMUSIC_SECRETS=file

ui/node_modules/.bin/tauri build --bundles deb
deb=$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb | head -1)
size=$(stat -c %s "$deb")
printf 'bundle: %s is %s bytes (%s MiB)\n' "$(basename "$deb")" "$size" "$(awk "BEGIN{printf \"%.2f\", $size/1048576}")"

scratch=$(mktemp -d)
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
dpkg-deb --info "$deb" | sed -n '/Package:/p;/Version:/p;/Depends:/p'
dpkg -x "$deb" "$scratch/root"
bin="$scratch/root/usr/bin/panmusic-pos"
[ -x "$bin" ] || { echo "bundle: the .deb has no /usr/bin/panmusic-pos" >&2; exit 1; }
ls "$scratch/root/usr/share/applications/"*.desktop >/dev/null

# Start the installed binary on its own display and wait (at most 60 s) for its window.
cat > "$scratch/probe.sh" <<PROBE
#!/usr/bin/env bash
"$bin" --data-dir "$scratch/data" > "$scratch/app.log" 2>&1 &
pid=\$!
for _ in \$(seq 1 120); do
  if xdotool search --name "판뮤직 POS" >/dev/null 2>&1; then echo "window found"; kill \$pid; exit 0; fi
  kill -0 \$pid 2>/dev/null || { echo "the app exited early:"; cat "$scratch/app.log"; exit 1; }
  sleep 0.5
done
echo "no window after 60 s:"; cat "$scratch/app.log"; kill \$pid; exit 1
PROBE
chmod +x "$scratch/probe.sh"
xvfb-run -a dbus-run-session -- "$scratch/probe.sh"
echo "bundle: ok"
