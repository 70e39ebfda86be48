"""Server time of every page's script run, cold and warm, and of control changes (Streamlit's AppTest).

AppTest runs dashboard.py in this process exactly as the server would for one session (navigation, sidebar,
the page), without a browser, so the figures are pure server time.
- cold: `st.cache_data.clear()` and `st.cache_resource.clear()`, then the page's run (a new session opens
  the default page first, as AppTest must; the caches are cleared after that run, before the page's).
  The DuckDB warehouse itself stays loaded (the process keeps it per version, indicators/warehouse.py);
  loading it is measured on its own (`warehouse_open_ms` in the KPI section, and the server's first view
  in the browser section).
- warm: a new session opens the page again (what every further visitor gets).
- control change: in a session on the page, a selectbox gets a new value (first time: nothing cached for
  it), then goes back (cached), as a user flicking between two choices.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from benchmarks.pages import PAGES, PageSpec

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def _session(spec: PageSpec, timeout: float, clear: bool = False) -> tuple[AppTest, float, list[str]]:
    """A new session on the page (deep link first, then the page as a click in the menu would); the page's run time."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for pair in filter(None, spec.query.split("&")):
        key, value = pair.split("=", 1)
        at.query_params[key] = value
    if spec.file == "overview":
        if clear:
            _clear()
        return (at, *_run(at))
    _run(at)  # AppTest opens the default page first; pages need the dashboard script (controls, navigation)
    if clear:
        _clear()
    at.switch_page(f"pages/{spec.file}.py")
    return (at, *_run(at))


def _clear() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _run(at: AppTest) -> tuple[float, list[str]]:
    start = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - start) * 1000
    return ms, [f"{e.value}"[:300] for e in at.exception]


def _widget(at: AppTest, key: str):
    """The widget with the app's key, or its per-language twin (`_xa__vi`, ui/context.localized_choice)."""
    for name in (key, f"_{key}__vi", f"_{key}__en"):
        for kind in ("selectbox", "radio", "multiselect"):
            try:
                return getattr(at, kind)(key=name)
            except KeyError:
                continue
    raise KeyError(key)


def measure_page(spec: PageSpec, warm_runs: int = 2, timeout: float = 180) -> dict:
    at, cold_ms, errors = _session(spec, timeout, clear=True)
    warm = []
    for _ in range(warm_runs):
        _, ms, errs = _session(spec, timeout)
        warm.append(ms)
        errors += errs
    controls = []
    for control in spec.controls:
        try:
            widget = _widget(at, control.key)
        except KeyError:
            controls.append({"key": control.key, "error": "widget not on the page"})
            continue
        first, back = control.values
        times = {}
        for label, value in (("first_ms", first), ("back_ms", back), ("again_ms", first)):
            _widget(at, control.key).set_value(value)
            ms, errs = _run(at)
            errors += errs
            times[label] = round(ms, 1)
        controls.append({"key": control.key, "values": list(control.values), **times,
                         "worst_cached_ms": max(times["back_ms"], times["again_ms"])})
        del widget
    return {"page": spec.name, "cold_ms": round(cold_ms, 1), "warm_ms": round(statistics.median(warm), 1),
            "warm_runs": [round(w, 1) for w in warm], "controls": controls, "exceptions": errors[:5]}


def run(pages: tuple[PageSpec, ...] = PAGES, warm_runs: int = 2) -> dict:
    # a first session loads the warehouse, reference tables and imports, so that no page pays for them
    start = time.perf_counter()
    AppTest.from_file(APP, default_timeout=300).run()
    first_ms = (time.perf_counter() - start) * 1000
    rows = [measure_page(p, warm_runs) for p in pages]
    return {"first_session_in_process_ms": round(first_ms, 1), "pages": rows,
            "method": "AppTest (streamlit.testing.v1) in this process; cold = st.cache_data/st.cache_resource "
                      "cleared, warehouse loaded; warm = median of new sessions; controls: first value "
                      "(uncached), back and again (cached)"}
