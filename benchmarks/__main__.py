"""`python -m benchmarks [--full] [options]`: run the harness and write a JSON report.

Without --full: the KPI queries (DuckDB against pandas) on the current warehouse, written to
benchmarks/results/report.json (as before).
With --full: everything at full Hanoi size, in one run of under 10 minutes, written to
benchmarks/results/full.json (budgets: benchmarks/budgets.py; method and figures: docs/performance.md):
1. a fresh benchmark warehouse (commune x sector x month facts since January 2020) published into
   benchmarks/results/full/curated, with its forecasts and verdicts (`service.publishing`);
2. the microdata pipeline (ingest throughput, reconciliation time) via benchmarks/pipeline_bench.py;
3. KPI queries (city, one commune, all 126 communes), DuckDB against pandas on the same data;
4. every page's server time, cold and warm, and control changes (AppTest);
4b. the API's latency (scorecard, map) beside its floor (/api/v1/health) on the server below;
5. a Streamlit server on 127.0.0.1: every page in headless Chromium (main content visible, cold and warm,
   bytes per view), control changes in the browser;
6. a load test on that server (20 sessions, 2 minutes) with the server's memory;
7. every figure against its budget.
Smaller settings for development: --sessions 2 --duration 10 --warm-runs 1 --pages tong-quan ban-do
--skip pipeline --reuse-data.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_OUT = RESULTS / "report.json"
FULL_OUT = RESULTS / "full.json"
FULL_DIR = RESULTS / "full"
SECTIONS = ("build", "forecast", "pipeline", "kpi", "pages", "api", "browser", "load")


def _machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 1e9, 1)
    except ImportError:
        pass
    return info


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("streamlit", "duckdb", "pandas", "pyarrow", "playwright", "psutil", "websockets", "protobuf"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def app_pages() -> list[str]:
    """The url paths dashboard.py declares (so a page added later and not measured is reported, not missed)."""
    text = (Path(__file__).resolve().parent.parent / "dashboard.py").read_text(encoding="utf-8")
    return re.findall(r'url_path="([^"]+)"', text)


def quick(args) -> dict:
    from benchmarks import kpi_bench
    from service.publishing import ensure_demo

    ensure_demo()
    return {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": _machine(),
            "kpi": kpi_bench.run(repeat=args.repeat)}


def full(args) -> dict:
    data_dir = Path(args.data_dir) if args.data_dir else FULL_DIR / "curated"
    audit_dir = FULL_DIR / "audit"
    os.environ["HANOI_DATA_DIR"] = str(data_dir)  # before anything reads it: the run never touches data/curated
    os.environ["HANOI_AUDIT_DIR"] = str(audit_dir)
    from benchmarks import budgets, pipeline_perf
    from benchmarks.pages import by_name
    from store.versions import current_version

    pages = by_name(args.pages)
    skip = set(args.skip or ())
    report: dict = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "mode": "full",
                    "machine": _machine(), "packages": _versions(), "load_average_at_start": _load(),
                    "data_dir": str(data_dir), "settings": {k: v for k, v in vars(args).items() if k != "out"},
                    "sections_seconds": {}, "load_average_after": {}}
    started = time.perf_counter()

    def section(name: str, fn):
        if name in skip:
            report.setdefault(name, {"status": "skipped", "reason": "--skip " + name})
            return report[name]
        _log(f"[{name}] ...")
        t0 = time.perf_counter()
        try:
            report[name] = fn()
        except Exception as exc:  # noqa: BLE001 - one failing section must not lose the others' figures
            import traceback

            report[name] = {"status": "failed", "reason": repr(exc)[:500], "traceback": traceback.format_exc()[-3000:]}
        report["sections_seconds"][name] = round(time.perf_counter() - t0, 1)
        report["load_average_after"][name] = _load()
        _log(f"[{name}] {report['sections_seconds'][name]} s")
        return report[name]

    if args.reuse_data and current_version() is not None:
        skip |= {"build", "forecast"}
        report["build"] = report["forecast"] = {"status": "reused (--reuse-data)", "version": current_version()}
    elif not ({"build"} & skip):
        shutil.rmtree(data_dir, ignore_errors=True)
    section("build", lambda: pipeline_perf.build_warehouse(args.end))
    section("forecast", lambda: pipeline_perf.forecast_batch(args.forecast_communes))
    section("pipeline", pipeline_perf.microdata_pipeline)
    report["version"] = current_version()

    def kpi():
        from benchmarks import kpi_bench

        return kpi_bench.run(repeat=args.repeat)
    section("kpi", kpi)

    def page_times():
        from benchmarks import page_bench

        return page_bench.run(pages, warm_runs=args.warm_runs)
    section("pages", page_times)

    server = None
    if not {"api", "browser", "load"} <= skip:
        from benchmarks.server import start_server

        server = start_server(data_dir, audit_dir, FULL_DIR / "logs")
        report["server"] = {"url": server.url, "start_ms": server.started_ms, "rss_mb_idle": server.rss_mb(),
                            "log": str(server.log)}
    try:
        def api():
            from benchmarks import api_bench

            return api_bench.run(server.url)
        section("api", api)

        def browser():
            from benchmarks import browser_bench

            return browser_bench.run(server, pages, warm_runs=args.warm_runs, control_repeats=args.control_repeats)
        section("browser", browser)

        def load():
            from benchmarks import load_test

            return load_test.run(server, sessions=args.sessions, duration=args.duration, think=tuple(args.think))
        section("load", load)
    finally:
        if server is not None:
            report["server"]["rss_mb_at_end"] = server.rss_mb()
            report["server"]["log_problems"] = server.log_problems()
            server.stop()
    declared = app_pages()
    measured = {p.name for p in pages}
    report["pages_not_measured"] = [p for p in declared if p not in measured]
    report["budgets"] = budgets.BUDGETS
    report["budget_check"] = budgets.evaluate(report)
    report["budget_summary"] = budgets.summary(report["budget_check"])
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    report["load_average_at_end"] = _load()
    return report


def _log(text: str) -> None:
    sys.stderr.write(f"{datetime.now():%H:%M:%S} {text}\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Performance harness (JSON report).")
    parser.add_argument("--full", action="store_true", help="everything at full size (see docs/performance.md)")
    parser.add_argument("--out", type=Path, help=f"default: {DEFAULT_OUT} ({FULL_OUT} with --full)")
    parser.add_argument("--repeat", type=int, default=20, help="runs per KPI timing")
    parser.add_argument("--end", default=None, help="last month of the benchmark warehouse (default: the demo's)")
    parser.add_argument("--data-dir", help=f"benchmark warehouse folder (default: {FULL_DIR / 'curated'})")
    parser.add_argument("--reuse-data", action="store_true", help="keep an existing benchmark warehouse")
    parser.add_argument("--forecast-communes", type=int, default=2, help="ignored: the whole version's forecasts "
                                                                           "and verdicts are derived")
    parser.add_argument("--pages", nargs="*", help="url paths of the pages to measure (default: all)")
    parser.add_argument("--warm-runs", type=int, default=2)
    parser.add_argument("--control-repeats", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=20, help="load test sessions")
    parser.add_argument("--duration", type=float, default=120, help="load test seconds")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
                        help="load test think time between interactions, seconds")
    parser.add_argument("--skip", nargs="*", choices=SECTIONS, help="sections to leave out (--full)")
    args = parser.parse_args(argv)
    report = full(args) if args.full else quick(args)
    out = args.out or (FULL_OUT if args.full else DEFAULT_OUT)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    if args.full:
        from benchmarks.budgets import markdown

        out.with_suffix(".md").write_text(markdown(report["budget_check"]), encoding="utf-8")
        _log(f"report: {out} (budget table: {out.with_suffix('.md')})")
        for row in report["budget_check"]:
            mark = {True: "PASS", False: "FAIL", None: "n/a "}[row["pass"]]
            print(f"{mark}  {row['figure']}: {row['value']} {row['unit']} (budget {row['rule']} {row['budget']})")
        print(json.dumps(report["budget_summary"], ensure_ascii=False))
    else:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False, default=str)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
