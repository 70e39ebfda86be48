"""Place names in the reader's language: Vietnamese as written, English without diacritics and with the
unit's kind after the name ("Huyện Ứng Hòa" -> "Ung Hoa District"), the way the commune names are
built (pipeline/reference_build.py), so a page in English shows no half-translated former district.
"""
from __future__ import annotations

import unicodedata

# Longest prefix first: "Thị xã" before "Xã", "Thị trấn" before nothing else.
UNIT_KINDS = (("Thị trấn ", "Township"), ("Thị xã ", "Town"), ("Thành phố ", "City"), ("Quận ", "District"),
              ("Huyện ", "District"), ("Phường ", "Ward"), ("Xã ", "Commune"))


def ascii_fold(text: str) -> str:
    """Vietnamese text without diacritics ("Đống Đa" -> "Dong Da"), for English labels and search."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def unit_name(name_vi: str, lang: str) -> str:
    """A (former) administrative unit's name in `lang`: 'Huyện Ứng Hòa' / 'Ung Hoa District'."""
    if lang != "en":
        return name_vi
    for prefix, kind in UNIT_KINDS:
        if name_vi.startswith(prefix):
            return f"{ascii_fold(name_vi[len(prefix):])} {kind}"
    return ascii_fold(name_vi)
