"""Waiting for a publish: a page that lacks something a running batch will publish (the first start's
forecasts) reruns by itself when a new version is served, instead of asking the user to reload."""
from __future__ import annotations

import streamlit as st

from ui import data

CHECK_SECONDS = 15


def rerun_when_a_new_version_is_served(shown: str, seconds: int = CHECK_SECONDS) -> None:
    """Check the served version every `seconds` (a small file read) and rerun the page when it changes."""

    @st.fragment(run_every=seconds)
    def _watch() -> None:
        if data.served_now() != shown:  # the run's pinned version is the shown one: ask afresh
            st.rerun(scope="app")

    _watch()
