"""Drawing the scorecard: one card per KPI, grouped by plan section, plus its accessible table twin."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.scorecard import ScoreRow
from indicators.suppression import THRESHOLD
from indicators.targets import Target
from service.metadata import NO_VERDICT
from store.catalogue import SECTIONS
from i18n.formats import target_text as chart_target_text
from i18n.formats import fmt_date, fmt_delta, fmt_number, fmt_percent_of, fmt_period, fmt_value
from i18n.strings import t
from ui.sparkline import show_sparkline, tone

STATUS_COLOURS = {"on_track": "green", "at_risk": "orange", "off_track": "red",
                  **{state: "gray" for state in NO_VERDICT}}
DATA_STATUS_COLOURS = {"official": "blue", "preliminary": "orange", "estimate": "gray", "demo": "violet"}
COLUMNS = 4


def status_badge(status: str, lang: str) -> str:
    return f":{STATUS_COLOURS[status]}-badge[{t('status_' + status, lang)}]"


def data_status_badge(status: str | None, lang: str) -> str:
    if not status:
        return ""
    return f":{DATA_STATUS_COLOURS.get(status, 'gray')}-badge[{t('data_' + status, lang)}]"


def target_text(row: ScoreRow, target: Target | None, lang: str) -> str:
    """'Mục tiêu 2030: ≥ 60%', '< 2,5%', '75–80%', '180.000 người/năm'."""
    if target is None:
        return t("no_target", lang)
    suffix = f" ({t('target_inherited', lang)})" if target.inherited else ""
    return f"{t('target', lang)}: {chart_target_text(row.indicator, target, lang)}{suffix}"


def _delta_colour(direction: str) -> str:
    return {"higher": "normal", "lower": "inverse"}.get(direction, "off")


def _value_text(row: ScoreRow, lang: str, value: float | None = None) -> str:
    """The big number (or `value` in the same form). Non-% units go on the title line instead, so the
    number is never cut short."""
    ind = row.indicator
    value = row.value if value is None else value
    if ind.unit.startswith("%"):
        return fmt_value(value, ind.unit, ind.unit_label(lang), lang)
    if ind.unit == "đồng/tháng":
        return f"{fmt_number(value / 1e6, lang, 1)} {'triệu' if lang == 'vi' else 'million'}"
    return fmt_number(value, lang)


def change_text(row: ScoreRow, delta: float | None, lang: str) -> str | None:
    """A change in the unit of the card's value: '+0,30 điểm %', '+12', '+0,18 triệu'; 'không đổi' when it
    is zero at the shown precision (never '±0' or '+0,00 điểm %'); None when unknown."""
    if delta is None or delta != delta:
        return None
    unit = row.indicator.unit
    if unit == "đồng/tháng":  # the value is shown in triệu: so is its change
        text = f"{fmt_delta(delta / 1e6, '%', lang).rsplit(' ', 1)[0]} {'triệu' if lang == 'vi' else 'million'}"
        text = text.replace(" điểm", "")
    else:
        text = fmt_delta(delta, unit, lang)
    return t("unchanged", lang) if not any(ch in "123456789" for ch in text) else text


def change_basis(row: ScoreRow, lang: str) -> str:
    """What the card's change is against: the last period that brought a new figure for the KPI."""
    if row.grain == "year" or row.previous_months >= 12:
        return t("vs_prev_year", lang)
    if row.previous_months == 3:
        return t("vs_prev_quarter", lang)
    return t("vs_prev_month", lang) if row.grain == "month" else t("vs_prev_period", lang)


def _sparkline(row: ScoreRow, delta: float | None, lang: str) -> None:
    """The card's recent periods as a line, with the same words for a screen reader."""
    known = [v for v in row.spark if v == v]  # NaN != NaN: a period without a value
    if len(known) < 2:
        return
    alt = t("sparkline_alt", lang, n=len(row.spark), first=_value_text(row, lang, known[0]),
            last=_value_text(row, lang, known[-1]))
    show_sparkline(row.spark, tone(delta, row.indicator.direction), alt)


def _title(row: ScoreRow, lang: str) -> str:
    ind = row.indicator
    label = ind.unit_label(lang)
    if ind.unit == "đồng/tháng":  # the value is shown in triệu (million), and so is its change
        label = f"{'triệu' if lang == 'vi' else 'million'} {label}"
    unit = "" if ind.unit == "%" else f" · {label}"
    return f"**{ind.name(lang)}**{unit}"


def _help(row: ScoreRow, lang: str) -> str:
    ind = row.indicator
    parts = [f"**{t('definition', lang)}:** {ind.definition(lang)}", f"**{t('agency', lang)}:** {ind.agency}",
             f"**{t('plan_ref', lang)}:** {ind.source_plan}"]
    if row.source:
        parts.append(f"**{t('source', lang)}:** {row.source} ({t('published_on', lang)} {fmt_date(row.vintage, lang)})")
    caveat = ind.caveats_en if lang == "en" else ind.caveats_vi
    if caveat:
        parts.append(caveat)
    return "\n\n".join(parts)


