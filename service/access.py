"""Who may read what: roles, the access file, and the rules every question of the service layer applies.

Why here and not in the pages: hiding a widget does not stop a crafted link, a stale session, an API
client or a new page from asking for data. Every question in `service/` authorizes through these rules
(`service.core.question`), so a rule written once holds on every page, link, download and API call.

Roles (`config/access.toml` maps each user to one; `HANOI_ACCESS_FILE` points elsewhere):
- `leader`: every area and every figure (aggregated KPIs; the warehouse holds no personal records);
  may export briefings and tables.
- `analyst`: the same, with downloads of every table.
- `commune_official`: the city's aggregates and their own commune in full detail; never another
  commune's detail. May download what they may see.
- `viewer` (the public, signed in but not listed): city aggregates only, no downloads.
An `admin = true` flag (leaders and analysts only) opens the audit-trail page.
Nobody without an identity reads anything (`NotSignedIn`): there is no anonymous access to data.

What "detail" means:
- Aggregate: a figure over the whole city, or over every commune of one type (all phường, all xã: at
  least `MIN_GROUP_COMMUNES` communes, too many to single one out).
- Detail: any figure computed for one named commune or a hand-picked set of communes, and every
  per-commune row of a breakdown (maps, rankings, commune tables).
- A set of communes that includes another commune is refused even when it also includes one's own
  (the set minus one's own commune would give the other's figure).
- A per-commune breakdown of the city is narrowed to the principal's own commune, or masked
  (`mask_communes`): other communes keep their name (geography is public) but every figure is missing.

Machine tokens (`[tokens.<name>]` in the access file, for the IOC's server-to-server pulls) are kept as
SHA-256 hashes only; a token is a principal like any user, with a role and, for a commune official, a
commune. Example users (`example = true`) exist only in development mode.
No Streamlit here: the same rules serve the app, the API, the briefing builder, the CLI and the tests.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import pandas as pd

from indicators.area import Area
from indicators.queries import Scope
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
TOKEN_PREFIX = "hkpi_"
"""Machine tokens start with this, so a leaked one is easy to recognise (and to search for)."""
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


class NotSignedIn(AccessDenied):
    """No identity at all: nothing is served until the user signs in (HTTP 401 on the API)."""

    def __init__(self) -> None:
        super().__init__("Cần đăng nhập để xem số liệu. Hãy đăng nhập bằng tài khoản của thành phố.",
                         "Please sign in to see the figures, with your city account.")


class AccessConfigError(ValueError):
    """The access file is missing, unreadable or inconsistent (the app then refuses to start)."""


@dataclass(frozen=True)
class Principal:
    """The person (or machine) behind a request: who (`user`), their role, and for a commune official
    the commune."""

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

    @property
    def signed_in(self) -> bool:
        return self.user != ANONYMOUS


ANONYMOUS_PRINCIPAL = Principal(ANONYMOUS, VIEWER)


def _commune_codes() -> set[str]:
    return set(load_communes()["code"])


def _type_sizes() -> dict[str, int]:
    return load_communes()["type"].value_counts().to_dict()


@lru_cache(maxsize=2)
def _place_names(lang: str) -> dict[str, str]:
    communes = load_communes()
    return dict(zip(communes["code"], communes["name_en" if lang == "en" else "name_vi"]))


def place_name(code: str, lang: str = "vi") -> str:
    """'Xã Hòa Xá (10417)' for a commune code, 'mọi phường' / 'every ward' for a type: messages name places."""
    if code in ("phuong", "xa"):
        return {("phuong", "vi"): "mọi phường", ("xa", "vi"): "mọi xã", ("phuong", "en"): "every ward",
                ("xa", "en"): "every rural commune"}[(code, "en" if lang == "en" else "vi")]
    name = _place_names("en" if lang == "en" else "vi").get(code)
    return f"{name} ({code})" if name else code


def _places(codes: Sequence[str], lang: str) -> str:
    shown = [place_name(c, lang) for c in sorted(codes)[:5]]
    return ", ".join(shown) + ("…" if len(codes) > 5 else "")


def _deny_commune(principal: Principal, codes: Sequence[str]) -> AccessDenied:
    if principal.role == COMMUNE_OFFICIAL:
        own_vi, own_en = place_name(principal.commune, "vi"), place_name(principal.commune, "en")
        return AccessDenied(
            f"Tài khoản {principal.user} chỉ được xem chi tiết của {own_vi}; không được xem số liệu chi tiết "
            f"của {_places(codes, 'vi')}. Số liệu toàn thành phố vẫn xem được.",
            f"Account {principal.user} may see the detail of {own_en} only, not of {_places(codes, 'en')}. "
            "City-wide figures remain available.",
        )
    return AccessDenied(
        f"Tài khoản {principal.user} chỉ được xem số liệu tổng hợp toàn thành phố; "
        f"không được xem số liệu chi tiết của {_places(codes, 'vi')}.",
        f"Account {principal.user} may see city-wide aggregates only, not the detail of {_places(codes, 'en')}.",
    )


def require_signed_in(principal: Principal) -> Principal:
    """The principal, or NotSignedIn: no data without an identity."""
    if not principal.signed_in:
        raise NotSignedIn()
    return principal


def authorize_scope(principal: Principal, scope: Scope, by_commune: bool = False) -> Scope:
    """The scope the principal may read: unchanged, narrowed to their commune, or AccessDenied.

    `by_commune` says the caller wants one row per commune: for a commune official a city-wide (or
    commune-type) breakdown becomes their own commune only; a viewer may not have one at all.
    """
    require_signed_in(principal)
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


def authorize_area(principal: Principal, area: Area) -> Area:
    """The area itself when the principal may read its detail, else AccessDenied (naming the place)."""
    require_signed_in(principal)
    if area.is_commune and not may_see_commune(principal, area.code):
        raise _deny_commune(principal, [area.code])
    return area


def require_commune_rows(principal: Principal) -> None:
    """Per-commune rows (a map, a ranking) are for accounts that may see at least one commune's detail."""
    require_signed_in(principal)
    if allowed_communes(principal) == ():
        raise AccessDenied(
            f"Tài khoản {principal.user} chỉ được xem số liệu tổng hợp toàn thành phố; "
            "không được xem số liệu theo từng xã/phường.",
            f"Account {principal.user} may see city-wide aggregates only, not figures commune by commune.",
        )


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
    return principal.signed_in and principal.role in DOWNLOAD_ROLES


