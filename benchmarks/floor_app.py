"""The floor: a Streamlit app that draws each page's elements from constants, so it costs only what
Streamlit (and Plotly, Vega-Lite, the browser) cost for that shape of page.

Served by `benchmarks/floor_bench.py` beside the real app in the same run, on the same url paths as the
real pages (benchmarks/pages.py), so the same "main content drawn" predicates and the same controls
apply to both and every figure is a ratio that holds on a noisy machine. Nothing here reads the
warehouse or imports the product; the values are derived from the chosen area so a control change
really redraws. Per page, the shape mirrors the real page's (pages/*.py): cards with sparklines in
bordered columns, a MapLibre choropleth of 126 communes, Plotly charts, tables, the wall's tiles,
and the sidebar's area selectbox of 127 areas on every page.
"""
from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

CITY = "Toàn thành phố"
N_COMMUNES = 126
MONTHS = pd.date_range("2020-01-01", periods=83, freq="MS")
SECTORS = [chr(ord("A") + i) for i in range(21)]
# The two communes the benchmark's controls pick (benchmarks/pages.py) keep their real names and codes.
_NAMED = {0: ("Phường Ba Đình", "00004"), 1: ("Xã Hòa Xá", "10417")}
COMMUNES = [_NAMED.get(i, (f"{'Phường' if i % 2 else 'Xã'} Mẫu {i:03d}", f"{20000 + i:05d}"))
            for i in range(N_COMMUNES)]
AREAS = [CITY] + [f"{name} ({code})" for name, code in COMMUNES]
KPIS = [f"Chỉ tiêu mẫu số {i + 1}: tỷ lệ lao động có việc làm trong khu vực" for i in range(25)]
MAP_STYLE = {"version": 8, "name": "floor-offline",  # as the real map's offline style (ui/map_view.py)
             "sources": {"none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
             "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}}]}
PLOTLY = {"displaylogo": False}


def _rng(*key: object) -> np.random.Generator:
    """Values that depend on the page, the area and the element only: a rerun on another area changes them."""
    return np.random.default_rng(zlib.crc32(repr(key).encode("utf-8")))


def sidebar() -> str:
    with st.sidebar:
        st.markdown("**KPI sức khỏe nền kinh tế (floor)**")
        return st.selectbox("Địa bàn", AREAS, key="xa_floor")


def _series(key: tuple, n: int = len(MONTHS)) -> np.ndarray:
    return 50 + np.cumsum(_rng(*key).normal(0, 1, n))


def _sparkline(values: np.ndarray) -> None:
    spec = {"mark": {"type": "line", "color": "#2e7d32"},
            "encoding": {"x": {"field": "i", "type": "quantitative", "axis": None},
                         "y": {"field": "v", "type": "quantitative", "axis": None, "scale": {"zero": False}}},
            "data": {"values": [{"i": i, "v": float(v)} for i, v in enumerate(values)]}}
    st.vega_lite_chart(spec, width="stretch", height=48)


def cards(area: str, n: int = 25, columns: int = 3) -> None:
    """The Overview's scorecard: n bordered cards (title, metric with change, sparkline, badges, caption)."""
    cols = st.columns(columns)
    for i in range(n):
        values = _series(("card", area, i), 24)
        with cols[i % columns], st.container(border=True):
            st.markdown(f"**{KPIS[i % len(KPIS)]}**", help="Định nghĩa, nguồn và kỳ số liệu (floor)")
            st.metric(KPIS[i % len(KPIS)], f"{values[-1]:.1f}".replace(".", ","),
                      delta=f"{values[-1] - values[-2]:+.1f}".replace(".", ","), label_visibility="collapsed")
            _sparkline(values)
            st.markdown(":green-badge[Đạt mục tiêu] Mục tiêu 2030: 75,0")
            st.caption("Tháng 10/2026 · +1,2 so với cùng kỳ · 83% kế hoạch năm")
            st.markdown(":gray-badge[Dữ liệu minh họa]")


def _hexagon(cx: float, cy: float, r: float, vertices: int) -> list[list[float]]:
    ring = [[cx + r * math.cos(2 * math.pi * k / vertices), cy + r * math.sin(2 * math.pi * k / vertices) * 0.9]
            for k in range(vertices)]
    return ring + [ring[0]]


@st.cache_resource
def geojson(vertices: int = 120) -> dict:
    """126 commune-like polygons over Hanoi's extent (vertex count of a simplified commune boundary)."""
    features = []
    for i, (_, code) in enumerate(COMMUNES):
        cx, cy = 105.3 + (i % 12) * 0.07, 20.6 + (i // 12) * 0.08
        features.append({"type": "Feature", "properties": {"code": code},
                         "geometry": {"type": "Polygon", "coordinates": [_hexagon(cx, cy, 0.04, vertices)]}})
    return {"type": "FeatureCollection", "features": features}


def choropleth(area: str, metric: str) -> None:
    values = _rng("map", area, metric).uniform(0, 5, N_COMMUNES).round()
    codes = [code for _, code in COMMUNES]
    fig = go.Figure(go.Choroplethmap(
        geojson=geojson(), featureidkey="properties.code", locations=codes, z=values, zmin=0, zmax=5,
        hovertext=[name for name, _ in COMMUNES], hoverinfo="text", marker_line_color="white",
        marker_line_width=0.6, colorscale="Blues"))
    fig.update_layout(map=dict(style=MAP_STYLE, center=dict(lon=105.7, lat=21.0), zoom=8.6), height=620,
                      margin=dict(l=0, r=0, t=0, b=0))
    st.plotly_chart(fig, key="map", on_select="rerun", selection_mode="points", config=PLOTLY)


def line_chart(key: tuple, traces: int = 2) -> None:
    fig = go.Figure([go.Scatter(x=MONTHS, y=_series(key + (k,)), mode="lines", name=f"chuỗi {k + 1}")
                     for k in range(traces)])
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), title="Xu hướng theo tháng")
    st.plotly_chart(fig, config=PLOTLY)


def bar_chart(key: tuple) -> None:
    fig = go.Figure(go.Bar(x=SECTORS, y=_rng(*key).uniform(100, 10_000, len(SECTORS))))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), title="Theo ngành kinh tế")
    st.plotly_chart(fig, config=PLOTLY)


