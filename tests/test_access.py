"""Access rules (service/access.py) and the pages as a commune official: each role reads exactly what it may."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.area import Area
from indicators.commune_values import values_by_commune
from indicators.area import Period
from indicators.queries import Scope
from service.access import (
    ANONYMOUS_PRINCIPAL, AccessConfigError, AccessDenied, NotSignedIn, Principal, allowed_communes, authorize_area,
    authorize_scope, can_admin, can_download, load_access, mask_communes, parse_access, principal_for,
    principal_for_token, token_hash,
)
from store.reference import load_communes

OWN, OTHER = "10417", "00004"
LEADER = Principal("lanhdao@hanoi.gov.vn", "leader")
ANALYST = Principal("phantich@hanoi.gov.vn", "analyst")
OFFICIAL = Principal("canbo.hoaxa@hanoi.gov.vn", "commune_official", OWN)
VIEWER = Principal("congchung@example.vn", "viewer")


def test_committed_access_file_parses_and_maps_users_case_insensitively():
    config = load_access(dev_mode=True)
    official = principal_for("CanBo.HoaXa@Hanoi.gov.vn", config)
    assert (official.role, official.commune) == ("commune_official", OWN)
    assert principal_for("dev.analyst", config).admin
    assert principal_for("stranger@example.com", config).role == "viewer"
    assert principal_for(None, config) == ANONYMOUS_PRINCIPAL
    assert principal_for("   ", config) == ANONYMOUS_PRINCIPAL


def test_example_users_exist_only_in_development_mode():
    """The committed accounts (the development admin among them) are examples: a production start
    without an access file of its own knows nobody, so nobody gets a role from the repository."""
    production = load_access(dev_mode=False)
    assert production.users == {}
    assert principal_for("dev.analyst", production) == Principal("dev.analyst", "viewer")
    assert not principal_for("dev.analyst", production).admin


@pytest.mark.parametrize("entry, fragment", [
    ({"role": "commune_official", "commune": 4}, "quoted 5-character"),
    ({"role": "commune_official", "commune": "99999"}, "quoted 5-character"),
    ({"role": "commune_official", "commune": OWN, "admin": True}, "admin"),
    ({"role": "viewer", "commune": OWN}, "only a commune official"),
    ({"role": "superuser"}, "role must be one of"),
])
def test_access_file_mistakes_are_refused(entry, fragment):
    with pytest.raises(AccessConfigError, match=fragment):
        parse_access({"users": {"x@y.vn": entry}})


def test_a_commune_official_default_role_is_refused():
    with pytest.raises(AccessConfigError, match="default_role"):
        parse_access({"settings": {"default_role": "commune_official"}, "users": {}})


def test_missing_access_file_is_an_error(tmp_path):
    with pytest.raises(AccessConfigError):
        load_access(tmp_path / "nope.toml")


def test_machine_tokens_are_kept_hashed_and_carry_a_role_and_commune():
    token = "hkpi_" + "a" * 40
    config = parse_access({"tokens": {"ioc": {"sha256": token_hash(token), "role": "leader"},
                                      "xa": {"sha256": token_hash(token + "x"), "role": "commune_official",
                                             "commune": OWN}}})
    assert principal_for_token(token, config).role == "leader"
    assert principal_for_token(token + "x", config).commune == OWN
    assert principal_for_token("hkpi_wrong", config) is None and principal_for_token("", config) is None
    with pytest.raises(AccessConfigError, match="64-hex"):
        parse_access({"tokens": {"bad": {"sha256": token, "role": "leader"}}})


def test_rights_per_role():
    assert [can_download(p) for p in (LEADER, ANALYST, OFFICIAL, VIEWER)] == [True, True, True, False]
    assert not can_admin(ANALYST) and can_admin(Principal("a", "analyst", admin=True))
    assert not can_admin(Principal("v", "viewer", admin=True))
    assert allowed_communes(ANALYST) is None and allowed_communes(OFFICIAL) == (OWN,)
    assert allowed_communes(VIEWER) == ()


def test_nobody_without_an_identity_reads_anything():
    for ask in (lambda: authorize_scope(ANONYMOUS_PRINCIPAL, Scope()),
                lambda: authorize_area(ANONYMOUS_PRINCIPAL, Area.CITY)):
        with pytest.raises(NotSignedIn):
            ask()
    assert not can_download(Principal("anonymous", "leader"))


def test_city_aggregates_are_open_to_every_signed_in_role():
    for who in (LEADER, ANALYST, OFFICIAL, VIEWER):
        assert authorize_scope(who, Scope()) == Scope()
        assert authorize_scope(who, Scope(commune_type="xa")) == Scope(commune_type="xa")
        assert authorize_area(who, Area.CITY) == Area.CITY
        assert authorize_area(who, Area.group("phuong")) == Area.group("phuong")


def test_commune_official_is_refused_other_communes_naming_the_places():
    assert authorize_area(OFFICIAL, Area.commune(OWN)) == Area.commune(OWN)
    for scope in (Scope(communes=(OTHER,)), Scope(communes=(OWN, OTHER))):
        with pytest.raises(AccessDenied) as err:
            authorize_scope(OFFICIAL, scope)
        assert "Phường Ba Đình (00004)" in err.value.message("vi") and "không được xem" in err.value.message("vi")
        assert "may see the detail of Hoa Xa Commune (10417) only" in err.value.message("en")
    with pytest.raises(AccessDenied):
        authorize_area(OFFICIAL, Area.commune(OTHER))


def test_viewer_sees_no_commune_detail():
    with pytest.raises(AccessDenied):
        authorize_scope(VIEWER, Scope(communes=(OWN,)))
    with pytest.raises(AccessDenied, match="commune by commune"):
        authorize_scope(VIEWER, Scope(), by_commune=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(load_communes()["code"])), max_size=4, unique=True))
def test_a_commune_set_passes_only_when_it_is_the_officials_own(communes):
    scope = Scope(communes=tuple(communes))
    if set(communes) <= {OWN}:
        assert authorize_scope(OFFICIAL, scope) == scope
    else:
        with pytest.raises(AccessDenied):
            authorize_scope(OFFICIAL, scope)
    assert authorize_scope(ANALYST, scope) == scope


def test_masking_a_per_commune_frame_keeps_places_and_hides_figures(warehouse):
    frame = values_by_commune(warehouse, "trained_share", Period("year", warehouse.data_until))
    masked = mask_communes(OFFICIAL, frame)
    assert len(masked) == len(frame) and masked["name_vi"].equals(frame["name_vi"])
    others = masked[masked["code"] != OWN]
    assert others["value"].isna().all() and others["rank"].isna().all() and others["status"].isna().all()
    own = masked[masked["code"] == OWN].iloc[0]
    assert math.isclose(own["value"], frame.loc[frame["code"] == OWN, "value"].iloc[0])
    assert mask_communes(ANALYST, frame) is frame


# --- through the app: every page, link and session, as a commune official ---------------------------

from apphelpers import run_app  # noqa: E402

PAGES = ("overview", "map", "commune", "sectors", "trends", "forecast", "data", "wall")
COMMUNE_COLUMNS = ("code", "commune_code", "geo", "Mã", "Code")


def _others_show_no_figures(frame: pd.DataFrame) -> list[str]:
    """Columns with a figure for a commune other than the official's own (should be none)."""
    leaks = []
    for column in [c for c in COMMUNE_COLUMNS if c in frame.columns]:
        codes = frame[column].astype(str)
        others = frame[codes.str.fullmatch(r"\d{5}") & (codes != OWN)]
        for name in others.columns:
            if name in COMMUNE_COLUMNS or not pd.api.types.is_numeric_dtype(others[name]):
                continue
            if others[name].notna().any():
                leaks.append(f"{column}/{name}")
    return leaks


