"""The choropleth of the 126 communes (plotly + MapLibre, offline) with its orientation layers, and its geometry.

The geometry is the served official boundary set, else the official file (HANOI_BOUNDARY_FILE), else the
project's schematic map (``indicators.boundaries.load_boundaries``), read and prepared once per set/file.
The figure carries each commune's geometry once: communes with data in the coloured trace, communes
without data in a grey trace of their own, so none is dropped or shown as zero. On top, as MapLibre
layers (not clickable, so clicks reach the communes): the old districts (faint, dashed), the city
outline, the selected commune's outline, the old districts' names at city zoom, and the communes' names
from the zoom at which each fits (more appear as the user zooms in). A line on the map says once, in
the current language, whether it shows the schematic map or which official set.

Offline: the map style is our own (a plain background, no tile, sprite or glyph source), so MapLibre
draws label glyphs locally with the browser's fonts (its "no glyphs URL" path) and fetches nothing;
plotly's "white-bg" style would fetch glyphs from a font server as soon as a label is drawn, and a
symbol layer's default icon from a CDN (hence ``icon=""``).

Public API (stable; pages call only these): ``boundaries``, ``choropleth``, ``class_labels``,
``CHART_CONFIG``, ``chosen_commune``, ``selected_code``, ``payload_bytes``, ``bounds``, ``zoom_for``,
``demand_layer``.
"""
from __future__ import annotations

import math
import os

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from i18n.formats import fmt_number
from i18n.names import unit_name
from i18n.strings import t
from indicators.boundaries import BoundarySet, load_boundaries
from indicators.mapclass import NO_DATA, Classes
from store.boundary_sets import current_boundary_set
from store.reference import load_communes

# Our own MapLibre style: a background only. Without "glyphs", labels are drawn with local fonts.
MAP_STYLE = {"version": 8, "name": "hanoi-offline",
             # an empty "sources" object does not reach the browser (it is dropped with other empty values on
             # the way), and without "sources" MapLibre's style breaks plotly's hover and click: one empty source
             "sources": {"none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
             "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}}]}
# st.plotly_chart(config=CHART_CONFIG): wheel zoom (labels appear as one zooms) and only the zoom buttons.
CHART_CONFIG = {"displayModeBar": True, "displaylogo": False, "scrollZoom": True,
                "modeBarButtons": [["zoomInMap", "zoomOutMap", "resetViewMap"]]}
LABEL_BIN = 0.5  # labels are grouped into layers by the zoom they need, in steps of this
DISTRICT_LABELS_MAX_ZOOM = 10.0
OUTLINE_COLOUR = "#3a3a3a"
DISTRICT_COLOUR = "rgba(45, 35, 60, 0.8)"
SELECTED_COLOUR = "#111111"
RESTRICTED_COLOUR = "#f1efe9"  # paler than "no data" grey: a commune outside the account's detail, not a gap
DARK_TEXT, LIGHT_TEXT = "#1b1b1b", "#ffffff"


@st.cache_resource(show_spinner=False)
def _boundaries(set_id: str | None, path: str | None, code_property: str | None, crs: str | None,
                mtime: float | None) -> BoundarySet:
    return load_boundaries(set(load_communes()["code"]))


def boundaries() -> BoundarySet:
    """The geometry in use: the served set, else a valid HANOI_BOUNDARY_FILE, else the built schematic.

    Cached on what decides it (served set id, file path and modification time, code property, CRS), so a
    switch of set or a new file is picked up at the next run without a restart.
    """
    path = os.environ.get("HANOI_BOUNDARY_FILE") or None
    mtime = os.path.getmtime(path) if path and os.path.exists(path) else None
    return _boundaries(current_boundary_set(), path, os.environ.get("HANOI_BOUNDARY_CODE_PROPERTY") or None,
                       os.environ.get("HANOI_BOUNDARY_CRS") or None, mtime)


def _subset(geojson: dict, codes: set[str]) -> dict:
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["properties"]["code"] in codes]}


def class_labels(classes: Classes, decimals: int, lang: str) -> list[str]:
    """'1,2 – 2,4' for each class, for the legend."""
    edges = classes.edges
    return [f"{fmt_number(edges[i], lang, decimals)} – {fmt_number(edges[i + 1], lang, decimals)}"
            for i in range(len(edges) - 1)]


