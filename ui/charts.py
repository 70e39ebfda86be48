"""Plotly figures for trends, plan completion and forecasts, in vi-VN or English number formats.

Every time chart marks the July 2025 boundary change and draws the target; hover texts are formatted
with `i18n.formats`, never by Plotly's locale, so the numbers read the same as everywhere else.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from store.catalogue import Indicator
from indicators.targets import Target
from i18n.formats import MONTHS_EN, fmt_number, fmt_percent_of, fmt_period, fmt_value, target_text, value_text
from i18n.strings import t

BOUNDARY_CHANGE = pd.Timestamp(2025, 7, 1)
PALETTE = qualitative.Plotly
TARGET_COLOUR = "#2e7d32"
PUBLISHED_COLOUR = "#111111"
STATUS_LABEL = {"official": "data_official", "estimate": "data_estimate", "preliminary": "data_preliminary",
                "demo": "data_demo"}
PER_PERIOD = {"month": 12, "quarter": 4, "year": 1, "ytd": 1}


@dataclass
class TrendLine:
    """One area's series of one KPI: columns period, last_month, n_months, value, se, provisional."""

    name: str
    frame: pd.DataFrame


def complete_periods(frame: pd.DataFrame, grain: str, flow: bool) -> pd.DataFrame:
    """Drop the unfinished last quarter or year of a flow count: a sum of one month is not a quarter's.

    Rates and stocks of an unfinished period are still comparable (ratios and averages) and stay.
    """
    need = {"quarter": 3, "year": 12}.get(grain)
    if not flow or need is None or frame.empty:
        return frame
    return frame[frame["n_months"] >= need]


def _rgba(hex_colour: str, alpha: float) -> str:
    hex_colour = hex_colour.lstrip("#")
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _apply_layout(fig: go.Figure, lang: str, title: str | None, y_title: str, ind: Indicator | None,
                  height: int = 420, date_format: str | None = "%m/%Y") -> go.Figure:
    fig.update_layout(
        title=dict(text=title, font=dict(size=15)) if title else None,
        separators=",." if lang == "vi" else ".,", height=height, template="plotly_white",
        margin=dict(l=10, r=10, t=60 if title else 30, b=10), hovermode="closest",
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=11)),
        font=dict(family="Inter, 'Segoe UI', Roboto, Arial, sans-serif"),
    )
    fig.update_yaxes(title_text=y_title, tickformat=",.1f" if ind is not None and ind.unit.startswith("%") else ",.0f",
                     rangemode="tozero" if ind is not None and ind.kind == "count" else "normal")
    if date_format:
        fig.update_xaxes(tickformat=date_format if lang == "vi" else "%b %Y")
    return fig


def add_boundary_line(fig: go.Figure, lang: str) -> None:
    """The July 2025 reorganisation of communes: figures before it are mapped from the old units."""
    x = BOUNDARY_CHANGE.strftime("%Y-%m-%d")
    fig.add_shape(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
                  line=dict(color="#7b1fa2", width=1.5, dash="dot"), name="boundary_change")
    # anchored to the left of the line: a label reaching past the data would stretch the time axis
    fig.add_annotation(x=x, y=1, xref="x", yref="paper", text=t("ch_boundary", lang), showarrow=False,
                       xanchor="right", yanchor="bottom", font=dict(size=10, color="#7b1fa2"))


def add_target(fig: go.Figure, ind: Indicator, target: Target | None, lang: str, divisor: int = 1,
               name_suffix: str = "") -> None:
    """Draw a target as a band (low–high) or a threshold line, with a legend entry saying what it is.

    `divisor` spreads a per-year count target over the chart's periods (12 for months, 4 for quarters).
    """
    if target is None or target.threshold is None:
        return
    flow = ind.kind == "count" and ind.code != "active_enterprises"
    div = divisor if flow else 1
    low = None if target.low is None else target.low / div
    high = None if target.high is None else target.high / div
    label = f"{t('ch_target', lang)}: {target_text(ind, target, lang)}{name_suffix}"
    if div > 1:
        per = t("ch_per_month" if div == 12 else "ch_per_quarter", lang)
        label += f" (≈ {fmt_number(target.threshold / div, lang)}/{per})"
    style = dict(color=TARGET_COLOUR, width=2, dash="dash")
    if target.direction != "lower" and low is not None and high is not None:
        fig.add_hrect(y0=low, y1=high, fillcolor=TARGET_COLOUR, opacity=0.12, line_width=0)
        fig.add_hline(y=low, line=style)
    else:
        fig.add_hline(y=high if target.direction == "lower" else low, line=style)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=style, name=label, hoverinfo="skip"))


