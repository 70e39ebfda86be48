"""`python -m cli forecast`: 2030 forecasts for every KPI, for the city and every commune.

Run after a publish: it reads the current version, forecasts every series with enough history
(`indicators.forecast`), and publishes a new version holding the same tables plus `forecasts` and
`forecast_paths`, so pages only read, and a failure leaves the previous version serving. About 3,000
series; two worker processes (the machine has two cores) with single-threaded BLAS each.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads: many tiny fits, no thread pools wanted

import multiprocessing
import sys
import time
from datetime import datetime, timezone
from typing import Callable

import pandas as pd

from indicators.forecast import SeriesSpec, forecast_series, load_series
from indicators.forecast_store import FORECASTS_TABLE, PATHS_TABLE
from indicators.targets import Target, target_2030
from indicators.warehouse import NoDataError, Warehouse, open_warehouse
from pipeline.publish import publish
from store.versions import current_version, read_manifest, version_path

PATHS_CITY = 2000
PATHS_COMMUNE = 500
ORIGINS_CITY = 3
ORIGINS_COMMUNE = 2
"""Backtest origins: the city's 25 series get three, the ~3,000 commune series two (the time budget)."""
WORKERS = 2


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _forecast_one(job: tuple[SeriesSpec, pd.Series, Target | None, int, int]) -> tuple[dict, pd.DataFrame] | None:
    spec, series, target, n_paths, n_origins = job
    result = forecast_series(series, spec, n_paths=n_paths, n_origins=n_origins)
    if result is None:
        return None
    return result.summary(target), result.path_frame()


def _progress_line(done: int, total: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    sys.stderr.write(f"\rDự báo / forecasting: {done}/{total} chuỗi / series ({done / max(total, 1):.0%}) · {elapsed:.0f} s")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def compute_forecasts(wh: Warehouse, communes: list[str] | None = None, include_city: bool = True,
                      workers: int = WORKERS, progress: Callable[[int, int, float], None] | None = _progress_line
                      ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Forecast every series of the city and `communes` (None: all, []: none).

    Returns (forecasts, forecast_paths, stats). Each series is seeded from its own name, so the result
    does not depend on the order or on the number of workers.
    """
    started = time.perf_counter()
    jobs = []
    for spec, series in load_series(wh, communes, include_city):
        target = target_2030(wh.catalogue.get(spec.indicator), spec.geo)
        city = spec.geo == "city"
        jobs.append((spec, series, target, PATHS_CITY if city else PATHS_COMMUNE,
                     ORIGINS_CITY if city else ORIGINS_COMMUNE))
    rows: list[dict] = []
    paths: list[pd.DataFrame] = []
    total = len(jobs)
    step = max(total // 100, 1)

    def collect(results) -> None:
        for done, result in enumerate(results, start=1):
            if result is not None:
                rows.append(result[0])
                paths.append(result[1])
            if progress and (done % step == 0 or done == total):
                progress(done, total, started)

    if workers > 1 and total > 1:
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker) as pool:
            collect(pool.imap_unordered(_forecast_one, jobs, chunksize=8))
    else:
        collect(map(_forecast_one, jobs))
    computed_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    forecasts = pd.DataFrame(rows)
    if not forecasts.empty:
        forecasts["crossing_year"] = forecasts["crossing_year"].astype("Int64")
        forecasts["meets_now"] = forecasts["meets_now"].astype("boolean")
        forecasts["data_until"] = wh.data_until
        forecasts["computed_at"] = computed_at
        forecasts["city_first"] = forecasts["geo"] != "city"
        forecasts = forecasts.sort_values(["city_first", "geo", "indicator"]).drop(columns="city_first")
        forecasts = forecasts.reset_index(drop=True)
    path_frame = pd.concat(paths, ignore_index=True) if paths else pd.DataFrame()
    stats = {"series": total, "forecasts": len(forecasts), "seconds": round(time.perf_counter() - started, 1),
             "workers": workers, "computed_at": computed_at}
    return forecasts, path_frame, stats


def publish_forecasts(version: str | None = None, communes: list[str] | None = None, workers: int = WORKERS,
                      progress: Callable[[int, int, float], None] | None = _progress_line) -> tuple[str, dict]:
    """Forecast the given version (default: current) and publish it again with the forecast tables.

    Returns (new version, stats). The new version copies every other table unchanged. If another
    version became current while forecasting (a new publish), nothing is switched: forecasts of older
    data must not replace newer data.
    """
    start_current = current_version()
    version = version or start_current
    if version is None:
        raise NoDataError("Chưa có dữ liệu được công bố / No data published yet: python -m cli demo")
    manifest = read_manifest(version)
    forecasts, paths, stats = compute_forecasts(open_warehouse(version), communes, True, workers, progress)
    folder = version_path(version)
    tables = {name: pd.read_parquet(folder / entry["file"]) for name, entry in manifest["tables"].items()
              if name not in (FORECASTS_TABLE, PATHS_TABLE)}
    tables[FORECASTS_TABLE] = forecasts
    tables[PATHS_TABLE] = paths
    if current_version() != start_current:
        raise RuntimeError(f"another version ({current_version()}) was published while forecasting {version}: "
                           "run `python -m cli forecast` again / có phiên bản mới trong lúc dự báo: chạy lại")
    meta = {k: v for k, v in manifest.items() if k not in ("version", "created_at", "tables")}
    meta["forecast"] = {**stats, "source_version": manifest.get("forecast", {}).get("source_version", version)}
    label = f"{manifest.get('kind', 'data')}-forecast"
    return publish(tables, label, meta), stats