@pytest.fixture
def as_official(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_DEV_USER", OFFICIAL.user)
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    return tmp_path / "audit"


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_another_communes_detail_to_a_commune_official(as_official, page):
    extra = {"xem": "ban-do"} if page == "wall" else {}  # the wall's map view, not whichever the clock shows
    at = run_app(page, xa=OTHER, so_sanh=OTHER, **extra)
    assert not at.exception, at.exception
    assert at.session_state["xa"] == OWN, "the link's commune was refused: the official is back on their own"
    assert OTHER not in (at.sidebar.selectbox[0].options if at.sidebar.selectbox else [])
    for frame in (d.value for d in at.dataframe):
        assert _others_show_no_figures(frame) == [], page
    text = " ".join(m.value for m in at.markdown)
    assert not re.search(r"Ba Đình: \d", text), "the wall map names every commune but shows no other's figure"
    from store.audit import AuditLog

    denied = [e for e in AuditLog(as_official).read().events if e["action"] == "denied"]
    assert denied and denied[0]["params"] == {"xa": OTHER} and denied[0]["user"] == OFFICIAL.user


def test_the_refusal_is_explained_and_the_own_commune_opens(as_official):
    refused = run_app(xa=OTHER)
    assert any("không được xem số liệu chi tiết của Phường Ba Đình (00004)" in w.value for w in refused.warning)
    assert not any("`xa`" in i.value for i in refused.info), "one clear notice, not a second generic one"
    assert refused.sidebar.selectbox[0].options == ["Toàn thành phố", "Xã Hòa Xá (10417)"]
    own = run_app("commune")
    assert not own.exception and any("Hòa Xá" in t.value for t in own.title), "an official lands on their commune"


def _page_asking_for_another_commune() -> None:
    """A page that ignores the sidebar and asks the service layer for commune 00004 directly."""
    import pandas as pd
    import streamlit as st

    from service import AccessDenied, Area, Period
    from ui import data
    from ui.auth import establish_principal

    establish_principal()
    try:
        rows = data.scorecard(Area.commune("00004"), Period("month", pd.Timestamp("2026-10-01")))
        st.metric("leak", str(rows[0].value))
    except AccessDenied as denied:
        st.error(denied.message("vi"))


def test_a_page_that_bypasses_the_controls_is_refused_by_the_service_layer(as_official):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page_asking_for_another_commune, default_timeout=120).run()
    assert not at.exception
    assert not at.metric, "no figure of the other commune reached the page"
    assert any("00004" in e.value and "10417" in e.value for e in at.error)


