#!/usr/bin/env bash
# Start a dedicated PostgreSQL 15 cluster for PromptVault server development and
# tests, without systemd. Idempotent: a fast no-op when the cluster already runs.
#
#   eval "$(scripts/postgres.sh)"      # exports DATABASE_URL
#   scripts/postgres.sh stop           # stops the cluster
#
# Everything it says for humans goes to stderr; stdout carries only the
# `export DATABASE_URL=...` line, which is also written to $PV_PG_ENV_FILE.
#
# Settings (environment): PV_PG_DIR (default /var/cache/promptvault/pg),
# PV_PG_PORT (54329), PV_PG_USER / PV_PG_PASSWORD / PV_PG_DB (promptvault).
# The cluster runs with fsync off: it is for development and tests only.
set -euo pipefail

PG_DIR="${PV_PG_DIR:-/var/cache/promptvault/pg}"
PG_PORT="${PV_PG_PORT:-54329}"
PG_USER="${PV_PG_USER:-promptvault}"
PG_PASSWORD="${PV_PG_PASSWORD:-promptvault}"
PG_DB="${PV_PG_DB:-promptvault}"
PG_ENV_FILE="${PV_PG_ENV_FILE:-$PG_DIR/env}"
DATA="$PG_DIR/data"
SOCKET_DIR="$PG_DIR/run"
LOG="$PG_DIR/postgres.log"

say() { echo "postgres.sh: $*" >&2; }

as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    else
        runuser -u postgres -- "$@"
    fi
}

find_bin_dir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

install_postgres() {
    if find_bin_dir >/dev/null; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        say "PostgreSQL is not installed and we are not root: run 'apt-get install -y postgresql' as root"
        exit 1
    fi
    say "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # The package's maintainer scripts would try to start the default cluster
    # through systemd or init scripts: forbid that, we run our own cluster.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        created_policy=1
    fi
    apt-get install -y -qq postgresql >&2
    if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
}

is_ready() {
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres
}

wait_ready() {
    local i
    for i in $(seq 1 100); do
        if is_ready; then return 0; fi
        sleep 0.1
    done
    say "PostgreSQL did not become ready; see $LOG"
    tail -n 20 "$LOG" >&2 || true
    exit 1
}

init_cluster() {
    mkdir -p "$PG_DIR" "$SOCKET_DIR"
    chown postgres:postgres "$PG_DIR" "$SOCKET_DIR"
    if [ -f "$DATA/PG_VERSION" ]; then
        return 0
    fi
    say "creating cluster in $DATA"
    local pwfile
    pwfile="$(mktemp)"
    echo postgres >"$pwfile"
    chown postgres "$pwfile"
    as_postgres "$BIN/initdb" -D "$DATA" -U postgres --pwfile="$pwfile" \
        --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
    rm -f "$pwfile"
    cat >>"$DATA/postgresql.conf" <<EOF
# PromptVault development/test cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$SOCKET_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

# True when postmaster.pid names no live PostgreSQL process.
stale_pid_file() {
    local file="$DATA/postmaster.pid" pid
    [ -f "$file" ] || return 1
    pid=$(head -n 1 "$file")
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] || return 0
    return 1
}

start_cluster() {
    if is_ready; then return 0; fi
    # A crash or a killed session can leave a stale pid file behind, whose
    # PID may now be a zombie or belong to another program.
    if stale_pid_file; then
        rm -f "$DATA/postmaster.pid"
    fi
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    touch "$LOG"
    chown postgres:postgres "$LOG"
    as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 start >&2
    wait_ready
}

psql_admin() {
    as_postgres "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

ensure_role_and_db() {
    local have_role have_db
    have_role="$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")"
    if [ "$have_role" != 1 ]; then
        say "creating role $PG_USER"
        # CREATEDB: the integration tests create one database per test.
        psql_admin -c "CREATE ROLE \"$PG_USER\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
    fi
    have_db="$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")"
    if [ "$have_db" != 1 ]; then
        say "creating database $PG_DB"
        psql_admin -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\""
    fi
}

main() {
    install_postgres
    BIN="$(find_bin_dir)"
    if [ "${1:-start}" = stop ]; then
        if [ -f "$DATA/postmaster.pid" ]; then
            as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
        fi
        return 0
    fi
    init_cluster
    start_cluster
    ensure_role_and_db
    local line="export DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
    echo "$line" >"$PG_ENV_FILE"
    echo "$line"
}

main "$@"
