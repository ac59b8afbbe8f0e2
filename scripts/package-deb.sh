#!/usr/bin/env bash
# Builds the desktop app's .deb offline with the Tauri bundler, from the
# debug build in the workspace cache (the same binary the end-to-end tests
# drive), then checks the package's metadata and contents.
#
#   scripts/package-deb.sh            # -> dist/promptvault_<version>_amd64.deb
#   PROFILE=release scripts/package-deb.sh   # from `cargo build --release` (slow: DuckDB in release)
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[package-deb]\033[0m %s\n' "$*" >&2; }

PROFILE="${PROFILE:-debug}"
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TARGET_DIR="$TARGET"
flag=()
[ "$PROFILE" = debug ] && flag=(--debug)

if [ ! -x "$TARGET/$PROFILE/promptvault-desktop" ]; then
  log "building the desktop binary ($PROFILE)"
  [ -d app/ui/dist ] || (cd app/ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
  cargo build --workspace --bins --locked $([ "$PROFILE" = release ] && echo --release)
fi

(cd app && npm ci --no-audit --no-fund --loglevel=error)
log "bundling with the Tauri CLI"
(cd app && npx tauri bundle "${flag[@]}" --bundles deb --ci)

deb=$(ls -t "$TARGET/$PROFILE/bundle/deb/"*.deb | head -1)
mkdir -p dist
cp "$deb" dist/
out="dist/$(basename "$deb")"
# The package must name its runtime libraries and carry the binary and the
# desktop entry.
fields=$(dpkg-deb --field "$out" Package Version Architecture Depends)
printf '%s\n' "$fields" >&2
grep -q libwebkit2gtk-4.1-0 <<<"$fields"
contents=$(dpkg-deb --contents "$out")
grep -q "usr/bin/promptvault-desktop" <<<"$contents"
grep -q "usr/share/applications/.*\.desktop" <<<"$contents"
log "built $out ($(du -h "$out" | cut -f1))"
