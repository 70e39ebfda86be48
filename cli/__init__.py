"""The command line: `python -m cli --help` (pipeline, publishing, forecasts, audit checks)."""
