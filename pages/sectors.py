"""Ngành kinh tế & cung–cầu lao động — employment and compulsory BHXH by VSIC section with the period's
increases and decreases, vacancies against job seekers with the plan's priority sectors highlighted, a
12-month forecast of both for the priority sectors, and a sector x commune heat map.

Follows the global view (area, period, sectors) and adds one page control of its own: the commune type
(`loai`), when the whole city is shown.
"""
import pandas as pd
import streamlit as st

from indicators.queries import Scope
from indicators.sectors import COMMUNE_TYPES, PLAN_GROUPS, SECTOR_MEASURES, period_window, priority_sectors, sector_totals
from store.reference import load_communes, load_priority_groups, load_sectors
from ui import data
from ui.context import commune_label, current_view
from ui.format import fmt_delta, fmt_month, fmt_number, fmt_percent_of, fmt_period, fmt_value
from ui.i18n import t
from ui.scorecard_view import data_status_badge
from ui.sector_charts import flow_bars, forecast_fan, heatmap_rows, sector_heatmap, stock_bars, supply_demand_bars
from ui.state import seed_from_url, show_url_notices, sync_to_url

ALL_PRIORITY = "uu_tien"
HEATMAP_TOP = 30
WHERE_TOP = 10

view = current_view()
lang = view.lang
version = data.version()

# ---- page controls (bound to the URL) -------------------------------------------------------------
seed_from_url("loai", ("",) + COMMUNE_TYPES, "")
seed_from_url("nhom", (ALL_PRIORITY,) + PLAN_GROUPS, ALL_PRIORITY)
seed_from_url("chiso", SECTOR_MEASURES, "vacancies")
show_url_notices(lang)
group_names = load_priority_groups().set_index("code")["name_en" if lang == "en" else "name_vi"]

st.title(t("sec_title", lang))
st.segmented_control(t("sec_commune_type", lang), ("",) + COMMUNE_TYPES, key="loai", required=True,
                     disabled=view.commune is not None,
                     format_func=lambda c: t(f"sec_type_{c or 'all'}", lang),
                     help=t("sec_type_help", lang))
commune_type = None if view.commune else (st.session_state.get("loai") or None)
scope = Scope(communes=(view.commune,) if view.commune else None, commune_type=commune_type,
              sectors=view.sectors or None)
geo = view.geo_name() if view.commune else t(f"sec_type_{commune_type or 'all'}", lang) if commune_type else view.geo_name()
start, end = period_window(view.grain, view.until)
n_months = (end.year - start.year) * 12 + end.month - start.month + 1
period = fmt_period(start, view.grain, lang, last_month=end, n_months=n_months)

span = "" if start == end else t("sec_span", lang, start=fmt_month(start, lang), end=fmt_month(end, lang))
st.caption(t("sec_caption", lang, geo=geo, period=period, span=span, version=version))
names = load_sectors().set_index("code")["name_en" if lang == "en" else "name_vi"]
if view.sectors:
    st.info(t("sec_filtered", lang, sectors=", ".join(f"{s} – {names[s]}" for s in view.sectors)))

status = data.sector_data_status(version, scope, start, end)
if status == "demo":
    st.warning(t("demo_banner", lang), icon="🧪")
table = data.sector_table(version, scope, start, end)
if table.empty:
    st.info(t("sec_no_data", lang, geo=geo))
    sync_to_url({"loai": "", "nhom": ALL_PRIORITY, "chiso": "vacancies"})
    st.stop()
totals = sector_totals(table)
if status:
    st.markdown(data_status_badge(status, lang))


def count(value: float | None) -> str:
    return fmt_number(value, lang)


def percent(value: float | None) -> str:
    return fmt_value(value, "%", "%", lang)


def ratio(value: float | None) -> str:
    return fmt_number(value, lang, 2)


