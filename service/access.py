"""Who may read what: roles, the access file, and the check every data read goes through.

Why here and not in the pages: hiding a widget does not stop a crafted link, a stale session or a new
page from asking for data. Every read in `ui/data.py` (and every export) passes through
`authorize_scope` first, so a rule written once holds on every page, link and download.

Roles (`config/access.toml` maps each user to one; `HANOI_ACCESS_FILE` points elsewhere):
- `leader`: every area and every figure (aggregated KPIs; the warehouse holds no personal records);
  may export briefings and tables.
- `analyst`: the same, with downloads of every table.
- `commune_official`: the city's aggregates and their own commune in full detail; never another
  commune's detail. May download what they may see.
- `viewer` (the public): city aggregates only, no downloads.
An `admin = true` flag (leaders and analysts only) opens the audit-trail page.

What "detail" means:
- Aggregate: a figure over the whole city, or over every commune of one type (all phường, all xã: at
  least `MIN_GROUP_COMMUNES` communes, too many to single one out).
- Detail: any figure computed for one named commune or a hand-picked set of communes, and every
  per-commune row of a breakdown (maps, rankings, commune tables).
- A set of communes that includes another commune is refused even when it also includes one's own
  (the set minus one's own commune would give the other's figure).
- A per-commune breakdown of the city is narrowed to the principal's own commune: other communes' rows
  are never computed. Frames built elsewhere with one row per commune are masked (`mask_communes`):
  other communes keep their name (geography is public) but every figure becomes missing.
No Streamlit here: the same rules serve the app, the briefing builder and the tests.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import pandas as pd

from indicators.queries import Scope, shown_kpi_frame
from indicators.scorecard import ScoreRow, build_scorecard
from indicators.targets import CITY
from indicators.warehouse import Warehouse
from store.paths import PROJECT_ROOT
from store.reference import load_communes

LEADER, ANALYST, COMMUNE_OFFICIAL, VIEWER = "leader", "analyst", "commune_official", "viewer"
ROLES: tuple[str, ...] = (LEADER, ANALYST, COMMUNE_OFFICIAL, VIEWER)
ALL_COMMUNES_ROLES = frozenset({LEADER, ANALYST})
DOWNLOAD_ROLES = frozenset({LEADER, ANALYST, COMMUNE_OFFICIAL})
ADMIN_ROLES = frozenset({LEADER, ANALYST})
MIN_GROUP_COMMUNES = 10
"""A commune-type aggregate over fewer communes than this counts as detail."""
ANONYMOUS = "anonymous"
DEFAULT_ACCESS_FILE = PROJECT_ROOT / "config" / "access.toml"
IDENTITY_COLUMNS = ("code", "commune_code", "geo", "name_vi", "name_en", "short_name", "type", "area_km2",
                    "urban", "ref_lat", "ref_lon", "geometry", "indicator", "grain", "period_start", "period_end")
"""Columns of a per-commune frame that describe the place or the question asked, not the figures (kept
when masking, so callers can still label, group and date the rows)."""


class AccessDenied(PermissionError):
    """A principal asked for data their role does not allow; carries the message in both languages."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_vi


class AccessConfigError(ValueError):
    """The access file is missing, unreadable or inconsistent (the app then refuses to start)."""


@dataclass(frozen=True)
class Principal:
    """The person behind a request: who (`user`), their role, and for a commune official the commune."""

    user: str
    role: str
    commune: str | None = None
    admin: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")
        if (self.role == COMMUNE_OFFICIAL) != (self.commune is not None):
            raise ValueError("a commune official, and only a commune official, has a commune")

    @property
    def sees_all_communes(self) -> bool:
        return self.role in ALL_COMMUNES_ROLES


ANONYMOUS_PRINCIPAL = Principal(ANONYMOUS, VIEWER)


def _commune_codes() -> set[str]:
    return set(load_communes()["code"])


def _type_sizes() -> dict[str, int]:
    return load_communes()["type"].value_counts().to_dict()


