#!/usr/bin/env bash
# Runs every test of Panmusic POS on a fresh or warm Debian machine: set-up, lints, unit and integration
# tests of every crate, the UI's Vitest suite, the end-to-end tests of the real app under Xvfb, and the
# desktop bundle check. Prints one summary line at the end: "tests: N passed, N failed".
#
# Environment:
#   CARGO_TARGET_DIR   reused between runs (default: ~/.cache/panmusic-pos/target)
#   SKIP_BUNDLE=1      skip the release .deb build and its install test (the slowest step)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/panmusic-pos/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$HOME/.cargo/bin:$PATH"
# Tests never touch the OS keyring of the machine they run on.
export PANMUSIC_SECRETS=file
mkdir -p "$CARGO_TARGET_DIR"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step() { printf '\n\033[1;34m==> %s\033[0m (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
# Runs a cargo test command, keeping its output so the totals can be summed.
cargo_tests() { local name=$1; shift; "$@" 2>&1 | tee "$out/$name.log"; return "${PIPESTATUS[0]}"; }

step "set-up"
scripts/setup.sh --test

step "webview: typecheck, unit tests, build"
npm --prefix ui run --silent typecheck
npm --prefix ui run --silent lint
NO_COLOR=1 npm --prefix ui run --silent test 2>&1 | tee "$out/vitest.log"
npm --prefix ui run --silent build

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit and integration tests (every crate but e2e)"
cargo_tests workspace cargo test --workspace --exclude e2e --locked

step "generated TypeScript bindings are committed and current"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  echo "ui/src/bindings changed when the tests ran: commit the regenerated files" >&2
  exit 1
fi

step "end to end: the real app under Xvfb over WebDriver"
cargo build -p panmusic-pos --locked
PANMUSIC_APP_BIN="$CARGO_TARGET_DIR/debug/panmusic-pos" \
  cargo_tests e2e timeout 1200 xvfb-run -a dbus-run-session -- cargo test -p e2e --locked -- --test-threads=1

if [ "${SKIP_BUNDLE:-0}" != 1 ]; then
  step "desktop bundle: build the .deb, install it in a scratch root, start it"
  scripts/bundle-test.sh 2>&1 | tee "$out/bundle.log"
fi

step "summary"
passed=0; failed=0
for f in "$out"/*.log; do
  while read -r p q; do passed=$((passed + p)); failed=$((failed + q)); done < <(
    sed -n 's/.*test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$f")
done
# Vitest: "Tests  12 passed (12)" or "Tests  1 failed | 11 passed (12)"
if v=$(sed 's/\x1b\[[0-9;]*m//g' "$out/vitest.log" | grep -E '^\s*Tests\s' | tail -1); then
  vp=$(sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p' <<<"$v"); vf=$(sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p' <<<"$v")
  passed=$((passed + ${vp:-0})); failed=$((failed + ${vf:-0}))
fi
if grep -q '^bundle: ok' "$out/bundle.log" 2>/dev/null; then passed=$((passed + 1)); fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
