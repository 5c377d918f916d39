# Sourced by scripts/start.sh and scripts/start-app.sh: the preparation both do before the
# till starts. Expects REPO and TILL_DATA_DIR to be set.

step() { printf '\n==> %s\n' "$*"; }
say() { printf 'start: %s\n' "$*" >&2; }

secret_service_reachable() {
  [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] || return 1
  command -v dbus-send >/dev/null 2>&1 || return 1
  timeout 5 dbus-send --session --dest=org.freedesktop.secrets --print-reply \
    /org/freedesktop/secrets org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1
}

# System packages, install, build; then, when no Secret Service answers, runs SCRIPT again
# (with its arguments) inside a private unlocked gnome-keyring. Skipped in that second run.
prepare_and_reexec() {
  local script="$1"
  shift
  [[ -z "${TILL_START_PREPARED:-}" ]] || return 0
  step "system packages and Node"
  bash "$REPO/scripts/system-deps.sh"

  # docs/protocol.md §9: Electron's binary may not be downloadable; the CLI, sandbox and web host do not need it.
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
      env TILL_START_PREPARED=1 HOME="$HOME" TILL_DATA_DIR="$TILL_DATA_DIR" bash "$script" "$@"
  fi
}
