#!/usr/bin/env bash
# Set everything up (Python packages, Debian's Chromium for the browser tests) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup_env.sh
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-core >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