def table(key: tuple, rows: int = 25, columns: int = 6) -> None:
    data = _rng(*key).uniform(0, 1000, (rows, columns)).round(1)
    st.dataframe(pd.DataFrame(data, columns=[f"Cột {c + 1}" for c in range(columns)]), hide_index=True, width="stretch")


def metrics(key: tuple, n: int, columns: int = 3) -> None:
    values = _rng(*key).uniform(0, 100, n)
    for i, col in enumerate((st.columns(columns) * math.ceil(n / columns))[:n]):
        col.metric(f"Số liệu {i + 1}", f"{values[i]:.1f}".replace(".", ","))


def _heading(title: str, area: str) -> None:
    st.title(title)
    st.caption(f"{area} · số liệu đến tháng 10/2026 · dữ liệu minh họa")


# ---- the pages: one per real page shape, on the real pages' url paths ----------------------------------
def overview() -> None:
    area = sidebar()
    _heading("Tổng quan", area)
    st.segmented_control("Kỳ", ["Tháng", "Năm"], default="Năm", key="ky")
    cards(area)


def map_page() -> None:
    area = sidebar()
    _heading("Bản đồ", area)
    metric = st.selectbox("Chỉ tiêu", ["Tỷ lệ thất nghiệp chung", "Tỷ lệ LLLĐ trong độ tuổi tham gia BHXH bắt buộc"], key="chi_tieu")
    left, right = st.columns([3, 2])
    with left:
        choropleth(area, metric)
    with right:
        table(("map-table", area, metric), rows=N_COMMUNES, columns=4)


def commune() -> None:
    area = sidebar()
    _heading("Hồ sơ xã", area)
    cards(area, n=6)
    line_chart(("commune", area))
    table(("commune-plan", area), rows=6)
    table(("commune-lineage", area), rows=4)


def sectors() -> None:
    area = sidebar()
    _heading("Ngành kinh tế", area)
    metrics(("sector-metrics", area), 6)
    left, right = st.columns(2)
    with left:
        bar_chart(("supply", area))
    with right:
        bar_chart(("demand", area))
    bar_chart(("heatmap", area))
    table(("sectors", area), rows=21)


def trends() -> None:
    area = sidebar()
    _heading("Xu hướng", area)
    for row in range(3):
        for col, k in zip(st.columns(2), range(2)):
            with col:
                line_chart(("trend", area, row, k))


def forecast() -> None:
    area = sidebar()
    _heading("Dự báo 2030", area)
    chart, facts = st.columns([2, 1])
    with chart:
        line_chart(("forecast", area), traces=3)
    with facts:
        st.metric("Xác suất đạt mục tiêu", "72%")
        st.markdown("Dự kiến đạt mục tiêu năm 2028.")
    table(("ranking", area), rows=25, columns=5)


def wall() -> None:
    area = sidebar()
    values = _rng("wall", area).uniform(0, 100, 25)
    tiles = "".join(f'<div class="wall-tile" style="display:inline-block;width:18%;margin:0.5%;padding:12px;'
                    f'border:1px solid #ccc"><b>{KPIS[i]}</b><br><span style="font-size:2rem">{v:.1f}</span></div>'
                    for i, v in enumerate(values))
    st.html(f"<div>{tiles}</div>")


def data_page() -> None:
    area = sidebar()
    _heading("Dữ liệu", area)
    metrics(("data", area), 4, columns=4)
    table(("data-table", area), rows=50)


def audit() -> None:
    area = sidebar()
    _heading("Nhật ký", area)
    metrics(("audit", area), 4, columns=4)
    table(("audit-table", area), rows=100, columns=7)


SHAPES = [(overview, "Tổng quan", "tong-quan"), (map_page, "Bản đồ", "ban-do"), (commune, "Hồ sơ xã", "ho-so"),
          (sectors, "Ngành", "nganh-kinh-te"), (trends, "Xu hướng", "xu-huong"), (forecast, "Dự báo", "du-bao"),
          (wall, "Màn hình tường", "man-hinh-tuong"), (data_page, "Dữ liệu", "du-lieu"), (audit, "Nhật ký", "nhat-ky")]
"""(page, title, url path): the real pages' url paths; the first is the default (the root URL)."""

if __name__ == "__main__":
    st.set_page_config(page_title="Floor", layout="wide")
    st.navigation([st.Page(fn, title=title, url_path=path, default=i == 0)
                   for i, (fn, title, path) in enumerate(SHAPES)]).run()