def _is_dark(colour: str) -> bool:
    """True for a fill on which white text reads better (relative luminance below ~0.4)."""
    text = colour.lstrip("#")
    if len(text) != 6:
        return False
    r, g, b = (int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.4


def _points(labels: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"t": lab["text"]}, "geometry": {"type": "Point", "coordinates": [lab["lon"], lab["lat"]]}}
        for lab in labels]}


def _text_layer(labels: list[dict], size: int, colour: str, minzoom: float = 0, maxzoom: float = 24) -> dict:
    return dict(sourcetype="geojson", source=_points(labels), type="symbol", minzoom=minzoom, maxzoom=maxzoom,
                symbol=dict(icon="", text="{t}", placement="point", textposition="middle center",
                            textfont=dict(size=size, color=colour)))


def _line_layer(geometry: dict, colour: str, width: float, dash: list[float] | None = None) -> dict:
    line = dict(width=width, **({"dash": dash} if dash else {}))
    return dict(sourcetype="geojson", source={"type": "Feature", "properties": {}, "geometry": geometry},
                type="line", color=colour, line=line)


def orientation_layers(geo: BoundarySet, fills: dict[str, str], lang: str, selected: str | None) -> list[dict]:
    """MapLibre layers, bottom to top: old districts, outline, selected commune, district names, commune names.

    ``fills`` (code -> fill colour) chooses dark or light text per commune. Commune names are grouped by
    the zoom they need (``LABEL_BIN``): each group is a layer shown from that zoom on.
    """
    layers = geo.layers or {}
    out: list[dict] = []
    if layers.get("districts"):
        out.append(_line_layer(layers["districts"], DISTRICT_COLOUR, 1.4, [2.5, 2]))
    if layers.get("outline"):
        out.append(_line_layer(layers["outline"], OUTLINE_COLOUR, 1.8))
    if selected:
        feature = next((f for f in geo.geojson["features"] if f["properties"]["code"] == selected), None)
        if feature is not None:
            out.append(_line_layer(feature["geometry"], "#ffffff", 5.0))
            out.append(_line_layer(feature["geometry"], SELECTED_COLOUR, 2.6))
    if layers.get("district_labels"):
        names = [{**lab, "text": unit_name(lab["text"], lang)} for lab in layers["district_labels"]]  # in the page's language
        out.append(_text_layer(names, 10, "rgba(45, 35, 60, 0.7)", maxzoom=DISTRICT_LABELS_MAX_ZOOM))
    labels = (layers.get("labels") or {}).get(lang) or (layers.get("labels") or {}).get("vi") or []
    groups: dict[tuple[float, bool], list[dict]] = {}
    chosen = [lab for lab in labels if lab["code"] == selected]
    for lab in labels:
        if lab["code"] == selected:
            continue
        key = (math.floor(lab["min_zoom"] / LABEL_BIN) * LABEL_BIN, _is_dark(fills.get(lab["code"], NO_DATA)))
        groups.setdefault(key, []).append(lab)
    for (zoom, dark), group in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        out.append(_text_layer(group, 11, LIGHT_TEXT if dark else DARK_TEXT, minzoom=zoom))
    if chosen:  # the selected commune's name at every zoom, placed first (top layer)
        out.append(_text_layer(chosen, 13, LIGHT_TEXT if _is_dark(fills.get(selected or "", NO_DATA)) else SELECTED_COLOUR))
    return out


def _flat_trace(geo: BoundarySet, part: pd.DataFrame, colour: str, edge: str, name: str) -> go.Choroplethmap:
    """Communes drawn in one colour, with no scale: those without data, or outside the account's detail."""
    return go.Choroplethmap(
        geojson=_subset(geo.geojson, set(part["code"])), featureidkey="properties.code",
        locations=part["code"], z=[0] * len(part), colorscale=[(0, colour), (1, colour)],
        showscale=False, customdata=part[["code"]], hovertext=part["hover"], hoverinfo="text",
        marker_line_color=edge, marker_line_width=0.6, name=name,
    )


