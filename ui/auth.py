"""Who is using the dashboard: identity (single sign-on, the city's proxy, or development mode) -> principal.

Identity, in order:
1. Streamlit's built-in OIDC login (`st.login`, `st.user`) when `.streamlit/secrets.toml` has an
   `[auth]` section: the signed-in user's e-mail (else preferred_username, else sub). Not signed in:
   the anonymous public, with a sign-in button.
2. Otherwise, when `HANOI_TRUST_PROXY_HEADER=1`, a header set by the city's reverse proxy
   (`HANOI_PROXY_USER_HEADER`, default `X-Forwarded-User`, read from `st.context.headers`). Only turn
   this on behind a proxy that authenticates users and strips the header from incoming requests;
   without the header the user is the anonymous public.
3. Otherwise development mode: `HANOI_DEV_USER` (default `dev.analyst`, an analyst in the committed
   access file), with a banner on every page. `HANOI_DEV_MODE=0` turns it off (everyone is public).
Roles never come from a header or a claim: only `config/access.toml` gives them (service/access.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

import streamlit as st

from service.access import (
    AccessConfigError, Principal, allowed_communes, load_access, may_see_commune, principal_for,
)
from i18n.strings import t

PRINCIPAL_KEY = "_principal"
IDENTITY_KEY = "_identity"
DEFAULT_DEV_USER = "dev.analyst"
DEFAULT_PROXY_HEADER = "X-Forwarded-User"
OIDC, PROXY, DEV, ANONYMOUS = "oidc", "proxy", "dev", "anonymous"


@dataclass(frozen=True)
class Identity:
    """Who the request says the user is (`user`, None when unknown) and how we know (`method`)."""

    user: str | None
    method: str


def resolve_identity(*, oidc_configured: bool, oidc_user: Mapping[str, object], trust_proxy: bool,
                     proxy_header: str, headers: Mapping[str, str], dev_mode: bool, dev_user: str) -> Identity:
    """The identity from the first configured source (pure: the caller reads Streamlit and the env)."""
    if oidc_configured:
        if oidc_user.get("is_logged_in"):
            for claim in ("email", "preferred_username", "sub"):
                value = oidc_user.get(claim)
                if isinstance(value, str) and value.strip():
                    return Identity(value.strip(), OIDC)
        return Identity(None, OIDC)
    if trust_proxy:
        value = headers.get(proxy_header)
        return Identity(value.strip() if value and value.strip() else None, PROXY)
    if dev_mode:
        return Identity(dev_user, DEV)
    return Identity(None, ANONYMOUS)


def _oidc_configured() -> bool:
    try:
        return bool(st.secrets.get("auth"))
    except (FileNotFoundError, KeyError):  # no secrets file (Streamlit's error is a FileNotFoundError)
        return False


def _request_identity() -> Identity:
    oidc = _oidc_configured()
    trust = os.environ.get("HANOI_TRUST_PROXY_HEADER") == "1"
    header = os.environ.get("HANOI_PROXY_USER_HEADER", DEFAULT_PROXY_HEADER)
    return resolve_identity(
        oidc_configured=oidc, oidc_user=st.user.to_dict() if oidc else {}, trust_proxy=trust,
        proxy_header=header, headers=st.context.headers if trust and not oidc else {},
        dev_mode=os.environ.get("HANOI_DEV_MODE", "1") != "0",
        dev_user=os.environ.get("HANOI_DEV_USER", DEFAULT_DEV_USER),
    )


def establish_principal() -> Principal:
    """Resolve this run's principal (app.py calls it first); a broken access file stops the app."""
    from ui import audit

    identity = _request_identity()
    try:
        principal = principal_for(identity.user, load_access())
    except AccessConfigError as exc:
        st.error(t("access_file_error", "vi", error=str(exc)) + "\n\n" + t("access_file_error", "en", error=str(exc)))
        st.stop()
    previous = st.session_state.get(PRINCIPAL_KEY)
    st.session_state[PRINCIPAL_KEY] = principal
    st.session_state[IDENTITY_KEY] = identity
    if previous != principal:
        audit.record("session_start", params={"method": identity.method}, principal=principal)
    return principal


def current_principal() -> Principal:
    """The principal of this session's run (set by `establish_principal`; resolved now if missing)."""
    principal = st.session_state.get(PRINCIPAL_KEY)
    return principal if principal is not None else establish_principal()


def current_identity() -> Identity:
    identity = st.session_state.get(IDENTITY_KEY)
    return identity if identity is not None else _request_identity()


def commune_options(codes: list[str]) -> list[str]:
    """The communes this user may pick (all for leaders and analysts, their own for an official)."""
    allowed = allowed_communes(current_principal())
    return codes if allowed is None else [c for c in codes if c in allowed]


def refuse_unallowed_commune(codes: list[str], key: str = "xa") -> None:
    """A link or a session naming a commune the user may not see: drop it, say why, record it.

    Runs before the URL is read into the controls: the refused link value is marked as already seen
    (ui.state's last-synced values) so it is not read again, and the session falls back to the city.
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
    st.session_state[key] = ""
    for asked in dict.fromkeys(refused):
        st.session_state.setdefault("_access_notices", []).append(asked)
        audit.record("denied", params={key: asked}, principal=principal)


def show_access_notices(lang: str) -> None:
    for code in st.session_state.pop("_access_notices", []):
        st.warning(t("commune_not_allowed", lang, code=code), icon=":material/lock:")


def role_label(principal: Principal, lang: str) -> str:
    text = t(f"role_{principal.role}", lang)
    return f"{text} · {principal.commune}" if principal.commune else text


def render_identity(lang: str) -> None:
    """The user line in the sidebar (with sign-in/out under OIDC) and the development-mode banner."""
    principal, identity = current_principal(), current_identity()
    with st.sidebar:
        st.caption(t("signed_in_as", lang, user=principal.name or principal.user, role=role_label(principal, lang)))
        if identity.method == OIDC:
            if st.user.get("is_logged_in"):
                st.button(t("sign_out", lang), on_click=st.logout, key="_sign_out")
            else:
                st.button(t("sign_in", lang), on_click=st.login, key="_sign_in")
    if identity.method == DEV:
        st.warning(t("dev_mode_banner", lang, user=principal.user, role=role_label(principal, lang)), icon=":material/construction:")
    show_access_notices(lang)
