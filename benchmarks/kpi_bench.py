"""KPI query latency: DuckDB (the product's path) against plain pandas, same data, same run."""
from __future__ import annotations

import statistics
import time
from typing import Callable

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline import kpi_monthly_pandas
from indicators.queries import CITY, Scope, kpi_frame
from indicators.scorecard import build_scorecard
from indicators.warehouse import Warehouse, open_warehouse
from store.reference import load_communes
from store.versions import current_version, read_manifest, version_path


def timed(fn: Callable[[], object], repeat: int) -> dict:
    fn()  # warm-up (parsing, caches)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 2), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
            "min_ms": round(samples[0], 2), "runs": repeat}


def run(repeat: int = 20, commune: str = "10417") -> dict:
    """Time scorecards and KPI series for the city and one commune over the whole period."""
    version = current_version()
    start = time.perf_counter()
    wh: Warehouse = open_warehouse(version)
    open_ms = (time.perf_counter() - start) * 1000
    manifest = read_manifest(version)
    facts = pd.read_parquet(version_path(version) / manifest["tables"]["facts"]["file"])
    communes = load_communes()
    codes = list(wh.catalogue.codes)
    ratio_codes = [c for c in codes if wh.catalogue.get(c).kind != "growth"]
    one = Scope(communes=(commune,))

    duck_city = kpi_frame(wh, ratio_codes, CITY, "month")
    pandas_city = kpi_monthly_pandas(facts, communes, wh.catalogue, ratio_codes)
    check = duck_city.merge(pandas_city, on=["indicator", "period"], suffixes=("", "_pd"))
    agree = bool(len(check) == len(duck_city) and np.allclose(check["value"], check["value_pd"], rtol=1e-9, equal_nan=True))

    results = {
        "scorecard_city": timed(lambda: build_scorecard(wh, CITY), repeat),
        "scorecard_commune": timed(lambda: build_scorecard(wh, one, geo=commune), repeat),
        "kpi_all_months_city_duckdb": timed(lambda: kpi_frame(wh, ratio_codes, CITY, "month"), repeat),
        "kpi_all_months_city_pandas": timed(lambda: kpi_monthly_pandas(facts, communes, wh.catalogue, ratio_codes), max(3, repeat // 4)),
        "kpi_all_months_commune_duckdb": timed(lambda: kpi_frame(wh, ratio_codes, one, "month"), repeat),
        "kpi_all_months_commune_pandas": timed(lambda: kpi_monthly_pandas(facts, communes, wh.catalogue, ratio_codes, commune), max(3, repeat // 4)),
    }
    for geo in ("city", "commune"):
        duck = results[f"kpi_all_months_{geo}_duckdb"]["median_ms"]
        pand = results[f"kpi_all_months_{geo}_pandas"]["median_ms"]
        results[f"speedup_{geo}_duckdb_vs_pandas"] = round(pand / duck, 1)
    results["scorecard_city_vs_pandas_speedup"] = round(
        results["kpi_all_months_city_pandas"]["median_ms"] / results["scorecard_city"]["median_ms"], 1)
    return {
        "version": version,
        "fact_rows": int(len(facts)),
        "indicators": len(codes),
        "warehouse_open_ms": round(open_ms, 1),
        "duckdb_and_pandas_agree": agree,
        "results": results,
        "budgets": {"scorecard_city_ms": 50, "speedup_vs_pandas": 5},
    }
