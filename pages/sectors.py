"""Ngành kinh tế & cung–cầu lao động — employment and compulsory BHXH by VSIC section with the period's
increases and decreases and coverage; vacancies against job seekers with the plan's priority sectors
highlighted and where that demand is; a 12-month forecast of both for the priority sectors; a sector x
commune heat map.

Follows the global view (area, period, sectors). Page controls, in the URL: the commune type (`loai`)
when the whole city is shown, the forecast's priority group (`nhom`), the heat map's measure (`chiso`).
"""
import streamlit as st

from service import AccessDenied, Area
from service.metadata import COMMUNE_TYPES, FLAG, PLAN_GROUPS, SECTOR_MEASURES, priority_sectors
from ui import data
from ui.audit import download_links
from ui.context import commune_label, current_view
from i18n.formats import fmt_month, fmt_number, fmt_period
from i18n.strings import t
from ui.scorecard_view import data_status_badge
from ui.sector_charts import (flow_bars, forecast_fan, forecast_table, heatmap_rows, sector_display_table,
                              sector_heatmap, sector_metrics, stock_bars, supply_demand_bars, where_table)
from ui.tables import show_frame
from ui.state import seed_from_url, show_url_notices, sync_to_url

ALL_PRIORITY = "uu_tien"
URL_DEFAULTS = {"loai": "", "nhom": ALL_PRIORITY, "chiso": "vacancies"}
HEATMAP_TOP = 30
WHERE_TOP = 10
PLOTLY = {"displaylogo": False}

view = current_view()
lang = view.lang
label = lambda code: commune_label(code, lang)  # noqa: E731

seed_from_url("loai", ("",) + COMMUNE_TYPES, "")
seed_from_url("nhom", (ALL_PRIORITY,) + PLAN_GROUPS, ALL_PRIORITY)
seed_from_url("chiso", SECTOR_MEASURES, "vacancies")
show_url_notices(lang)

st.title(t("sec_title", lang))
st.segmented_control(t("sec_commune_type", lang), ("",) + COMMUNE_TYPES, key="loai", required=True,
                     disabled=view.area.is_commune, help=t("sec_type_help", lang),
                     format_func=lambda c: t(f"sec_type_{c or 'all'}", lang))
commune_type = None if view.area.is_commune else (st.session_state.get("loai") or None)
area = Area.group(commune_type) if commune_type else view.area
geo = t(f"sec_type_{commune_type}", lang) if commune_type else view.geo_name()
start, end = view.period.window()
months = (end.year - start.year) * 12 + end.month - start.month + 1
span = "" if view.period.grain == "month" else t("sec_span", lang, start=fmt_month(start, lang), end=fmt_month(end, lang))
st.caption(t("sec_caption", lang, geo=geo, period=fmt_period(start, view.period.grain, lang, end, months), span=span,
             version=data.version()))
names = data.sector_table().set_index("code")["name_en" if lang == "en" else "name_vi"]
if view.sectors:
    st.info(t("sec_filtered", lang, sectors=", ".join(f"{s} – {names[s]}" for s in view.sectors)))

status = data.sector_status(area, view.period, view.sectors)
if status == "demo":
    st.warning(t("demo_banner", lang), icon=":material/science:")
figures = data.sector_figures(area, view.period, view.sectors)
table = figures.table
if table.empty:
    st.info(t("sec_no_data", lang, geo=geo))
    sync_to_url(URL_DEFAULTS)
    st.stop()
st.markdown(data_status_badge(status, lang))
metrics = list(sector_metrics(figures.totals, figures.hidden_totals, lang).items())
if figures.any_hidden:
    st.caption(t("sec_suppressed_note", lang))

# ---- 1. employment and compulsory BHXH by sector --------------------------------------------------
st.header(t("sec_stock_header", lang))
st.caption(t("sec_stock_caption", lang, month=fmt_month(end, lang)))
for col, (name, (value, help_text)) in zip(st.columns(3) + st.columns(3), metrics[:6]):
    col.metric(name, value, help=help_text or None)  # two rows of three: long labels are never cut short
left, right = st.columns(2)
left.subheader(t("sec_chart_stock", lang))
left.plotly_chart(stock_bars(table, lang), config=PLOTLY)
right.subheader(t("sec_chart_flows", lang))
right.plotly_chart(flow_bars(table, lang), config=PLOTLY)

# ---- 2. demand against supply, and where the demand is --------------------------------------------
st.header(t("sec_demand_header", lang))
st.caption(t("sec_demand_caption", lang))
for col, (name, (value, help_text)) in zip(st.columns(4), metrics[6:]):
    col.metric(name, value, help=help_text or None)
