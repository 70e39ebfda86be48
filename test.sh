#!/usr/bin/env bash
# Set everything up (Python packages, Debian's Chromium and npm's axe-core for the browser tests) and run
# the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup_env.sh
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-core >/dev/null
fi
# axe-core (the accessibility checker the browser tests inject), pinned in package.json/package-lock.json
if ! command -v npm >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --silent
fi
exec .venv/bin/python -m pytest "$@"
