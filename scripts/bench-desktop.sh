#!/usr/bin/env bash
# Benchmarks the built desktop app (app/e2e/bench.mjs): keystroke to updated
# results, hotkey to visible window, idle memory and cold start, on a library
# of 10,000 real prompts (the shared collections, varied) with MiniLM vectors,
# under Xvfb through tauri-driver. Prints a summary table; the full report is
# written as JSON to $BENCH_OUT (default: $TMPDIR/pv-bench-desktop.json).
#
# Needs the debug binaries (promptvault-desktop, promptvault) in
# $CARGO_TARGET_DIR/debug, Xvfb, xdotool, tauri-driver and WebKitWebDriver.
# The embedded library is cached in $TMPDIR/pv-bench-desktop-cache (embedding
# 10k prompts takes a few minutes); BENCH_FRESH=1 rebuilds it.
# Other knobs: BENCH_PROMPTS, BENCH_ROUNDS, BENCH_HOTKEY_SAMPLES, BENCH_COLD_STARTS.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/promptvault/target}"
export PROMPTVAULT_SHARED_DATA="${PROMPTVAULT_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
for bin in promptvault-desktop promptvault; do
  [ -x "$CARGO_TARGET_DIR/debug/$bin" ] || { echo "missing $CARGO_TARGET_DIR/debug/$bin: run cargo build --workspace --bins first" >&2; exit 1; }
done
cd app/e2e
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
exec node bench.mjs
