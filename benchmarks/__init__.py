"""Performance harness: `python -m benchmarks` writes a JSON report (see README)."""