def _hover(frame: pd.DataFrame, ind: Indicator, grain: str, lang: str, name: str) -> list[list[str]]:
    rows = []
    for rec in frame.itertuples(index=False):
        period = fmt_period(rec.period, grain, lang, rec.last_month, rec.n_months)
        band = ""
        if getattr(rec, "se", None) is not None and pd.notna(rec.se) and rec.se > 0:
            band = (f"<br>{t('ch_band', lang)}: {value_text(ind, rec.value - 1.96 * rec.se, lang)} – "
                    f"{value_text(ind, rec.value + 1.96 * rec.se, lang)}")
        note = f"<br>{t('ch_provisional', lang)}" if bool(rec.provisional) else ""
        rows.append([f"<b>{name}</b><br>{period}: {value_text(ind, rec.value, lang)}{band}{note}"])
    return rows


def trend_figure(ind: Indicator, lines: list[TrendLine], grain: str, lang: str, survey: bool,
                 targets: list[tuple[Target, str]], published: pd.DataFrame | None = None,
                 title: str | None = None) -> go.Figure:
    """KPI over time for one or several areas: survey bands, provisional markers, published points, target."""
    fig = go.Figure()
    provisional_shown = False
    for i, line in enumerate(lines):
        colour = PALETTE[i % len(PALETTE)]
        frame = line.frame.dropna(subset=["value"]).sort_values("period")
        if frame.empty:
            continue
        if survey and frame["se"].notna().any():
            upper = frame["value"] + 1.96 * frame["se"].fillna(0)
            lower = frame["value"] - 1.96 * frame["se"].fillna(0)
            fig.add_trace(go.Scatter(x=frame["period"], y=upper, mode="lines", line=dict(width=0),
                                     showlegend=False, hoverinfo="skip", legendgroup=line.name))
            fig.add_trace(go.Scatter(x=frame["period"], y=lower, mode="lines", line=dict(width=0), fill="tonexty",
                                     fillcolor=_rgba(colour, 0.18), name=f"{t('ch_band', lang)} · {line.name}",
                                     hoverinfo="skip", legendgroup=line.name, showlegend=i == 0 or len(lines) <= 3))
        fig.add_trace(go.Scatter(
            x=frame["period"], y=frame["value"], mode="lines+markers", name=line.name, legendgroup=line.name,
            line=dict(color=colour, width=2), marker=dict(size=4),
            customdata=_hover(frame, ind, grain, lang, line.name), hovertemplate="%{customdata[0]}<extra></extra>",
        ))
        prov = frame[frame["provisional"].astype(bool)]
        if not prov.empty:
            fig.add_trace(go.Scatter(
                x=prov["period"], y=prov["value"], mode="markers", name=t("ch_provisional", lang),
                legendgroup="provisional", showlegend=not provisional_shown,
                marker=dict(symbol="circle-open", size=12, color=colour, line=dict(width=2, color=colour)),
                customdata=_hover(prov, ind, grain, lang, line.name), hovertemplate="%{customdata[0]}<extra></extra>",
            ))
            provisional_shown = True
    if published is not None and not published.empty:
        hover = [[f"<b>{t('ch_published', lang)}</b><br>{rec.label}: {value_text(ind, rec.value, lang)}"
                  f"<br>{t(STATUS_LABEL.get(rec.status, 'data_estimate'), lang)} · {rec.source_url}"]
                 for rec in published.itertuples(index=False)]
        fig.add_trace(go.Scatter(
            x=published["x"], y=published["value"], mode="markers", name=t("ch_published", lang),
            marker=dict(symbol="diamond", size=11, color=PUBLISHED_COLOUR, line=dict(width=1, color="white")),
            customdata=hover, hovertemplate="%{customdata[0]}<extra></extra>",
        ))
    for target, suffix in targets:
        add_target(fig, ind, target, lang, PER_PERIOD.get(grain, 1), suffix)
    add_boundary_line(fig, lang)
    return _apply_layout(fig, lang, title, ind.unit_label(lang), ind,
                         date_format="%Y" if grain == "year" else "%m/%Y")


