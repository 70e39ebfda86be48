"""Dự báo 2030 — for the city or one commune: a fan chart per KPI to 2030 against the target, the
probability of reaching it and the status it implies (the same status as the Overview, from
`indicators.status`), a plain-words model card, and sortable tables of every KPI and every commune.

Forecasts and verdicts are derived when the data is published and stored with the version
(`indicators.verdicts`); this page only reads them, so every status here is the one every other surface
shows for the same KPI, area and month (the last month of data). Page control, mirrored in the URL: `chi_tieu` (the KPI shown in the fan chart).
"""
import re

import pandas as pd
import streamlit as st

from i18n.formats import target_text, value_text
from service import Period
from service.metadata import BACKTEST_HORIZON, MODELS, RULE_TEXT
from ui import data
from ui.audit import download_links
from ui.charts import fan_figure
from ui.context import commune_label, current_view
from i18n.formats import fmt_month, fmt_number, fmt_percent_of, fmt_period
from i18n.strings import t
from ui.auth import is_admin
from ui.refresh import rerun_when_a_new_version_is_served
from ui.version_note import version_note
from ui.scorecard_view import status_badge
from ui.state import seed_from_url, show_url_notices, sync_to_url

DEFAULT_KPI = "unemployment_rate"

view = current_view()
lang = view.lang
version = data.version()
catalogue = data.catalogue()
codes = list(catalogue.codes)
area = view.area

seed_from_url("chi_tieu", codes, DEFAULT_KPI)
show_url_notices(lang)

st.title(t("fc_title", lang))
forecasts = data.forecasts(area)
rows = data.scorecard(area, Period("month", data.data_until(version)))
statuses = {r.indicator.code: r.assessment for r in rows}
if any(r.data_status == "demo" for r in rows):
    st.warning(t("demo_banner", lang), icon=":material/science:")
if forecasts.empty:
    st.info(t("fc_none", lang) + ("\n\n" + t("fc_none_admin", lang) if is_admin() else ""))
    rerun_when_a_new_version_is_served(version)
    with st.expander(t("status_rule", lang)):
        st.markdown(RULE_TEXT[lang])
    sync_to_url({"chi_tieu": DEFAULT_KPI})
    st.stop()

data_until = pd.Timestamp(forecasts["data_until"].iloc[0])
st.caption(t("fc_caption", lang, area=view.geo_name(), until=fmt_month(data_until, lang), version=version_note(lang)))
notes = [t("fc_until_note", lang, until=fmt_month(data_until, lang))]
if view.sectors:
    notes.append(t("fc_sector_note", lang))
st.caption(" ".join(notes))

st.selectbox(t("fc_kpi", lang), codes, key="chi_tieu", format_func=lambda c: catalogue.get(c).name(lang))
code = st.session_state["chi_tieu"]
ind = catalogue.get(code)
target = data.target(code, area)
assessment = statuses[code]
found = forecasts[forecasts["indicator"] == code]


def source_host(sources: str) -> str:
    """Where a published figure comes from, short: the sites of its sources ("nhandan.com.vn, …")."""
    hosts = [re.sub(r"^(?:https?://)?(?:www\.)?([^/]+).*$", r"\1", s.strip()) for s in sources.split(" | ")]
    return ", ".join(dict.fromkeys(h for h in hosts if h))


def model_name(model: str, short: bool = False) -> str:
    return t(f"fc_{'short' if short else 'model'}_{model}", lang)


def status_line() -> str:
    basis = t(f"fc_status_basis_{assessment.basis}", lang)
    return f"{t('fc_status', lang)}: {status_badge(assessment.status, lang)} ({basis})"


st.subheader(ind.name(lang))
if found.empty:
    st.info(t("fc_no_forecast_kpi", lang, area=view.geo_name()))
    st.markdown(status_line())
