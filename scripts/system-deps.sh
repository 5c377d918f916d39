#!/usr/bin/env bash
# Checks (and as root, installs) the Debian packages and the Node version the till needs.
# Quiet and idempotent when everything is present; exits 1 with the exact command otherwise.
set -euo pipefail

# libsecret-1-dev: keytar builds from source; gnome-keyring, dbus, dbus-x11: a Secret Service
# for keytar (tests run a private one); openssl, ca-certificates: test CA, HTTPS to Alipay;
# python3, make, g++: node-gyp builds of better-sqlite3 and keytar.
# socat, udev: serial tests and port listing; chromium, xvfb, xauth: the web host in app mode and the e2e tests;
# fonts-noto-cjk: the zh-HK screens (and Chinese store names) render in Chromium;
# postgresql-15: the store server's tests run on a throwaway cluster (initdb/pg_ctl as the
# postgres user), besides the embedded PGlite.
SYSTEM_PACKAGES="libsecret-1-dev gnome-keyring dbus dbus-x11 openssl ca-certificates python3 make g++ socat udev chromium xvfb xauth fonts-noto-cjk postgresql-15 systemd desktop-file-utils"

NODE_MIN_MAJOR=20
NODE_MIN_MINOR=18

say() { printf 'system-deps: %s\n' "$*" >&2; }

check_node() {
  if ! command -v node >/dev/null 2>&1; then
    say "node is not installed; the till needs Node.js >= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}."
    return 1
  fi
  local version major minor
  version="$(node -p 'process.versions.node')"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  if (( major < NODE_MIN_MAJOR || (major == NODE_MIN_MAJOR && minor < NODE_MIN_MINOR) )); then
    say "node ${version} is too old; the till needs Node.js >= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}."
    return 1
  fi
}

missing_packages() {
  local pkg status
  for pkg in $SYSTEM_PACKAGES; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
      printf '%s ' "$pkg"
    fi
  done
}

main() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "dpkg-query not found: this script knows Debian/Ubuntu only. Install the equivalents of: ${SYSTEM_PACKAGES}"
    exit 1
  fi

  local missing
  missing="$(missing_packages)"
  missing="${missing% }"
  if [[ -n "$missing" ]]; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      say "installing missing Debian packages: ${missing}"
      apt-get update -qq || { say "apt-get update failed"; exit 1; }
      # shellcheck disable=SC2086 # the package list is meant to split into words
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
        || { say "apt-get install failed for: ${missing}"; exit 1; }
      missing="$(missing_packages)"
      missing="${missing% }"
      if [[ -n "$missing" ]]; then
        say "still missing after apt-get install: ${missing}"
        exit 1
      fi
    else
      say "missing Debian packages: ${missing}"
      say "install them with:"
      printf '  sudo apt-get install -y --no-install-recommends %s\n' "$missing" >&2
      exit 1
    fi
  fi

  check_node || exit 1
}

main "$@"
