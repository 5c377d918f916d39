#!/usr/bin/env bash
# THE start command on a fresh machine: system packages, install, build, a Secret Service
# (a private unlocked gnome-keyring if none is reachable), the sandbox gateway in the
# background, `till doctor`, then an interactive shell where `till` works. Without a TTY
# the sandbox stays in the foreground instead. The sandbox stops when the shell exits.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

export TILL_DATA_DIR="${TILL_DATA_DIR:-$HOME/.local/share/alipay-till}"
TILL_JS="$REPO/dist/main/cli/till.js"
SANDBOX_URL="http://127.0.0.1:8787"
SANDBOX_LOG="$TILL_DATA_DIR/sandbox.log"

# shellcheck source=scripts/start-common.sh
. "$REPO/scripts/start-common.sh"

sandbox_answers() {
  # Any HTTP answer will do: the gateway is listening.
  node -e "fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(() => process.exit(0), () => process.exit(1))" \
    "$SANDBOX_URL/" >/dev/null 2>&1
}

# --- first pass: prepare the machine and the build (skipped after the re-exec) -----------------
prepare_and_reexec "$REPO/scripts/start.sh" "$@"

# --- sandbox gateway -----------------------------------------------------------------------------
if sandbox_answers; then
  say "something already answers on $SANDBOX_URL (another sandbox?); stop it first."
  exit 1
fi

mkdir -p "$TILL_DATA_DIR"
step "starting the sandbox gateway (log: $SANDBOX_LOG)"
# Its own session, so a Ctrl-C typed in the shell below does not reach it. (setsid execs in
# place here: a background job of a script is never a process group leader, so $! is node.)
setsid node "$TILL_JS" sandbox >>"$SANDBOX_LOG" 2>&1 </dev/null &
SANDBOX_PID=$!
WORK_DIR=""

stop_sandbox() {
  if kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  if [[ -n "$WORK_DIR" ]]; then rm -rf "$WORK_DIR"; fi
}
trap stop_sandbox EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 60); do
  if sandbox_answers; then break; fi
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
    say "the sandbox exited before answering; last lines of $SANDBOX_LOG:"
    tail -n 20 "$SANDBOX_LOG" >&2 || true
    exit 1
  fi
  sleep 0.5
done
if ! sandbox_answers; then
  say "the sandbox did not answer on $SANDBOX_URL within 30 s; see $SANDBOX_LOG"
  exit 1
fi

step "till doctor"
node "$TILL_JS" doctor || say "doctor reported problems (see above); the sandbox keeps running"

# --- without a TTY, the sandbox is the foreground job ---------------------------------------------
if [[ ! -t 0 ]]; then
  step "sandbox gateway on $SANDBOX_URL (no TTY: running in the foreground, stop with Ctrl-C or SIGTERM)"
  status=0
  wait "$SANDBOX_PID" || status=$?
  exit "$status"
fi

# --- interactive shell with `till` on the PATH -----------------------------------------------------
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/alipay-till-start.XXXXXX")"
mkdir -p "$WORK_DIR/bin"
cat >"$WORK_DIR/bin/till" <<EOF
#!/bin/sh
exec node "$TILL_JS" "\$@"
EOF
chmod +x "$WORK_DIR/bin/till"

cat >"$WORK_DIR/bashrc" <<EOF
if [ -f "\$HOME/.bashrc" ]; then . "\$HOME/.bashrc"; fi
export PATH="$WORK_DIR/bin:\$PATH"
export TILL_DATA_DIR="$TILL_DATA_DIR"
PS1="(till) \${PS1:-\\\$ }"
cat <<'BANNER'

  Alipay Till — sandbox
  Sandbox gateway on $SANDBOX_URL.  Data: $TILL_DATA_DIR
  Sandbox log: $SANDBOX_LOG

  Try: till precreate --amount 2.39 --currency USD --title Coffee
       till doctor
       till --help

  Exit this shell to stop the sandbox.

BANNER
EOF

# The shell handles its own Ctrl-C; this script just waits for it to exit.
trap - INT
bash --rcfile "$WORK_DIR/bashrc" -i || true
