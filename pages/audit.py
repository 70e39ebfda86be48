"""Nhật ký khai thác dữ liệu — the audit trail of data use (seed 004), for administrators only."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from service.access import can_admin
from store.audit import ACTIONS, default_log
from ui.audit import download_button, event_table, filter_events
from ui.auth import current_principal
from ui.context import current_view
from i18n.formats import TIMEZONE, fmt_number
from i18n.strings import t
from ui.state import seed_from_url, seed_list_from_url, show_url_notices, sync_to_url

view = current_view()
lang = view.lang
if not can_admin(current_principal()):
    st.error(t("audit_not_admin", lang), icon=":material/lock:")
    st.stop()

st.title(t("audit_title", lang))
log = default_log()
trail = log.read()
st.caption(t("audit_caption", lang, folder=str(log.directory), files=len(log.files()),
             keep=log.keep, size=fmt_number(log.max_bytes / 1e6, lang, 1)))
if trail.damaged:
    st.warning(t("audit_damaged", lang, n=trail.damaged))

users = sorted({e.get("user", "") for e in trail.events})
periods = ("1", "7", "30", "90", "365")
seed_from_url("so_ngay", periods, "7")
seed_list_from_url("nguoi_dung", users)
seed_list_from_url("hanh_dong", ACTIONS)
show_url_notices(lang)
left, middle, right = st.columns([1, 2, 2])
left.selectbox(t("audit_period", lang), periods, key="so_ngay", format_func=lambda d: t("audit_last_days", lang, n=d))
middle.multiselect(t("audit_col_user", lang), users, key="nguoi_dung", placeholder=t("audit_all", lang))
right.multiselect(t("audit_col_action", lang), ACTIONS, key="hanh_dong", placeholder=t("audit_all", lang),
                  format_func=lambda a: t(f"audit_action_{a}", lang))
sync_to_url({"so_ngay": "7", "nguoi_dung": [], "hanh_dong": []})

today = pd.Timestamp.now(tz=TIMEZONE).date()
start = today - timedelta(days=int(st.session_state["so_ngay"]) - 1)
chosen = filter_events(trail.events, st.session_state["nguoi_dung"], st.session_state["hanh_dong"], start, today)

counts = pd.Series([e["action"] for e in chosen], dtype="object").value_counts()
cols = st.columns(4)
cols[0].metric(t("audit_events", lang), fmt_number(len(chosen), lang))
cols[1].metric(t("audit_users", lang), fmt_number(len({e.get("user") for e in chosen}), lang))
cols[2].metric(t("audit_takeaways", lang), fmt_number(int(counts.get("download", 0) + counts.get("export", 0)), lang))
cols[3].metric(t("audit_denied", lang), fmt_number(int(counts.get("denied", 0)), lang))

table = event_table(chosen, lang)
st.dataframe(table, hide_index=True, width="stretch", height=560)
download_button(t("download_csv", lang), table.to_csv(index=False).encode("utf-8-sig"),
                file_name=f"nhat-ky-{start:%Y%m%d}-{today:%Y%m%d}.csv", mime="text/csv",
                params={"so_ngay": st.session_state["so_ngay"]}, rows=len(table))
