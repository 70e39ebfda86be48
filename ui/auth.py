"""Who is using the dashboard in this page session: identity -> principal, with the rules of
`service/identity.py` (token, OIDC, trusted proxy, explicit development mode) and `service/access.py`.

Streamlit gives the session what the browser's websocket request carried: `st.user` (OIDC),
`st.context.headers` (every header, duplicates kept) and `st.context.ip_address` (the peer address).
Nothing else is believed. No identity configured at all: the app says so and serves nothing.
"""
from __future__ import annotations

import streamlit as st

from i18n.strings import t
from ui.safe import literal
from service.access import (
    ANONYMOUS_PRINCIPAL, AccessConfigError, Principal, allowed_communes, can_admin, load_access, may_see_commune,
    place_name, principal_for,
)
from service.identity import DEV, OIDC, Identity, IdentitySettings, header_lists, resolve_identity

PRINCIPAL_KEY = "_principal"
IDENTITY_KEY = "_identity"


def oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` (or st.App's secrets) has an `[auth]` section."""
    try:
        return bool(st.secrets.get("auth"))
    except (FileNotFoundError, KeyError):  # no secrets file (Streamlit's error is a FileNotFoundError)
        return False


def settings() -> IdentitySettings:
    return IdentitySettings.from_env(oidc=oidc_configured())


def _request_identity(config: IdentitySettings) -> Identity:
    headers = header_lists((name, value) for name in st.context.headers.keys()
                           for value in st.context.headers.get_all(name)) if config.trust_proxy else {}
    from ui.data import client_address

    client = client_address() or None
    return resolve_identity(config, headers=headers, client=client,
                            oidc_user=st.user.to_dict() if config.oidc else None)


def establish_principal() -> Principal:
    """Resolve this run's principal (app.py calls it first). No identity source configured, or a broken
    access file: a bilingual message and nothing else (no data is read)."""
    from ui import audit

    config = settings()
    if not config.configured:
        st.error(t("no_identity_configured", "vi") + "\n\n" + t("no_identity_configured", "en"),
                 icon=":material/lock:")
        st.stop()
    identity = _request_identity(config)
    try:
        principal = principal_for(identity.user, load_access(dev_mode=config.dev_mode))
    except AccessConfigError:
        st.error(t("access_file_error", "vi") + "\n\n" + t("access_file_error", "en"), icon=":material/error:")
        audit.record_incident("access_file_error")
        st.stop()
    previous = st.session_state.get(PRINCIPAL_KEY)
    st.session_state[PRINCIPAL_KEY] = principal
    st.session_state[IDENTITY_KEY] = identity
    if identity.refused and st.session_state.get("_refused_identity") != identity.refused:
        st.session_state["_refused_identity"] = identity.refused
        audit.record("denied", params={"identity": identity.refused}, principal=principal)
    if previous != principal:
        audit.record("session_start", params={"method": identity.method}, principal=principal)
    return principal


def current_principal() -> Principal:
    """The principal of this session's run (set by `establish_principal`; the public when unset)."""
    principal = st.session_state.get(PRINCIPAL_KEY)
    return principal if principal is not None else ANONYMOUS_PRINCIPAL


def current_identity() -> Identity:
    identity = st.session_state.get(IDENTITY_KEY)
    return identity if identity is not None else Identity(None, "none")


def home_commune() -> str:
    """Where the user lands: a commune official on their own commune, everyone else on the city ('')."""
    return current_principal().commune or ""


def commune_options(codes: list[str]) -> list[str]:
    """The communes this user may pick (all for leaders and analysts, their own for an official)."""
    allowed = allowed_communes(current_principal())
    return codes if allowed is None else [c for c in codes if c in allowed]


def is_admin() -> bool:
    """Whether this user administers the dashboard: only they see version names and pipeline commands."""
    return can_admin(current_principal())


def visible_communes() -> tuple[str, ...] | None:
    """The communes whose detail this user may see: None for every commune (leaders, analysts)."""
    return allowed_communes(current_principal())


def refuse_unallowed_commune(codes: list[str], key: str = "xa") -> None:
    """A link or a session naming a commune the user may not see: drop it, say why, record it.

    Runs before the URL is read into the controls: the refused link value is marked as already seen
    (ui.state's last-synced values) so it is not read again, and the session falls back to its home.
    """
    from ui import audit
    from ui.state import LAST_KEY

    principal = current_principal()
    refused = []
    from_url = st.query_params.get(key)
    if from_url and from_url in codes and not may_see_commune(principal, from_url) \
            and from_url != st.session_state.get(LAST_KEY, {}).get(key):
        st.session_state.setdefault(LAST_KEY, {})[key] = from_url
        refused.append(from_url)
    in_session = st.session_state.get(key)
    if in_session and in_session in codes and not may_see_commune(principal, in_session):
        refused.append(in_session)
    if not refused:
        return
    st.session_state[key] = home_commune()
    for asked in dict.fromkeys(refused):
        st.session_state.setdefault("_access_notices", []).append(asked)
        audit.record("denied", params={key: asked}, principal=principal)


def show_access_notices(lang: str) -> None:
    for code in st.session_state.pop("_access_notices", []):
        st.warning(t("commune_not_allowed", lang, place=place_name(code, lang)), icon=":material/lock:")


def role_label(principal: Principal, lang: str) -> str:
    text = t(f"role_{principal.role}", lang)
    return f"{text} · {place_name(principal.commune, lang)}" if principal.commune else text


def render_identity(lang: str, embedded: bool = False) -> None:
    """The user line in the sidebar (with sign-in/out under OIDC) and the development-mode banner
    (not inside an embedding portal's iframe: the wall)."""
    principal, identity = current_principal(), current_identity()
    with st.sidebar:
        st.caption(t("signed_in_as", lang, user=principal.name or literal(principal.user), role=role_label(principal, lang)))
        if identity.method == OIDC:
            if st.user.get("is_logged_in"):
                st.button(t("sign_out", lang), on_click=st.logout, key="_sign_out")
            else:
                st.button(t("sign_in", lang), on_click=st.login, key="_sign_in")
    if identity.method == DEV and not embedded:
        st.warning(t("dev_mode_banner", lang, user=literal(principal.user), role=role_label(principal, lang)),
                   icon=":material/construction:")
    if not principal.signed_in:
        st.info(t("sign_in_needed", lang), icon=":material/login:")
    show_access_notices(lang)