def require_download(principal: Principal) -> None:
    require_signed_in(principal)
    if not can_download(principal):
        raise AccessDenied(
            f"Tài khoản {principal.user} chỉ được xem, không được tải số liệu về.",
            f"Account {principal.user} may view the figures but not download them.")


def can_admin(principal: Principal) -> bool:
    """Whether the principal may open the audit trail (an admin flag on a leader or analyst)."""
    return principal.signed_in and principal.admin and principal.role in ADMIN_ROLES


def require_admin(principal: Principal) -> None:
    require_signed_in(principal)
    if not can_admin(principal):
        raise AccessDenied(
            "Chỉ quản trị viên được xem nhật ký khai thác dữ liệu và thay đổi cấu hình.",
            "Only administrators may read the audit trail or change the configuration.")


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
    """A per-commune frame without the rows of communes the principal may not see (city rows, with an
    empty or non-commune code, stay)."""
    allowed = allowed_communes(principal)
    if allowed is None or code_column not in frame.columns:
        return frame
    codes = frame[code_column].astype(str)
    keep = codes.isin(allowed) | ~codes.str.fullmatch(r"\d{5}")
    return frame[keep].reset_index(drop=True)


# --- the access file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessConfig:
    """Users (lower-cased identities), machine tokens (by SHA-256 of the token) and the role given to a
    signed-in user who is not listed."""

    users: dict[str, Principal]
    default_role: str = VIEWER
    tokens: dict[str, Principal] = field(default_factory=dict)


