"""Nhật ký khai thác dữ liệu — the audit trail of data use (seed 004), for administrators only."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from i18n.formats import TIMEZONE, fmt_number
from i18n.strings import t
from service.metadata import AUDIT_ACTIONS
from ui import data
from ui.audit import download_links, event_table
from ui.context import current_view
from ui.tables import show_frame
from ui.state import seed_from_url, seed_list_from_url, show_url_notices, sync_to_url

view = current_view()
lang = view.lang
st.title(t("audit_title", lang))
periods = ("1", "7", "30", "90", "365")
seed_from_url("so_ngay", periods, "7")
today = pd.Timestamp.now(tz=TIMEZONE).date()
start = today - timedelta(days=int(st.session_state["so_ngay"]) - 1)
everyone = data.audit_events(start, today, asked_at=pd.Timestamp.now(tz="UTC").to_pydatetime())
seed_list_from_url("nguoi_dung", everyone.users)
seed_list_from_url("hanh_dong", AUDIT_ACTIONS)
show_url_notices(lang)
st.caption(t("audit_caption_plain", lang))
if everyone.damaged:
    st.warning(t("audit_damaged", lang, n=everyone.damaged))

left, middle, right = st.columns([1, 2, 2])
left.selectbox(t("audit_period", lang), periods, key="so_ngay", format_func=lambda d: t("audit_last_days", lang, n=d))
middle.multiselect(t("audit_col_user", lang), everyone.users, key="nguoi_dung", placeholder=t("audit_all", lang))
right.multiselect(t("audit_col_action", lang), AUDIT_ACTIONS, key="hanh_dong", placeholder=t("audit_all", lang),
                  format_func=lambda a: t(f"audit_action_{a}", lang))
sync_to_url({"so_ngay": "7", "nguoi_dung": [], "hanh_dong": []})

users, actions = st.session_state["nguoi_dung"], st.session_state["hanh_dong"]
chosen = [e for e in everyone.events if (not users or e.get("user") in users) and (not actions or e.get("action") in actions)]
counts = pd.Series([e["action"] for e in chosen], dtype="object").value_counts()
cols = st.columns(4)
cols[0].metric(t("audit_events", lang), fmt_number(len(chosen), lang))
cols[1].metric(t("audit_users", lang), fmt_number(len({e.get("user") for e in chosen}), lang))
cols[2].metric(t("audit_takeaways", lang), fmt_number(int(counts.get("download", 0) + counts.get("export", 0)), lang))
cols[3].metric(t("audit_denied", lang), fmt_number(int(counts.get("denied", 0)), lang))
show_frame(event_table(chosen, lang), lang, height=560)
download_links("nhat-ky", {"days": st.session_state["so_ngay"]}, lang)
