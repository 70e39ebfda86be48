"""`python -m benchmarks.forecast_eval [--quick]`: does the forecast engine say how uncertain it really is?

A rolling-origin backtest of the intervals exactly as they are shown: at every past month the forecasts
of every KPI in every area (the city, all phường, all xã and the 126 communes, full Hanoi scale) are
re-made with the data and the calibration known then, and compared with what happened 1 to 36 months
later. Reported overall, per horizon, per KPI family and per level (city and groups, communes): the
coverage of the 80% and 95% intervals (target 75-85% and 92-97%), the mean interval score (Winkler,
scaled by each series' yardstick like MSIS) and MASE against the naive forecast. Also the time of
`indicators.verdicts.derive_tables` for the whole version, side by side with its floor in the same run
(opening the same version's warehouse, which derive needs anyway), with the machine's load.

Writes benchmarks/results/forecast_eval.json and forecast_eval.md. The data: a fresh deterministic demo
warehouse in benchmarks/results/forecast_eval/curated (default), or `--data-dir` for an existing one.
`--quick`: the city, both groups and a sample of 12 communes (a minute, for development).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
JSON_OUT = RESULTS / "forecast_eval.json"
MD_OUT = RESULTS / "forecast_eval.md"
DATA_DIR = RESULTS / "forecast_eval" / "curated"
TARGETS = {"coverage_80": (0.75, 0.85), "coverage_95": (0.92, 0.97)}
ENOUGH = {"series": 10, "origin_months": 12}
"""A family's coverage is held to the targets when it has this many series and checked origins in this
many distinct months (a year); with fewer, its figures are shown but cannot show calibration."""
QUICK_COMMUNES = 12
SUMS = ("points", "inside80", "inside95", "score80", "score95", "abs_error", "abs_error_naive")


def _metrics(sums: dict) -> dict:
    n = sums["points"]
    if not n:
        return {"points": 0}
    return {"points": int(n), "coverage_80": round(sums["inside80"] / n, 4), "coverage_95": round(sums["inside95"] / n, 4),
            "interval_score_80": round(sums["score80"] / n, 3), "interval_score_95": round(sums["score95"] / n, 3),
            "mase": round(sums["abs_error"] / n, 3), "mase_naive": round(sums["abs_error_naive"] / n, 3),
            "mase_vs_naive": round(sums["abs_error"] / sums["abs_error_naive"], 3) if sums["abs_error_naive"] else None}


def evaluate(wh, communes: list[str] | None = None) -> dict:
    """The backtest figures of every series of a warehouse (or of the city, the groups and `communes`)."""
    import numpy as np

    from indicators.kpi_forecasts import AGGREGATES, KpiForecasts
    from indicators.series import CITY, area_months

    fc = KpiForecasts(wh, area_months(wh, communes))
    seen: dict[int, list] = {}
    for key in fc.keys():
        loc = fc.locate(*key)
        seen.setdefault(id(loc.fit), []).append(loc)
    groups: dict[tuple, dict] = {}
    families: dict[str, set] = {}
    origin_months: dict[str, set] = {}

    def add(key: tuple, values: dict) -> None:
        acc = groups.setdefault(key, dict.fromkeys(SUMS, 0.0))
        for name in SUMS:
            acc[name] += float(values[name])

    for locs in seen.values():
        fit = locs[0].fit
        bt = fit.shown_backtest()
        for loc in locs:
            area = loc.series.area[loc.index]
            level = "city" if area == CITY else "groups" if area in AGGREGATES else "communes"
            families.setdefault(loc.family, set()).add((loc.series.indicator[loc.index], area))
            if bt["points"][loc.row].sum():
                months = fit.end_month[bt["shown_origins"][loc.row]]
                origin_months.setdefault(loc.family, set()).update(months.tolist())
            for k, h in enumerate(fit.horizons):
                values = {name: bt[name][loc.row, k] for name in SUMS}
                if not values["points"]:
                    continue
                for key in (("overall",), ("family", loc.family), ("level", level), ("horizon", fit.grain, int(h)),
                            ("family_horizon", loc.family, fit.grain, int(h)), ("family_level", loc.family, level)):
                    add(key, values)
    report = {"series": len(fc.keys()), **_metrics(groups.get(("overall",), dict.fromkeys(SUMS, 0.0)))}
    report["by_horizon"] = {}
    for key, sums in sorted(groups.items(), key=lambda kv: tuple(str(x).zfill(4) for x in kv[0])):
        if key[0] == "horizon":
            report["by_horizon"].setdefault(key[1], {})[str(key[2])] = _metrics(sums)
    report["by_family"] = {}
    for name in sorted(families):
        sums = groups.get(("family", name))
        entry = {"series": len(families[name]), "origin_months": len(origin_months.get(name, ())),
                 **(_metrics(sums) if sums else {"points": 0})}
        entry["enough"] = entry["series"] >= ENOUGH["series"] and entry["origin_months"] >= ENOUGH["origin_months"]
        if entry["enough"] and entry["points"]:
            entry["within_targets"] = all(lo <= entry[k] <= hi for k, (lo, hi) in TARGETS.items())
        entry["by_level"] = {k[2]: _metrics(v) for k, v in groups.items() if k[0] == "family_level" and k[1] == name}
        entry["by_horizon"] = {f"{k[2]}:{k[3]}": _metrics(v) for k, v in
                               sorted(groups.items(), key=lambda kv: tuple(str(x).zfill(4) for x in kv[0]))
                               if k[0] == "family_horizon" and k[1] == name}
        report["by_family"][name] = entry
    report["by_level"] = {k[1]: _metrics(v) for k, v in groups.items() if k[0] == "level"}
    return report


def time_derive(version: str) -> dict:
    """derive_tables on the whole version, and its floor: opening the version's warehouse alone."""
    from indicators.verdicts import derive_tables
    from indicators.warehouse import Warehouse

    load_before = [round(x, 2) for x in os.getloadavg()]
    t0, c0 = time.perf_counter(), time.process_time()
    Warehouse(version)
    floor = (time.perf_counter() - t0, time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time()
    tables = derive_tables(version)
    total = (time.perf_counter() - t0, time.process_time() - c0)
    return {"derive_tables_seconds": round(total[0], 2), "derive_tables_cpu_seconds": round(total[1], 2),
            "floor_open_warehouse_seconds": round(floor[0], 2), "floor_open_warehouse_cpu_seconds": round(floor[1], 2),
            "derive_beyond_floor_seconds": round(total[0] - floor[0], 2),
            "rows": {name: len(frame) for name, frame in tables.items()},
            "load_average_before": load_before, "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count()}


def markdown(report: dict) -> str:
    def pct(x):
        return "–" if x is None else f"{x:.1%}"

    lines = [f"# Forecast evaluation ({report['created_at']})", "",
             f"Data: version `{report['version']}` up to {report['data_until']} ({report['scope']}); "
             f"{report['series']:,} series, {report['points']:,} checked forecasts.", "",
             f"**80% intervals held {pct(report['coverage_80'])}** of outcomes (target 75–85%), "
             f"**95% intervals {pct(report['coverage_95'])}** (target 92–97%). Interval score (80%) "
             f"{report['interval_score_80']}, MASE {report['mase']} against naive {report['mase_naive']} "
             f"(ratio {report['mase_vs_naive']}).", "",
             "| family | series | origin months | checked | 80% | 95% | interval score 80% | MASE vs naive | held to targets |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, f in report["by_family"].items():
        held = ("yes" if f.get("within_targets") else "**no**") if f["enough"] else "not enough series or months"
        lines.append(f"| {name} | {f['series']} | {f['origin_months']} | {f['points']:,} | {pct(f.get('coverage_80'))} | "
                     f"{pct(f.get('coverage_95'))} | {f.get('interval_score_80', '–')} | {f.get('mase_vs_naive', '–')} | {held} |")
    lines += ["", "| level | checked | 80% | 95% | MASE vs naive |", "|---|---|---|---|---|"]
    for name, m in report["by_level"].items():
        lines.append(f"| {name} | {m['points']:,} | {pct(m.get('coverage_80'))} | {pct(m.get('coverage_95'))} | {m.get('mase_vs_naive')} |")
    lines += ["", "| grain | horizon (periods) | checked | 80% | 95% | interval score 80% | MASE vs naive |",
              "|---|---|---|---|---|---|---|"]
    for grain, horizons in report["by_horizon"].items():
        for h, m in horizons.items():
            lines.append(f"| {grain} | {h} | {m['points']:,} | {pct(m.get('coverage_80'))} | {pct(m.get('coverage_95'))} | "
                         f"{m.get('interval_score_80')} | {m.get('mase_vs_naive')} |")
    t = report.get("timing")
    if t:
        lines += ["", f"`derive_tables` for the whole version: **{t['derive_tables_seconds']} s** "
                      f"({t['derive_tables_cpu_seconds']} s CPU); floor in the same run, opening the version's warehouse: "
                      f"{t['floor_open_warehouse_seconds']} s ({t['floor_open_warehouse_cpu_seconds']} s CPU). "
                      f"Load average {t['load_average_before']} → {t['load_average_after']} on {t['cpus']} CPUs. "
                      f"Rows: {t['rows']}."]
    lines += ["", "Method: `benchmarks/forecast_eval.py` (docstring); engine: `indicators/forecast.py`."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.forecast_eval", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"city, groups and {QUICK_COMMUNES} communes only")
    parser.add_argument("--data-dir", help="an existing curated folder to evaluate (default: a fresh demo warehouse)")
    parser.add_argument("--end", help="last month of a fresh demo warehouse, YYYY-MM (default: the last complete month)")
    parser.add_argument("--no-timing", action="store_true", help="skip timing derive_tables")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir) if args.data_dir else DATA_DIR
    os.environ["HANOI_DATA_DIR"] = str(data_dir)  # before anything reads it: never the developer's data/curated
    from indicators.warehouse import open_warehouse
    from pipeline.publish import publish_demo
    from store.reference import load_communes
    from store.versions import current_version

    started = time.perf_counter()
    if not args.data_dir:
        shutil.rmtree(data_dir, ignore_errors=True)
        publish_demo(args.end)
    version = current_version()
    wh = open_warehouse(version)
    codes = load_communes()["code"].tolist()
    sample = codes[:: max(len(codes) // QUICK_COMMUNES, 1)][:QUICK_COMMUNES] if args.quick else None
    report = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "version": version,
              "data_until": f"{wh.data_until:%Y-%m}",
              "scope": f"city, phuong, xa and {len(sample)} communes (--quick)" if sample else "city, phuong, xa and all 126 communes",
              "targets": {k: list(v) for k, v in TARGETS.items()}, "enough": ENOUGH}
    report.update(evaluate(wh, sample))
    if not args.no_timing:
        report["timing"] = time_derive(version)
    report["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    MD_OUT.write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
