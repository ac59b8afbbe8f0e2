#!/usr/bin/env bash
# Runs the server crate's tests against a local PostgreSQL started by
# scripts/postgres.sh (which installs PostgreSQL first if missing). Extra
# arguments go to `cargo test`, e.g. `scripts/test-server.sh concurrent`.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/postgres.sh)"
export DATABASE_URL

cargo test -p promptvault-server "$@"
