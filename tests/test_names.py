"""Place names in the reader's language (i18n/names.py) and the one name of the July 2025 reorganisation."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n.names import ascii_fold, unit_name
from i18n.strings import REORG_EN, REORG_VI, STRINGS


@pytest.mark.parametrize(("vi", "en"), [
    ("Huyện Ứng Hòa", "Ung Hoa District"), ("Quận Đống Đa", "Dong Da District"), ("Thị xã Sơn Tây", "Son Tay Town"),
    ("Thị trấn Vân Đình", "Van Dinh Township"), ("Xã Hòa Xá", "Hoa Xa Commune"), ("Phường Ba Đình", "Ba Dinh Ward"),
])
def test_a_former_unit_reads_in_english(vi, en):
    assert unit_name(vi, "en") == en
    assert unit_name(vi, "vi") == vi


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠáàảãạĐđÊỀẾỂỄỆềếểễệỨừứửữựƯ ", max_size=30))
def test_english_names_carry_no_vietnamese_letters(text):
    assert ascii_fold(unit_name("Huyện " + text, "en")).isascii()
    assert unit_name("Huyện " + text, "en").isascii()


def test_the_reorganisation_has_one_name_everywhere():
    texts = [v for entry in STRINGS.values() for v in entry.values()]
    assert not [s for s in texts if "Sáp nhập" in s or "01/07/2025" in s or "1 Jul 2025" in s or "Merger" in s]
    assert any(REORG_VI in s for s in texts) and any(REORG_EN.lower() in s.lower() for s in texts)
