"""Dữ liệu & phương pháp — which data the app serves, how it was checked, how fresh it is, how every KPI is
computed; downloads of every table (small counts suppressed) and the raw-data templates."""
import pandas as pd
import streamlit as st

from service import boundaries
from service.access import can_admin
from service.metadata import THRESHOLD
from ui import data
from ui.audit import api_url, download_links
from ui.auth import current_principal
from ui.boundary_upload import render_boundary_upload
from ui.completeness_view import render_completeness
from ui.context import current_view
from ui.map_view import boundaries as map_boundaries
from ui.safe import content_text
from ui.tables import missing_legend, show_frame, show_static, show_table
from i18n.formats import fmt_month, fmt_number, fmt_period, format_datetime
from i18n.strings import STRINGS, t

view = current_view()
lang = view.lang
info = data.version_info()
today = pd.Timestamp.today().normalize()
catalogue = data.catalogue()

admin = can_admin(current_principal())  # version names and pipeline commands are for administrators
st.title(t("dp_title", lang))
until = info.data_until
published = format_datetime(info.created_at, lang, "HH:mm dd/MM/yyyy")
until_text = fmt_month(until, lang) if until is not None else "–"
st.caption(t("dp_caption", lang, version=info.version, published=published, until=until_text) if admin
           else t("dp_caption_public", lang, published=published, until=until_text))
if info.real_rows:
    st.info(t("dp_mixed", lang, rows=fmt_number(info.real_rows, lang), sources=len(info.real_sources)))
else:
    st.info(t("dp_demo_only", lang) + (" " + t("dp_demo_only_admin", lang) if admin else ""))

fresh = data.freshness(today)
TEMPLATES = data.templates()
late = fresh[fresh["status"] == "late"]

tabs = st.tabs([t("dp_tab_sources", lang), t("dp_tab_reports", lang), t("dp_tab_freshness", lang),
                t("dp_tab_methods", lang), t("dp_tab_downloads", lang), t("dp_tab_templates", lang)]
               + ([t("dp_tab_boundaries", lang)] if admin else []))
tab_sources, tab_reports, tab_fresh, tab_methods, tab_downloads, tab_templates = tabs[:6]

with tab_sources:
    st.caption(t("dp_rules", lang))
    ingest = data.ingest_summary()
    log, reasons = ingest.log, ingest.reasons
    if log.empty:  # four zeros would read as a broken count: say it in words
        st.info(t("dp_no_ingest", lang))
    else:
        cols = st.columns(4)
        cols[0].metric(t("dp_files", lang), fmt_number(len(log), lang))
        cols[1].metric(t("dp_rows_in", lang), fmt_number(log["rows_in"].sum(), lang))
        cols[2].metric(t("dp_rows_accepted", lang), fmt_number(log["accepted"].sum(), lang))
        cols[3].metric(t("dp_rows_quarantined", lang), fmt_number(log["quarantined"].sum(), lang))
        label = f"label_{lang}"
        by_source = []
        for code, part in log[log["template"] != ""].groupby("template", sort=False):
            tpl = TEMPLATES[code]
            why = reasons[reasons["template"] == code].groupby(label)["rows"].sum().sort_values(ascending=False).head(3)
            rows_in = int(part["rows_in"].sum())
            by_source.append({
                t("dp_col_source", lang): tpl.name(lang),
                t("dp_col_files", lang): fmt_number(len(part), lang), t("dp_rows_in", lang): fmt_number(rows_in, lang),
                t("dp_rows_accepted", lang): fmt_number(part["accepted"].sum(), lang),
                t("dp_rows_quarantined", lang): fmt_number(part["quarantined"].sum(), lang),
                t("dp_col_share", lang): f"{fmt_number(100 * part['quarantined'].sum() / rows_in, lang, 1)}%" if rows_in else "–",
                t("dp_col_last", lang): format_datetime(pd.Timestamp(part["ingested_at"].max()), lang, "HH:mm dd/MM/yyyy"),
                t("dp_col_reasons", lang): "; ".join(f"{r} ({fmt_number(n, lang)})" for r, n in why.items()) or "–",
            })
        show_static(pd.DataFrame(by_source), lang)  # a static table wraps long names: nothing cut off
        with st.expander(t("dp_file_log", lang)):
            files = pd.DataFrame({
                t("dp_col_file", lang): log["file"],
                t("dp_col_source", lang): log["template"].map(lambda c: TEMPLATES[c].name(lang) if c in TEMPLATES else "–"),
                t("dp_col_result", lang): log["status"].map(lambda s: t(f"dp_status_{s}", lang)),
                t("dp_rows_in", lang): log["rows_in"].map(lambda n: fmt_number(n, lang)),
                t("dp_rows_accepted", lang): log["accepted"].map(lambda n: fmt_number(n, lang)),
                t("dp_rows_quarantined", lang): log["quarantined"].map(lambda n: fmt_number(n, lang)),
                t("dp_col_message", lang): log[f"message_{lang}"],
            })
            if "outliers_confirmed" in log.columns:  # outliers accepted on an explicit confirmation, with its reason
                files[t("dp_col_confirmed", lang)] = log["outliers_confirmed"].map(
                    lambda n: fmt_number(n, lang) if n == n and n else "–")
                files[t("dp_col_confirmation", lang)] = log["confirmation_reason"].fillna("").replace("", "–")
            show_frame(files, lang)
    st.subheader(t("dp_reconcile_title", lang))
    rec = data.reconciliation_city()
    if rec is None:
        st.caption(t("dp_no_reconcile", lang))
    else:
        last = rec.sort_values("period").iloc[-1]
        st.caption(t("dp_reconcile_caption", lang, month=fmt_month(last["period"], lang), k=THRESHOLD))
        cols = st.columns(2) + st.columns(2)
        for col, key, column in zip(cols, ("dp_rec_should", "dp_rec_unregistered", "dp_rec_dropped", "dp_rec_employers"),
                                    ("should_insure_not_insured", "insured_not_registered", "dropped_still_employed",
                                     "employers_flagged")):
            col.metric(t(key, lang), fmt_number(last[column], lang))