def access_file() -> Path:
    """Where the access file is: `HANOI_ACCESS_FILE`, else the committed `config/access.toml`."""
    override = os.environ.get("HANOI_ACCESS_FILE")
    return Path(override) if override else DEFAULT_ACCESS_FILE


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a machine token is kept in the access file."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def _principal_entry(key: str, entry: dict, codes: set[str], problems: list[str]) -> Principal | None:
    role = entry.get("role")
    commune = entry.get("commune")
    admin = entry.get("admin", False)
    if role not in ROLES:
        problems.append(f"{key}: role must be one of {ROLES}, not {role!r}")
        return None
    if role == COMMUNE_OFFICIAL:
        if not isinstance(commune, str) or commune not in codes:
            problems.append(f"{key}: a commune official needs a commune code as a quoted "
                            f"5-character string (e.g. \"10417\"), not {commune!r}")
            return None
    elif commune is not None:
        problems.append(f"{key}: only a commune official has a commune")
        return None
    if not isinstance(admin, bool) or (admin and role not in ADMIN_ROLES):
        problems.append(f"{key}: admin = true is for leaders and analysts only")
        return None
    return Principal(key, role, commune if role == COMMUNE_OFFICIAL else None, admin, str(entry.get("name", "")))


def parse_access(doc: dict, dev_mode: bool = False) -> AccessConfig:
    """Check a parsed access file and build the config; AccessConfigError lists every problem.

    Entries marked `example = true` are the committed examples: they are read (and checked) always but
    only active in development mode, so a production start never knows the development accounts.
    """
    problems: list[str] = []
    settings = doc.get("settings", {})
    default_role = settings.get("default_role", VIEWER)
    if default_role not in (VIEWER, ANALYST, LEADER):
        problems.append(f"settings.default_role must be viewer, analyst or leader, not {default_role!r}")
    codes = _commune_codes()
    users: dict[str, Principal] = {}
    for raw_user, entry in (doc.get("users") or {}).items():
        user = raw_user.strip().lower()
        principal = _principal_entry(user, entry, codes, problems)
        if principal is None:
            continue
        if user in users:
            problems.append(f"{raw_user}: listed twice")
            continue
        if entry.get("example", False) and not dev_mode:
            continue
        users[user] = principal
    tokens: dict[str, Principal] = {}
    for name, entry in (doc.get("tokens") or {}).items():
        digest = str(entry.get("sha256", "")).strip().lower()
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            problems.append(f"tokens.{name}: sha256 must be the 64-hex-digit SHA-256 of the token "
                            "(python -m cli token create prints it)")
            continue
        principal = _principal_entry(f"token:{name}", entry, codes, problems)
        if principal is None:
            continue
        if entry.get("example", False) and not dev_mode:
            continue
        tokens[digest] = principal
    if problems:
        raise AccessConfigError("; ".join(problems))
    return AccessConfig(users=users, default_role=default_role, tokens=tokens)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, dev_mode: bool) -> AccessConfig:
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AccessConfigError(f"{path}: {exc}") from exc
    return parse_access(doc, dev_mode)


def load_access(path: Path | None = None, dev_mode: bool | None = None) -> AccessConfig:
    """The access file, re-read when it changes (an edit takes effect on the next page load)."""
    path = path or access_file()
    if dev_mode is None:
        from service.identity import dev_mode_on

        dev_mode = dev_mode_on()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise AccessConfigError(f"{path}: {exc}") from exc
    return _load(str(path), mtime, dev_mode)


def principal_for(user: str | None, config: AccessConfig) -> Principal:
    """The principal of an identity: their entry in the file, the default role, or the anonymous public."""
    if not user or not user.strip():
        return ANONYMOUS_PRINCIPAL
    key = user.strip().lower()
    listed = config.users.get(key)
    if listed is not None:
        return listed
    return Principal(key, config.default_role)


def principal_for_token(token: str | None, config: AccessConfig) -> Principal | None:
    """The principal of a machine token, or None when the token is not known (compared in constant time)."""
    if not token or not token.strip():
        return None
    digest = token_hash(token)
    for known, principal in config.tokens.items():
        if hmac.compare_digest(known, digest):
            return principal
    return None
