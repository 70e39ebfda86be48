"""KPI query latency: DuckDB (the product's path) against plain pandas, same data, same run.

Three questions, each timed on both engines over the same facts: every KPI's monthly series for the
city, the same for one commune, and every KPI (and the map's one KPI) for all 126 communes in one month.
The product paths (scorecards, the map's `values_by_commune`) are timed too. Values are compared, so a
fast wrong answer cannot pass.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

import numpy as np
import pandas as pd

from benchmarks.pandas_baseline import kpi_by_commune_pandas, kpi_monthly_pandas
from indicators.area import Period
from indicators.commune_values import values_by_commune
from indicators.queries import CITY, Scope, kpi_frame
from indicators.scorecard import build_scorecard
from indicators.warehouse import Warehouse, open_warehouse
from store.reference import load_communes
from store.versions import current_version, read_manifest, version_path

MAP_KPI = "unemployment_rate"  # the map page's default indicator
SPEEDUP_BUDGET = 10


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


def _agree(duck: pd.DataFrame, pand: pd.DataFrame, keys: list[str]) -> dict:
    """Same rows (keys) and the same values (relative 1e-9) on both engines."""
    check = duck.merge(pand, on=keys, how="outer", suffixes=("", "_pd"), indicator=True)
    both = check[check["_merge"] == "both"]
    same = bool(np.allclose(both["value"].astype(float), both["value_pd"].astype(float), rtol=1e-9, equal_nan=True))
    return {"rows_duckdb": int(len(duck)), "rows_pandas": int(len(pand)), "rows_matched": int(len(both)),
            "values_equal": same, "agree": bool(same and len(both) == len(duck) == len(pand))}


def run(repeat: int = 20, commune: str = "10417") -> dict:
    """Time scorecards and KPI queries for the city, one commune and all communes (the map)."""
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
    month = wh.data_until
    pandas_repeat = max(3, repeat // 4)

    def duck_map(kpis: list[str]) -> pd.DataFrame:
        frame = kpi_frame(wh, kpis, CITY, "month", month, month, by_commune=True)
        return frame[frame["commune_code"] != ""]

    agreement = {
        "city": _agree(kpi_frame(wh, ratio_codes, CITY, "month"),
                       kpi_monthly_pandas(facts, communes, wh.catalogue, ratio_codes), ["indicator", "period"]),
        "commune": _agree(kpi_frame(wh, ratio_codes, one, "month"),
                          kpi_monthly_pandas(facts, communes, wh.catalogue, ratio_codes, commune), ["indicator", "period"]),
        "all_communes": _agree(duck_map(ratio_codes), kpi_by_commune_pandas(facts, communes, wh.catalogue, ratio_codes, month),
                               ["indicator", "commune_code", "period"]),
    }
    results = {
        "scorecard_city": timed(lambda: build_scorecard(wh, CITY), repeat),
        "scorecard_commune": timed(lambda: build_scorecard(wh, one, geo=commune), repeat),
        "kpi_all_months_city_duckdb": timed(lambda: kpi_frame(wh, ratio_codes, CITY, "month"), repeat),
        "kpi_all_months_city_pandas": timed(lambda: kpi_monthly_pandas(facts, communes, wh.catalogue, ratio_codes), pandas_repeat),
        "kpi_all_months_commune_duckdb": timed(lambda: kpi_frame(wh, ratio_codes, one, "month"), repeat),
        "kpi_all_months_commune_pandas": timed(lambda: kpi_monthly_pandas(facts, communes, wh.catalogue, ratio_codes, commune), pandas_repeat),
        "kpi_map_all_communes_duckdb": timed(lambda: duck_map(ratio_codes), repeat),
        "kpi_map_all_communes_pandas": timed(lambda: kpi_by_commune_pandas(facts, communes, wh.catalogue, ratio_codes, month), pandas_repeat),
        "kpi_map_one_kpi_duckdb": timed(lambda: duck_map([MAP_KPI]), repeat),
        "kpi_map_one_kpi_pandas": timed(lambda: kpi_by_commune_pandas(facts, communes, wh.catalogue, [MAP_KPI], month), pandas_repeat),
        "map_values_by_commune": timed(lambda: values_by_commune(wh, MAP_KPI, Period("month", month)), repeat),
    }
    pairs = {"city": "kpi_all_months_city", "commune": "kpi_all_months_commune",
             "map_all_communes": "kpi_map_all_communes", "map_one_kpi": "kpi_map_one_kpi"}
    for geo, key in pairs.items():
        results[f"speedup_{geo}_duckdb_vs_pandas"] = round(
            results[f"{key}_pandas"]["median_ms"] / results[f"{key}_duckdb"]["median_ms"], 1)
    results["scorecard_city_vs_pandas_speedup"] = round(
        results["kpi_all_months_city_pandas"]["median_ms"] / results["scorecard_city"]["median_ms"], 1)
    return {
        "version": version,
        "fact_rows": int(len(facts)),
        "communes": int(facts.loc[facts["commune_code"] != "", "commune_code"].nunique()),
        "months": int(facts["period"].nunique()),
        "first_month": str(facts["period"].min().date()),
        "last_month": str(facts["period"].max().date()),
        "indicators": len(codes),
        "warehouse_open_ms": round(open_ms, 1),
        "duckdb_and_pandas_agree": all(a["agree"] for a in agreement.values()),
        "agreement": agreement,
        "results": results,
        "budgets": {"scorecard_city_ms": 50, "speedup_vs_pandas": SPEEDUP_BUDGET},
    }
