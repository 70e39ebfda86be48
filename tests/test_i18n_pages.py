"""Every text a page shows comes from `t(...)` (i18n/strings.py) or from content with both languages.

An AST scan of `pages/*.py`: the text arguments of Streamlit's display and widget calls (title, caption,
markdown, button labels, help texts, tab names, format functions...) may be calls (t(), a formatter, an
indicator's name(lang)), variables, or literals and f-string pieces without letters (" · ", "---");
a literal word is a string that only one language would ever see.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PAGES = sorted((Path(__file__).resolve().parent.parent / "pages").glob("*.py"))
TEXT_CALLS = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error", "success",
    "toast", "button", "download_button", "link_button", "page_link", "expander", "popover", "tabs", "metric",
    "selectbox", "multiselect", "radio", "checkbox", "toggle", "slider", "select_slider", "text_input",
    "number_input", "date_input", "segmented_control", "pills", "form_submit_button", "status", "spinner",
}
TEXT_KEYWORDS = {"label", "body", "help", "placeholder", "caption", "text", "format_func"}
LETTER = re.compile(r"[^\W\d_]")


def _offences(node: ast.AST) -> list[str]:
    """Literal words inside an expression that is shown to the user."""
    if isinstance(node, ast.Constant):
        return [repr(node.value)] if isinstance(node.value, str) and LETTER.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            out += _offences(part.value if isinstance(part, ast.FormattedValue) else part)
        return out
    if isinstance(node, ast.BinOp):
        return _offences(node.left) + _offences(node.right)
    if isinstance(node, ast.IfExp):
        return _offences(node.body) + _offences(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [o for item in node.elts for o in _offences(item)]
    if isinstance(node, ast.Lambda):
        return _offences(node.body)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return _offences(node.func.value)  # the separator of "…".join(...)
    return []  # calls (t(), formatters, name(lang)), names, attributes, subscripts: content, not literals


def scan(source: str, filename: str = "<page>") -> list[str]:
    """`file:line call: literal` for every literal word passed as text to a Streamlit call."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TEXT_CALLS):
            continue
        first = [] if node.func.attr == "page_link" else node.args[:1]  # page_link's first argument is a page
        shown = first + [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        for expr in shown:
            found += [f"{filename}:{node.lineno} {node.func.attr}: {o}" for o in _offences(expr)]
    return found


def test_the_scan_catches_literal_words():
    bad = '''
st.title("Tổng quan")
st.caption(f"Dữ liệu đến {until}")
left.selectbox(t("geo", lang), codes, help="Chọn xã")
st.tabs([t("a", lang), "Bản đồ"])
st.radio(t("x", lang), modes, format_func=lambda m: "Thành phố" if m == "city" else t(m, lang))
st.markdown(" · ".join(parts) + "**Nguồn**")
'''
    assert len(scan(bad)) == 6
    good = '''
st.title(t("overview_title", lang))
st.caption(f"{t('period', lang)}: {fmt_period(p, g, lang)} · {ind.name(lang)}")
st.markdown("---")
st.markdown(" · ".join(notes))
st.metric(ind.name(lang), fmt_value(v, u, l, lang), delta=fmt_delta(d, u, lang))
st.selectbox(t("geo", lang), codes, format_func=lambda c: commune_label(c, lang))
st.markdown(RULE_TEXT[lang])
'''
    assert scan(good) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_show_no_literal_words(page):
    assert scan(page.read_text(encoding="utf-8"), page.name) == []


def test_currency_dates_and_month_names_follow_the_language():
    import pandas as pd

    from i18n.formats import format_currency, format_date, format_datetime, month_name

    assert format_currency(12_400_000, "vi") == "12.400.000\xa0₫"
    assert format_currency(12_400_000, "en") == "₫12,400,000"
    assert format_currency(None, "vi") == "–"
    assert format_date(pd.Timestamp("2026-10-05"), "vi") == "5 tháng 10, 2026"
    assert format_date(pd.Timestamp("2026-10-05"), "en") == "October 5, 2026"
    # a UTC moment shown in Hanoi time (UTC+7), the next day after 17:00 UTC
    assert format_datetime(pd.Timestamp("2026-11-22T23:50:00Z"), "vi") == "06:50:00 23/11/2026"
    assert month_name(10, "vi") == "tháng 10" and month_name(10, "en") == "October"
