"""The performance budgets (issue 8) and their check against a report: every figure, its budget, pass/fail.

Budgets hold at full Hanoi size on the project's 2-core machine:
- every page's main content visible within 1.5 s warm and 4 s cold (browser, navigation -> drawn);
- any control change re-rendered within 300 ms of server time;
- KPI queries at least 10x faster than the pandas baseline on the same data;
- the map page's payload under 400 KB per view;
- the server process (incl. children) under 2 GB of resident memory with 20 sessions open;
- no error under load (exceptions on a page, websocket errors, server tracebacks).
"""
from __future__ import annotations

WARM_VISIBLE_MS = 1500
COLD_VISIBLE_MS = 4000
CONTROL_SERVER_MS = 300
KPI_SPEEDUP = 10
MAP_PAYLOAD_BYTES = 400_000  # 400 KB (1 KB = 1000 bytes)
MEMORY_MB = 2000             # 2 GB (1 GB = 1000 MB), resident set of the server and its children
LOAD_SESSIONS = 20

BUDGETS = {
    "page_visible_warm_ms": WARM_VISIBLE_MS, "page_visible_cold_ms": COLD_VISIBLE_MS,
    "control_change_server_ms": CONTROL_SERVER_MS, "kpi_speedup_vs_pandas": KPI_SPEEDUP,
    "map_payload_bytes": MAP_PAYLOAD_BYTES, "server_rss_mb_20_sessions": MEMORY_MB, "load_test_errors": 0,
}


def _row(figure: str, value, budget, unit: str, lower_is_better: bool = True, note: str = "") -> dict:
    if value is None:
        ok = None
    else:
        ok = value <= budget if lower_is_better else value >= budget
    row = {"figure": figure, "value": value, "unit": unit, "budget": budget,
           "rule": "<=" if lower_is_better else ">=", "pass": ok}
    if note:
        row["note"] = note
    return row


def evaluate(report: dict) -> list[dict]:
    rows: list[dict] = []
    browser = report.get("browser") or {}
    for page in browser.get("pages", []):
        rows.append(_row(f"visible warm: {page['page']}", page["warm_main_ms"], WARM_VISIBLE_MS, "ms"))
        rows.append(_row(f"visible cold: {page['page']}", page["cold"]["main_ms"], COLD_VISIBLE_MS, "ms",
                         note="server caches cleared, warehouse loaded"))
    first = browser.get("first_view_after_start")
    if first:
        rows.append(_row(f"visible cold after server start: {first['page']}", first["main_ms"], COLD_VISIBLE_MS, "ms",
                         note="includes loading the warehouse into DuckDB and the browser's first download"))
    for c in browser.get("controls", []):
        rows.append(_row(f"control change server time (browser): {c['page']} {c['control']} -> {c['option']}",
                         c.get("server_finished_ms"), CONTROL_SERVER_MS, "ms",
                         note=f"drawn after {c['updated_ms']} ms"))
    for page in (report.get("pages") or {}).get("pages", []):
        for c in page.get("controls", []):
            if "error" in c:
                rows.append({"figure": f"control change server time: {page['page']} {c['key']}", "value": None,
                             "unit": "ms", "budget": CONTROL_SERVER_MS, "rule": "<=", "pass": None, "note": c["error"]})
                continue
            rows.append(_row(f"control change server time: {page['page']} {c['key']} (new value)", c["first_ms"],
                             CONTROL_SERVER_MS, "ms", note="AppTest; nothing cached for the new value"))
            rows.append(_row(f"control change server time: {page['page']} {c['key']} (cached value)",
                             c["worst_cached_ms"], CONTROL_SERVER_MS, "ms", note="AppTest; worst of back and again"))
    kpi = (report.get("kpi") or {}).get("results", {})
    for geo in ("city", "commune", "map_all_communes", "map_one_kpi"):
        key = f"speedup_{geo}_duckdb_vs_pandas"
        if key in kpi:
            rows.append(_row(f"KPI speed-up vs pandas: {geo}", kpi[key], KPI_SPEEDUP, "x", lower_is_better=False))
    for page in browser.get("pages", []):
        if page["page"] == "ban-do":
            rows.append(_row("map payload per view (websocket)", page["ws_bytes_per_view"], MAP_PAYLOAD_BYTES, "bytes"))
            rows.append(_row("map payload per view (websocket + HTTP, warm browser cache)", page["bytes_per_view"],
                             MAP_PAYLOAD_BYTES, "bytes"))
            rows.append(_row("map payload, first view in a new browser (incl. the map's JavaScript)",
                             page["cold"]["total_bytes"], MAP_PAYLOAD_BYTES, "bytes",
                             note="static JavaScript, cached by the browser afterwards"))
    load = report.get("load") or {}
    if load:
        rows.append(_row(f"server RSS with {load['sessions']} sessions open", load.get("rss_mb_with_all_sessions_open"),
                         MEMORY_MB, "MB"))
        rows.append(_row(f"server RSS peak during the load test ({load['sessions']} sessions)", load.get("rss_mb_peak"),
                         MEMORY_MB, "MB"))
        errors = load["errors"] + load["server_log"]["tracebacks"]
        rows.append(_row(f"errors under load ({load['sessions']} sessions, {load['duration_s']} s)", errors, 0, "count",
                         note=f"by kind: {load['errors_by_kind']}; server tracebacks: {load['server_log']['tracebacks']}"))
        if load["sessions"] < LOAD_SESSIONS:
            rows.append({"figure": "load test sessions", "value": load["sessions"], "unit": "sessions",
                         "budget": LOAD_SESSIONS, "rule": ">=", "pass": False})
    return rows


def summary(rows: list[dict]) -> dict:
    return {"passed": sum(r["pass"] is True for r in rows), "failed": sum(r["pass"] is False for r in rows),
            "not_measured": sum(r["pass"] is None for r in rows),
            "failures": [r["figure"] for r in rows if r["pass"] is False]}


def markdown(rows: list[dict]) -> str:
    """The budget check as a Markdown table (docs/performance.md quotes it)."""
    def fmt(value) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:,.1f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    lines = ["| figure | value | budget | result |", "|---|---:|---:|---|"]
    for r in rows:
        verdict = {True: "pass", False: "**FAIL**", None: "not measured"}[r["pass"]]
        note = f" ({r['note']})" if r.get("note") else ""
        lines.append(f"| {r['figure']}{note} | {fmt(r['value'])} {r['unit']} | {r['rule']} {fmt(r['budget'])} | {verdict} |")
    return "\n".join(lines) + "\n"