def _deny_commune(principal: Principal, codes: Sequence[str]) -> AccessDenied:
    shown = ", ".join(sorted(codes)[:5]) + ("…" if len(codes) > 5 else "")
    if principal.role == COMMUNE_OFFICIAL:
        return AccessDenied(
            f"Tài khoản {principal.user} chỉ được xem chi tiết của xã/phường {principal.commune}; "
            f"không được xem số liệu chi tiết của {shown}. Số liệu toàn thành phố vẫn xem được.",
            f"Account {principal.user} may see the detail of commune {principal.commune} only, "
            f"not of {shown}. City-wide figures remain available.",
        )
    return AccessDenied(
        f"Tài khoản {principal.user} chỉ được xem số liệu tổng hợp toàn thành phố; "
        f"không được xem số liệu chi tiết của xã/phường {shown}.",
        f"Account {principal.user} may see city-wide aggregates only, not the detail of commune {shown}.",
    )


def authorize_scope(principal: Principal, scope: Scope, by_commune: bool = False) -> Scope:
    """The scope the principal may read: unchanged, narrowed to their commune, or AccessDenied.

    `by_commune` says the caller wants one row per commune: for a commune official a city-wide (or
    commune-type) breakdown becomes their own commune only; a viewer may not have one at all.
    """
    if principal.sees_all_communes:
        return scope
    if scope.commune_type is not None and _type_sizes().get(scope.commune_type, 0) < MIN_GROUP_COMMUNES:
        raise _deny_commune(principal, [scope.commune_type])
    if scope.communes is not None:
        others = [c for c in scope.communes if c != principal.commune]
        if others:
            raise _deny_commune(principal, others)
        return scope
    if not by_commune:
        return scope
    if principal.role == COMMUNE_OFFICIAL:
        return replace(scope, communes=(principal.commune,))
    raise AccessDenied(
        f"Tài khoản {principal.user} chỉ được xem số liệu tổng hợp toàn thành phố; "
        "không được xem số liệu theo từng xã/phường.",
        f"Account {principal.user} may see city-wide aggregates only, not figures commune by commune.",
    )


def authorize_geo(principal: Principal, geo: str) -> str:
    """A geography key ('city' or a commune code) the principal may read, else AccessDenied."""
    if geo == CITY or principal.sees_all_communes or geo == principal.commune:
        return geo
    raise _deny_commune(principal, [geo])


def allowed_communes(principal: Principal) -> tuple[str, ...] | None:
    """Communes whose detail the principal may see: None for all, else a (possibly empty) tuple."""
    if principal.sees_all_communes:
        return None
    return (principal.commune,) if principal.commune else ()


def may_see_commune(principal: Principal, code: str) -> bool:
    allowed = allowed_communes(principal)
    return allowed is None or code in allowed


def can_download(principal: Principal) -> bool:
    """Whether the principal may take data away (CSV tables, briefings): everyone but the public."""
    return principal.role in DOWNLOAD_ROLES


def can_admin(principal: Principal) -> bool:
    """Whether the principal may open the audit trail (an admin flag on a leader or analyst)."""
    return principal.admin and principal.role in ADMIN_ROLES


def mask_communes(principal: Principal, frame: pd.DataFrame, code_column: str = "code") -> pd.DataFrame:
    """A per-commune frame with every figure of a commune the principal may not see set to missing.

    The place itself (code, names, type, area) stays, so a map still draws the city's outline and says
    "not available" rather than dropping communes; values, ranks, statuses and sources become missing.
    """
    allowed = allowed_communes(principal)
    if allowed is None or frame.empty:
        return frame
    hidden = ~frame[code_column].astype(str).isin(allowed)
    if not hidden.any():
        return frame
    out = frame.copy()
    for column in out.columns:
        if column in IDENTITY_COLUMNS or column == code_column:
            continue
        if pd.api.types.is_bool_dtype(out[column]) or pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype("object")
        out.loc[hidden, column] = None
    return out


def drop_hidden_rows(principal: Principal, frame: pd.DataFrame, code_column: str = "commune_code") -> pd.DataFrame:
    """A per-commune frame without the rows of communes the principal may not see."""
    allowed = allowed_communes(principal)
    if allowed is None or code_column not in frame.columns:
        return frame
    return frame[frame[code_column].astype(str).isin(allowed)].reset_index(drop=True)