def test_the_audit_page_is_for_administrators_only(as_official):
    at = run_app()
    with pytest.raises(Exception):
        at.switch_page("pages/audit.py").run()


def test_single_sign_on_maps_the_user_to_their_role(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from apphelpers import APP

    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    monkeypatch.setenv("HANOI_DEV_MODE", "")
    tokens = tmp_path / "access.toml"
    tokens.write_text('[users."canbo.hoaxa@hanoi.gov.vn"]\nrole = "commune_official"\ncommune = "10417"\n',
                      encoding="utf-8")
    monkeypatch.setenv("HANOI_ACCESS_FILE", str(tokens))
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "x", "client_secret": "x", "server_metadata_url": "http://idp/.well-known"}
    at.user = {"is_logged_in": True, "email": "CanBo.HoaXa@hanoi.gov.vn"}
    at.query_params["xa"] = OTHER
    at.run()
    assert not at.exception
    assert at.session_state["xa"] == OWN and any("00004" in w.value for w in at.warning)
    assert not any("Chế độ phát triển" in w.value for w in at.warning), "no development banner under SSO"
    assert [b.label for b in at.sidebar.button] == ["Đăng xuất"]
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.sidebar.button] == ["Đăng nhập"]
    assert not at.metric and not at.dataframe, "not signed in: no figure at all"
