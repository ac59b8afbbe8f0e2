#!/usr/bin/env bash
# One command to run the PromptVault cloud server locally: starts a private
# PostgreSQL (scripts/postgres.sh, installing it if needed), the fake OAuth
# provider standing in for Google and GitHub (unless PV_REAL_OAUTH=1, when
# the PV_* OAuth settings of docs/server.md are used), then the server on
# 127.0.0.1:8080. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(bash scripts/postgres.sh)"
export DATABASE_URL
export PV_JWT_SECRET="${PV_JWT_SECRET:-$(head -c 32 /dev/urandom | base64)}"
export PV_LOG_FORMAT="${PV_LOG_FORMAT:-text}"

if [ -z "${PV_REAL_OAUTH:-}" ]; then
  env_file="$(mktemp)"
  cargo run -q -p promptvault-server --features testing --bin fake-oauth >"$env_file" &
  fake=$!
  trap 'kill $fake 2>/dev/null || true; rm -f "$env_file"' EXIT
  for _ in $(seq 1 600); do
    [ -s "$env_file" ] && break
    kill -0 "$fake" 2>/dev/null || { echo "run-server: the fake OAuth provider did not start" >&2; exit 1; }
    sleep 0.5
  done
  sleep 0.5
  # shellcheck disable=SC1090
  . "$env_file"
  echo "run-server: fake OAuth provider running (see docs/server.md, 'Fake OAuth provider')" >&2
fi

cargo run -q -p promptvault-server
