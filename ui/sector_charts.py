"""Plotly figures and display tables of the Sectors page: stocks and flows by sector, demand against
supply, the forecast fan, the sector x commune heat map, and the formatted tables beside them.

Why a module: the page should read as a description, and every figure and table needs the same vi-VN
number separators (1.234,5), month labels and priority-sector highlighting. Everything here takes tables
that are already computed; nothing queries the warehouse or computes statistics.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from i18n.formats import fmt_delta, fmt_month, fmt_number, fmt_percent_of, fmt_value
from i18n.strings import t

SEPARATORS = {"vi": ",.", "en": ".,"}
"""Plotly's decimal then thousands separator: vi-VN writes 1.234,5."""
MONTH_FORMAT = {"vi": "%m/%Y", "en": "%b %Y"}
COLOURS = {"employed": "#4c78a8", "bhxh_compulsory": "#f58518", "bhxh_new": "#54a24b", "bhxh_lost": "#e45756",
           "net_change": "#222222", "vacancies": "#1f77b4", "job_seekers": "#d62728"}
MUTED_OPACITY = 0.35
LABEL_LIMIT = 34
ROW_HEIGHT = 26
LINE_HEIGHT = 14
COLOUR_RANGE = (2, 98)
"""Percentiles the heat map's colours span: one outlying commune must not wash every other cell out."""


def sector_label(code: str, name: str, priority: bool = False, limit: int = LABEL_LIMIT) -> str:
    """'C · Công nghiệp chế biến<br>chế tạo ★': code first, the whole name wrapped on lines of about
    `limit` characters (a VSIC name cut with "…" loses the words that tell two sections apart)."""
    import textwrap

    lines = textwrap.wrap(f"{code} · {name}" + (" ★" if priority else ""), width=limit, break_long_words=False)
    return "<br>".join(lines)


def label_lines(labels: list[str]) -> int:
    """The most lines any wrapped label takes (the bar charts grow their rows to fit it)."""
    return max((label.count("<br>") + 1 for label in labels), default=1)


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


def _bar_height(n: int, lines: int = 1) -> int:
    return max(260, 90 + max(ROW_HEIGHT, LINE_HEIGHT * lines + 8) * n)


def _count_axis(fig: go.Figure, table: pd.DataFrame, measures: tuple[str, ...], symmetric: bool = False) -> None:
    """Whole-number ticks; a tiny or empty range is widened so ticks never repeat (0, 1, 1, 2)."""
    values = pd.concat([table[m].abs() for m in measures]).dropna()
    top = float(values.max()) if len(values) else 0.0
    fig.update_xaxes(tickformat=",.0f")
    if top < 10:
        fig.update_xaxes(range=[-10 if symmetric else 0, 10], dtick=5)


def _hidden_marks(fig: go.Figure, table: pd.DataFrame, labels: list[str], measures: tuple[str, ...], lang: str) -> None:
    """Write "ẩn" where a bar is missing because the small-count rule hid it (never an empty gap that reads 0)."""
    flags = [f"{m}_suppressed" for m in measures if f"{m}_suppressed" in table]
    if not flags:
        return
    hidden = table[flags].any(axis=1).to_numpy()
    if not hidden.any():
        return
    fig.add_scatter(y=[lb for lb, h in zip(labels, hidden) if h], x=[0] * int(hidden.sum()), mode="text",
                    text=[t("sec_hidden", lang)] * int(hidden.sum()), textposition="middle right",
                    textfont=dict(color="#888", size=11), showlegend=False, hoverinfo="skip")


def stock_bars(table: pd.DataFrame, lang: str) -> go.Figure:
    """Employed persons and compulsory-BHXH participants per sector at the end of the period."""
    labels, names = _labels(table, lang), _full_names(table, lang)
    fig = go.Figure()
    for measure in ("employed", "bhxh_compulsory"):
        fig.add_bar(y=labels, x=table[measure], orientation="h", name=t(f"sec_m_{measure}", lang),
                    marker_color=COLOURS[measure], customdata=names,
                    hovertemplate="%{customdata}<br>%{x:,.0f}<extra>" + t(f"sec_m_{measure}", lang) + "</extra>")
    _hidden_marks(fig, table, labels, ("employed", "bhxh_compulsory"), lang)
    fig.update_yaxes(autorange="reversed", automargin=True)
    _count_axis(fig, table, ("employed", "bhxh_compulsory"))
    return _layout(fig, lang, _bar_height(len(table), label_lines(labels)), barmode="group")


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
    _hidden_marks(fig, table, labels, ("bhxh_new", "bhxh_lost"), lang)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(zeroline=True, zerolinecolor="#888")
    _count_axis(fig, table, ("bhxh_new", "bhxh_lost", "net_change"), symmetric=True)
    return _layout(fig, lang, _bar_height(len(table), label_lines(labels)), barmode="relative")


