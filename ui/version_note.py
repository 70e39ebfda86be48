"""How a page names the data it shows: the version name for administrators (they publish and roll back
versions by that name), the publication date for everyone else (a hash means nothing to a reader)."""
from __future__ import annotations

from i18n.formats import fmt_date
from i18n.strings import t
from ui import data
from ui.auth import is_admin


def version_note(lang: str) -> str:
    """'phiên bản 20261202T…-demo' (administrators) or 'số liệu cập nhật 02/12/2026'."""
    if is_admin():
        return t("version_admin", lang, name=data.version())
    return t("version_updated", lang, date=fmt_date(data.version_info().created_at, lang))