# ---- 1. employment and compulsory BHXH by sector --------------------------------------------------
st.header(t("sec_stock_header", lang))
st.caption(t("sec_stock_caption", lang, month=fmt_month(end, lang)))
cols = st.columns(6)
cols[0].metric(t("sec_m_employed", lang), count(totals["employed"]))
cols[1].metric(t("sec_m_bhxh_compulsory", lang), count(totals["bhxh_compulsory"]))
cols[2].metric(t("sec_m_bhxh_new", lang), count(totals["bhxh_new"]))
cols[3].metric(t("sec_m_bhxh_lost", lang), count(totals["bhxh_lost"]))
cols[4].metric(t("sec_m_net_change", lang), fmt_delta(totals["net_change"], "", lang) or "–")
cols[5].metric(t("sec_m_coverage", lang), percent(totals["coverage"]), help=t("sec_coverage_help", lang))
left, right = st.columns(2)
with left:
    st.subheader(t("sec_chart_stock", lang))
    st.plotly_chart(stock_bars(table, lang), config={"displaylogo": False})
with right:
    st.subheader(t("sec_chart_flows", lang))
    st.plotly_chart(flow_bars(table, lang), config={"displaylogo": False})

# ---- 2. demand against supply ---------------------------------------------------------------------
st.header(t("sec_demand_header", lang))
st.caption(t("sec_demand_caption", lang))
cols = st.columns(4)
cols[0].metric(t("sec_m_vacancies", lang), count(totals["vacancies"]))
cols[1].metric(t("sec_m_job_seekers", lang), count(totals["job_seekers"]))
cols[2].metric(t("sec_m_gap", lang), fmt_delta(totals["gap"], "", lang) or "–", help=t("sec_gap_help", lang))
cols[3].metric(t("sec_m_ratio", lang), ratio(totals["ratio"]), help=t("sec_ratio_help", lang))
st.plotly_chart(supply_demand_bars(table, lang), config={"displaylogo": False})

demand_sectors = view.sectors or priority_sectors()
st.subheader(t("sec_where_header", lang))
st.caption(t("sec_where_caption", lang, n=WHERE_TOP, sectors=", ".join(demand_sectors),
             which=t("sec_where_selected" if view.sectors else "sec_where_priority", lang)))
where = data.sector_demand_by_commune(version, tuple(demand_sectors), start, end)
if commune_type:
    where = where[where["commune_code"].isin(load_communes().query("type == @commune_type")["code"])]
where = where.sort_values("vacancies", ascending=False).reset_index(drop=True)
shown = where.head(WHERE_TOP)
if view.commune and view.commune not in set(shown["commune_code"]):
    shown = pd.concat([shown, where[where["commune_code"] == view.commune]])
st.dataframe(pd.DataFrame({
    t("sec_col_rank", lang): [fmt_number(i + 1, lang) for i in shown.index],
    t("sec_col_commune", lang): [("▶ " if c == view.commune else "") + commune_label(c, lang) for c in shown["commune_code"]],
    t("sec_m_vacancies", lang): [count(v) for v in shown["vacancies"]],
    t("sec_m_job_seekers", lang): [count(v) for v in shown["job_seekers"]],
    t("sec_m_ratio", lang): [ratio(v) for v in shown["ratio"]],
    t("sec_col_share", lang): [fmt_percent_of(v, lang) for v in shown["share_of_city"]],
}), hide_index=True)

# ---- 3. forecast for the priority sectors ---------------------------------------------------------
st.header(t("sec_forecast_header", lang))
st.selectbox(t("sec_forecast_group", lang), (ALL_PRIORITY,) + PLAN_GROUPS, key="nhom",
             format_func=lambda g: t("sec_group_all", lang) if g == ALL_PRIORITY else group_names[g])
group = st.session_state["nhom"]
group_sectors = priority_sectors() if group == ALL_PRIORITY else priority_sectors((group,))
forecast_sectors = tuple(s for s in group_sectors if not view.sectors or s in view.sectors)
if not forecast_sectors:
    st.info(t("sec_forecast_outside_selection", lang))
