"""Who is asking: the identity of a page session or an API request, from exactly one configured source.

Sources, in order (the first one configured decides; roles never come from a header or a claim, only
from the access file, `service/access.py`):
1. A machine token (API only): `Authorization: Bearer hkpi_…`, kept hashed in the access file.
2. Streamlit's OIDC sign-in (`[auth]` in `.streamlit/secrets.toml`): the signed-in user's e-mail (else
   preferred_username, else sub). Not signed in: no identity, so no data.
3. The city's reverse proxy (`HANOI_TRUST_PROXY_HEADER=1`): the identity header
   (`HANOI_PROXY_USER_HEADER`, default `X-Forwarded-User`) is believed only on a connection from a
   configured proxy address (`HANOI_TRUSTED_PROXIES`, default the loopback addresses) and, when
   `HANOI_PROXY_SECRET` is set, only with the shared secret the proxy adds
   (`HANOI_PROXY_SECRET_HEADER`, default `X-Proxy-Secret`). A duplicated, empty or malformed identity
   header is refused (a proxy that appends instead of replacing would otherwise let a client choose
   the first copy), and so is one from any other address.
4. Development mode, only when switched on explicitly (`HANOI_DEV_MODE=1`, and then the server listens
   on the loopback address only): everyone is `HANOI_DEV_USER` (default `dev.analyst`).
With none of them configured, nobody has an identity and the server serves no data.
No Streamlit here: the page session (ui/auth.py) and the API (api/) both pass what they received.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

DEFAULT_DEV_USER = "dev.analyst"
DEFAULT_PROXY_HEADER = "X-Forwarded-User"
DEFAULT_SECRET_HEADER = "X-Proxy-Secret"
DEFAULT_TRUSTED_PROXIES = "127.0.0.1/32,::1/128"
TOKEN, OIDC, PROXY, DEV, NONE = "token", "oidc", "proxy", "dev", "none"
IDENTITY_PATTERN = re.compile(r"[A-Za-z0-9._%+@-]{1,254}")
"""An e-mail address or an account name: no spaces, commas, quotes or control characters."""


def dev_mode_on() -> bool:
    """Development mode is on only when asked for in so many words (`HANOI_DEV_MODE=1`)."""
    return os.environ.get("HANOI_DEV_MODE", "").strip() == "1"


def is_loopback(address: str | None) -> bool:
    """Whether a server or client address is the machine itself (127.0.0.0/8, ::1, 'localhost')."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Identity:
    """Who the request says the user is (`user`, None when nobody) and how we know (`method`); `refused`
    says why a presented identity was not believed (recorded in the audit trail as a denial)."""

    user: str | None
    method: str
    refused: str | None = None


@dataclass(frozen=True)
class IdentitySettings:
    """The configured identity sources (read from the environment once per request; cheap)."""

    oidc: bool = False
    trust_proxy: bool = False
    proxy_header: str = DEFAULT_PROXY_HEADER
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    proxy_secret: str | None = None
    secret_header: str = DEFAULT_SECRET_HEADER
    dev_mode: bool = False
    dev_user: str = DEFAULT_DEV_USER

    @property
    def configured(self) -> bool:
        """Whether any source of identity is configured at all (else the server serves no data)."""
        return self.oidc or self.trust_proxy or self.dev_mode

    @classmethod
    def from_env(cls, oidc: bool = False, environ: Mapping[str, str] | None = None) -> "IdentitySettings":
        env = os.environ if environ is None else environ
        networks = []
        for part in env.get("HANOI_TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES).split(","):
            if part.strip():
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
        secret = env.get("HANOI_PROXY_SECRET") or None
        secret_file = env.get("HANOI_PROXY_SECRET_FILE")
        if secret is None and secret_file:
            with open(secret_file, encoding="utf-8") as fh:
                secret = fh.read().strip() or None
        return cls(
            oidc=oidc,
            trust_proxy=env.get("HANOI_TRUST_PROXY_HEADER", "").strip() == "1",
            proxy_header=env.get("HANOI_PROXY_USER_HEADER", DEFAULT_PROXY_HEADER),
            trusted_proxies=tuple(networks),
            proxy_secret=secret,
            secret_header=env.get("HANOI_PROXY_SECRET_HEADER", DEFAULT_SECRET_HEADER),
            dev_mode=env.get("HANOI_DEV_MODE", "").strip() == "1",
            dev_user=env.get("HANOI_DEV_USER", DEFAULT_DEV_USER),
        )


def header_lists(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Headers as lower-cased name -> every value received, in order (duplicates kept on purpose)."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name.lower(), []).append(value)
    return out


def _trusted(client: str | None, settings: IdentitySettings) -> bool:
    if not client:
        return False
    try:
        address = ipaddress.ip_address(client.strip().strip("[]"))
    except ValueError:
        return False
    return any(address in network for network in settings.trusted_proxies)


def _from_proxy(settings: IdentitySettings, headers: Mapping[str, list[str]], client: str | None) -> Identity:
    values = headers.get(settings.proxy_header.lower(), [])
    secrets = headers.get(settings.secret_header.lower(), [])
    if not values:
        return Identity(None, PROXY)
    if not _trusted(client, settings):
        return Identity(None, PROXY, f"identity header from an untrusted address {client or '?'}")
    if settings.proxy_secret is not None:
        if len(secrets) != 1 or not hmac.compare_digest(secrets[0].encode(), settings.proxy_secret.encode()):
            return Identity(None, PROXY, "identity header without the proxy's shared secret")
    if len(values) != 1:
        return Identity(None, PROXY, f"{len(values)} identity headers (exactly one expected)")
    value = values[0].strip()
    if not value:
        return Identity(None, PROXY, "empty identity header")
    if not IDENTITY_PATTERN.fullmatch(value):
        return Identity(None, PROXY, "malformed identity header")
    return Identity(value, PROXY)


def _from_oidc(oidc_user: Mapping[str, object] | None) -> Identity:
    if oidc_user and oidc_user.get("is_logged_in"):
        for claim in ("email", "preferred_username", "sub"):
            value = oidc_user.get(claim)
            if isinstance(value, str) and value.strip():
                return Identity(value.strip(), OIDC)
    return Identity(None, OIDC)


def resolve_identity(settings: IdentitySettings, *, headers: Mapping[str, list[str]] | None = None,
                     client: str | None = None, oidc_user: Mapping[str, object] | None = None) -> Identity:
    """The identity from the first configured source (pure: callers pass what the request carried).

    Machine tokens are the API's business (`bearer_token`), checked before this.
    """
    headers = headers or {}
    if settings.oidc:
        return _from_oidc(oidc_user)
    if settings.trust_proxy:
        return _from_proxy(settings, headers, client)
    if settings.dev_mode:
        return Identity(settings.dev_user, DEV)
    return Identity(None, NONE)


def bearer_token(headers: Mapping[str, list[str]]) -> tuple[str | None, str | None]:
    """(token, problem) from `Authorization: Bearer …`: (None, None) when there is no such header."""
    values = headers.get("authorization", [])
    if not values:
        return None, None
    if len(values) != 1:
        return None, "more than one Authorization header"
    scheme, _, token = values[0].strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "Authorization header is not 'Bearer <token>'"
    return token.strip(), None
