#!/usr/bin/env bash
# Saves screenshots of the desktop app (Search with results, Edit, the
# polish diff, Settings) into docs/screenshots/: the built app runs under
# Xvfb on a demo library made from the shared prompts.chat collection, with
# a local fake AI server for the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/promptvault/target}"
export PROMPTVAULT_SHARED_DATA="${PROMPTVAULT_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
[ -d app/ui/dist ] || (cd app/ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
cargo build --workspace --bins --locked
(cd app/e2e && npm ci --no-audit --no-fund --loglevel=error && node screenshots.mjs)
