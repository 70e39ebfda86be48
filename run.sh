#!/usr/bin/env bash
# Set everything up and start the dashboard on http://localhost:8501 (demo data is built if missing).
# This is the developer's start: development mode (everyone is the development account), on 127.0.0.1
# only. A production start (single sign-on or the city's proxy, no development mode): docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup_env.sh
.venv/bin/python -m cli demo --if-missing
# Forecasts and verdicts of every KPI, area and month (a few seconds; nothing to do when the version has
# them). No background job: the app starts on a version whose verdicts will not change.
.venv/bin/python -m cli forecast
export HANOI_DEV_MODE=1
exec .venv/bin/streamlit run app.py --server.address 127.0.0.1 --server.headless true \
  --browser.gatherUsageStats false "$@"
