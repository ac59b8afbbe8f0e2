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

# The package carries the runtime assets the app would otherwise fetch or
# need installed: ONNX Runtime and DuckDB's signed fts/vss extensions, under
# /usr/lib/promptvault/assets (core::assets::bundled_dir). The embedding
# model itself is downloaded by the app on first use.
ASSETS="${PROMPTVAULT_ASSETS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/promptvault/assets}"
EXT="duckdb-extensions/v1.5.5/linux_amd64"
for f in onnxruntime/libonnxruntime.so.1.24.4 "$EXT/fts.duckdb_extension" "$EXT/vss.duckdb_extension"; do
  [ -f "$ASSETS/$f" ] || { log "missing $ASSETS/$f: run scripts/provision-assets.sh"; exit 1; }
done
DEST=/usr/lib/promptvault/assets
config=$(cat <<JSON
{"bundle": {"linux": {"deb": {"files": {
  "$DEST/onnxruntime/libonnxruntime.so": "$ASSETS/onnxruntime/libonnxruntime.so.1.24.4",
  "$DEST/$EXT/fts.duckdb_extension": "$ASSETS/$EXT/fts.duckdb_extension",
  "$DEST/$EXT/vss.duckdb_extension": "$ASSETS/$EXT/vss.duckdb_extension"
}}}}}
JSON
)

(cd app && npm ci --no-audit --no-fund --loglevel=error)
log "bundling with the Tauri CLI"
(cd app && npx tauri bundle "${flag[@]}" --bundles deb --ci --config "$config")

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
grep -q "usr/lib/promptvault/assets/onnxruntime/libonnxruntime.so" <<<"$contents"
grep -q "usr/lib/promptvault/assets/$EXT/vss.duckdb_extension" <<<"$contents"
log "built $out ($(du -h "$out" | cut -f1))"

# Smoke test of the packaged layout on a machine without the asset cache:
# the CLI placed beside the packaged binary must load DuckDB's extensions and
# ONNX Runtime from /usr/lib/promptvault/assets alone.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$out" "$root"
cp "$TARGET/$PROFILE/promptvault" "$root/usr/bin/"
pv() {
  env -i PATH=/usr/bin:/bin HOME="$root/home" PROMPTVAULT_ASSETS_DIR="$root/none" \
    PROMPTVAULT_DB="$root/home/library.duckdb" RUST_LOG=info "$root/usr/bin/promptvault" "$@"
}
pv add "Act as a Linux terminal" --synopsis "Linux terminal" >/dev/null 2>&1
searched=$(pv search terminal 2>&1)
grep -q "rebuilt the full-text index" <<<"$searched" \
  || { log "the packaged fts extension did not load: $searched"; exit 1; }
pv settings set embedding_model custom >/dev/null 2>&1
pv settings set embedding_model_dir "$ASSETS/models/all-MiniLM-L6-v2" >/dev/null 2>&1
embedded=$(pv embed 2>&1)
grep -q "embedded 1 prompts" <<<"$embedded" \
  || { log "the packaged ONNX Runtime did not load: $embedded"; exit 1; }
log "packaged assets load without the asset cache"
