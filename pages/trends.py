"""Xu hướng — KPIs over time for the city, up to 8 communes or a commune type, and plan completion.

Follows the global view (language, period type, last month, sectors; the sidebar's commune seeds the
comparison). Page controls, mirrored in the URL: `ds_chi_tieu` (KPIs, comma-separated), `pham_vi`
(thanh_pho | so_sanh | loai_dv), `so_sanh` (commune codes), `loai_dv` (phuong | xa), and for the plan
tab `ke_hoach` (indicator) and `nam` (year).
"""
import pandas as pd
import streamlit as st

from service import Area
from service.metadata import PLAN_INDICATORS
from ui import data
from ui.audit import download_links
from ui.auth import commune_options
from ui.charts import (
    TrendLine, complete_periods, place_published, plan_figure, plan_share_figure, trend_figure, value_text,
)
from ui.context import commune_label, current_view
from i18n.formats import fmt_delta, fmt_month, fmt_number, fmt_percent_of, fmt_period
from i18n.strings import t
from ui.tables import show_frame, show_static
from ui.state import seed_from_url, seed_list_from_url, show_url_notices, sync_to_url

DEFAULT_KPIS = ["unemployment_rate", "unemployment_urban", "bhxh_compulsory_share", "bhxh_voluntary_share",
                "bhtn_share", "bhyt_coverage"]
MODES = ("thanh_pho", "so_sanh", "loai_dv")
TYPES = ("phuong", "xa")
MAX_COMMUNES = 8
START = pd.Timestamp(2020, 1, 1)

view = current_view()
lang = view.lang
catalogue = data.catalogue()
codes = list(catalogue.codes)
communes = commune_options(data.commune_table()["code"].tolist())  # only communes this user may see in detail
until = view.period.end
home = view.area.code if view.area.is_commune else ""
years = list(range(until.year, START.year - 1, -1))

# ---- page controls, seeded once from the URL -----------------------------------------------------------
if "ds_chi_tieu" not in st.session_state and st.query_params.get("ds_chi_tieu") is None:
    st.session_state["ds_chi_tieu"] = list(DEFAULT_KPIS)
seed_list_from_url("ds_chi_tieu", codes)
if not st.session_state["ds_chi_tieu"] and st.query_params.get("ds_chi_tieu") is not None:
    st.session_state["ds_chi_tieu"] = list(DEFAULT_KPIS)  # nothing usable in the link: the defaults
seed_from_url("pham_vi", MODES, "so_sanh" if home else "thanh_pho")
if "so_sanh" not in st.session_state and st.query_params.get("so_sanh") is None:
    st.session_state["so_sanh"] = [home] if home else []
seed_list_from_url("so_sanh", communes)
if len(st.session_state["so_sanh"]) > MAX_COMMUNES:
    st.session_state["so_sanh"] = st.session_state["so_sanh"][:MAX_COMMUNES]
    st.info(t("tr_too_many", lang))
seed_from_url("loai_dv", TYPES, "phuong")
seed_from_url("ke_hoach", PLAN_INDICATORS, "new_jobs")
seed_from_url("nam", [str(y) for y in years], str(until.year))
show_url_notices(lang)


def area_name() -> str:
    mode = st.session_state["pham_vi"]
    if mode == "so_sanh":
        return ", ".join(commune_label(c, lang) for c in st.session_state["so_sanh"]) or t("tr_mode_so_sanh", lang)
    if mode == "loai_dv":
        return t(f"tr_type_{st.session_state['loai_dv']}", lang)
    return t("whole_city", lang)


st.title(t("tr_title", lang))
tab_trends, tab_plan = st.tabs([t("tr_tab_trends", lang), t("tr_tab_plan", lang)])