st.plotly_chart(supply_demand_bars(table, lang), config=PLOTLY)

demand_sectors = view.sectors or priority_sectors()
st.subheader(t("sec_where_header", lang))
st.caption(t("sec_where_caption", lang, n=WHERE_TOP, sectors=", ".join(demand_sectors),
             which=t("sec_where_selected" if view.sectors else "sec_where_priority", lang)))
try:
    demand = data.sector_demand(tuple(demand_sectors), view.period)
except AccessDenied as denied:  # the public sees city aggregates only
    st.info(denied.message(lang))
else:
    if commune_type:
        communes = data.commune_table()
        demand = demand[demand["commune_code"].isin(communes.loc[communes["type"] == commune_type, "code"])]
    where = where_table(demand, WHERE_TOP, view.area.code or None, label, lang)
    show_frame(where, lang, height="content")
    if where.eq(t("sec_hidden", lang)).any(axis=None):
        st.caption(t("sec_suppressed_note", lang))

# ---- 3. forecast for the priority sectors ---------------------------------------------------------
st.header(t("sec_forecast_header", lang))
groups = data.priority_groups().set_index("code")["name_en" if lang == "en" else "name_vi"]
st.selectbox(t("sec_forecast_group", lang), (ALL_PRIORITY,) + PLAN_GROUPS, key="nhom",
             format_func=lambda g: t("sec_group_all", lang) if g == ALL_PRIORITY else groups[g])
group = st.session_state["nhom"]
in_group = priority_sectors() if group == ALL_PRIORITY else priority_sectors((group,))
forecast_sectors = tuple(s for s in in_group if not view.sectors or s in view.sectors)
if not forecast_sectors:
    st.info(t("sec_forecast_outside_selection", lang))
else:
    st.caption(t("sec_forecast_caption", lang, sectors=", ".join(forecast_sectors), month=fmt_month(end, lang)))
    with st.spinner(t("sec_forecast_running", lang)):
        forecasts = data.sector_forecast(area, view.period, forecast_sectors)
    for col, (measure, fc) in zip(st.columns(2), forecasts.items()):
        col.markdown(f"**{t(f'sec_m_{measure}', lang)}**")
        if fc is None:
            col.info(t("sec_forecast_none", lang, measure=t(f"sec_m_{measure}", lang)))
            continue
        col.plotly_chart(forecast_fan(fc.frame, measure, lang), config=PLOTLY)
        col.caption(t("sec_model_line", lang, model=t(f"sec_model_{fc.model}", lang),
                      reason=t(f"sec_reason_{fc.reason}", lang), mase=fmt_number(fc.mase, lang, 2),
                      naive=fmt_number(fc.mase_naive, lang, 2)))
        if fc.frame.loc[fc.frame["kind"] == "history", "value"].isna().any():  # the series itself has no gaps
            col.caption(t("sec_history_hidden", lang))
    futures = {m: fc.future for m, fc in forecasts.items() if fc is not None}
    if futures:
        with st.expander(t("sec_forecast_table", lang)):
            show_frame(forecast_table(futures, lang), lang, height="content")

# ---- 4. sector x commune heat map -----------------------------------------------------------------
st.header(t("sec_heatmap_header", lang))
st.selectbox(t("sec_heatmap_measure", lang), SECTOR_MEASURES, key="chiso", format_func=lambda m: t(f"sec_m_{m}", lang))
measure = st.session_state["chiso"]
show_all = st.toggle(t("sec_heatmap_all", lang), value=False)
try:
    heat_area = Area.group(commune_type) if commune_type else Area.CITY
    matrix = data.sector_matrix(measure, heat_area, view.period, view.sectors)
except AccessDenied as denied:
    st.info(denied.message(lang))
else:
    grid, communes = heatmap_rows(matrix, None if show_all else HEATMAP_TOP, view.area.code or None, label)
    st.caption(t("sec_heatmap_caption", lang, shown=fmt_number(len(grid), lang), total=fmt_number(communes, lang),
                 measure=t(f"sec_m_{measure}", lang))
               + (" " + t("sec_heatmap_hidden", lang) if matrix[FLAG].any() else ""))
    if not grid.empty:
        st.plotly_chart(sector_heatmap(grid, names.to_dict(), measure, lang), config=PLOTLY)
        st.caption(t("sec_heatmap_range", lang))

# ---- the table behind it all ----------------------------------------------------------------------
with st.expander(t("sec_table", lang)):
    query = {"area": area.key, "grain": view.period.grain, "period": view.period.slug, "sectors": ",".join(view.sectors)}
    show_frame(sector_display_table(table, lang), lang, height="content")
    download_links("nganh", query, lang)

sync_to_url(URL_DEFAULTS)
