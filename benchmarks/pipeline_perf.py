"""The pipeline's figures: the demo warehouse build, the forecasts and verdicts, and microdata ingest/reconciliation.

- The warehouse (commune x sector x month facts since January 2020) is generated and published with its
  forecasts and verdicts by `service.publishing.publish_demo`, timed.
- The forecasts and verdicts of the whole version (`indicators.verdicts.derive_tables`, about 3,000
  series at full size), timed alone; the calibration figures are `python -m benchmarks.forecast_eval`.
- Ingest throughput and reconciliation time of the full-scale register (~4.5 M rows) and BHXH (~2.3 M
  rows) microdata belong to `benchmarks/pipeline_bench.py` (another module's owner); it is called when it
  exists, otherwise the report says `not_available` and why. No figure is ever made up.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import time
import traceback

NOT_AVAILABLE = "not_available"


def build_warehouse(end: str) -> dict:
    """The demo warehouse published as every entry point publishes it: data, then its forecasts and
    verdicts derived in the same transaction (`service.publishing`), timed as one."""
    from service.publishing import publish_demo
    from store.versions import read_manifest

    start = time.perf_counter()
    version = publish_demo(end=end)
    seconds = time.perf_counter() - start
    manifest = read_manifest(version)
    rows = {name: entry.get("rows") for name, entry in manifest["tables"].items()}
    return {"version": version, "seconds": round(seconds, 1), "rows": rows,
            "fact_rows_per_s": round(rows.get("facts", 0) / seconds) if seconds else None}


def forecast_batch(sample_communes: int | None = None, workers: int | None = None) -> dict:
    """`indicators.verdicts.derive_tables` alone over the served version (every KPI in the city, both
    commune groups and all 126 communes, every month): the part of a publish the verdicts add. The
    arguments are kept for old command lines: there is no sample any more, the whole version is derived."""
    from indicators.verdicts import derive_tables
    from store.versions import current_version

    version = current_version()
    start = time.perf_counter()
    tables = derive_tables(version)
    return {"status": "measured", "version": version, "derive_seconds": round(time.perf_counter() - start, 2),
            "rows": {name: len(frame) for name, frame in tables.items()},
            "note": "derive_tables alone; the build section's publish includes it once more (derive hook)"}


def microdata_pipeline(**kwargs) -> dict:
    """Ingest throughput and reconciliation time from benchmarks/pipeline_bench.py, when it exists."""
    if importlib.util.find_spec("benchmarks.pipeline_bench") is None:
        return {"status": NOT_AVAILABLE,
                "reason": "benchmarks/pipeline_bench.py (ingest throughput and reconciliation time of the "
                          "full-scale register/BHXH microdata, another engineer's module) does not exist yet"}
    try:
        module = importlib.import_module("benchmarks.pipeline_bench")
    except Exception as exc:  # noqa: BLE001 - their module failing to import is a finding, reported as such
        return {"status": NOT_AVAILABLE, "reason": f"benchmarks.pipeline_bench failed to import: {exc!r}"[:500]}
    fn = next((getattr(module, name) for name in ("run", "bench", "main_report") if callable(getattr(module, name, None))), None)
    if fn is None:
        return {"status": NOT_AVAILABLE, "reason": "benchmarks.pipeline_bench has no run() function to call"}
    accepted = inspect.signature(fn).parameters
    args = {k: v for k, v in kwargs.items() if k in accepted}
    start = time.perf_counter()
    try:
        result = fn(**args)
    except Exception as exc:  # noqa: BLE001
        return {"status": "failed", "reason": repr(exc)[:500], "traceback": traceback.format_exc()[-2000:],
                "seconds": round(time.perf_counter() - start, 1)}
    out = {"status": "measured", "called": f"benchmarks.pipeline_bench.{fn.__name__}({', '.join(args)})",
           "seconds": round(time.perf_counter() - start, 1)}
    out["result"] = result if isinstance(result, dict) else {"value": repr(result)[:2000]}
    return out
