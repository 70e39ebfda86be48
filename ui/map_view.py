"""The choropleth of the 126 communes (plotly, no tile server, no CDN) and its geometry, cached.

The geometry is the project's schematic file or the city's official file (HANOI_BOUNDARY_FILE), read and
validated once per file. The figure carries each commune's geometry once: communes with data in the
coloured trace, communes without data in a grey trace of their own, so none is dropped or shown as zero.
"""
from __future__ import annotations

import os

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.boundaries import BoundarySet, load_boundaries
from indicators.mapclass import NO_DATA, Classes
from store.reference import load_communes
from i18n.formats import fmt_number


@st.cache_resource(show_spinner=False)
def _boundaries(path: str | None, code_property: str | None, mtime: float | None) -> BoundarySet:
    return load_boundaries(set(load_communes()["code"]), path, code_property)


def boundaries() -> BoundarySet:
    """The geometry in use (official when configured and valid, else the built schematic)."""
    path = os.environ.get("HANOI_BOUNDARY_FILE") or None
    mtime = os.path.getmtime(path) if path and os.path.exists(path) else None
    return _boundaries(path, os.environ.get("HANOI_BOUNDARY_CODE_PROPERTY") or None, mtime)


def _subset(geojson: dict, codes: set[str]) -> dict:
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["properties"]["code"] in codes]}


def class_labels(classes: Classes, decimals: int, lang: str) -> list[str]:
    """'1,2 – 2,4' for each class, for the legend."""
    edges = classes.edges
    return [f"{fmt_number(edges[i], lang, decimals)} – {fmt_number(edges[i + 1], lang, decimals)}"
            for i in range(len(edges) - 1)]


def choropleth(geo: BoundarySet, frame: pd.DataFrame, classes: Classes, labels: list[str], hover: list[str],
               no_data_hover: str, legend_title: str, height: int = 620) -> go.Figure:
    """A classed choropleth: `frame` has one row per commune (column `code`) in the order of `classes.index`."""
    frame = frame.assign(cls=list(classes.index), hover=hover)
    with_data = frame[frame["cls"] >= 0]
    without = frame[frame["cls"] < 0]
    fig = go.Figure()
    n = max(len(classes.colours), 1)
    if not with_data.empty:
        scale = []
        for i, colour in enumerate(classes.colours):
            scale += [(i / n, colour), ((i + 1) / n, colour)]
        fig.add_trace(go.Choroplethmap(
            geojson=_subset(geo.geojson, set(with_data["code"])), featureidkey="properties.code",
            locations=with_data["code"], z=with_data["cls"] + 0.5, zmin=0, zmax=n, colorscale=scale,
            customdata=with_data[["code"]], hovertext=with_data["hover"], hoverinfo="text",
            marker_line_color="white", marker_line_width=0.6, name="",
            colorbar=dict(title=dict(text=legend_title), tickvals=[i + 0.5 for i in range(n)], ticktext=labels,
                          thickness=14, len=0.75),
        ))
    if not without.empty:
        fig.add_trace(go.Choroplethmap(
            geojson=_subset(geo.geojson, set(without["code"])), featureidkey="properties.code",
            locations=without["code"], z=[0] * len(without), colorscale=[(0, NO_DATA), (1, NO_DATA)],
            showscale=False, customdata=without[["code"]], hovertext=without["hover"], hoverinfo="text",
            marker_line_color="white", marker_line_width=0.6, name=no_data_hover,
        ))
    lon0, lat0, lon1, lat1 = bounds(geo.geojson)
    # "white-bg" is MapLibre's style without any tile, glyph or sprite source: nothing is fetched, so the
    # map works offline (the IOC may be). plotly's `geo` maps fetch world topojson from a CDN instead.
    fig.update_layout(
        map=dict(style="white-bg", center=dict(lon=(lon0 + lon1) / 2, lat=(lat0 + lat1) / 2),
                 zoom=zoom_for(lon0, lat0, lon1, lat1, height)),
        height=height, margin=dict(l=0, r=0, t=0, b=0), paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a FeatureCollection of polygons."""
    xs, ys = [], []

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for part in coords:
                walk(part)

    for feature in geojson["features"]:
        walk(feature["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def zoom_for(lon0: float, lat0: float, lon1: float, lat1: float, height: int, width: int = 760) -> float:
    """The web-mercator zoom that fits the box in a map of about this size."""
    import math

    lon_zoom = math.log2(360 * width / 512 / max(lon1 - lon0, 1e-6))
    lat_rad = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    lat_zoom = math.log2(2 * math.pi * height / 512 / max(lat_rad(lat1) - lat_rad(lat0), 1e-9))
    return round(min(lon_zoom, lat_zoom) - 0.15, 2)


def selected_code(event) -> str | None:
    """The commune clicked on the map (plotly selection event), if any."""
    try:
        points = event.selection.points
    except AttributeError:
        return None
    for point in points or []:
        code = point.get("location") or (point.get("customdata") or [None])[0]
        if code:
            return str(code)
    return None


def demand_layer(demand: pd.DataFrame, status: str | None, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The sector-demand layer shaped like `values_by_commune`: all 126 communes, value = % of the
    city's vacancies (NaN where hidden or absent), rank 1 = most demand."""
    communes = load_communes()[["code", "name_vi", "name_en", "type", "area_km2"]]
    out = communes.merge(demand, left_on="code", right_on="commune_code", how="left").drop(columns=["commune_code"])
    out["value"] = out["share_of_city"] * 100
    out["status"] = status
    out.loc[out["value"].isna(), "status"] = None
    out["rank"] = out["value"].rank(ascending=False, method="min")
    out["period_start"], out["period_end"] = start, end
    return out

