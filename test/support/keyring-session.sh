#!/bin/sh
# Runs its arguments inside a fresh, private D-Bus session with an unlocked gnome-keyring,
# so keychain tests use a real Secret Service and never the developer's own keyring:
#
#   sh test/support/keyring-session.sh node --import tsx --test test/integration/keychain-*.test.ts
#
# HOME, XDG_RUNTIME_DIR and the XDG data/config/cache dirs point into a temporary directory
# that is removed afterwards; the inner command's exit status is this script's.
# Inside, TILL_KEYRING_SESSION=1 tells tests they are in such a session. Needs dbus-run-session,
# dbus-send (Debian: dbus, dbus-bin) and gnome-keyring-daemon.
set -u

if [ "$#" -eq 0 ]; then
  echo "usage: sh $0 COMMAND [ARG...]" >&2
  exit 64
fi

missing=''
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "keyring-session: not found:$missing. Install them with: apt-get install -y gnome-keyring dbus dbus-x11" >&2
  exit 127
fi

session_dir=$(mktemp -d "${TMPDIR:-/tmp}/till-keyring.XXXXXX") || {
  echo "keyring-session: cannot create a temporary directory" >&2
  exit 70
}
# The Secret Service refuses a runtime dir others can read.
chmod 700 "$session_dir"
mkdir -p "$session_dir/data" "$session_dir/config" "$session_dir/cache"

cleanup() { rm -rf "$session_dir"; }
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The password only unlocks this throwaway keyring. The daemon claims its D-Bus name a
# moment after --unlock returns: the command waits for it (else libsecret would D-Bus-activate
# a second, locked daemon), and the daemon is stopped by pid afterwards (one that had not yet
# connected when the bus went away would otherwise linger).
status=0
HOME="$session_dir" \
XDG_RUNTIME_DIR="$session_dir" \
XDG_DATA_HOME="$session_dir/data" \
XDG_CONFIG_HOME="$session_dir/config" \
XDG_CACHE_HOME="$session_dir/cache" \
TILL_KEYRING_SESSION=1 \
  dbus-run-session -- sh -c '
    bus_call() {
      dbus-send --session --print-reply --type=method_call --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus "org.freedesktop.DBus.$1" string:org.freedesktop.secrets 2>/dev/null
    }
    if ! printf "%s" "till-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; then
      echo "keyring-session: gnome-keyring-daemon failed to start and unlock a keyring" >&2
      exit 70
    fi
    tries=0
    until bus_call NameHasOwner | grep -q "boolean true"; do
      tries=$((tries + 1))
      if [ "$tries" -ge 100 ]; then
        echo "keyring-session: gnome-keyring-daemon did not register org.freedesktop.secrets on D-Bus" >&2
        exit 70
      fi
      sleep 0.05
    done
    daemon_pid=$(bus_call GetConnectionUnixProcessID | sed -n "s/.*uint32 //p")
    status=0
    "$@" || status=$?
    [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
    exit "$status"
  ' keyring-session "$@" || status=$?

exit "$status"
