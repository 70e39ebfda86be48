"""Reading Streamlit's OIDC session cookie on an API request, so a signed-in user's browser can fetch
downloads and API answers with the same identity as their page session. Streamlit-specific (its signed
cookie format), hence here and injected into the API by app.py."""
from __future__ import annotations

from typing import Mapping

from starlette.requests import Request
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
from streamlit.web.server.starlette.starlette_websocket import _get_signed_cookie_with_chunks, _parse_decoded_user_cookie


def oidc_user(request: Request) -> Mapping[str, object] | None:
    """The signed-in user's claims from a valid, correctly signed cookie of this origin; None otherwise."""
    try:
        raw = _get_signed_cookie_with_chunks(dict(request.cookies), USER_COOKIE_NAME)
    except Exception:  # noqa: BLE001 - a forged or damaged cookie is no identity
        return None
    if not raw:
        return None
    origin = f"{request.url.scheme}://{request.url.netloc}"
    claims = _parse_decoded_user_cookie(raw, origin)
    return claims or None
