"""Bản đồ — a choropleth of the 126 communes for any KPI, period and sector, with its ranked-table twin."""
import streamlit as st

from i18n.formats import decimals_for, fmt_number, fmt_period, fmt_value
from i18n.strings import t
from service import Area
from service.metadata import THRESHOLD, weakest_status
from ui import data
from ui.audit import download_links
from ui.context import current_view
from ui.auth import visible_communes
from ui.map_context import render_map_context
from ui.map_data import classes_for, compact_ranking, hidden_mask, hover_texts, restricted_mask, value_texts
from ui.map_view import CHART_CONFIG, boundaries, choropleth, chosen_commune, class_labels, demand_layer, selected_code
from ui.scorecard_view import data_status_badge
from ui.state import seed_from_url, show_url_notices, sync_to_url
from ui.tables import show_table

view = current_view()
lang = view.lang
catalogue = data.catalogue()
mappable = [i.code for i in catalogue.indicators if i.kind != "growth"]  # growth exists for the city only

st.title(t("map_title", lang))
seed_from_url("chi_tieu", mappable, "unemployment_rate")
MODES = ("muc", "khoang_cach", "nhu_cau")
MODE_LABELS = {"muc": "map_mode_level", "khoang_cach": "map_mode_distance", "nhu_cau": "map_mode_demand"}
seed_from_url("che_do", MODES, "muc")
show_url_notices(lang)
st.selectbox(t("indicator", lang), mappable, key="chi_tieu", format_func=lambda c: catalogue.get(c).name(lang))
st.segmented_control(t("map_mode", lang), MODES, key="che_do", format_func=lambda m: t(MODE_LABELS[m], lang))
sync_to_url({"chi_tieu": "unemployment_rate", "che_do": "muc"})
code = st.session_state["chi_tieu"]
ind = catalogue.get(code)
target = data.target(code, Area.CITY)
distance_mode = st.session_state["che_do"] == "khoang_cach" and target is not None
if st.session_state["che_do"] == "khoang_cach" and target is None:
    st.info(t("map_no_target", lang))

geo = boundaries()
if geo.problems:
    st.warning(t("map_boundary_problem", lang) + "\n\n" + "\n".join(f"- {p}" for p in geo.problems))

demand_mode = st.session_state["che_do"] == "nhu_cau"
start, end = view.period.window()
if demand_mode:  # the sector-demand layer: vacancies of the chosen sectors (all when none)
    demand = data.sector_demand(view.sectors, view.period)
    status = data.sector_status(Area.CITY, view.period, view.sectors)
    values = demand_layer(demand, status, start, end)
    st.caption(t("map_demand_caption", lang, sectors=", ".join(view.sectors) or t("sectors_all", lang).lower()))
else:
    values = data.map_values(code, view.period, view.sectors)
if (values["status"] == "demo").any():
    st.warning(t("demo_banner", lang), icon=":material/science:")
names = values["name_vi" if lang == "vi" else "name_en"]
unit, unit_label = ("%", t("map_demand_unit", lang)) if demand_mode else (ind.unit, ind.unit_label(lang))
period = fmt_period(values["period_start"].iloc[0], view.period.grain, lang, values["period_end"].iloc[0])
if demand_mode:
    shown_values = [t("map_demand_hover", lang, share=fmt_value(v, "%", "%", lang), vacancies=fmt_number(va, lang),
                      seekers=fmt_number(se, lang))
                    for v, va, se in zip(values["value"], values["vacancies"], values["job_seekers"])]
else:
    shown_values = value_texts(values, unit, unit_label, lang)
visible = visible_communes()  # None: every commune; a commune official: their own
restricted = restricted_mask(values, visible)
hidden = hidden_mask(values) & ~restricted
hover = hover_texts(values, names, shown_values, period, lang, restricted)
classes = classes_for(values["value"], target if distance_mode else None)
legend = t("map_legend_distance", lang) if distance_mode else unit_label
labels = class_labels(classes, decimals_for(unit, 1.0), lang)

if restricted.any() and not demand_mode:  # the official's own commune beside the city and its type
    render_map_context(values, visible, code, unit, unit_label, view.period, view.sectors, lang)

map_col, table_col = st.columns([3, 2])
with map_col:
    # the click (remembered across the redraw it causes), else ?xa=, else the area chosen in the sidebar
    highlight = chosen_commune("map") or (view.area.code if view.area.is_commune else None)
    fig = choropleth(geo, values[["code"]], classes, labels, hover, t("hover_no_data", lang), legend, lang=lang,
                     selected=highlight, restricted=frozenset(values.loc[restricted, "code"]),
                     restricted_name=t("map_restricted_name", lang), show_scale=not restricted.any())
    if lang == "vi":
        fig.update_layout(separators=",.")
    event = st.plotly_chart(fig, key="map", on_select="rerun", selection_mode="points",
                            config=CHART_CONFIG)
    if restricted.any():
        own = values.loc[~restricted, "code"]
        st.caption(t("map_restricted_note", lang, period=period, n=int(restricted.sum()),
                     place=", ".join(names[~restricted]) if len(own) else "–",
                     group=t(f"tr_type_{values.loc[~restricted, 'type'].iloc[0]}", lang).lower() if len(own) else "–"))
    else:
        st.caption(t("map_caption", lang, period=period, n=len(classes.colours)))
    missing = values[values["value"].isna() & ~hidden & ~restricted]
    if missing.empty and not hidden.any() and not restricted.any():
        st.caption(t("map_all_have_data", lang))
    if not missing.empty:
        st.caption(t("map_no_data_list", lang, n=len(missing), names=", ".join(missing["name_vi" if lang == "vi" else "name_en"])))
    if hidden.any():
        st.caption(t("map_hidden_list", lang, n=int(hidden.sum()), k=THRESHOLD,
                     names=", ".join(values.loc[hidden, "name_vi" if lang == "vi" else "name_en"])))

with table_col:
    st.subheader(t("map_ranked", lang))
    query = {"indicator": code, "grain": view.period.grain, "period": view.period.slug, "sectors": ",".join(view.sectors)}
    name = "nhu-cau" if demand_mode else "ban-do"
    ranked = data.export(name, query, lang)
    # compact (no type column, the value headed by its unit): the value stays in view on a phone
    picked = show_table(compact_ranking(ranked), lang, hide=("commune_code", "type", "suppressed", "status", "source"),
                        height="auto" if restricted.any() else 520,
                        on_select="rerun", selection_mode="single-row", key="map_table")
    download_links(name, query, lang)

chosen = selected_code(event)
rows = getattr(getattr(picked, "selection", None), "rows", None)
if chosen is None and rows:
    chosen = ranked.frame.iloc[rows[0]]["commune_code"]
chosen = chosen or highlight
if chosen:
    name = values.set_index("code").loc[chosen, "name_vi" if lang == "vi" else "name_en"]
    st.page_link("pages/commune.py", label=t("map_open_profile", lang, name=name), icon=":material/location_on:",
                 query_params={"xa": chosen})
else:
    st.caption(t("map_select_hint", lang))
st.markdown(data_status_badge(weakest_status(values["status"]), lang))