# ---- trends -------------------------------------------------------------------------------------------
with tab_trends:
    st.multiselect(t("tr_kpis", lang), codes, key="ds_chi_tieu", help=t("tr_kpis_help", lang),
                   format_func=lambda c: catalogue.get(c).name(lang))
    left, right = st.columns([2, 3])
    left.radio(t("tr_area_mode", lang), MODES, key="pham_vi", format_func=lambda m: t(f"tr_mode_{m}", lang))
    mode = st.session_state["pham_vi"]
    with right:
        if mode == "so_sanh":
            st.multiselect(t("tr_communes", lang), communes, key="so_sanh", max_selections=MAX_COMMUNES,
                           format_func=lambda c: commune_label(c, lang), placeholder=t("tr_communes_placeholder", lang))
        elif mode == "loai_dv":
            st.segmented_control(t("tr_type", lang), TYPES, key="loai_dv", required=True,
                                 format_func=lambda c: t(f"tr_type_{c}", lang))
    st.caption(t("tr_caption", lang, area=area_name(), grain=t(f"grain_{view.period.grain}", lang),
                 until=fmt_month(until, lang), version=data.version()))

    chosen = [c for c in st.session_state["ds_chi_tieu"] if c in codes]
    selected = list(st.session_state["so_sanh"])
    sectors = view.sectors
    grain = view.period.grain
    if not chosen:
        st.info(t("tr_no_kpi", lang))
    elif mode == "so_sanh" and not selected:
        st.info(t("tr_pick_commune", lang))
    else:
        if mode == "so_sanh":
            frame = data.series_by_commune(tuple(chosen), tuple(Area.commune(c) for c in selected), grain, START,
                                           until, sectors)
        elif mode == "loai_dv":
            frame = data.series(tuple(chosen), Area.group(st.session_state["loai_dv"]), grain, START, until, sectors)
        else:
            frame = data.series(tuple(chosen), Area.CITY, grain, START, until, sectors)
        if (frame["status"] == "demo").any():
            st.warning(t("demo_banner", lang), icon=":material/science:")
        st.caption(t("tr_marks_note", lang))
        published = data.published_figures()
        columns = st.columns(2)
        for i, code in enumerate(chosen):
            ind = catalogue.get(code)
            part = frame[frame["indicator"] == code]
            demo = f" ({t('tr_demo_suffix', lang)})" if (part["status"] == "demo").any() else ""
            part = complete_periods(part, grain, ind.kind == "count" and not catalogue.is_stock(code))
            if mode == "so_sanh":
                lines = [TrendLine(commune_label(c, lang) + demo, part[part["commune_code"] == c]) for c in selected]
                own = {c: data.target(code, Area.commune(c)) for c in selected}
                found = [tg for tg in own.values() if tg is not None]
                same = len(found) == len(selected) and len({(tg.low, tg.high) for tg in found}) == 1
                targets = [(found[0], "")] if same else [
                    (tg, t("tr_target_own", lang, area=commune_label(c, lang))) for c, tg in own.items() if tg is not None]
            else:
                lines = [TrendLine(area_name() + demo, part)]
                target = data.target(code, Area.CITY)
                if mode == "loai_dv" and ind.kind == "count":
                    target = None  # a city count target is not a target for part of the city
                targets = [(target, "")] if target is not None else []
            placed = None
            if mode == "thanh_pho":
                stock_or_rate = ind.kind != "count" or catalogue.is_stock(code)
                placed = place_published(published, ind, stock_or_rate, grain, lang)
            with columns[i % 2]:
                st.markdown(f"#### {ind.name(lang)}")
                if part["value"].notna().sum() == 0:
                    st.info(t("tr_no_data", lang))
                    continue
                survey = catalogue.is_survey(code)
                fig = trend_figure(ind, lines, grain, lang, survey, targets, placed)
                st.plotly_chart(fig, width="stretch", key=f"trend-{code}")
                notes = []
                if survey and part["se"].notna().any():
                    notes.append(t("tr_band_note", lang))
                if sectors and not catalogue.has_sector_breakdown(code):
                    notes.append(t("sector_not_applicable", lang))
                if not targets and ind.kind == "count" and mode != "thanh_pho" and data.target(code, Area.CITY) is not None:
                    notes.append(t("tr_no_target_count", lang))
                if notes:
                    st.caption(" ".join(notes))
                if placed is not None and not placed.empty:
                    st.markdown(f"**{t('tr_published_table', lang)}**")
                    table = pd.DataFrame({
                        t("tr_col_period", lang): placed["label"],
                        t("tr_col_value", lang): [value_text(ind, v, lang) for v in placed["value"]],
                        t("tr_col_status", lang): [t("data_" + s, lang) for s in placed["status"]],
                        t("tr_col_source", lang): placed["source_url"],
                    })
                    show_frame(table, lang, column_config={t("tr_col_source", lang): st.column_config.LinkColumn(
                                     display_text=r"https?://(?:www\.|m\.|amp\.)?([^/]+)")})

