#!/usr/bin/env bash
# Runs every check and test of the project, from a fresh Debian 12 machine
# or a warm one. This is what CI runs (.ci/run).
#
# Steps: install what is missing (scripts/install-deps.sh), start a private
# PostgreSQL for the server tests, then rustfmt, clippy and the test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }

# A build cache outside the clone keeps repeated runs fast.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if mkdir -p /var/cache/promptvault/target 2>/dev/null && [ -w /var/cache/promptvault/target ]; then
    export CARGO_TARGET_DIR=/var/cache/promptvault/target
  fi
fi
log "build cache: ${CARGO_TARGET_DIR:-target}"

bash scripts/install-deps.sh

# The shared prompt collections sit beside the repository.
export PROMPTVAULT_SHARED_DATA="${PROMPTVAULT_SHARED_DATA:-$(cd .. && pwd)/shared/data}"

if [ -f scripts/postgres.sh ]; then
  log "starting PostgreSQL"
  eval "$(bash scripts/postgres.sh)"
fi

# The desktop app embeds the built UI (app/ui/dist) at compile time, so the
# UI is built before any cargo step; its unit tests run here too.
log "desktop UI: npm ci, build, unit tests"
(cd app/ui && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test)

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# The AI key tests use the real OS keychain: a private D-Bus session with an
# unlocked GNOME Keyring (scripts/keyring-session.sh) wraps the test run.
log "cargo test (inside a private keyring session)"
bash scripts/keyring-session.sh cargo test --workspace --locked --no-fail-fast

# End-to-end tests of the desktop app through its real webview (tauri-driver
# and WebKitWebDriver under Xvfb), on the debug binaries just built.
log "desktop end-to-end tests"
cargo build --workspace --bins --locked
(cd app/e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)

log "desktop .deb package"
bash scripts/package-deb.sh
