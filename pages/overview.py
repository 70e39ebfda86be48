"""Tổng quan — the landing page: every KPI for the city or one commune, against its 2030 target."""
import streamlit as st

from i18n.formats import fmt_month, fmt_number, fmt_percent_of
from i18n.strings import t
from service.metadata import RULE_TEXT
from ui import data
from ui.audit import download_links
from ui.briefing_button import render_briefing_button
from ui.context import current_view
from ui.scorecard_view import render_scorecard, scorecard_frame
from ui.version_note import version_note

view = current_view()
lang = view.lang
rows = data.scorecard(view.area, view.period, view.sectors)

st.title(t("overview_title", lang))
st.caption(t("overview_caption", lang, geo=view.geo_name(), period=t(f"grain_{view.period.grain}", lang),
             until=fmt_month(view.period.end, lang), version=version_note(lang)))
render_briefing_button(view)

if any(r.data_status == "demo" for r in rows):
    st.warning(t("demo_banner", lang), icon=":material/science:")

if not any(r.has_data for r in rows):
    st.info(t("no_data_geo", lang, geo=view.geo_name()))

jobs = next(r for r in rows if r.indicator.code == "new_jobs")
if jobs.ytd is not None:
    months, year = jobs.last_month.month, jobs.last_month.year
    if jobs.plan is not None and jobs.plan.low:
        st.success(t("plan_completion", lang, months=months, year=year, value=fmt_number(jobs.ytd, lang),
                     share=fmt_percent_of(jobs.ytd / jobs.plan.low, lang), plan=fmt_number(jobs.plan.low, lang)))
    else:
        st.info(t("plan_missing", lang, months=months, year=year, value=fmt_number(jobs.ytd, lang)))

render_scorecard(rows, lang)

with st.expander(t("status_rule", lang)):
    st.markdown(RULE_TEXT[lang])

with st.expander(t("table_view", lang)):
    scorecard_frame(view, lang)
    download_links("tong-quan", {"area": view.area.key, "grain": view.period.grain, "period": view.period.slug,
                                 "sectors": ",".join(view.sectors)}, lang)