# ---- plan completion ----------------------------------------------------------------------------------
with tab_plan:
    area = view.area
    left, right = st.columns([3, 1])
    left.selectbox(t("pl_indicator", lang), PLAN_INDICATORS, key="ke_hoach",
                   format_func=lambda c: catalogue.get(c).name(lang))
    right.selectbox(t("pl_year", lang), [str(y) for y in years], key="nam")
    code, year = st.session_state["ke_hoach"], int(st.session_state["nam"])
    ind = catalogue.get(code)
    progress = data.plan_progress(code, year, area)
    plan = data.plan_line(code, year, area)
    st.subheader(t("pl_header", lang, indicator=ind.name(lang), area=view.geo_name(), year=year))
    known = progress.dropna(subset=["ytd"])
    if known.empty:
        st.info(t("pl_no_data", lang, year=year, area=view.geo_name()))
    else:
        last = known.iloc[-1]
        month = int(last["month"])
        month_label = fmt_month(pd.Timestamp(year, month, 1), lang)
        delta = None if pd.isna(last["ytd_last_year"]) else last["ytd"] - last["ytd_last_year"]
        a, b, c = st.columns(3)
        a.metric(t("pl_ytd_metric", lang, month=month_label), value_text(ind, last["ytd"], lang),
                 delta=f"{fmt_delta(delta, ind.unit, lang)} {t('pl_vs_last_year', lang)}" if delta is not None else None)
        if plan is not None:
            share_delta = None if pd.isna(last["share_last_year"]) else (last["share"] - last["share_last_year"]) * 100
            b.metric(t("pl_share_metric", lang), fmt_percent_of(last["share"], lang),
                     delta=f"{fmt_delta(share_delta, '%', lang)} {t('pl_vs_last_year', lang)}" if share_delta is not None else None)
            c.metric(t("pl_plan_metric", lang, year=year), value_text(ind, plan.value, lang))
            kind = t(f"pl_kind_{plan.kind}", lang) + (f" · {t('data_demo', lang)}" if plan.status == "demo" else "")
            st.caption(t("pl_plan_source", lang, kind=kind, source=plan.source))
        else:
            st.info(t("pl_no_plan", lang, year=year, area=view.geo_name()))
        plan_label = None
        if plan is not None:
            plan_label = t("pl_plan_metric" if plan.kind == "annual_plan" else "pl_line_yearly_target", lang, year=year)
        scheduled = progress["quarter_plan"].notna().all()
        one, two = st.columns(2)
        one.plotly_chart(plan_figure(ind, progress, year, plan_label, lang, t("pl_chart_cumulative", lang),
                                     pace_label=t("ch_pace_quarters" if scheduled else "ch_pace", lang)),
                         width="stretch", key="plan-cumulative")
        if plan is not None:
            two.plotly_chart(plan_share_figure(progress, year, lang, t("pl_chart_share", lang)), width="stretch",
                             key="plan-share")

        if scheduled:  # the plan's own schedule by quarter (seed 003): each quarter against its plan
            quarters = known.groupby("quarter").tail(1)
            st.markdown(f"**{t('pl_quarters', lang, year=year)}**")
            show_static(pd.DataFrame({
                t("pl_col_quarter", lang): [fmt_period(pd.Timestamp(year, 3 * q, 1), "quarter", lang)
                                            for q in quarters["quarter"]],
                t("pl_col_quarter_value", lang): [fmt_number(v, lang) for v in quarters["quarter_value"]],
                t("pl_col_quarter_plan", lang): [fmt_number(v, lang) for v in quarters["quarter_plan"]],
                t("pl_col_share", lang): [fmt_percent_of(v, lang) for v in quarters["quarter_share"]],
            }), lang)

        st.markdown(f"**{t('pl_overview', lang, area=view.geo_name(), month=month_label)}**")
        overview = data.plan_overview(year, month, area)
        table = pd.DataFrame({
            t("col_indicator", lang): [catalogue.get(c).name(lang) for c in overview["indicator"]],
            t("pl_col_ytd", lang): [fmt_number(v, lang) for v in overview["ytd"]],
            t("pl_col_plan", lang): [fmt_number(v, lang) for v in overview["plan"]],
            t("pl_col_share", lang): [fmt_percent_of(v, lang) for v in overview["share"]],
            t("pl_col_ytd_last", lang): [fmt_number(v, lang) for v in overview["ytd_last_year"]],
            t("pl_col_share_last", lang): [fmt_percent_of(v, lang) for v in overview["share_last_year"]],
            t("pl_col_quarter_share", lang): [fmt_percent_of(v, lang) for v in overview["quarter_share"]],
            t("pl_col_basis", lang): [t("pl_plan_metric", lang, year=year) if k == "annual_plan" else
                                      t("pl_line_yearly_target", lang) if k == "yearly_target" else "–"
                                      for k in overview["plan_kind"]],
        })
        show_frame(table, lang)

        if area.is_city:
            completion = data.commune_completion(code, year, month)
            if not completion.empty:
                st.markdown(f"**{t('pl_communes', lang, year=year, month=month_label)}**")
                st.caption(t("pl_communes_demo", lang))
                # counts as vi-VN text; shares as whole percents (no separator), so they still sort as numbers
                shown = pd.DataFrame({
                    t("pl_col_commune", lang): [commune_label(c, lang) for c in completion["commune_code"]],
                    t("pl_col_share", lang): (completion["share"] * 100).round(),
                    t("pl_col_ytd", lang): [fmt_number(v, lang) for v in completion["ytd"]],
                    t("pl_col_plan", lang): [fmt_number(v, lang) for v in completion["plan"]],
                    t("pl_col_share_last", lang): (completion["share_last_year"] * 100).round(),
                })
                show_frame(shown, lang, decimals={t("pl_col_share", lang): 0, t("pl_col_share_last", lang): 0},
                           height=320, column_config={
                    t("pl_col_share", lang): st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=150),
                    t("pl_col_share_last", lang): st.column_config.NumberColumn(format="%.0f%%"),
                })
                download_links("ke-hoach", {"indicator": code, "year": year, "month": month}, lang)

sync_to_url({"ds_chi_tieu": list(DEFAULT_KPIS), "pham_vi": "so_sanh" if home else "thanh_pho",
             "so_sanh": [home] if home else [], "loai_dv": "phuong", "ke_hoach": "new_jobs",
             "nam": str(until.year)})