with tab_reports:  # "đủ": who has sent this period's reports, who is late, who has not
    render_completeness(view.area, lang, today)

with tab_fresh:
    st.caption(t("dp_fresh_caption", lang, today=format_datetime(today, lang, "dd/MM/yyyy")))
    if late.empty:
        st.success(t("dp_fresh_all_on_time", lang))
    else:
        st.warning(t("dp_fresh_late_warning", lang, n=len(late), names=", ".join(late[f"name_{lang}"])))

    def freshness_label(rec: pd.Series) -> str:
        if rec["status"] == "no_data":
            return t("dp_fresh_no_data", lang)
        text = t("dp_fresh_on_time", lang) if rec["status"] == "on_time" else t("dp_fresh_late", lang, n=int(rec["periods_late"]))
        return text + (f" ({t('dp_fresh_demo', lang)})" if rec["demo_only"] else "")

    grain = {"monthly": "month", "quarterly": "quarter", "annual": "year"}

    def period_label(period: pd.Timestamp, frequency: str) -> str:
        return fmt_period(period, grain[frequency], lang) if pd.notna(period) else "–"

    show_static(pd.DataFrame({
        t("col_indicator", lang): fresh[f"name_{lang}"],
        t("dp_col_frequency", lang): fresh["frequency"].map(lambda f: t(f"dp_freq_{f}", lang)),
        t("dp_col_last_period", lang): [period_label(p, f) for p, f in zip(fresh["last_period"], fresh["frequency"])],
        t("dp_col_expected", lang): [period_label(p, f) for p, f in zip(fresh["expected_period"], fresh["frequency"])],
        t("dp_col_freshness", lang): fresh.apply(freshness_label, axis=1),
        t("dp_col_data", lang): fresh["demo_only"].map(lambda d: t("dp_data_demo" if d else "dp_data_real", lang)),
        t("agency", lang): fresh["agency"],
    }), lang)

