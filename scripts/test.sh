#!/usr/bin/env bash
# THE test command: system packages, clean install from the lockfile, build, lint, typecheck,
# then every unit and integration test inside a private D-Bus session with an unlocked
# gnome-keyring (keytar needs a Secret Service). Any failing step fails the whole run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "system packages and Node (scripts/system-deps.sh)"
bash scripts/system-deps.sh

# docs/protocol.md §9: Electron's binary cannot be downloaded here, and nothing in CI needs it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

step "npm ci"
npm ci

step "npm run build"
npm run build

step "npm run lint"
npm run lint

step "npm run typecheck"
npm run typecheck

step "npm test (inside a private keyring session)"
sh test/support/keyring-session.sh npm test

step "crash test: 500 orders, faults on, the till SIGKILLed at random moments"
npm run test:crash

step "store fault test: 3 terminals x 300 orders, tills and the store server SIGKILLed, PostgreSQL stopped once"
npm run test:store-faults

step "end-to-end: the real renderer in Debian's Chromium through the web host (screenshots: test-output/e2e)"
npm run test:e2e

step "all checks passed"
