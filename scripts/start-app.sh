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

# shellcheck source=scripts/start-common.sh
. "$REPO/scripts/start-common.sh"

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

# --- first pass: prepare the machine and the build (skipped after the re-exec) -----------------
prepare_and_reexec "$REPO/scripts/start-app.sh" "$@"

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
# Node's flags for the web host: the same as main/runtime/host-node-flags.ts (a smaller young
# generation: ~35 MB less memory on a long day, docs/performance.md).
exec node --max-semi-space-size=2 "$REPO/dist/main/web/start-web.js" "${args[@]}"