def choropleth(geo: BoundarySet, frame: pd.DataFrame, classes: Classes, labels: list[str], hover: list[str],
               no_data_hover: str, legend_title: str, height: int = 620, *, lang: str = "vi",
               selected: str | None = None, provenance: bool = True, restricted: frozenset[str] = frozenset(),
               restricted_name: str = "", show_scale: bool = True) -> go.Figure:
    """A classed choropleth: `frame` has one row per commune (column `code`) in the order of `classes.index`.

    ``lang`` picks the labels and the provenance line; ``selected`` (a commune code, from the URL or a
    click) is outlined and always named; ``provenance=False`` leaves the provenance line to the caller.
    ``restricted`` communes (outside the account's detail) get a pale trace of their own named
    ``restricted_name``, never the "no data" grey; ``show_scale=False`` drops the colour bar (one visible
    value makes a legend "1,80 – 1,80" that says nothing).
    """
    frame = frame.assign(cls=list(classes.index), hover=hover)
    shut = frame["code"].isin(restricted)
    with_data = frame[(frame["cls"] >= 0) & ~shut]
    without = frame[(frame["cls"] < 0) & ~shut]
    outside = frame[shut]
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
            marker_line_color="white", marker_line_width=0.6, name="", showscale=show_scale,
            colorbar=dict(title=dict(text=legend_title), tickvals=[i + 0.5 for i in range(n)], ticktext=labels,
                          thickness=14, len=0.75),
        ))
    for part, colour, edge, name in ((without, NO_DATA, "white", no_data_hover),
                                     (outside, RESTRICTED_COLOUR, "#c9c6bd", restricted_name)):
        if not part.empty:
            fig.add_trace(_flat_trace(geo, part, colour, edge, name))
    fills = {code: RESTRICTED_COLOUR if code in restricted else classes.colours[k] if k >= 0 else NO_DATA
             for code, k in zip(frame["code"], frame["cls"])}
    lon0, lat0, lon1, lat1 = bounds(geo.geojson)
    fig.update_layout(
        map=dict(style=MAP_STYLE, center=dict(lon=(lon0 + lon1) / 2, lat=(lat0 + lat1) / 2),
                 zoom=zoom_for(lon0, lat0, lon1, lat1, height),
                 layers=orientation_layers(geo, fills, lang, selected)),
        height=height, margin=dict(l=0, r=0, t=0, b=0), paper_bgcolor="rgba(0,0,0,0)",
        uirevision="map",  # the user's zoom and pan survive reruns (a click, a new indicator)
    )
    if provenance:
        text = geo.provenance(lang) + ("<br>" + t("map_layers_key", lang) if (geo.layers or {}).get("districts") else "")
        fig.add_annotation(text=text, xref="paper", yref="paper", x=0.005, y=0.005, xanchor="left", yanchor="bottom",
                           showarrow=False, align="left", font=dict(size=11, color="#333"),
                           bgcolor="rgba(255,255,255,0.8)")
    return fig


def payload_bytes(fig: go.Figure) -> int:
    """Bytes of the figure as sent to the browser (plotly JSON, as st.plotly_chart serialises it)."""
    return len(fig.to_json().encode("utf-8"))


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


REMEMBERED = "_map_chosen_commune"


def chosen_commune(chart_key: str = "map", url_param: str = "xa") -> str | None:
    """The commune to highlight: the one just clicked on the chart `chart_key`, else the one clicked
    before, else the URL's ``?xa=``.

    Why remembered here: Streamlit's chart identity includes the figure, so the figure redrawn with the
    highlight is a new chart whose selection is empty; the click must outlive it. Call it before
    drawing the chart (the click is in session state at the start of the rerun it causes).
    """
    clicked = selected_code(st.session_state.get(chart_key))
    if clicked:
        st.session_state[REMEMBERED] = clicked
    code = st.session_state.get(REMEMBERED) or st.query_params.get(url_param)
    return str(code) if code else None


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


__all__ = ["CHART_CONFIG", "MAP_STYLE", "boundaries", "bounds", "choropleth", "chosen_commune", "class_labels", "demand_layer",
           "orientation_layers", "payload_bytes", "selected_code", "zoom_for"]
