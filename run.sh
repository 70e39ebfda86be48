#!/usr/bin/env bash
# Set everything up and start the dashboard on http://localhost:8501 (demo data is built if missing).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup_env.sh
.venv/bin/python -m pipeline demo --if-missing
exec .venv/bin/python -m ui.serve run app.py --server.headless true --browser.gatherUsageStats false "$@"
