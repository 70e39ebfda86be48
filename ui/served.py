"""The banner shown when the served data version is not the one the pointer names (it was damaged, so
the newest valid kept version is served instead; store/versions.py decides, service/versions.py says)."""
from __future__ import annotations

import streamlit as st

from i18n.strings import t
from service.versions import serving_problem


def show_fallback_banner(lang: str) -> None:
    problem = serving_problem()
    if problem is not None:
        if st.session_state.get("_fallback_recorded") != problem.asked:
            from ui import audit

            st.session_state["_fallback_recorded"] = problem.asked
            audit.record("incident", params={"kind": "served_fallback", "asked": problem.asked,
                                             "served": problem.served, "problem": problem.problem_en})
        st.warning(t("served_fallback", lang, served=problem.served, asked=problem.asked or "–"),
                   icon=":material/warning:")
