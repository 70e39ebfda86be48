"""Pieces of the commune profile: the trend chart, the own-plan and lineage tables."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from i18n.names import unit_name
from i18n.strings import t

BOUNDARY_CHANGE = pd.Timestamp("2025-07-01")


def trend_figure(commune: pd.DataFrame, city: pd.DataFrame, commune_name: str, unit_label: str, lang: str) -> go.Figure:
    """The commune's monthly series against the city's, with the July 2025 boundary change marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=city["period"], y=city["value"], name=t("whole_city", lang),
                             line=dict(color="#888", dash="dot")))
    fig.add_trace(go.Scatter(x=commune["period"], y=commune["value"], name=commune_name, line=dict(color="#1f5fa8")))
    fig.add_vline(x=BOUNDARY_CHANGE.timestamp() * 1000, line_dash="dash", line_color="#b55")
    fig.add_annotation(x=BOUNDARY_CHANGE, y=1, yref="paper", text=t("boundary_change", lang), showarrow=False,
                       xanchor="left", font=dict(size=11, color="#b55"))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10), yaxis_title=unit_label,
                      legend=dict(orientation="h", y=-0.2), separators=",." if lang == "vi" else ".,")
    return fig


def own_plan_table(targets: pd.DataFrame, catalogue, lang: str) -> pd.DataFrame:
    """A commune's own plan (seed 002 for xã Hòa Xá) as a reader sees it: the indicator by name, the year,
    what kind of figure, the target and where it comes from."""
    from i18n.formats import target_text

    records = []
    for rec in targets.to_dict("records"):
        ind = catalogue.get(rec["indicator"]) if rec["indicator"] in catalogue.codes else None
        target = _target_of(rec, ind)
        records.append({
            t("col_indicator", lang): ind.name(lang) if ind else rec["indicator"],
            t("pl_year", lang): int(rec["year"]),
            t("col_plan_kind", lang): t(f"pl_kind_{rec['kind']}", lang) if rec["kind"] in ("annual_plan", "target_2030")
            else rec["kind"],
            t("col_target", lang): target_text(ind, target, lang) if ind else "–",
            t("col_data_status", lang): t(f"data_{rec['status']}", lang),
            t("col_source", lang): rec["source"],
        })
    return pd.DataFrame(records)


def _target_of(rec: dict, ind):
    from indicators.targets import Target

    def num(v):
        return None if v is None or v != v else float(v)

    if ind is None:
        return None
    return Target(ind.code, str(rec["geo"]), int(rec["year"]), str(rec["kind"]), num(rec["low"]), num(rec["high"]),
                  ind.direction, str(rec["status"]), str(rec["source"]))


def lineage_table(lineage: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The pre-2025 units a commune was formed from (the 1 July 2025 reorganisation)."""
    return pd.DataFrame({
        t("col_old_unit", lang): lineage["old_name"].map(lambda n: unit_name(n, lang)) + " (" + lineage["old_code"] + ")",
        t("col_old_district", lang): lineage["old_district"].map(lambda n: unit_name(n, lang)),
        t("col_split", lang): lineage["old_unit_divided"].map({1: t("yes", lang), 0: t("no", lang)}),
    })
