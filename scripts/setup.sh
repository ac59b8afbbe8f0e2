#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a working PromptVault:
# installs system packages and offline assets, builds everything (the CLI,
# the desktop app and its UI, the server), and runs the main job on an
# embedded default: the `promptvault` CLI on a demo database built from the
# shared prompt collections.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if mkdir -p /var/cache/promptvault/target 2>/dev/null && [ -w /var/cache/promptvault/target ]; then
    export CARGO_TARGET_DIR=/var/cache/promptvault/target
  fi
fi
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"

bash scripts/install-deps.sh

log "building the desktop UI (app/ui)"
(cd app/ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)

log "building (the first build compiles DuckDB from source: 15-35 minutes)"
cargo build --workspace --locked

PV="$TARGET/debug/promptvault"
DATA="${PROMPTVAULT_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
DEMO_DB="${PROMPTVAULT_DEMO_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/promptvault/demo.duckdb}"

log "demo database: $DEMO_DB"
mkdir -p "$(dirname "$DEMO_DB")"
# The offline asset cache carries all-MiniLM-L6-v2; the default model (the
# spec's multilingual-e5-large-instruct) is downloaded on first use online.
"$PV" --db "$DEMO_DB" settings set embedding_model sentence-transformers/all-MiniLM-L6-v2 >/dev/null
if [ -f "$DATA/prompts-chat/prompts.csv" ]; then
  "$PV" --db "$DEMO_DB" import "$DATA/prompts-chat/prompts.csv"
  "$PV" --db "$DEMO_DB" import "$DATA/prompts-zh/prompts-zh.json"
else
  log "shared/data not found beside the repository; adding two sample prompts"
  "$PV" --db "$DEMO_DB" add "Act as a Linux terminal. I type commands, you reply with what the terminal shows." \
    --synopsis "Linux Terminal" --tag shell
  "$PV" --db "$DEMO_DB" add "Explain {topic} to a five-year-old, with one everyday analogy." \
    --synopsis "Explain like I'm five" --tag teaching
fi

"$PV" --db "$DEMO_DB" embed
log "the newest prompts in the demo library:"
"$PV" --db "$DEMO_DB" list --limit 5
log "a hybrid search (keywords + meaning): pretend to be a bash shell"
"$PV" --db "$DEMO_DB" search "pretend to be a bash shell" --limit 5 --explain
log "done. Try: $PV --db $DEMO_DB search \"your words\"   or   $PV --help"
log "the desktop app on the demo library (needs a display): PROMPTVAULT_DB=$DEMO_DB $TARGET/debug/promptvault-desktop"
