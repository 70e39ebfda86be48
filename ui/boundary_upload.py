"""The Data page's boundary section: upload an official boundary file, list the stored sets, switch, roll back.

Why a widget of its own: the page only places it; who may upload, and the audit of the upload and of
every switch, belong to the service layer, which the page hands in as callbacks. The widget never
touches the store itself: it shows what the callbacks return.

    render_boundary_upload(lang, on_upload, sets=..., on_switch=..., on_rollback=..., serving=...)

- ``on_upload(request: UploadRequest) -> UploadOutcome``: validate, store, maybe serve (the service
  authorizes, audits and calls ``indicators.boundaries.upload_boundary_file``);
- ``sets``: the stored sets, or a function giving them, called after an upload so the new set is listed
  (``store.boundary_sets.list_boundary_sets()`` via the service);
- ``on_switch(set_id)`` and ``on_rollback()``: serve a stored set / the previous one (audited there);
- ``serving``: what the map uses when no set is served (``BoundarySet.provenance(lang)``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import pandas as pd
import streamlit as st

from i18n.formats import fmt_date
from i18n.strings import t
from indicators.boundary_crs import KNOWN_CRS
from ui.safe import literal

if TYPE_CHECKING:  # types only: the widget calls nothing below the service layer
    from indicators.boundaries import UploadOutcome
    from store.boundary_sets import BoundarySetInfo

FILE_TYPES = ["geojson", "json", "zip", "gpkg", "kml", "kmz"]


@dataclass(frozen=True)
class UploadRequest:
    """What the administrator sent: the bytes, the file's name and the form's choices."""

    data: bytes
    file_name: str
    name: str
    crs: str | None
    code_property: str | None
    serve: bool


def _lines(items: list[str], lang: str) -> str:
    """Bilingual "vi / en" messages in the current language only, one per line, for `st.text`: they quote
    the uploaded file (names, codes, properties), so they are never rendered as Markdown."""
    part = 0 if lang == "vi" else 1
    return "\n".join(f"• {m.split(' / ', 1)[part] if ' / ' in m else m}" for m in items)


def render_outcome(outcome: "UploadOutcome", lang: str, name: str = "") -> None:
    """The result of an upload: refused with every reason, or stored (and served) with what was done;
    `name` is the one the administrator gave the set (else the file's own title, else its name)."""
    prepared = outcome.prepared
    if outcome.set_id is None:
        st.error(t("bnd_upload_rejected", lang, name=literal(prepared.file_name)), icon=":material/block:")
        st.text(_lines(prepared.problems, lang))
    else:
        message = t("bnd_upload_stored", lang, set_id=outcome.set_id,
                    name=literal(name or prepared.title or prepared.file_name))
        st.success(message + (" " + t("bnd_upload_served", lang) if outcome.served else ""))
    for key, items in (("bnd_upload_warnings", prepared.warnings), ("bnd_upload_repairs", prepared.repairs),
                       ("bnd_upload_notes", prepared.notes)):
        if items:
            with st.expander(f"{t(key, lang)} ({len(items)})", expanded=key == "bnd_upload_warnings"):
                st.text(_lines(items, lang))


def sets_table(sets: list["BoundarySetInfo"], lang: str) -> pd.DataFrame:
    """The stored sets, newest first, with the served one marked."""
    rows = [{t("bnd_col_set", lang): s.set_id, t("bnd_col_name", lang): s.name, t("bnd_col_file", lang): s.file_name,
             t("bnd_col_created", lang): fmt_date(pd.Timestamp(s.created_at).tz_convert("Asia/Ho_Chi_Minh"), lang)
             if s.created_at else "–",
             t("bnd_col_by", lang): s.created_by, t("bnd_col_current", lang): "✓" if s.current else ""}
            for s in reversed(sets)]
    return pd.DataFrame(rows)


def render_boundary_upload(lang: str, on_upload: Callable[[UploadRequest], "UploadOutcome"], *,
                           sets: "list[BoundarySetInfo] | Callable[[], list[BoundarySetInfo]] | None" = None,
                           on_switch: Callable[[str], None] | None = None,
                           on_rollback: Callable[[], object] | None = None, serving: str = "") -> None:
    """The upload form, the outcome of the last upload, and the stored sets (see module doc)."""
    st.subheader(t("bnd_upload_header", lang))
    st.caption(t("bnd_upload_help", lang))
    crs_codes = [""] + [c.code for c in KNOWN_CRS]
    crs_names = {c.code: f"{c.code} — {c.label_vi if lang == 'vi' else c.label_en}" for c in KNOWN_CRS}
    with st.form("boundary_upload", clear_on_submit=False):
        upload = st.file_uploader(t("bnd_upload_file", lang), type=FILE_TYPES, key="boundary_file")
        name = st.text_input(t("bnd_upload_name", lang), key="boundary_name")
        crs = st.selectbox(t("bnd_upload_crs", lang), crs_codes, key="boundary_crs",
                           format_func=lambda c: crs_names.get(c, t("bnd_upload_crs_auto", lang)))
        code_property = st.text_input(t("bnd_upload_code", lang), key="boundary_code_property")
        serve = st.checkbox(t("bnd_upload_switch", lang), value=True, key="boundary_serve")
        submitted = st.form_submit_button(t("bnd_upload_submit", lang), icon=":material/upload:")
    if submitted and upload is not None:
        request = UploadRequest(upload.getvalue(), upload.name, name.strip(), crs or None,
                                code_property.strip() or None, serve)
        with st.spinner():
            render_outcome(on_upload(request), lang, request.name)

    st.subheader(t("bnd_sets_header", lang))
    sets = sets() if callable(sets) else sets  # listed after the upload, so a new set shows at once
    if not sets:
        st.caption(t("bnd_sets_none", lang, what=serving or t("map_provenance_schematic", lang)))
        return
    st.dataframe(sets_table(sets, lang), hide_index=True)
    cols = st.columns(2)
    if on_switch is not None:
        with cols[0]:
            ids = [s.set_id for s in reversed(sets)]
            chosen = st.selectbox(t("bnd_col_set", lang), ids, key="boundary_set_choice",
                                  format_func=lambda i: next(f"{s.set_id} — {s.name}" for s in sets if s.set_id == i))
            if st.button(t("bnd_switch", lang), key="boundary_switch"):
                on_switch(chosen)
                st.rerun()
    if on_rollback is not None:
        with cols[1]:
            if st.button(t("bnd_rollback", lang), key="boundary_rollback"):
                on_rollback()
                st.rerun()