else:
    st.caption(t("sec_forecast_caption", lang, sectors=", ".join(forecast_sectors), month=fmt_month(end, lang)))
    forecast_scope = Scope(communes=scope.communes, commune_type=scope.commune_type, sectors=forecast_sectors)
    with st.spinner(t("sec_forecast_running", lang)):
        forecasts = data.sector_forecast(version, forecast_scope, end)
    fan_cols = st.columns(2)
    for col, measure in zip(fan_cols, ("vacancies", "job_seekers")):
        fc = forecasts[measure]
        with col:
            if fc is None:
                st.info(t("sec_forecast_none", lang, measure=t(f"sec_m_{measure}", lang)))
                continue
            st.plotly_chart(forecast_fan(fc.frame, measure, lang), config={"displaylogo": False})
            st.caption(t("sec_model_line", lang, model=t(f"sec_model_{fc.model}", lang),
                         reason=t(f"sec_reason_{fc.reason}", lang),
                         mase=fmt_number(fc.mase, lang, 2), naive=fmt_number(fc.mase_naive, lang, 2)))
    ready = {m: f.future for m, f in forecasts.items() if f is not None}
    if ready:
        with st.expander(t("sec_forecast_table", lang)):
            rows = next(iter(ready.values()))[["period"]].copy()
            out = pd.DataFrame({t("sec_col_month", lang): [fmt_month(p, lang) for p in rows["period"]]})
            for measure, future in ready.items():
                label = t(f"sec_m_{measure}", lang)
                out[label] = [count(v) for v in future["value"]]
                out[f"{label} · 80%"] = [f"{count(a)} – {count(b)}" for a, b in zip(future["q10"], future["q90"])]
                out[f"{label} · 95%"] = [f"{count(a)} – {count(b)}" for a, b in zip(future["q025"], future["q975"])]
            st.dataframe(out, hide_index=True)

# ---- 4. sector x commune heat map -----------------------------------------------------------------
st.header(t("sec_heatmap_header", lang))
st.selectbox(t("sec_heatmap_measure", lang), SECTOR_MEASURES, key="chiso",
             format_func=lambda m: t(f"sec_m_{m}", lang))
measure = st.session_state["chiso"]
show_all = st.toggle(t("sec_heatmap_all", lang), value=False)
heat_scope = Scope(commune_type=commune_type, sectors=view.sectors or None)
matrix = data.sector_matrix(version, measure, heat_scope, start, end)
wide, total_rows = heatmap_rows(matrix, None if show_all else HEATMAP_TOP, view.commune,
                                lambda c: commune_label(c, lang))
st.caption(t("sec_heatmap_caption", lang, shown=fmt_number(len(wide), lang), total=fmt_number(total_rows, lang),
             measure=t(f"sec_m_{measure}", lang)))
if not wide.empty:
    st.plotly_chart(sector_heatmap(wide, names.to_dict(), measure, lang), config={"displaylogo": False})

# ---- the table behind it all ----------------------------------------------------------------------
with st.expander(t("sec_table", lang)):
    shown_table = pd.DataFrame({
        t("sec_col_sector", lang): [f"{c} – {n}" for c, n in zip(table["sector"], table["name_en" if lang == "en" else "name_vi"])],
        t("sec_col_priority", lang): ["★" if p else "" for p in table["plan_priority"]],
        **{t(f"sec_m_{m}", lang): [count(v) for v in table[m]]
           for m in ("employed", "bhxh_compulsory", "bhxh_new", "bhxh_lost")},
        t("sec_m_net_change", lang): [fmt_delta(v, "", lang) or "–" for v in table["net_change"]],
        t("sec_m_coverage", lang): [percent(v) for v in table["coverage"]],
        t("sec_m_vacancies", lang): [count(v) for v in table["vacancies"]],
        t("sec_m_job_seekers", lang): [count(v) for v in table["job_seekers"]],
        t("sec_m_gap", lang): [fmt_delta(v, "", lang) or "–" for v in table["gap"]],
        t("sec_m_ratio", lang): [ratio(v) for v in table["ratio"]],
    })
    st.dataframe(shown_table, hide_index=True)
    raw = table.drop(columns=["name_en"] if lang == "vi" else ["name_vi"])
    st.download_button(t("download_csv", lang), raw.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"nganh-{view.geo}-{start:%Y-%m}-{end:%Y-%m}.csv", mime="text/csv")

sync_to_url({"loai": "", "nhom": ALL_PRIORITY, "chiso": "vacancies"})
