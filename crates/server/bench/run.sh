#!/usr/bin/env bash
# Load benchmark of upload and sync against a release build on loopback.
#
#   crates/server/bench/run.sh [duration, default 20s]
#
# Starts PostgreSQL (scripts/postgres.sh), a fresh `pvbench` database, the
# fake OAuth provider and the server, signs in an uploader and a reader, then
# runs wrk (Debian package `wrk`) with 2 threads and 16 connections:
#   1. POST /prompts/upload, 10 new prompts per request;
#   2. GET /prompts/sync?limit=100, the first page of the reader;
#   3. GET /prompts/sync?limit=100 from a cursor in the middle of the table.
# Everything runs on this machine; all processes are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../../.."
DURATION="${1:-20s}"
BENCH_DIR="$(cd crates/server/bench && pwd)"
TARGET="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null

cargo build --release -q -p promptvault-server --features testing --bins
eval "$(scripts/postgres.sh)"
ADMIN_URL="$DATABASE_URL"
psql -X -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS pvbench WITH (FORCE)" -c "CREATE DATABASE pvbench"
export DATABASE_URL="${ADMIN_URL%/*}/pvbench"

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

PV_FAKE_OAUTH_ADDR=127.0.0.1:18900 "$TARGET/release/fake-oauth" >/tmp/pvbench-oauth.env &
PIDS+=($!)
sleep 1
# shellcheck disable=SC1091
. /tmp/pvbench-oauth.env
export PV_JWT_SECRET=benchmark-secret-benchmark-secret-0123456789
export PV_LISTEN_ADDR=127.0.0.1:18081
export PV_RATE_AUTH_PER_MINUTE=1000000 PV_RATE_UPLOAD_PER_MINUTE=100000000 PV_RATE_SYNC_PER_MINUTE=100000000
export RUST_LOG="${RUST_LOG:-warn}"
"$TARGET/release/promptvault-server" >/tmp/pvbench-server.log 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18081/readyz >/dev/null && break; sleep 0.2; done

VERIFIER=benchmark-pkce-verifier-0123456789abcdefghijklmnop
CHALLENGE=$(python3 -c "import base64,hashlib,sys; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).rstrip(b'=').decode())" "$VERIFIER")
REDIRECT=http://127.0.0.1:53682/oauth/callback
sign_in() {
    local location code
    location=$(curl -s -o /dev/null -w '%{redirect_url}' \
        "http://127.0.0.1:18900/google/authorize?redirect_uri=$REDIRECT&code_challenge=$CHALLENGE&login_hint=$1")
    code=${location#*code=}
    curl -sf -X POST http://127.0.0.1:18081/auth/callback/google -H 'content-type: application/json' \
        -d "{\"code\":\"$code\",\"redirect_uri\":\"$REDIRECT\",\"code_verifier\":\"$VERIFIER\",\"local_user_id\":\"$(python3 -c 'import uuid; print(uuid.uuid4())')\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["session_token"])'
}
UPLOADER=$(sign_in uploader)
READER=$(sign_in reader)

echo "== upload: 10 prompts per request, $DURATION"
TOKEN=$UPLOADER wrk -t2 -c16 -d"$DURATION" --latency -s "$BENCH_DIR/upload.lua" http://127.0.0.1:18081
echo "rows: $(psql -X -tA "$DATABASE_URL" -c 'SELECT count(*) FROM public_prompts')"

echo "== sync: first page of 100, $DURATION"
TOKEN=$READER wrk -t2 -c16 -d"$DURATION" --latency -s "$BENCH_DIR/sync.lua" http://127.0.0.1:18081

MIDDLE=$(psql -X -tA "$DATABASE_URL" -c \
    "SELECT 'v1.' || txid || '.' || seq FROM public_prompts ORDER BY txid, seq OFFSET (SELECT count(*) / 2 FROM public_prompts) LIMIT 1")
echo "== sync: page of 100 from the middle ($MIDDLE), $DURATION"
TOKEN=$READER CURSOR=$MIDDLE wrk -t2 -c16 -d"$DURATION" --latency -s "$BENCH_DIR/sync.lua" http://127.0.0.1:18081
