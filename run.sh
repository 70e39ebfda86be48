#!/usr/bin/env bash
# Set everything up and start the dashboard on http://localhost:8501 (demo data is built if missing).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup_env.sh
.venv/bin/python -m cli demo --if-missing
# Forecasts and verdicts of every KPI, area and month (a few seconds; nothing to do when the version has
# them). No background job: the app starts on a version whose verdicts will not change.
.venv/bin/python -m cli forecast
exec .venv/bin/python -m ui.serve run app.py --server.headless true --browser.gatherUsageStats false "$@"