def place_published(published: pd.DataFrame, ind: Indicator, stock_or_rate: bool, grain: str,
                    lang: str) -> pd.DataFrame:
    """Real published figures of one KPI placed on a chart of `grain`, only where they compare.

    A yearly rate is drawn mid-year on a monthly or quarterly chart; a flow count only beside the same
    basis (a year beside years, a year-to-date beside year-to-date). Adds columns x and label.
    """
    part = published[(published["target"] == ind.code) & (published["target_kind"] == "indicator")].copy()
    if part.empty:
        return part.assign(x=pd.Series(dtype="datetime64[ns]"), label=pd.Series(dtype=str))
    keep, xs, labels = [], [], []
    for rec in part.itertuples(index=False):
        x = None
        if grain == "year" and rec.basis == "year":
            x = rec.start
        elif grain == "ytd" and rec.basis in ("ytd", "year"):
            x = rec.end
        elif grain in ("month", "quarter") and stock_or_rate:
            if rec.basis == "year":
                x = pd.Timestamp(rec.start.year, 7, 1)
            elif rec.basis == "month":
                x = rec.start if grain == "month" else pd.Timestamp(rec.start.year, (rec.start.month - 1) // 3 * 3 + 1, 1)
        keep.append(x is not None)
        xs.append(x)
        basis_grain = {"year": "year", "month": "month", "ytd": "ytd"}[rec.basis]
        labels.append(fmt_period(rec.start, basis_grain, lang, rec.end))
    part["x"], part["label"] = xs, labels
    return part[keep].reset_index(drop=True)


def fan_figure(ind: Indicator, paths: pd.DataFrame, grain: str, basis: str, target: Target | None, lang: str,
               title: str | None = None) -> go.Figure:
    """History and forecast fan (80% and 95% intervals) to 2030, with the target and the start marked."""
    hist = paths[paths["kind"] == "history"].sort_values("period")
    fut = paths[paths["kind"] == "forecast"].sort_values("period")
    fig = go.Figure()
    if not fut.empty and not hist.empty:
        # the fan starts at the last observed point, so the bands and the central line join the history
        anchor = hist.iloc[[-1]].assign(q025=hist["value"].iloc[-1], q10=hist["value"].iloc[-1],
                                        q90=hist["value"].iloc[-1], q975=hist["value"].iloc[-1])
        fut = pd.concat([anchor, fut], ignore_index=True)
    period_word = "quarter" if grain == "quarter" else ("year" if grain == "year" else "month")
    for lo, hi, name, alpha in (("q025", "q975", t("ch_fan95", lang), 0.15), ("q10", "q90", t("ch_fan80", lang), 0.3)):
        if fut.empty:
            break
        fig.add_trace(go.Scatter(x=fut["period"], y=fut[hi], mode="lines", line=dict(width=0), showlegend=False,
                                 hoverinfo="skip", legendgroup=name))
        hover = [[f"{fmt_period(p, period_word, lang)}: {value_text(ind, a, lang)} – {value_text(ind, b, lang)}"]
                 for p, a, b in zip(fut["period"], fut[lo], fut[hi])]
        fig.add_trace(go.Scatter(x=fut["period"], y=fut[lo], mode="lines", line=dict(width=0), fill="tonexty",
                                 fillcolor=_rgba(PALETTE[0], alpha), name=name, legendgroup=name,
                                 customdata=hover, hovertemplate=f"{name}<br>%{{customdata[0]}}<extra></extra>"))
    hist_name = t("ch_history", lang) + (f" · {t('ch_rolling_' + grain, lang)}" if basis == "annual_total" and grain != "year" else "")
    fig.add_trace(go.Scatter(
        x=hist["period"], y=hist["value"], mode="lines", name=hist_name, line=dict(color=PALETTE[0], width=2),
        customdata=[[f"{fmt_period(p, period_word, lang)}: {value_text(ind, v, lang)}"] for p, v in zip(hist["period"], hist["value"])],
        hovertemplate="%{customdata[0]}<extra></extra>",
    ))
    if not fut.empty:
        fig.add_trace(go.Scatter(
            x=fut["period"], y=fut["value"], mode="lines", name=t("ch_central", lang),
            line=dict(color=PALETTE[0], width=2, dash="dash"),
            customdata=[[f"{fmt_period(p, period_word, lang)}: {value_text(ind, v, lang)}"] for p, v in zip(fut["period"], fut["value"])],
            hovertemplate=f"{t('ch_central', lang)}<br>%{{customdata[0]}}<extra></extra>",
        ))
        start = hist["period"].iloc[-1].strftime("%Y-%m-%d") if not hist.empty else None
        if start:
            fig.add_shape(type="line", x0=start, x1=start, y0=0, y1=1, yref="paper",
                          line=dict(color="#555", width=1, dash="dot"))
            fig.add_annotation(x=start, y=0, yref="paper", text=t("ch_forecast_start", lang), showarrow=False,
                               xanchor="left", yanchor="bottom", font=dict(size=10, color="#555"))
    add_target(fig, ind, target, lang, 1)
    add_boundary_line(fig, lang)
    return _apply_layout(fig, lang, title, ind.unit_label(lang), ind, height=440,
                         date_format="%Y" if grain == "year" else "%m/%Y")


def _month_labels(lang: str) -> list[str]:
    return [f"T{m}" for m in range(1, 13)] if lang == "vi" else list(MONTHS_EN)


def plan_figure(ind: Indicator, progress: pd.DataFrame, year: int, plan_label: str | None, lang: str,
                title: str | None = None, pace_label: str | None = None) -> go.Figure:
    """Cumulative count by month, this year and last, against the plan line and the pace (even, or the plan's
    quarterly schedule: `pace_label` says which)."""
    months = _month_labels(lang)
    fig = go.Figure()
    unit = ind.unit_label(lang)

    def hover(values: pd.Series, label: str) -> list[list[str]]:
        return [[f"{label} · {m}: {fmt_number(v, lang)} {unit}" if pd.notna(v) else f"{label} · {m}: –"]
                for m, v in zip(months, values)]

    last_label = t("ch_ytd", lang, year=year - 1)
    this_label = t("ch_ytd", lang, year=year)
    fig.add_trace(go.Scatter(x=months, y=progress["ytd_last_year"], mode="lines+markers", name=last_label,
                             line=dict(color="#9e9e9e", width=2, dash="dot"), customdata=hover(progress["ytd_last_year"], last_label),
                             hovertemplate="%{customdata[0]}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=progress["ytd"], mode="lines+markers", name=this_label,
                             line=dict(color=PALETTE[0], width=3), customdata=hover(progress["ytd"], this_label),
                             hovertemplate="%{customdata[0]}<extra></extra>"))
    if plan_label and progress["plan"].notna().any():
        plan = float(progress["plan"].iloc[0])
        style = dict(color=TARGET_COLOUR, width=2, dash="dash")
        fig.add_hline(y=plan, line=style)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=style,
                                 name=f"{plan_label}: {fmt_number(plan, lang)} {unit}", hoverinfo="skip"))
        pace = pace_label or t("ch_pace", lang)
        fig.add_trace(go.Scatter(x=months, y=progress["pace"], mode="lines", name=pace,
                                 line=dict(color=TARGET_COLOUR, width=1, dash="dot"),
                                 customdata=hover(progress["pace"], pace),
                                 hovertemplate="%{customdata[0]}<extra></extra>"))
    return _apply_layout(fig, lang, title, unit, ind, height=400, date_format=None)


