"""Hồ sơ xã/phường — one commune: every KPI against the city and its peers, trends, plan and lineage."""
import streamlit as st

from i18n.formats import fmt_number
from i18n.names import unit_name
from i18n.strings import t
from service import Area
from ui import data
from ui.context import current_view
from ui.audit import download_links
from ui.profile_view import lineage_table, own_plan_table, trend_figure
from ui.tables import show_frame, show_table
from ui.state import seed_from_url, show_url_notices, sync_to_url

view = current_view()
lang = view.lang
if not view.area.is_commune:
    st.title(t("page_commune", lang))
    st.info(t("profile_pick", lang))
    st.stop()

area = view.area
facts = data.commune_facts(area)
name = facts.name_en if lang == "en" else facts.name_vi
st.title(t("profile_title", lang, name=name))
st.caption(t("profile_facts", lang, type=t(f"type_{facts.type}", lang), area=fmt_number(facts.area_km2, lang, 2),
             n_old=facts.lineage["old_code"].nunique(),
             districts=", ".join(sorted({unit_name(d, lang) for d in facts.lineage["old_district"]}))))

query = {"area": area.key, "grain": view.period.grain, "period": view.period.slug, "sectors": ",".join(view.sectors)}
profile = data.profile(area, view.period, view.sectors)
rows = profile.rows
if any(r.data_status == "demo" for r in rows):
    st.warning(t("demo_banner", lang), icon=":material/science:")

st.subheader(t("profile_vs", lang))
st.caption(t("profile_peers_note", lang, n=len(profile.peers), type=t(f"type_plural_{facts.type}", lang)))
show_table(data.export("ho-so", query, lang), lang, hide=("indicator", "suppressed", "status", "source"))
download_links("ho-so", query, lang)

st.subheader(t("profile_own_plan", lang))
if facts.own_targets.empty:
    st.caption(t("profile_no_own_plan", lang))
else:
    show_frame(own_plan_table(facts.own_targets, data.catalogue(), lang), lang)

st.subheader(t("profile_trends", lang))
codes = [r.indicator.code for r in rows if r.has_data]
seed_from_url("xu_huong", codes, "unemployment_rate" if "unemployment_rate" in codes else codes[0])
show_url_notices(lang)
st.selectbox(t("profile_trend_pick", lang), codes, key="xu_huong",
             format_func=lambda c: next(r.indicator.name(lang) for r in rows if r.indicator.code == c))
sync_to_url({"xu_huong": "unemployment_rate"})
chosen = next(r.indicator for r in rows if r.indicator.code == st.session_state["xu_huong"])
series = data.series((chosen.code,), area, "month", sectors=view.sectors)
city_series = data.series((chosen.code,), Area.CITY, "month", sectors=view.sectors)
st.plotly_chart(trend_figure(series, city_series, name, chosen.unit_label(lang), lang), config={"displayModeBar": False})

st.subheader(t("profile_lineage", lang))
n_split = int(facts.lineage["old_unit_divided"].sum())
st.caption(t("profile_lineage_note", lang) + " "
           + (t("profile_lineage_split", lang, n_split=n_split) if n_split else t("profile_lineage_whole", lang)))
show_frame(lineage_table(facts.lineage, lang), lang)
