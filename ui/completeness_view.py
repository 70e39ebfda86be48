"""Completeness of reports on screen: per form, how many of this period's reports arrived on time, late or not
at all, and the list of who has not reported (the Data page), and one line per form for the wall.

Missing reports are shown as missing, never as zeros: the figures of a commune that did not report are absent
from the KPIs ("no data"), and here it is named.
"""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from i18n.formats import fmt_date, fmt_number, fmt_percent_of, fmt_report_period
from i18n.strings import t
from service import AccessDenied, Area
from ui import data
from ui.audit import download_links
from ui.safe import content_text
from ui.tables import show_table

WALL_FORMS = 4
"""The wall names at most this many forms (those sent by communes and reporting units first)."""


def spans() -> dict[str, int]:
    """Months one report of each form covers (read once per run: widget labels are formatted after it)."""
    return {code: template.months for code, template in data.templates().items()}


def counts_text(row: pd.Series, lang: str) -> str:
    """'118/126 đúng hạn · 5 muộn · 3 chưa gửi' (what is not zero), or 'chưa đến hạn' for a period not due."""
    parts = [t("cp_on_time_of", lang, n=fmt_number(row["on_time"], lang), of=fmt_number(row["expected"], lang))]
    for state in ("late", "missing", "pending"):
        if row[state]:
            parts.append(f"{fmt_number(row[state], lang)} {t(f'cp_state_{state}', lang).lower()}")
    return " · ".join(parts)


def latest_by_form(summary: pd.DataFrame) -> pd.DataFrame:
    """Each form's latest period, forms reported by communes or units first."""
    latest = summary.sort_values("period").groupby("template", sort=False).tail(1)
    return latest.assign(_source=latest["reporting_unit"].eq("source")).sort_values(["_source", "template"]) \
        .drop(columns="_source").reset_index(drop=True)


def render_completeness(area: Area, lang: str, today: pd.Timestamp) -> None:
    """The Data page's view: the latest period of every form, then who is missing or late for a chosen one."""
    st.caption(t("cp_caption", lang, today=fmt_date(today, lang)))
    summary = data.completeness(today, area, 12)
    if summary.empty:
        st.info(t("cp_none", lang))
        return
    latest = latest_by_form(summary)
    span = spans()
    if (latest["data_status"] == "demo").any():
        st.warning(t("cp_demo", lang), icon=":material/science:")
    st.table(pd.DataFrame({
        t("cp_col_form", lang): latest[f"name_{lang}"],
        t("cp_col_period", lang): [fmt_report_period(p, span.get(c, 1), lang)
                                   for c, p in zip(latest["template"], latest["period"])],
        t("cp_col_due", lang): latest["due_on"].map(lambda d: fmt_date(d, lang)),
        t("cp_col_received_share", lang): [fmt_percent_of(r, lang) for r in latest["share_received"]],
        t("cp_col_counts", lang): [counts_text(r, lang) for _, r in latest.iterrows()],
        t("cp_col_share_on_time", lang): [fmt_percent_of(r, lang) if pd.notna(r) else t("cp_not_due", lang)
                                          for r in latest["share_on_time"]],
    }), hide_index=True)
    names = dict(zip(latest["template"], latest[f"name_{lang}"]))
    left, right = st.columns(2)
    code = left.selectbox(t("cp_pick_form", lang), list(names), format_func=lambda c: names[c], key="cp_form")
    periods = sorted(summary.loc[summary["template"] == code, "period"], reverse=True)
    months = span.get(code, 1)
    period = right.selectbox(t("cp_pick_period", lang), periods, format_func=lambda p: fmt_report_period(p, months, lang),
                             key="cp_period")
    params = {"template": code, "period": f"{pd.Timestamp(period):%Y-%m}"}
    st.subheader(t("cp_missing_title", lang, form=content_text(names[code]), period=fmt_report_period(period, months, lang)))
    try:
        table = data.export("bao-cao-chua-gui", params, lang)
    except AccessDenied as denied:
        st.info(denied.message(lang), icon=":material/lock:")
        return
    if table.frame.empty:
        st.success(t("cp_all_in", lang))
    else:
        show_table(table, lang, hide=("template", "state", "status", "source"))
    download_links("bao-cao-chua-gui", params, lang)
    with st.expander(t("cp_history", lang)):
        history = data.export("do-day-du", {"area": area.key, "periods": "12"}, lang)
        show_table(history, lang, hide=("template", "status", "source"))
        download_links("do-day-du", {"area": area.key, "periods": 12}, lang, key="cp_history_links")


def wall_line_html(summary: pd.DataFrame, span: dict[str, int], lang: str) -> str:
    """The wall's line: each form's latest period and how many of its reports arrived on time."""
    if summary.empty:
        return ""
    items = []
    for _, row in latest_by_form(summary).head(WALL_FORMS).iterrows():
        share = row["share_on_time"]
        level = "none" if pd.isna(share) else ("ok" if share >= 0.95 else ("risk" if share >= 0.8 else "off"))
        items.append(f'<span class="wall-report {level}"><b>{html.escape(row[f"name_{lang}"])}</b> · '
                     f'{html.escape(fmt_report_period(row["period"], span.get(row["template"], 1), lang))}: '
                     f'{html.escape(counts_text(row, lang))}</span>')
    return (f'<div class="wall-reports" data-testid="wall-reports">{html.escape(t("wall_reports", lang))}: '
            + " ".join(items) + "</div>")
