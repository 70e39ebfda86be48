"""Plotly figures of the Sectors page: stocks and flows by sector, demand against supply, the forecast fan
and the sector x commune heat map.

Why a module: the page should read as a description, and every figure needs the same vi-VN number
separators (1.234,5), month labels and priority-sector highlighting. Figures take tables that are already
computed (and already suppressed); nothing here queries or computes statistics.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import t

SEPARATORS = {"vi": ",.", "en": ".,"}
"""Plotly's decimal then thousands separator: vi-VN writes 1.234,5."""
MONTH_FORMAT = {"vi": "%m/%Y", "en": "%b %Y"}
COLOURS = {"employed": "#4c78a8", "bhxh_compulsory": "#f58518", "bhxh_new": "#54a24b", "bhxh_lost": "#e45756",
           "net_change": "#222222", "vacancies": "#1f77b4", "job_seekers": "#d62728"}
MUTED_OPACITY = 0.35
LABEL_LIMIT = 34
ROW_HEIGHT = 26


def sector_label(code: str, name: str, priority: bool = False, limit: int = LABEL_LIMIT) -> str:
    """'C · Công nghiệp chế biến chế tạo ★': code first, long names shortened so axes never cut them."""
    short = name if len(name) <= limit else name[: limit - 1].rstrip(" ,;") + "…"
    return f"{code} · {short}" + (" ★" if priority else "")


def _labels(table: pd.DataFrame, lang: str) -> list[str]:
    names = table["name_en" if lang == "en" else "name_vi"]
    return [sector_label(c, n, bool(p)) for c, n, p in zip(table["sector"], names, table["plan_priority"])]


def _full_names(table: pd.DataFrame, lang: str) -> list[str]:
    return list(table["name_en" if lang == "en" else "name_vi"])


def _layout(fig: go.Figure, lang: str, height: int, **extra) -> go.Figure:
    fig.update_layout(
        separators=SEPARATORS[lang], height=height, margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        hoverlabel=dict(namelength=-1), **extra,
    )
    return fig


def _bar_height(n: int) -> int:
    return max(260, 90 + ROW_HEIGHT * n)


def stock_bars(table: pd.DataFrame, lang: str) -> go.Figure:
    """Employed persons and compulsory-BHXH participants per sector at the end of the period."""
    labels, names = _labels(table, lang), _full_names(table, lang)
    fig = go.Figure()
    for measure in ("employed", "bhxh_compulsory"):
        fig.add_bar(y=labels, x=table[measure], orientation="h", name=t(f"sec_m_{measure}", lang),
                    marker_color=COLOURS[measure], customdata=names,
                    hovertemplate="%{customdata}<br>%{x:,.0f}<extra>" + t(f"sec_m_{measure}", lang) + "</extra>")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=",.0f")
    return _layout(fig, lang, _bar_height(len(table)), barmode="group")


def flow_bars(table: pd.DataFrame, lang: str) -> go.Figure:
    """Tăng mới (to the right), giảm (to the left) and the net change per sector."""
    labels, names = _labels(table, lang), _full_names(table, lang)
    fig = go.Figure()
    fig.add_bar(y=labels, x=table["bhxh_new"], orientation="h", name=t("sec_m_bhxh_new", lang),
                marker_color=COLOURS["bhxh_new"], customdata=names,
                hovertemplate="%{customdata}<br>%{x:,.0f}<extra>" + t("sec_m_bhxh_new", lang) + "</extra>")
    fig.add_bar(y=labels, x=-table["bhxh_lost"], orientation="h", name=t("sec_m_bhxh_lost", lang),
                marker_color=COLOURS["bhxh_lost"], customdata=list(zip(names, table["bhxh_lost"])),
                hovertemplate="%{customdata[0]}<br>%{customdata[1]:,.0f}<extra>" + t("sec_m_bhxh_lost", lang) + "</extra>")
    fig.add_scatter(y=labels, x=table["net_change"], mode="markers", name=t("sec_m_net_change", lang),
                    marker=dict(symbol="diamond", size=9, color=COLOURS["net_change"]), customdata=names,
                    hovertemplate="%{customdata}<br>%{x:+,.0f}<extra>" + t("sec_m_net_change", lang) + "</extra>")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=",.0f", zeroline=True, zerolinecolor="#888")
    return _layout(fig, lang, _bar_height(len(table)), barmode="relative")