with tab_methods:
    st.caption(t("dp_methods_caption", lang))
    methods = data.methodology(lang)
    codes = methods["code"].tolist()
    chosen = st.selectbox(t("dp_pick_indicator", lang), codes, key="dp_indicator",
                          format_func=lambda c: f"{catalogue.get(c).section} · {catalogue.get(c).name(lang)}")
    card = methods.set_index("code").loc[chosen]
    st.markdown(f"**{card['indicator']}** ({card['unit']})  \n{card['definition']}")
    st.markdown(
        f"- **{t('dp_numerator', lang)}:** {card['numerator']}\n- **{t('dp_denominator', lang)}:** {card['denominator']}\n"
        f"- **{t('agency', lang)}:** {card['agency']} — {card['source']}\n- **{t('dp_frequency', lang)}:** {card['frequency']}; "
        f"{t('dp_lowest_geo', lang).lower()}: {card['lowest_geography']}\n- **{t('dp_caveats', lang)}:** {card['caveats']}\n"
        f"- **{t('plan_ref', lang)}:** {card['plan_reference']}\n"
        f"- **{t('dp_templates_of', lang)}:** {content_text(card['templates'])}")
    show_static(methods[["section", "indicator", "numerator", "denominator", "agency", "frequency"]].rename(columns={
        "section": "#", "indicator": t("col_indicator", lang), "numerator": t("dp_numerator", lang),
        "denominator": t("dp_denominator", lang), "agency": t("agency", lang), "frequency": t("dp_frequency", lang)}),
        lang)

with tab_downloads:
    tables = data.downloadable_tables()
    names = {name: t(f"dp_table_{name}", lang) if f"dp_table_{name}" in STRINGS else t("dp_table_other", lang, name=name)
             for name in tables}
    table = st.selectbox(t("dp_download_table", lang), tables, format_func=names.get, key="dp_table")
    measure = year = None
    if table == "facts":
        left, right = st.columns(2)
        label = {m: spec.name_en if lang == "en" else spec.name_vi for m, spec in catalogue.measures.items()}
        measure = left.selectbox(t("dp_download_measure", lang), sorted(label, key=label.get), key="dp_measure",
                                 format_func=label.get)
        year = right.selectbox(t("dp_download_year", lang), data.table_years(), key="dp_year")
    stored = data.export("bang", {"table": table, "measure": measure or "", "year": str(year or ""), "lang": lang}, lang)
    frame = stored.frame
    hidden = int(frame.filter(like="suppressed").to_numpy().sum()) if len(frame) else 0
    st.caption(t("dp_download_rows", lang, rows=fmt_number(len(frame), lang), hidden=fmt_number(hidden, lang), k=THRESHOLD))
    download_links("bang", {"table": table, "measure": measure, "year": year}, lang,
                   formats=("csv", "xlsx", "parquet") if len(frame) <= 1_048_575 else ("csv", "parquet"))
    with st.expander(t("dp_preview", lang)):
        show_table(stored, lang, limit=200)
        missing_legend(lang)

with tab_templates:
    st.caption(t("dp_templates_caption", lang))
    for tpl in TEMPLATES.values():  # declarations are content (store/templates/): shown as written, never as Markdown
        with st.expander(content_text(tpl.name(lang))):
            cadence = f"dp_freq_{tpl.cadence}"
            st.markdown(content_text(tpl.description(lang)) + "  \n" + t(
                "dp_template_meta", lang, agency=content_text(tpl.agency(lang)),
                cadence=t(cadence, lang).lower(), days=tpl.due_days, code=tpl.code))
            if tpl.level == "person":
                st.warning(t("dp_template_person", lang), icon=":material/shield_person:")
            guide, rules = data.template_guide(tpl.code, lang)
            show_frame(pd.DataFrame({
                t("dp_col_header", lang): guide["header"] + (" / " + guide["header_en"] if lang == "en" else ""),
                t("dp_col_required", lang): guide["required"], t("dp_col_note", lang): guide["note"],
                t("dp_col_example", lang): guide["example"]}), lang)
            if rules:
                st.markdown(f"**{t('dp_rules_of_template', lang)}:** " + "; ".join(content_text(r) for r in rules))
            st.link_button(t("dp_template_download", lang), api_url(f"templates/{tpl.code}.xlsx"),
                           icon=":material/download:")

if admin:  # the commune boundaries: an administrator's upload, validated before use, versioned, audited
    with tabs[6]:
        caller = data.caller()
        render_boundary_upload(
            lang, on_upload=lambda r: boundaries.upload_boundaries(caller, r.data, r.file_name, name=r.name, crs=r.crs,
                                                                   code_property=r.code_property, serve=r.serve),
            sets=lambda: boundaries.boundary_sets(caller), on_switch=lambda set_id: boundaries.switch_boundaries(caller, set_id),
            on_rollback=lambda: boundaries.rollback_boundaries(caller), serving=map_boundaries().provenance(lang))
