#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME
# Keyring (the Linux Secret Service), so tests can use the real OS keychain
# on a headless machine or in CI:
#
#   scripts/keyring-session.sh cargo test -p promptvault-core --test secrets_keyring
#
# The keyring lives in a throwaway directory (never the user's own
# keyrings) with a throwaway password, and is gone when the command ends.
# The command sees PROMPTVAULT_KEYRING_SESSION=1, which is how the tests
# know they already run inside such a session.
#
# Needs the Debian packages `dbus` (dbus-run-session) and `gnome-keyring`
# (scripts/install-deps.sh installs them).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "keyring-session: $tool not found; install the packages dbus and gnome-keyring" \
      "(scripts/install-deps.sh does)" >&2
    exit 127
  fi
done

# Inside the session: start the daemon with a fresh login keyring unlocked
# by a known password, then run the command. The daemon's keyring files go to
# a private XDG_DATA_HOME; the command keeps the caller's environment.
if [ "${1:-}" = "--inside-session" ]; then
  shift
  keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/promptvault-keyring.XXXXXX")"
  trap 'rm -rf "$keyring_home"' EXIT
  mkdir -p "$keyring_home/data" "$keyring_home/runtime"
  chmod 700 "$keyring_home/runtime"
  # --unlock reads the password from stdin and creates the login keyring;
  # it prints the environment (GNOME_KEYRING_CONTROL=...) to export.
  daemon_env="$(printf '%s' "promptvault-test" |
    XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$keyring_home/runtime}" \
      gnome-keyring-daemon --unlock --components=secrets)"
  while IFS= read -r line; do
    case "$line" in
      *=*) export "${line?}" ;;
    esac
  done <<<"$daemon_env"
  export PROMPTVAULT_KEYRING_SESSION=1
  status=0
  "$@" || status=$?
  exit "$status"
fi

exec dbus-run-session -- "$0" --inside-session "$@"
