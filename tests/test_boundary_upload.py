"""The boundary upload widget (ui/boundary_upload.py) under AppTest: outcomes, the sets table, switch."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from boundary_helpers import built_json


@pytest.fixture(autouse=True)
def _own_store(monkeypatch, tmp_path):
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    monkeypatch.delenv("HANOI_BOUNDARY_FILE", raising=False)
    good = built_json()
    bad = built_json()
    bad["features"].pop(3)
    monkeypatch.setenv("TEST_GOOD_FILE", str(tmp_path / "good.geojson"))
    monkeypatch.setenv("TEST_BAD_FILE", str(tmp_path / "thieu.geojson"))
    (tmp_path / "good.geojson").write_text(json.dumps(good), encoding="utf-8")
    (tmp_path / "thieu.geojson").write_text(json.dumps(bad), encoding="utf-8")


def _outcome_script():
    import os
    from pathlib import Path

    import streamlit as st

    from indicators.boundaries import upload_boundary_file
    from ui.boundary_upload import render_outcome

    path = Path(os.environ["TEST_BAD_FILE" if st.session_state.get("bad", True) else "TEST_GOOD_FILE"])
    render_outcome(upload_boundary_file(path.read_bytes(), path.name), st.session_state.get("lang", "vi"))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_refused_file_says_why_in_the_current_language(lang):
    at = AppTest.from_function(_outcome_script)
    at.session_state["lang"] = lang
    at.run(timeout=60)
    assert not at.exception
    error = at.error[0].value + "\n" + at.text[0].value  # the reasons quote the file: plain text, not Markdown
    if lang == "vi":
        assert "bộ ranh giới đang dùng được giữ nguyên" in error and "thiếu 1/126 mã" in error
        assert "codes missing" not in error
    else:
        assert "the boundaries in use stay" in error and "1/126 codes missing" in error
        assert "thiếu" not in error


def _hostile_script():
    import streamlit as st

    from indicators.boundaries import upload_boundary_file
    from ui.boundary_upload import render_outcome

    render_outcome(upload_boundary_file(b'{"type": "FeatureCollection", "features": []}',
                                        "[bấm vào đây](https:__evil.example).geojson"), "vi")


def test_a_hostile_file_name_is_shown_as_literal_text():
    at = AppTest.from_function(_hostile_script)
    at.run(timeout=60)
    assert not at.exception
    error = at.error[0].value
    assert "`_bấm vào đây__https___evil.example_.geojson`" in error  # sanitised, and in a code span: never a link
    assert not any("](" in m.value for m in at.markdown)


def test_a_stored_file_is_confirmed_with_what_was_done():
    at = AppTest.from_function(_outcome_script)
    at.session_state["bad"] = False
    at.run(timeout=60)
    assert not at.exception and not at.error
    assert "Đã lưu bộ ranh giới" in at.success[0].value and "Bản đồ đang dùng bộ này" in at.success[0].value
    assert any("Đã làm gì với tệp" in e.label for e in at.expander)


def _sets_script():
    import os
    from pathlib import Path

    import streamlit as st

    from indicators.boundaries import upload_boundary_file
    from store.boundary_sets import current_boundary_set, list_boundary_sets, switch_boundary_set
    from ui.boundary_upload import render_boundary_upload

    if not list_boundary_sets():
        good = Path(os.environ["TEST_GOOD_FILE"])
        upload_boundary_file(good.read_bytes(), "a.geojson", name="Bộ A")
        upload_boundary_file(good.read_bytes(), "b.geojson", name="Bộ B", serve=False)
    render_boundary_upload("vi", lambda request: None, sets=list_boundary_sets(), on_switch=switch_boundary_set)
    st.write(f"served={current_boundary_set()}")


def test_the_sets_are_listed_and_one_can_be_served():
    at = AppTest.from_function(_sets_script)
    at.run(timeout=90)
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Tên"]) == ["Bộ B", "Bộ A"] and list(table["Đang dùng"]) == ["", "✓"]
    newest = table["Bộ"].iloc[0]
    at.selectbox(key="boundary_set_choice").select(newest)
    at.button(key="boundary_switch").click()
    at.run(timeout=90)
    assert any(f"served={newest}" in m.value for m in at.markdown)


def test_no_set_yet_says_what_the_map_uses():
    def script():
        from ui.boundary_upload import render_boundary_upload

        render_boundary_upload("en", lambda request: None, sets=[], serving="Schematic map — not the official boundaries")

    at = AppTest.from_function(script)
    at.run(timeout=60)
    assert not at.exception
    assert any("No boundary set has been uploaded; the map uses Schematic map" in c.value for c in at.caption)