def missing_text(row: ScoreRow, lang: str) -> str:
    """What stands in for a row's missing value: "hidden (fewer than 10 people)" or "no data"."""
    return t(row.missing_key, lang, k=THRESHOLD)


def render_card(row: ScoreRow, lang: str) -> None:
    """One KPI card: value, change, sparkline, target, status, period and data badge."""
    ind = row.indicator
    sector_mark = f" :gray-badge[{t('sector_mark', lang)}]" if row.sector_filtered is False else ""
    with st.container(border=True):
        # The full name as its own line: a metric label would cut long Vietnamese names short.
        st.markdown(_title(row, lang), help=_help(row, lang))
        if not row.applicable:  # the KPI does not exist here (urban unemployment on a xã): not a gap in data
            with st.container(key=f"kpi_missing_{ind.code}"):
                st.metric(ind.name(lang), t("not_applicable", lang), label_visibility="collapsed")
            st.caption(t("not_applicable_urban", lang))
            return
        if not row.has_data:
            with st.container(key=f"kpi_missing_{ind.code}"):  # smaller, wrapping type: the words stay whole
                st.metric(ind.name(lang), missing_text(row, lang), label_visibility="collapsed")
            st.markdown(f"{status_badge(row.assessment.status, lang)} {target_text(row, row.target, lang)}{sector_mark}")
            return
        delta = None if row.previous is None else row.value - row.previous
        change = change_text(row, delta, lang)
        moved = change is not None and change != t("unchanged", lang)
        st.metric(
            ind.name(lang), _value_text(row, lang), delta=change,
            delta_color=_delta_colour(ind.direction) if moved else "off", delta_arrow="auto" if moved else "off",
            delta_description=change_basis(row, lang) if change is not None else None, label_visibility="collapsed",
        )
        _sparkline(row, delta, lang)
        st.markdown(f"{status_badge(row.assessment.status, lang)} {target_text(row, row.target, lang)}{sector_mark}")
        notes = [fmt_period(row.period, row.grain, lang, row.last_month, row.n_months)]
        if row.year_ago is not None and not (row.previous_months >= 12 and row.grain != "year"):
            notes.append(f"{change_text(row, row.value - row.year_ago, lang)} {t('vs_year_ago', lang)}")
        if row.plan is not None and row.ytd is not None and row.plan.low:
            notes.append(t("of_plan", lang, share=fmt_percent_of(row.ytd / row.plan.low, lang), year=row.plan.year))
        elif row.assessment.share_of_target is not None:
            notes.append(t("last_12_months", lang, share=fmt_percent_of(row.assessment.share_of_target, lang)))
        if row.provisional:
            notes.append(t("provisional", lang))
        st.caption(" · ".join(notes))
        st.markdown(data_status_badge(row.data_status, lang))


def sector_notice(rows: list[ScoreRow], lang: str) -> str | None:
    """The one notice of a sector filter: which KPIs respond to it (None without a filter)."""
    if not any(r.sector_filtered is not None for r in rows):
        return None
    responding = [r.indicator.name(lang) for r in rows if r.sector_filtered]
    return t("sector_notice", lang, n=len(responding), names="; ".join(responding) or "–", mark=t("sector_mark", lang))


# A metric's value is one large line cut with "…": right for numbers, wrong for "Không có số liệu".
MISSING_VALUE_CSS = """<style>
[class*="st-key-kpi_missing_"] [data-testid="stMetricValue"] { font-size: 1.4rem; }
[class*="st-key-kpi_missing_"] [data-testid="stMetricValue"] * { white-space: normal; overflow: visible; }
</style>"""


def render_scorecard(rows: list[ScoreRow], lang: str) -> None:
    """Cards grouped by section (A: labour market, B: priority groups, P: plan tracking, S: occupational safety)."""
    st.html(MISSING_VALUE_CSS)
    notice = sector_notice(rows, lang)
    if notice:
        st.info(notice, icon=":material/filter_alt:")
    for section in SECTIONS:
        group = [r for r in rows if r.indicator.section.startswith(section)]
        if not group:
            continue
        st.subheader(t(f"section_{section}", lang))
        for start in range(0, len(group), COLUMNS):
            cols = st.columns(COLUMNS)
            for col, row in zip(cols, group[start:start + COLUMNS]):
                with col:
                    render_card(row, lang)


def scorecard_frame(view, lang: str) -> None:
    """The scorecard as a table (the same rows and columns as its download)."""
    from ui import data
    from ui.tables import show_table

    table = data.export("tong-quan", {"area": view.area.key, "grain": view.period.grain, "period": view.period.slug,
                                      "sectors": ",".join(view.sectors)}, lang)
    show_table(table, lang, hide=("indicator", "verdict_code", "status", "vintage"))
