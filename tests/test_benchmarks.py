"""Smoke tests of the performance harness (benchmarks/) with tiny settings.

No timing is asserted (the standards forbid timed assertions: performance is measured by `python -m
benchmarks`, never asserted in tests). These check that the harness runs, that its report has the shape
docs/performance.md describes, and that DuckDB and the pandas baseline compute the same values.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks import budgets
from benchmarks.pages import PAGES, by_name


@pytest.fixture(autouse=True)
def _audit_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))


def test_kpi_bench_keeps_its_keys_and_duckdb_agrees_with_pandas(demo_version):
    from benchmarks import kpi_bench

    report = kpi_bench.run(repeat=1)
    assert report["version"] == demo_version
    assert report["fact_rows"] > 0 and report["communes"] == 126
    for key in ("scorecard_city", "scorecard_commune", "kpi_all_months_city_duckdb", "kpi_all_months_city_pandas",
                "kpi_all_months_commune_duckdb", "kpi_all_months_commune_pandas", "kpi_map_all_communes_duckdb",
                "kpi_map_all_communes_pandas", "speedup_city_duckdb_vs_pandas", "speedup_commune_duckdb_vs_pandas",
                "speedup_map_all_communes_duckdb_vs_pandas", "scorecard_city_vs_pandas_speedup"):
        assert key in report["results"], key
    assert set(report["agreement"]) == {"city", "commune", "all_communes"}
    for name, check in report["agreement"].items():
        assert check["agree"], (name, check)
        assert check["rows_matched"] == check["rows_duckdb"] > 0
    assert report["duckdb_and_pandas_agree"] is True


def test_pandas_baseline_map_values_equal_the_products_map_values(warehouse):
    import numpy as np

    from benchmarks.pandas_baseline import kpi_by_commune_pandas
    from indicators.area import Period
    from indicators.commune_values import values_by_commune
    from store.reference import load_communes
    from store.versions import read_manifest, version_path
    import pandas as pd

    manifest = read_manifest(warehouse.version)
    facts = pd.read_parquet(version_path(warehouse.version) / manifest["tables"]["facts"]["file"])
    month = warehouse.data_until
    pand = kpi_by_commune_pandas(facts, load_communes(), warehouse.catalogue, ["unemployment_rate"], month)
    shown = values_by_commune(warehouse, "unemployment_rate", Period("month", month)).dropna(subset=["value"])
    merged = shown.merge(pand, left_on="code", right_on="commune_code", suffixes=("", "_pd"))
    assert len(merged) == len(shown) == len(pand) > 100
    np.testing.assert_allclose(merged["value"], merged["value_pd"], rtol=1e-9)


def test_page_bench_measures_a_page_cold_warm_and_its_controls():
    from benchmarks import page_bench

    row = page_bench.measure_page(by_name(["tong-quan"])[0], warm_runs=1)
    assert row["page"] == "tong-quan" and row["exceptions"] == []
    assert row["cold_ms"] > 0 and len(row["warm_runs"]) == 1
    assert [c["key"] for c in row["controls"]] == ["xa", "ky"]
    assert all({"first_ms", "back_ms", "again_ms", "worst_cached_ms"} <= set(c) for c in row["controls"])


def test_every_measured_page_is_declared_in_the_app():
    from benchmarks.__main__ import app_pages

    declared = set(app_pages())
    assert {p.name for p in PAGES} <= declared
    with pytest.raises(ValueError):
        by_name(["no-such-page"])


def test_budget_check_lists_each_figure_against_its_budget():
    report = {
        "browser": {"pages": [{"page": "ban-do", "warm_main_ms": 900.0, "cold": {"main_ms": 5000.0, "total_bytes": 10},
                               "ws_bytes_per_view": 450_000, "bytes_per_view": 460_000}],
                    "controls": [{"page": "ban-do", "control": "Chỉ tiêu", "option": "x", "updated_ms": 1.0,
                                  "server_finished_ms": 120.0}]},
        "pages": {"pages": [{"page": "ban-do", "controls": [{"key": "chi_tieu", "first_ms": 100.0,
                                                              "worst_cached_ms": 400.0}]}]},
        "kpi": {"results": {"speedup_city_duckdb_vs_pandas": 12.0, "speedup_commune_duckdb_vs_pandas": 4.0}},
        "load": {"sessions": 20, "duration_s": 120, "errors": 0, "errors_by_kind": {}, "rss_mb_peak": 1500.0,
                 "rss_mb_with_all_sessions_open": 1400.0, "server_log": {"tracebacks": 0}},
    }
    rows = budgets.evaluate(report)
    verdict = {r["figure"]: r["pass"] for r in rows}
    assert verdict["visible warm: ban-do"] is True
    assert verdict["visible cold: ban-do"] is False
    assert verdict["KPI speed-up vs pandas: city"] is True
    assert verdict["KPI speed-up vs pandas: commune"] is False
    assert verdict["map payload per view (websocket)"] is False
    assert verdict["control change server time: ban-do chi_tieu (new value)"] is True
    assert verdict["control change server time: ban-do chi_tieu (cached value)"] is False
    assert verdict["server RSS with 20 sessions open"] is True
    assert verdict["errors under load (20 sessions, 120 s)"] is True
    assert all({"figure", "value", "unit", "budget", "rule", "pass"} <= set(r) for r in rows)
    summary = budgets.summary(rows)
    assert summary["failed"] == len(summary["failures"]) == sum(v is False for v in verdict.values())


def test_pipeline_section_never_invents_a_number(monkeypatch):
    import importlib.util

    from benchmarks import pipeline_perf

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "benchmarks.pipeline_bench" else real(name, *a))
    result = pipeline_perf.microdata_pipeline()
    assert result["status"] == "not_available" and result["reason"]
    assert not any(isinstance(v, (int, float)) for v in result.values())


def test_websocket_client_and_load_test_against_a_server(tmp_path, demo_version):
    from benchmarks import load_test
    from benchmarks.server import start_server
    from benchmarks.wsclient import StreamlitSession
    from store.paths import curated_dir

    server = start_server(curated_dir(), tmp_path / "audit", tmp_path / "logs")
    try:
        async def journey():
            session = StreamlitSession(server.url)
            await session.open()
            first = await session.run("")
            changed = await session.change("xa", session.widgets["xa"].options[1])
            mapped = await session.run("ban-do")
            await session.close()
            return first, changed, mapped

        first, changed, mapped = asyncio.run(journey())
        for result in (first, changed, mapped):
            assert result.status == "ok" and result.exceptions == [] and not result.page_not_found
            assert result.bytes > 0 and result.elements > 0
        result = load_test.run(server, sessions=2, duration=3, think=(0.1, 0.2))
        assert result["sessions"] == 2 and result["interactions"] >= 2
        assert result["errors"] == 0, result["first_errors"]
        assert result["server_log"]["tracebacks"] == 0
        try:
            import psutil  # noqa: F401
        except ImportError:
            assert result["rss_mb_peak"] is None  # memory is not measured without psutil
        else:
            assert result["rss_mb_peak"] > 0
        assert {"p50_ms", "p95_ms", "max_ms"} <= set(result["all"])
    finally:
        server.stop()


@pytest.mark.browser
def test_browser_bench_on_one_page(tmp_path, demo_version):
    from benchmarks import browser_bench
    from benchmarks.server import CHROMIUM, start_server
    from store.paths import curated_dir

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    server = start_server(curated_dir(), tmp_path / "audit", tmp_path / "logs")
    try:
        result = browser_bench.run(server, by_name(["tong-quan"]), warm_runs=1, control_repeats=0)
    finally:
        server.stop()
    page = result["pages"][0]
    assert page["page"] == "tong-quan" and page["exceptions"] == 0
    assert page["cold"]["main_ms"] > 0 and page["bytes_per_view"] > page["ws_bytes_per_view"] > 0
    assert result["first_view_after_start"]["total_bytes"] > 0
    assert result["websocket_errors"] == []
