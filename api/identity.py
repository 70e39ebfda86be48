"""Who sent an API request: the same identity rules as a page session (service/identity.py), plus machine
tokens for server-to-server pulls. Returns a `Caller` for the service layer, or the refusal to answer."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Callable, Mapping

from starlette.requests import Request

from service.access import (
    ANONYMOUS_PRINCIPAL, AccessConfigError, Principal, load_access, principal_for, principal_for_token,
)
from service.audit import Caller
from service.identity import TOKEN, IdentitySettings, bearer_token, header_lists, resolve_identity

OidcReader = Callable[[Request], Mapping[str, object] | None]
"""(request) -> the signed-in user's claims from Streamlit's auth cookie, or None (app.py provides it)."""


@dataclass(frozen=True)
class RequestIdentity:
    """The caller of one request, how it was identified, and why an identity was refused (if it was)."""

    caller: Caller
    method: str
    refused: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.caller.principal.signed_in


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def identify(request: Request, oidc_reader: OidcReader | None, oidc_configured: bool) -> RequestIdentity:
    """The request's caller (channel `api`, a fresh request id as its session, every read written)."""
    headers = header_lists((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"])
    client = client_address(request)
    settings = IdentitySettings.from_env(oidc=oidc_configured)
    request_id = uuid.uuid4().hex[:16]
    page = request.url.path

    def caller(principal: Principal) -> Caller:
        return Caller(principal, channel="api", session=request_id, page=page, client=client, reads="each")

    try:
        config = load_access(dev_mode=settings.dev_mode)
    except AccessConfigError:
        return RequestIdentity(caller(ANONYMOUS_PRINCIPAL), "none", "the access file is not valid")
    token, problem = bearer_token(headers)
    if problem:
        return RequestIdentity(caller(ANONYMOUS_PRINCIPAL), TOKEN, problem)
    if token is not None:
        principal = principal_for_token(token, config)
        if principal is None:
            return RequestIdentity(caller(ANONYMOUS_PRINCIPAL), TOKEN, "unknown machine token")
        return RequestIdentity(caller(principal), TOKEN)
    if not settings.configured:
        return RequestIdentity(caller(ANONYMOUS_PRINCIPAL), "none", None)
    oidc_user = oidc_reader(request) if (settings.oidc and oidc_reader is not None) else None
    identity = resolve_identity(settings, headers=headers, client=client, oidc_user=oidc_user)
    return RequestIdentity(caller(principal_for(identity.user, config)), identity.method, identity.refused)
