"""Who is asking (service/identity.py): one configured source decides; a presented identity that is not
believed is refused with its reason; development mode only when asked for."""
from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.identity import (
    DEV, NONE, OIDC, PROXY, IdentitySettings, bearer_token, dev_mode_on, header_lists, is_loopback,
    resolve_identity,
)

LOCAL = (ipaddress.ip_network("127.0.0.1/32"),)
PROXIED = IdentitySettings(trust_proxy=True, trusted_proxies=LOCAL, proxy_secret="s3cret")


def headers(*pairs: tuple[str, str]) -> dict[str, list[str]]:
    return header_lists(pairs)


def test_sources_in_order_and_nothing_without_configuration():
    assert resolve_identity(IdentitySettings(dev_mode=True)).user == "dev.analyst"
    assert resolve_identity(IdentitySettings()).method == NONE and resolve_identity(IdentitySettings()).user is None
    assert not IdentitySettings().configured
    signed_in = {"is_logged_in": True, "email": "LanhDao@hanoi.gov.vn", "sub": "x"}
    oidc = IdentitySettings(oidc=True, dev_mode=True)
    assert resolve_identity(oidc, oidc_user=signed_in).user == "LanhDao@hanoi.gov.vn"
    assert resolve_identity(oidc, oidc_user={"is_logged_in": False}).user is None, "never the dev user under SSO"
    assert resolve_identity(oidc, oidc_user={"is_logged_in": False}).method == OIDC
    ignored = resolve_identity(IdentitySettings(dev_mode=True), headers=headers(("X-Forwarded-User", "lanhdao@x")))
    assert (ignored.user, ignored.method) == ("dev.analyst", DEV), "a header is ignored unless the proxy is trusted"


def test_development_mode_needs_the_exact_switch(monkeypatch):
    for value, on in (("1", True), ("", False), ("0", False), ("true", False), ("yes", False)):
        monkeypatch.setenv("HANOI_DEV_MODE", value)
        assert dev_mode_on() is on
    monkeypatch.delenv("HANOI_DEV_MODE")
    assert not dev_mode_on()


def test_the_proxy_header_with_its_secret_from_the_proxy():
    ok = resolve_identity(PROXIED, headers=headers(("X-Forwarded-User", " canbo@hanoi.gov.vn "), ("X-Proxy-Secret", "s3cret")),
                          client="127.0.0.1")
    assert (ok.user, ok.method, ok.refused) == ("canbo@hanoi.gov.vn", PROXY, None)


@pytest.mark.parametrize("pairs, client, reason", [
    ((("X-Forwarded-User", "a@b.vn"), ("X-Proxy-Secret", "s3cret")), "10.0.0.5", "untrusted address"),
    ((("X-Forwarded-User", "a@b.vn"),), "127.0.0.1", "shared secret"),
    ((("X-Forwarded-User", "a@b.vn"), ("X-Proxy-Secret", "guess")), "127.0.0.1", "shared secret"),
    ((("X-Forwarded-User", "a@b.vn"), ("X-Forwarded-User", "lanhdao@b.vn"), ("X-Proxy-Secret", "s3cret")),
     "127.0.0.1", "2 identity headers"),
    ((("X-Forwarded-User", "   "), ("X-Proxy-Secret", "s3cret")), "127.0.0.1", "empty"),
    ((("X-Forwarded-User", "a@b.vn, lanhdao@b.vn"), ("X-Proxy-Secret", "s3cret")), "127.0.0.1", "malformed"),
    ((("X-Forwarded-User", "a\u0000b"), ("X-Proxy-Secret", "s3cret")), "127.0.0.1", "malformed"),
])
def test_a_forged_or_damaged_identity_is_refused_with_its_reason(pairs, client, reason):
    identity = resolve_identity(PROXIED, headers=headers(*pairs), client=client)
    assert identity.user is None and reason in identity.refused


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_any_header_value_is_an_account_name_or_refused(value):
    identity = resolve_identity(PROXIED, headers=headers(("X-Forwarded-User", value), ("X-Proxy-Secret", "s3cret")),
                                client="127.0.0.1")
    if identity.user is not None:
        assert identity.user == value.strip() and all(c.isalnum() or c in "._%+@-" for c in identity.user)


def test_bearer_tokens_and_addresses():
    assert bearer_token(headers(("Authorization", "Bearer hkpi_x"))) == ("hkpi_x", None)
    assert bearer_token({}) == (None, None)
    assert bearer_token(headers(("Authorization", "Basic eDp5")))[1]
    assert bearer_token(headers(("Authorization", "Bearer a"), ("Authorization", "Bearer b")))[1]
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.8.9.1")
    assert not is_loopback("0.0.0.0") and not is_loopback(None) and not is_loopback("192.168.1.4")
