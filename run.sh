#!/usr/bin/env bash
# Set everything up and start the dashboard on http://localhost:8501 (demo data is built if missing).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup_env.sh
.venv/bin/python -m cli demo --if-missing
# The 2030 forecasts take a few minutes the first time: computed in the background, published as a new
# version that the running app picks up by itself (the Forecast page says so until then).
mkdir -p data/logs
nohup .venv/bin/python -m cli forecast --if-missing > data/logs/forecast.log 2>&1 &
exec .venv/bin/python -m ui.serve run app.py --server.headless true --browser.gatherUsageStats false "$@"
