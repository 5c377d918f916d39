#!/usr/bin/env bash
# `npm start` / `npm run start:web`: the till with its screens. Prepares the machine like
# scripts/start.sh (system packages, `npm ci` when the lock is newer, the build, a private
# unlocked gnome-keyring when no Secret Service answers), then runs the Electron host where
# Electron's binary is installed, else the web host (loopback server + Chromium app window,
# or its URL when there is no display). `--web` always picks the web host; every other
# argument (--data-dir D, --port P, --no-browser, --customer-window) is passed on.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

# The keyring session below points HOME and the XDG dirs at a throwaway directory: name the
# real data directory first so the till keeps its journal across runs.
export TILL_DATA_DIR="${TILL_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/alipay-till}"

step() { printf '\n==> %s\n' "$*"; }
say() { printf 'start: %s\n' "$*" >&2; }

secret_service_reachable() {
  [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] || return 1
  command -v dbus-send >/dev/null 2>&1 || return 1
  timeout 5 dbus-send --session --dest=org.freedesktop.secrets --print-reply \
    /org/freedesktop/secrets org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1
}

# Prints the Electron executable when it is installed. Reads what the electron package's
# index.js reads (path.txt under its dist/), without requiring it: requiring it tries to
# download the binary when it is missing.
electron_binary() {
  local pkg rel="" bin
  pkg="$(node -p "require('node:path').dirname(require.resolve('electron/package.json'))" 2>/dev/null)" || return 1
  if [[ -f "$pkg/path.txt" ]]; then rel="$(<"$pkg/path.txt")"; fi
  if [[ -n "${ELECTRON_OVERRIDE_DIST_PATH:-}" ]]; then
    bin="$ELECTRON_OVERRIDE_DIST_PATH/${rel:-electron}"
  else
    [[ -n "$rel" ]] || return 1
    bin="$pkg/dist/$rel"
  fi
  [[ -f "$bin" && -x "$bin" ]] || return 1
  printf '%s\n' "$bin"
}

web=0
args=()
for arg in "$@"; do
  if [[ "$arg" == "--web" ]]; then web=1; else args+=("$arg"); fi
done

# --- first pass: prepare the machine and the build (skipped after the re-exec below) ----------
if [[ -z "${TILL_START_PREPARED:-}" ]]; then
  step "system packages and Node"
  bash scripts/system-deps.sh

  # NOTES.md §9: Electron's binary may not be downloadable; the web host does not need it.
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1
  # keytar is optional so that `npm install` succeeds before libsecret-1-dev is installed (npm
  # runs no script of ours before building dependencies); now that system-deps installed it,
  # a missing native module means: install again.
  if [[ ! -e node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]] \
    || ! node -e "require('keytar'); require('better-sqlite3')" >/dev/null 2>&1; then
    step "npm ci"
    npm ci
  fi

  step "npm run build"
  npm run build

  if ! secret_service_reachable; then
    step "no Secret Service reachable: starting a private unlocked gnome-keyring for this session"
    say "secrets stored in it are gone when this session ends"
    exec sh "$REPO/test/support/keyring-session.sh" \
      env TILL_START_PREPARED=1 HOME="$HOME" TILL_DATA_DIR="$TILL_DATA_DIR" bash "$REPO/scripts/start-app.sh" "$@"
  fi
fi

# --- the host ----------------------------------------------------------------------------------
if [[ "$web" -eq 0 ]] && electron="$(electron_binary)"; then
  if [[ "$(id -u)" -eq 0 ]]; then
    # Electron refuses root unless its sandbox is switched off, which the till never does.
    say "Electron does not run as root with its sandbox on: starting the web host instead (run as the kiosk user for the app)."
  else
    step "starting the till (Electron)"
    exec "$electron" "$REPO" "${args[@]}"
  fi
elif [[ "$web" -eq 0 ]]; then
  say "Electron's binary is not installed here: starting the web host instead."
fi
exec node "$REPO/dist/main/web/start-web.js" "${args[@]}"
