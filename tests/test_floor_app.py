"""The floor app (benchmarks/floor_app.py) draws each page shape from constants, with the elements the
page benchmark waits for on the real page (benchmarks/pages.py), and its controls rerun it. No timing."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks import floor_app

SHAPES = {  # page function: (metrics, plotly charts, tables) at least
    "overview": (25, 0, 0), "map_page": (0, 1, 1), "commune": (6, 1, 2), "sectors": (6, 3, 1),
    "trends": (0, 6, 0), "forecast": (1, 1, 1), "data_page": (4, 0, 1), "audit": (4, 0, 1),
}


def _run(name: str) -> AppTest:
    at = AppTest.from_string(f"from benchmarks import floor_app\nfloor_app.{name}()\n", default_timeout=60)
    return at.run()


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_floor_page_draws_its_shape(name):
    at = _run(name)
    assert not at.exception
    metrics, charts, tables = SHAPES[name]
    assert len(at.metric) >= metrics
    assert len(at.get("plotly_chart")) >= charts
    assert len(at.dataframe) >= tables
    assert len(at.sidebar.selectbox) == 1 and len(at.sidebar.selectbox[0].options) == 127


def test_the_area_control_redraws_the_cards():
    at = _run("overview")
    before = [m.value for m in at.metric]
    at.sidebar.selectbox[0].select("Xã Hòa Xá (10417)").run()
    assert not at.exception
    assert any("Hòa Xá" in c.value for c in at.caption)
    assert [m.value for m in at.metric] != before


def test_the_floor_has_a_page_on_every_measured_url_path():
    from benchmarks.pages import PAGES

    paths = {path for _, _, path in floor_app.SHAPES}
    assert {spec.url_path or "tong-quan" for spec in PAGES} <= paths  # the default page answers the root URL