def kpi_frame_for(
    principal: Principal, wh: Warehouse, codes: Sequence[str], scope: Scope = Scope(), grain: str = "month",
    start: pd.Timestamp | None = None, end: pd.Timestamp | None = None, by_commune: bool = False,
) -> pd.DataFrame:
    """`indicators.queries.shown_kpi_frame` as the principal may see it (the scope is authorized first)."""
    allowed = authorize_scope(principal, scope, by_commune)
    frame = shown_kpi_frame(wh, codes, allowed, grain, start, end, by_commune)
    return drop_hidden_rows(principal, frame) if by_commune else frame


def scorecard_for(
    principal: Principal, wh: Warehouse, scope: Scope, grain: str = "month", until: pd.Timestamp | None = None,
    geo: str = CITY,
) -> list[ScoreRow]:
    """`indicators.scorecard.build_scorecard` for a scope and geography the principal may read."""
    return build_scorecard(wh, authorize_scope(principal, scope), grain, until, authorize_geo(principal, geo))


# --- the access file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessConfig:
    """Users (lower-cased identities) and the role given to a signed-in user who is not listed."""

    users: dict[str, Principal]
    default_role: str = VIEWER


def access_file() -> Path:
    """Where the access file is: `HANOI_ACCESS_FILE`, else the committed `config/access.toml`."""
    override = os.environ.get("HANOI_ACCESS_FILE")
    return Path(override) if override else DEFAULT_ACCESS_FILE


def parse_access(doc: dict) -> AccessConfig:
    """Check a parsed access file and build the config; AccessConfigError lists every problem."""
    problems: list[str] = []
    settings = doc.get("settings", {})
    default_role = settings.get("default_role", VIEWER)
    if default_role not in (VIEWER, ANALYST, LEADER):
        problems.append(f"settings.default_role must be viewer, analyst or leader, not {default_role!r}")
    codes = _commune_codes()
    users: dict[str, Principal] = {}
    for raw_user, entry in (doc.get("users") or {}).items():
        user = raw_user.strip().lower()
        role = entry.get("role")
        commune = entry.get("commune")
        admin = entry.get("admin", False)
        if role not in ROLES:
            problems.append(f"{raw_user}: role must be one of {ROLES}, not {role!r}")
            continue
        if role == COMMUNE_OFFICIAL:
            if not isinstance(commune, str) or commune not in codes:
                problems.append(f"{raw_user}: a commune official needs a commune code as a quoted "
                                f"5-character string (e.g. \"10417\"), not {commune!r}")
                continue
        elif commune is not None:
            problems.append(f"{raw_user}: only a commune official has a commune")
            continue
        if not isinstance(admin, bool) or (admin and role not in ADMIN_ROLES):
            problems.append(f"{raw_user}: admin = true is for leaders and analysts only")
            continue
        if user in users:
            problems.append(f"{raw_user}: listed twice")
            continue
        users[user] = Principal(user, role, commune if role == COMMUNE_OFFICIAL else None, admin,
                                str(entry.get("name", "")))
    if problems:
        raise AccessConfigError("; ".join(problems))
    return AccessConfig(users=users, default_role=default_role)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> AccessConfig:
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AccessConfigError(f"{path}: {exc}") from exc
    return parse_access(doc)


def load_access(path: Path | None = None) -> AccessConfig:
    """The access file, re-read when it changes (an edit takes effect on the next page load)."""
    path = path or access_file()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise AccessConfigError(f"{path}: {exc}") from exc
    return _load(str(path), mtime)


def principal_for(user: str | None, config: AccessConfig) -> Principal:
    """The principal of an identity: their entry in the file, the default role, or the anonymous public."""
    if not user or not user.strip():
        return ANONYMOUS_PRINCIPAL
    key = user.strip().lower()
    listed = config.users.get(key)
    if listed is not None:
        return listed
    return Principal(key, config.default_role)
