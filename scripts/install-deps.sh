#!/usr/bin/env bash
# Installs what PromptVault needs on Debian 12 (bookworm) and similar:
# system packages, the Rust toolchain if missing, and the offline runtime
# assets (ONNX Runtime, the embedding model, DuckDB's fts/vss extensions).
# Idempotent and quick when everything is already there.
#
#   scripts/install-deps.sh            # everything
#   PROMPTVAULT_SKIP_APT=1 ...         # skip system packages (non-Debian)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[install-deps]\033[0m %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Packages, one per need:
#   build-essential pkg-config   C/C++ toolchain for DuckDB (bundled) and -sys crates
#   python3 python3-venv         offline asset provisioning (model export)
#   postgresql                   the cloud server's database (tests run a private cluster)
#   xvfb xclip                   a real X display and clipboard for CLI/desktop tests
#   ca-certificates curl unzip   fetching and unpacking packages
#   dbus gnome-keyring           a real Secret Service (OS keychain) for the AI API key tests,
#                                run in a private session by scripts/keyring-session.sh
#   libsecret-tools              secret-tool, to inspect that keychain when debugging
#   libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
#                                the desktop app (Tauri v2: webview, window, tray icon)
#   webkit2gtk-driver            WebKitWebDriver, driven by tauri-driver in the end-to-end tests
#   nodejs npm                   the desktop UI build and its tests (Node 20 or newer)
#   dpkg-dev fakeroot file       building the .deb package
#   xdotool                      key presses for the desktop benchmark (hotkey to window)
PACKAGES=(
  build-essential pkg-config
  python3 python3-venv python3-pip
  postgresql
  xvfb xclip xauth
  ca-certificates curl unzip
  dbus gnome-keyring libsecret-tools
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  webkit2gtk-driver
  dpkg-dev fakeroot file
  xdotool
)
# Node.js may come from elsewhere (nvm, NodeSource): only install Debian's
# when there is none.
if ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi

if [ -z "${PROMPTVAULT_SKIP_APT:-}" ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "system packages present"
  fi
fi

if ! command -v cargo >/dev/null; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    log "installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component" >/dev/null 2>&1 || log "warning: cannot add $component"
  fi
done

# tauri-driver (WebDriver server for Tauri apps) from crates.io.
TAURI_DRIVER_VERSION=2.1.0
if ! cargo install --list 2>/dev/null | grep -q "^tauri-driver v$TAURI_DRIVER_VERSION:"; then
  log "installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
fi

if [ -x scripts/provision-assets.sh ] || [ -f scripts/provision-assets.sh ]; then
  bash scripts/provision-assets.sh
fi
