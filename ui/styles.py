"""Styles every page shares: a visible focus ring for keyboard users (issue 15, accessibility).

Streamlit draws no focus mark on some elements (the sidebar's page links among them), so a keyboard user
cannot see where they are. One rule here, applied by the dashboard script on every run, covers them all.
"""
from __future__ import annotations

import streamlit as st

FOCUS_CSS = """<style>
a:focus-visible, button:focus-visible, [role="tab"]:focus-visible, [tabindex]:focus-visible,
[data-testid="stSidebarNav"] a:focus-visible, [data-testid="stSidebarNavLink"]:focus-visible {
  outline: 2px solid #1d4ed8 !important;
  outline-offset: 2px;
}
</style>"""


def apply_shared_styles() -> None:
    """Add the shared style sheet to the page (a style-only st.html takes no space)."""
    st.html(FOCUS_CSS)