def supply_demand_bars(table: pd.DataFrame, lang: str) -> go.Figure:
    """Vacancies against job seekers per sector; the plan's priority sectors in full colour and starred."""
    labels, names = _labels(table, lang), _full_names(table, lang)
    opacity = [1.0 if p else MUTED_OPACITY for p in table["plan_priority"]]
    fig = go.Figure()
    for measure in ("vacancies", "job_seekers"):
        fig.add_bar(y=labels, x=table[measure], orientation="h", name=t(f"sec_m_{measure}", lang),
                    marker=dict(color=COLOURS[measure], opacity=opacity), customdata=names,
                    hovertemplate="%{customdata}<br>%{x:,.0f}<extra>" + t(f"sec_m_{measure}", lang) + "</extra>")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(tickformat=",.0f")
    return _layout(fig, lang, _bar_height(len(table)), barmode="group")


def forecast_fan(frame: pd.DataFrame, measure: str, lang: str, history_months: int = 36) -> go.Figure:
    """History, then the central forecast with its 80% and 95% prediction intervals."""
    colour = COLOURS[measure]
    history = frame[frame["kind"] == "history"].tail(history_months)
    future = frame[frame["kind"] == "forecast"]
    month = MONTH_FORMAT[lang]
    fig = go.Figure()
    for low, high, level, alpha in (("q025", "q975", "95", 0.15), ("q10", "q90", "80", 0.30)):
        name = t("sec_interval", lang, level=level)
        fig.add_scatter(x=future["period"], y=future[high], mode="lines", line=dict(width=0), showlegend=False,
                        hoverinfo="skip")
        fig.add_scatter(x=future["period"], y=future[low], mode="lines", line=dict(width=0), fill="tonexty",
                        fillcolor=_rgba(colour, alpha), name=name, customdata=future[high],
                        hovertemplate="%{x|" + month + "}: %{y:,.0f} – %{customdata:,.0f}<extra>" + name + "</extra>")
    fig.add_scatter(x=history["period"], y=history["value"], mode="lines", line=dict(color=colour, width=2),
                    name=t("sec_observed", lang), hovertemplate="%{x|" + month + "}: %{y:,.0f}<extra></extra>")
    fig.add_scatter(x=future["period"], y=future["value"], mode="lines+markers",
                    line=dict(color=colour, width=2, dash="dash"), marker=dict(size=5), name=t("sec_forecast", lang),
                    hovertemplate="%{x|" + month + "}: %{y:,.0f}<extra>" + t("sec_forecast", lang) + "</extra>")
    fig.update_xaxes(tickformat=month)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    return _layout(fig, lang, 360, title=dict(text=t(f"sec_m_{measure}", lang), font=dict(size=15)))


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def heatmap_rows(matrix: pd.DataFrame, top: int | None, marked: str | None,
                 label: Callable[[str], str]) -> tuple[pd.DataFrame, int]:
    """The heat map's grid: communes (labelled) x sectors, the `top` communes by their total (all when
    None) plus the `marked` commune, flagged '▶'. Returns the grid and how many communes there were."""
    wide = matrix.pivot_table(index="commune_code", columns="sector", values="value", aggfunc="sum", dropna=False)
    if wide.empty:
        return wide, 0
    order = wide.sum(axis=1, min_count=1).sort_values(ascending=False, na_position="last").index
    keep = list(order if top is None else order[:top])
    if marked and marked in wide.index and marked not in keep:
        keep.append(marked)
    grid = wide.loc[keep]
    grid.index = [("▶ " if code == marked else "") + label(code) for code in grid.index]
    grid.columns.name = None
    return grid, len(wide)


def sector_heatmap(wide: pd.DataFrame, sector_names: dict[str, str], measure: str, lang: str) -> go.Figure:
    """Communes (rows, labelled) x sectors (columns): one measure; blank cells are suppressed or missing."""
    columns = list(wide.columns)
    hover_names = [[sector_names.get(c, c) for c in columns] for _ in range(len(wide))]
    fig = go.Figure(go.Heatmap(
        z=wide.to_numpy(dtype=float), x=columns, y=list(wide.index), colorscale="Blues", customdata=hover_names,
        hoverongaps=False, colorbar=dict(tickformat=",.0f", title=dict(text="")),
        hovertemplate="%{y}<br>%{x} · %{customdata}<br>%{z:,.0f}<extra>" + t(f"sec_m_{measure}", lang) + "</extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont=dict(size=11))
    fig.update_xaxes(side="top", type="category")
    return _layout(fig, lang, max(320, 120 + 20 * len(wide)))