def supply_demand_bars(table: pd.DataFrame, lang: str) -> go.Figure:
    """Vacancies against job seekers per sector; the plan's priority sectors in full colour and starred."""
    labels, names = _labels(table, lang), _full_names(table, lang)
    opacity = [1.0 if p else MUTED_OPACITY for p in table["plan_priority"]]
    fig = go.Figure()
    for measure in ("vacancies", "job_seekers"):
        fig.add_bar(y=labels, x=table[measure], orientation="h", name=t(f"sec_m_{measure}", lang),
                    marker=dict(color=COLOURS[measure], opacity=opacity), customdata=names,
                    hovertemplate="%{customdata}<br>%{x:,.0f}<extra>" + t(f"sec_m_{measure}", lang) + "</extra>")
    _hidden_marks(fig, table, labels, ("vacancies", "job_seekers"), lang)
    fig.update_yaxes(autorange="reversed", automargin=True)
    _count_axis(fig, table, ("vacancies", "job_seekers"))
    return _layout(fig, lang, _bar_height(len(table), label_lines(labels)), barmode="group")


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
    joined = pd.concat([history.tail(1), future])  # the dashed line starts from the last observed month
    fig.add_scatter(x=joined["period"], y=joined["value"], mode="lines+markers",
                    line=dict(color=colour, width=2, dash="dash"), marker=dict(size=5), name=t("sec_forecast", lang),
                    hovertemplate="%{x|" + month + "}: %{y:,.0f}<extra>" + t("sec_forecast", lang) + "</extra>")
    fig.update_xaxes(tickformat=month)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    return _layout(fig, lang, 360)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def heatmap_rows(matrix: pd.DataFrame, top: int | None, marked: str | None,
                 label: Callable[[str], str]) -> tuple[pd.DataFrame, int]:
    """The heat map's grid: communes (labelled) x sectors, the `top` communes by their total (all when
    None) plus the `marked` commune, flagged '▶'. Returns the grid and how many communes there were."""
    wide = matrix.pivot(index="commune_code", columns="sector", values="value")  # hidden cells stay NaN
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
    """Communes (rows, labelled) x sectors (columns): one measure; blank cells have no data (NaN)."""
    columns = list(wide.columns)
    hover_names = [[sector_names.get(c, c) for c in columns] for _ in range(len(wide))]
    z = wide.to_numpy(dtype=float)
    low, high = colour_range(z)
    marks = [["▲" if v == v and v > high else "▼" if v == v and v < low else "" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=columns, y=list(wide.index), colorscale="Blues", customdata=hover_names, zmin=low, zmax=high,
        text=marks, texttemplate="%{text}", textfont=dict(color="#b91c1c", size=12),
        hoverongaps=False, colorbar=dict(tickformat=",.0f", title=dict(text="")),
        hovertemplate="%{y}<br>%{x} · %{customdata}<br>%{z:,.0f}<extra>" + t(f"sec_m_{measure}", lang) + "</extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont=dict(size=11))
    names = [sector_label(c, sector_names.get(c, c), limit=200) for c in columns]  # one line each: names, not letters
    fig.update_xaxes(side="top", type="category", tickmode="array", tickvals=columns, ticktext=names, tickangle=-90,
                     automargin=True, tickfont=dict(size=10))
    return _layout(fig, lang, max(320, 120 + 20 * len(wide)) + 300)  # room for the rotated names


def colour_range(values) -> tuple[float, float]:
    """The heat map's colour scale: the 2nd to 98th percentile of the cells with a value, so one outlier
    (a commune with ten times the others) keeps its mark (▲) but the rest still read in several shades."""
    import numpy as np

    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = (float(np.percentile(finite, q)) for q in COLOUR_RANGE)
    return (low, high) if high > low else (float(finite.min()), float(finite.max()) or 1.0)


# ---------------------------------------------------------------------------------------------- tables
# Display tables hold formatted text (vi-VN 1.234,5 whatever the browser's locale); the CSV download
# keeps the raw numbers.
def _count(value: float | None, lang: str) -> str:
    return fmt_number(value, lang)


def _signed(value: float | None, lang: str) -> str:
    return fmt_delta(value, "", lang) or "–"


def _ratio(value: float | None, lang: str) -> str:
    return fmt_number(value, lang, 2)


def _cells(values, hidden, fmt, lang: str) -> list[str]:
    """Formatted cells; a value hidden by the small-count rule says so instead of showing a dash."""
    return [t("sec_hidden", lang) if h and pd.isna(v) else fmt(v, lang) for v, h in zip(values, hidden)]


def _flags(table: pd.DataFrame, *measures: str) -> pd.Series:
    out = pd.Series(False, index=table.index)
    for m in measures:
        column = f"{m}_suppressed"
        if column in table:
            out |= table[column].astype(bool)
    return out


def sector_metrics(totals: dict[str, float | None], hidden: frozenset[str], lang: str) -> dict[str, tuple[str, str]]:
    """Metric label -> (formatted value, help) for the page's headline figures, in display order."""
    def entry(key: str, fmt, inputs: tuple[str, ...] = (), help_key: str | None = None) -> tuple[str, tuple[str, str]]:
        value = totals[key]
        is_hidden = value is None and bool(set(inputs or (key,)) & hidden)
        text = t("sec_hidden", lang) if is_hidden else fmt(value, lang)
        return t(f"sec_m_{key}", lang), (text, t(help_key, lang) if help_key else "")

    def pct(v: float | None, lang: str) -> str:
        return fmt_value(v, "%", "%", lang)

    return dict([
        entry("employed", _count),
        entry("bhxh_compulsory", _count),
        entry("coverage", pct, ("employed", "bhxh_compulsory"), "sec_coverage_help"),
        entry("bhxh_new", _count),
        entry("bhxh_lost", _count),
        entry("net_change", _signed, ("bhxh_new", "bhxh_lost")),
        entry("vacancies", _count),
        entry("job_seekers", _count),
        entry("gap", _signed, ("vacancies", "job_seekers"), "sec_gap_help"),
        entry("ratio", _ratio, ("vacancies", "job_seekers"), "sec_ratio_help"),
    ])


def sector_display_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every per-sector figure of the page, one row per VSIC section, priority sectors starred."""
    names = table["name_en" if lang == "en" else "name_vi"]
    out = {t("sec_col_sector", lang): [f"{c} – {n}" for c, n in zip(table["sector"], names)],
           t("sec_col_priority", lang): ["★" if p else "" for p in table["plan_priority"]]}

    def column(key: str, fmt, *inputs: str) -> None:
        out[t(f"sec_m_{key}", lang)] = _cells(table[key], _flags(table, *(inputs or (key,))), fmt, lang)

    for measure in ("employed", "bhxh_compulsory", "bhxh_new", "bhxh_lost"):
        column(measure, _count)
    column("net_change", _signed, "bhxh_new", "bhxh_lost")
    column("coverage", lambda v, lg: fmt_value(v, "%", "%", lg), "employed", "bhxh_compulsory")
    for measure in ("vacancies", "job_seekers"):
        column(measure, _count)
    column("gap", _signed, "vacancies", "job_seekers")
    column("ratio", _ratio, "vacancies", "job_seekers")
    return pd.DataFrame(out)


def where_table(demand: pd.DataFrame, top: int, marked: str | None, label: Callable[[str], str],
                lang: str) -> pd.DataFrame:
    """The `top` communes by vacancies (rank, counts, ratio, share of the city), plus `marked` with its rank."""
    ranked = demand.sort_values(["vacancies", "commune_code"], ascending=[False, True]).reset_index(drop=True)
    shown = ranked.head(top)
    if marked and marked not in set(shown["commune_code"]):
        shown = pd.concat([shown, ranked[ranked["commune_code"] == marked]])
    return pd.DataFrame({
        t("sec_col_rank", lang): [fmt_number(i + 1, lang) for i in shown.index],
        t("sec_col_commune", lang): [("▶ " if c == marked else "") + label(c) for c in shown["commune_code"]],
        t("sec_m_vacancies", lang): _cells(shown["vacancies"], _flags(shown, "vacancies"), _count, lang),
        t("sec_m_job_seekers", lang): _cells(shown["job_seekers"], _flags(shown, "job_seekers"), _count, lang),
        t("sec_m_ratio", lang): _cells(shown["ratio"], _flags(shown, "vacancies", "job_seekers"), _ratio, lang),
        t("sec_col_share", lang): _cells(shown["share_of_city"], _flags(shown, "vacancies"),
                                        lambda v, lg: fmt_percent_of(v, lg), lang),
    })


def forecast_table(futures: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """Month by month: each measure's central forecast with its 80% and 95% intervals."""
    first = next(iter(futures.values()))
    out = pd.DataFrame({t("sec_col_month", lang): [fmt_month(p, lang) for p in first["period"]]})
    for measure, future in futures.items():
        label = t(f"sec_m_{measure}", lang)
        out[label] = [_count(v, lang) for v in future["value"]]
        out[f"{label} · 80%"] = [f"{_count(a, lang)} – {_count(b, lang)}" for a, b in zip(future["q10"], future["q90"])]
        out[f"{label} · 95%"] = [f"{_count(a, lang)} – {_count(b, lang)}" for a, b in zip(future["q025"], future["q975"])]
    return out
