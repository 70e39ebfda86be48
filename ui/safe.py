"""Text that came from outside (a URL parameter, a file name, an uploaded cell) shown in an element that
renders Markdown (notices, toasts, captions, table cells): always as literal text, never as a link, an
image, a colour directive, HTML or LaTeX.

An inline code span is the one Markdown construct whose content is never interpreted (CommonMark §6.1),
so untrusted text goes inside one: its backticks and line breaks removed, its length bounded.
"""
from __future__ import annotations

import re

MAX_SHOWN = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def literal(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` as an inline code span: shown exactly as typed (cut to `limit` characters), never interpreted."""
    text = _CONTROL.sub(" ", str(value)).replace("`", "'")
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"`{text.strip() or ' '}`"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")


def content_text(value: object, limit: int = 2000) -> str:
    """Content from a declaration file (a report form's name, description, headers, rules) shown as plain
    prose in Markdown: every Markdown, HTML, colour-directive and LaTeX character backslash-escaped (CommonMark
    §2.4), so it reads as written without the code-span look `literal` gives a short untrusted value."""
    text = _CONTROL.sub(" ", str(value))
    if len(text) > limit:
        text = text[:limit] + "…"
    return _MARKDOWN.sub(r"\\\1", text)