else:
    fc = found.iloc[0]
    chart, facts = st.columns([2, 1])
    paths = data.forecast_paths(code, area)
    chart.plotly_chart(fan_figure(ind, paths, fc["grain"], fc["basis"], target, lang), width="stretch",
                       key=f"fan-{code}-{area.key}")
    with facts:
        if target is not None and pd.notna(fc["probability"]):
            st.metric(t("fc_probability", lang), fmt_percent_of(float(fc["probability"]), lang),
                      help=t("fc_probability_help", lang, n=fmt_number(fc["n_paths"], lang)))
        else:
            st.info(t("fc_no_target", lang, area=view.geo_name()))
        expected = "fc_expected_total" if fc["basis"] == "annual_total" else "fc_expected"
        st.metric(t(expected, lang), value_text(ind, fc["value_2030"], lang))
        st.caption(t("fc_interval", lang, lo80=value_text(ind, fc["lo80"], lang), hi80=value_text(ind, fc["hi80"], lang),
                     lo95=value_text(ind, fc["lo95"], lang), hi95=value_text(ind, fc["hi95"], lang)))
        st.markdown(status_line())
        if target is not None:
            st.markdown(t("fc_target_line", lang, target=target_text(ind, target, lang)))
            if bool(fc["meets_now"]) if pd.notna(fc["meets_now"]) else False:
                st.markdown(t("fc_met_now", lang))
            elif pd.notna(fc["crossing_year"]):
                st.markdown(t("fc_crossing", lang, year=int(fc["crossing_year"])))
            else:
                st.markdown(t("fc_not_crossing", lang))

    with st.container(border=True):
        st.markdown(f"#### {t('fc_model_card', lang)}")
        card = [t("fc_card_model", lang, model=model_name(fc["model"]))]
        scored = [m for m in MODELS if pd.notna(fc.get(f"mase_{m}"))]
        horizon = BACKTEST_HORIZON[fc["grain"]]
        if fc["reason"] in ("constant", "not_scorable"):
            card.append(t("fc_card_constant", lang))
        else:
            card.append(t("fc_card_selection", lang, n_models=len(scored), origins=max(int(fc["backtest_points"]) // horizon, 1),
                          h=horizon, points=int(fc["backtest_points"]), mase=fmt_number(fc["mase"], lang, 2),
                          mase_naive=fmt_number(fc["mase_naive"], lang, 2)))
            card.append(t("fc_card_baseline", lang) if fc["baseline_kept"] else t("fc_card_beats", lang))
            coverage = t("fc_card_coverage", lang, cov80=fmt_percent_of(fc["coverage80"], lang),
                         cov95=fmt_percent_of(fc["coverage95"], lang))
            if fc["widening"] > 1.005:
                coverage += " " + t("fc_card_widened", lang, factor=fmt_number(fc["widening"], lang, 2))
            card.append(coverage)
        card.append(t("fc_card_data", lang, n=int(fc["n_obs"]), unit=t(f"fc_unit_{fc['grain']}", lang),
                      first=fmt_period(fc["first_period"], fc["grain"], lang),
                      last=fmt_period(fc["last_period"], fc["grain"], lang),
                      basis=t(f"fc_basis_{fc['basis']}", lang), paths=fmt_number(fc["n_paths"], lang)))
        if any(r.data_status == "demo" for r in rows):
            card.append(t("fc_card_demo", lang))
        st.markdown("\n".join(f"- {line}" for line in card))

# ---- every KPI of the area ----------------------------------------------------------------------------
st.subheader(t("fc_table", lang, area=view.geo_name()))
by_code = forecasts.set_index("indicator")
records = []
for ind_ in catalogue.indicators:
    fc_ = by_code.loc[ind_.code] if ind_.code in by_code.index else None
    target_ = data.target(ind_.code, area)
    records.append({
        t("col_indicator", lang): ind_.name(lang),
        t("col_status", lang): t("status_" + statuses[ind_.code].status, lang),
        t("fc_col_probability", lang): (None if fc_ is None or pd.isna(fc_["probability"]) else round(float(fc_["probability"]) * 100)),
        t("fc_col_expected", lang): "–" if fc_ is None else value_text(ind_, fc_["value_2030"], lang),
        t("col_target", lang): target_text(ind_, target_, lang),
        t("fc_col_interval", lang): "–" if fc_ is None else
            f"{value_text(ind_, fc_['lo80'], lang)} – {value_text(ind_, fc_['hi80'], lang)}",
        t("fc_col_model", lang): t("fc_no_forecast", lang) if fc_ is None else model_name(fc_["model"], short=True),
        t("fc_col_vs_naive", lang): "–" if fc_ is None else t("fc_kept" if fc_["baseline_kept"] else "fc_beats", lang),
    })
table = pd.DataFrame(records)
st.dataframe(table, hide_index=True, width="stretch", column_config={
    t("fc_col_probability", lang): st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=100)})
download_links("du-bao", {"area": area.key}, lang)

# ---- the chosen KPI in every commune ------------------------------------------------------------------
spread = data.forecast_communes(code)
if not spread.empty:
    st.subheader(t("fc_communes_table", lang, indicator=ind.name(lang)))
    spread = spread.dropna(subset=["model"])
    ranking = pd.DataFrame({
        t("pl_col_commune", lang): [commune_label(c, lang) for c in spread["geo"]],
        t("fc_col_probability", lang): [None if pd.isna(p) else round(float(p) * 100) for p in spread["probability"]],
        t("fc_col_expected", lang): [value_text(ind, v, lang) for v in spread["value_2030"]],
        t("col_status", lang): [t("status_" + v, lang) for v in spread["verdict"]],  # stored
        t("fc_col_model", lang): [model_name(m, short=True) for m in spread["model"]],
    }).sort_values(t("fc_col_probability", lang), na_position="last")
    st.dataframe(ranking, hide_index=True, width="stretch", height=320, column_config={
        t("fc_col_probability", lang): st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=100)})

# ---- the city's real published figures: forecast only with five years of them -----------------------
official = data.official_forecasts()
if area.is_city and not official.empty:
    st.subheader(t("fc_official_title", lang))
    st.caption(t("fc_official_caption", lang))
    shown = []
    for row in official.itertuples():
        ind_ = catalogue.get(row.indicator)
        if bool(row.enough) and pd.notna(row.value_2030):
            outlook = [value_text(ind_, row.value_2030, lang)]
            if pd.notna(row.lo80):
                outlook.append(f"80%: {value_text(ind_, row.lo80, lang)} – {value_text(ind_, row.hi80, lang)}")
            if isinstance(row.verdict, str):
                outlook.append(t(f"status_{row.verdict}", lang))
            outlook = " · ".join(outlook)
        else:
            outlook = t("fc_official_not_enough", lang, n=int(row.n_points))
        shown.append({
            t("col_indicator", lang): ind_.name(lang),
            t("fc_official_years", lang): row.years,
            t("fc_official_gaps", lang): row.gaps or "–",
            t("fc_official_last", lang): f"{value_text(ind_, row.last_value, lang)} ({row.last_year})",
            t("col_data_status", lang): t(f"data_{row.status}", lang),
            t("fc_official_outlook", lang): outlook,
            t("fc_official_source", lang): source_host(str(row.source)),
        })
    st.table(pd.DataFrame(shown), hide_index=True)  # a static table wraps: every column and row in view

with st.expander(t("status_rule", lang)):
    st.markdown(RULE_TEXT[lang])

sync_to_url({"chi_tieu": DEFAULT_KPI})
