"""Hồ sơ xã/phường — one commune: every KPI against the city and its peers, trends, plan and lineage."""
import streamlit as st

from indicators.queries import CITY
from store.reference import load_communes, load_lineage, load_targets
from ui import data
from ui.audit import download_button
from ui.context import current_view
from i18n.formats import fmt_number
from i18n.strings import t
from ui.profile_view import comparison_table, trend_figure
from ui.state import seed_from_url, show_url_notices, sync_to_url

view = current_view()
lang = view.lang
version = data.version()
if view.commune is None:
    st.title(t("page_commune", lang))
    st.info(t("profile_pick", lang))
    st.stop()

code = view.commune
commune = load_communes().set_index("code").loc[code]
name = commune["name_vi" if lang == "vi" else "name_en"]
lineage = load_lineage()[lambda f: f["new_code"] == code]
st.title(t("profile_title", lang, name=name))
st.caption(t("profile_facts", lang, type=t(f"type_{commune['type']}", lang), area=fmt_number(commune["area_km2"], lang, 2),
             n_old=lineage["old_code"].nunique(), districts=", ".join(sorted(set(lineage["old_district"])))))

rows = data.scorecard(version, view.scope, view.grain, view.until, code)
city_rows = data.scorecard(version, CITY, view.grain, view.until, "city")
if any(r.data_status == "demo" for r in rows):
    st.warning(t("demo_banner", lang), icon=":material/science:")

st.subheader(t("profile_vs", lang))
peer_codes = data.commune_peers(version, code, view.until)
st.caption(t("profile_peers_note", lang, n=len(peer_codes), type=t(f"type_{commune['type']}", lang).lower()))
table = comparison_table(rows, city_rows, data.all_commune_values(version, view.grain, view.until, view.sectors),
                         code, peer_codes, lang)
st.dataframe(table, hide_index=True, width="stretch")
download_button(t("download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                file_name=f"ho-so-{code}-{view.until:%Y-%m}.csv", mime="text/csv",
                params={"xa": code, "until": view.until}, rows=len(table))

st.subheader(t("profile_own_plan", lang))
own = load_targets()[lambda f: f["geo"] == code]
if own.empty:
    st.caption(t("profile_no_own_plan", lang))
else:
    st.dataframe(own, hide_index=True, width="stretch")

st.subheader(t("profile_trends", lang))
codes = [r.indicator.code for r in rows if r.has_data]
seed_from_url("xu_huong", codes, "unemployment_rate" if "unemployment_rate" in codes else codes[0])
show_url_notices(lang)
st.selectbox(t("profile_trend_pick", lang), codes, key="xu_huong",
             format_func=lambda c: next(r.indicator.name(lang) for r in rows if r.indicator.code == c))
sync_to_url({"xu_huong": "unemployment_rate"})
chosen = next(r.indicator for r in rows if r.indicator.code == st.session_state["xu_huong"])
series = data.kpis(version, (chosen.code,), view.scope, "month")
city_series = data.kpis(version, (chosen.code,), CITY, "month")
st.plotly_chart(trend_figure(series, city_series, name, chosen.unit_label(lang), lang), config={"displayModeBar": False})

st.subheader(t("profile_lineage", lang))
st.caption(t("profile_lineage_note", lang, n_split=int(lineage["old_unit_divided"].sum())))
st.dataframe(lineage.assign(**{
    t("col_old_unit", lang): lineage["old_name"] + " (" + lineage["old_code"] + ")",
    t("col_old_district", lang): lineage["old_district"],
    t("col_split", lang): lineage["old_unit_divided"].map({1: t("yes", lang), 0: t("no", lang)}),
})[[t("col_old_unit", lang), t("col_old_district", lang), t("col_split", lang)]], hide_index=True, width="stretch")
