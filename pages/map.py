"""Bản đồ — a choropleth of the 126 communes for any KPI, period and sector, with its ranked-table twin."""
import pandas as pd
import streamlit as st

from indicators.mapclass import distance_to_target, diverging_classes, quantile_classes
from indicators.targets import target_2030
from ui import data
from ui.audit import download_button
from ui.context import current_view
from indicators.commune_values import period_window
from indicators.queries import Scope
from indicators.suppression import FLAG, THRESHOLD
from i18n.formats import decimals_for, fmt_number, fmt_period, fmt_value
from i18n.strings import t
from ui.map_view import CHART_CONFIG, boundaries, choropleth, chosen_commune, class_labels, demand_layer, selected_code
from ui.scorecard_view import data_status_badge
from ui.state import seed_from_url, show_url_notices, sync_to_url

view = current_view()
lang = view.lang
version = data.version()
catalogue = data.warehouse(version).catalogue
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
target = target_2030(ind)
distance_mode = st.session_state["che_do"] == "khoang_cach" and target is not None
if st.session_state["che_do"] == "khoang_cach" and target is None:
    st.info(t("map_no_target", lang))

geo = boundaries()
if geo.problems:
    st.warning(t("map_boundary_problem", lang) + "\n\n" + "\n".join(f"- {p}" for p in geo.problems))

demand_mode = st.session_state["che_do"] == "nhu_cau"
if demand_mode:  # the sector-demand layer (issue 7): vacancies of the chosen sectors (all when none)
    start, end = period_window(view.grain, view.until)
    demand = data.sector_demand_by_commune(version, view.sectors, start, end)
    status = data.sector_data_status(version, Scope(sectors=view.sectors or None), start, end)
    values = demand_layer(demand, status, start, end)
    st.caption(t("map_demand_caption", lang, sectors=", ".join(view.sectors) or t("sectors_all", lang).lower()))
else:
    values = data.commune_values(version, code, view.grain, view.until, view.sectors)
if (values["status"] == "demo").any():
    st.warning(t("demo_banner", lang), icon=":material/science:")
names = values["name_vi" if lang == "vi" else "name_en"]
unit, unit_label = ("%", t("map_demand_unit", lang)) if demand_mode else (ind.unit, ind.unit_label(lang))
period = fmt_period(values["period_start"].iloc[0], view.grain, lang, values["period_end"].iloc[0])
status_text = values["status"].map(lambda s: t(f"data_{s}", lang) if isinstance(s, str) else "")
if demand_mode:
    shown_values = [t("map_demand_hover", lang, share=fmt_value(v, "%", "%", lang), vacancies=fmt_number(va, lang),
                      seekers=fmt_number(se, lang))
                    for v, va, se in zip(values["value"], values["vacancies"], values["job_seekers"])]
else:
    shown_values = [fmt_value(v, unit, unit_label, lang) for v in values["value"]]
hidden = values[FLAG].fillna(False).astype(bool) if FLAG in values.columns else pd.Series(False, index=values.index)
hidden_text = t("suppressed_small", lang, k=THRESHOLD)
hover = [
    f"<b>{n}</b><br>{shown}<br>{s} · {period}" if v == v
    else f"<b>{n}</b><br>{hidden_text if h else t('hover_no_data', lang)} · {period}"
    for n, v, shown, s, h in zip(names, values["value"], shown_values, status_text, hidden)
]
if distance_mode:
    shown = [distance_to_target(v if v == v else None, target) for v in values["value"]]
    classes = diverging_classes(shown)
    legend = t("map_legend_distance", lang)
else:
    classes = quantile_classes([v if v == v else None for v in values["value"]])
    legend = unit_label
labels = class_labels(classes, decimals_for(unit, 1.0), lang)

map_col, table_col = st.columns([3, 2])
with map_col:
    highlight = chosen_commune("map")  # the click (remembered across the redraw it causes), else ?xa=
    fig = choropleth(geo, values[["code"]], classes, labels, hover, t("hover_no_data", lang), legend, lang=lang,
                     selected=highlight)
    if lang == "vi":
        fig.update_layout(separators=",.")
    event = st.plotly_chart(fig, key="map", on_select="rerun", selection_mode="points",
                            config=CHART_CONFIG)
    st.caption(t("map_caption", lang, boundary=f"{geo.caption_vi if lang == 'vi' else geo.caption_en} ({geo.attribution})",
                 period=period, n=len(classes.colours)))
    missing = values[values["value"].isna() & ~hidden]
    if missing.empty and not hidden.any():
        st.caption(t("map_all_have_data", lang))
    if not missing.empty:
        st.caption(t("map_no_data_list", lang, n=len(missing), names=", ".join(missing["name_vi" if lang == "vi" else "name_en"])))
    if hidden.any():
        st.caption(t("map_hidden_list", lang, n=int(hidden.sum()), k=THRESHOLD,
                     names=", ".join(values.loc[hidden, "name_vi" if lang == "vi" else "name_en"])))

with table_col:
    st.subheader(t("map_ranked", lang))
    table = values.sort_values(["rank", "code"], na_position="last")
    value_column = f"{t('map_mode_demand', lang) if demand_mode else ind.name(lang)} ({unit_label})"
    shown_table = table.assign(
        **{t("col_rank", lang): table["rank"], t("col_commune", lang): table["name_vi" if lang == "vi" else "name_en"],
           t("col_type", lang): table["type"].map(lambda x: t(f"type_{x}", lang)),
           value_column: table["value"].round(2),
           t("col_data_status", lang): [hidden_text if hidden[i] else t(f"data_{s}", lang) if isinstance(s, str)
                                        else t("no_data", lang) for i, s in zip(table.index, table["status"])]}
    )[["code", t("col_rank", lang), t("col_commune", lang), t("col_type", lang), value_column,
       t("col_data_status", lang)]]
    picked = st.dataframe(shown_table, hide_index=True, height=520, on_select="rerun", selection_mode="single-row",
                          key="map_table")
    download_button(t("download_csv", lang), shown_table.to_csv(index=False).encode("utf-8-sig"),
                    file_name=f"ban-do-{code}-{view.until:%Y-%m}.csv", mime="text/csv",
                    params={"chi_tieu": code, "until": view.until}, rows=int(table["value"].notna().sum()))

chosen = selected_code(event)
rows = getattr(getattr(picked, "selection", None), "rows", None)
if chosen is None and rows:
    chosen = shown_table.iloc[rows[0]]["code"]
chosen = chosen or highlight
if chosen:
    name = values.set_index("code").loc[chosen, "name_vi" if lang == "vi" else "name_en"]
    st.page_link("pages/commune.py", label=t("map_open_profile", lang, name=name), icon=":material/location_on:",
                 query_params={"xa": chosen})
else:
    st.caption(t("map_select_hint", lang))
st.markdown(data_status_badge(values["status"].dropna().max() if values["status"].notna().any() else None, lang))
