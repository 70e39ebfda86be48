"""Tổng quan — the landing page: every KPI for the city or one commune, against its 2030 target."""
import streamlit as st

from indicators.status import RULE_TEXT
from ui import data
from ui.audit import download_button
from ui.briefing_button import render_briefing_button
from ui.context import current_view
from i18n.formats import fmt_month, fmt_number, fmt_percent_of, fmt_period
from i18n.strings import t
from ui.scorecard_view import render_scorecard, scorecard_table

view = current_view()
lang = view.lang
version = data.version()
rows = data.scorecard(version, view.scope, view.grain, view.until, view.geo)

st.title(t("overview_title", lang))
st.caption(t("overview_caption", lang, geo=view.geo_name(), period=t(f"grain_{view.grain}", lang),
             until=fmt_month(view.until, lang), version=version))
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
    table = scorecard_table(rows, lang)
    st.dataframe(table, hide_index=True, width="stretch")
    download_button(t("download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                    file_name=f"tong-quan-{view.geo}-{view.until:%Y-%m}.csv", mime="text/csv",
                    params={"geo": view.geo, "grain": view.grain, "until": view.until}, rows=len(table))