def plan_share_figure(progress: pd.DataFrame, year: int, lang: str, title: str | None = None) -> go.Figure:
    """'% kế hoạch năm' by month, this year beside last year, with the 100% line."""
    months = _month_labels(lang)
    fig = go.Figure()
    for column, label, colour in (("share_last_year", t("ch_ytd", lang, year=year - 1), "#bdbdbd"),
                                  ("share", t("ch_ytd", lang, year=year), PALETTE[0])):
        values = progress[column] * 100
        fig.add_trace(go.Bar(x=months, y=values, name=label, marker_color=colour,
                             customdata=[[f"{label} · {m}: {fmt_percent_of(v / 100, lang)}"] if pd.notna(v) else [f"{m}: –"]
                                         for m, v in zip(months, values)],
                             hovertemplate="%{customdata[0]}<extra></extra>"))
    fig.add_hline(y=100, line=dict(color=TARGET_COLOUR, width=2, dash="dash"))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color=TARGET_COLOUR, width=2, dash="dash"),
                             name=t("ch_full_plan", lang), hoverinfo="skip"))
    fig.update_layout(barmode="group")
    _apply_layout(fig, lang, title, t("ch_share", lang), None, height=360, date_format=None)
    fig.update_yaxes(tickformat=",.0f", ticksuffix="%")
    return fig
