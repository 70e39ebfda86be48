"""Access control at the query layer: each role reads exactly what it may (service/access.py)."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.access import (
    ANONYMOUS_PRINCIPAL, AccessConfigError, AccessDenied, Principal, allowed_communes, authorize_geo,
    authorize_scope, can_admin, can_download, kpi_frame_for, load_access, mask_communes, parse_access,
    principal_for, scorecard_for,
)
from store.catalogue import load_catalogue
from indicators.commune_values import values_by_commune
from indicators.queries import Scope, kpi_frame
from indicators.scorecard import build_scorecard
from indicators.suppression import FLAG
from store.reference import load_communes

OWN, OTHER = "10417", "00004"
LEADER = Principal("lanhdao@hanoi.gov.vn", "leader")
ANALYST = Principal("phantich@hanoi.gov.vn", "analyst")
OFFICIAL = Principal("canbo.hoaxa@hanoi.gov.vn", "commune_official", OWN)
VIEWER = Principal("congchung@example.vn", "viewer")
CODES = ["unemployment_rate", "trained_share"]


def test_committed_access_file_parses_and_maps_users_case_insensitively():
    config = load_access()
    official = principal_for("CanBo.HoaXa@Hanoi.gov.vn", config)
    assert (official.role, official.commune) == ("commune_official", OWN)
    assert principal_for("dev.analyst", config).admin
    assert principal_for("stranger@example.com", config).role == "viewer"
    assert principal_for(None, config) == ANONYMOUS_PRINCIPAL
    assert principal_for("   ", config) == ANONYMOUS_PRINCIPAL


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


def test_rights_per_role():
    assert [can_download(p) for p in (LEADER, ANALYST, OFFICIAL, VIEWER)] == [True, True, True, False]
    assert not can_admin(ANALYST) and can_admin(Principal("a", "analyst", admin=True))
    assert not can_admin(Principal("v", "viewer", admin=True))
    assert allowed_communes(ANALYST) is None and allowed_communes(OFFICIAL) == (OWN,)
    assert allowed_communes(VIEWER) == ()


def test_city_aggregates_are_open_to_every_role():
    for who in (LEADER, ANALYST, OFFICIAL, VIEWER, ANONYMOUS_PRINCIPAL):
        assert authorize_scope(who, Scope()) == Scope()
        assert authorize_scope(who, Scope(commune_type="xa")) == Scope(commune_type="xa")
        assert authorize_geo(who, "city") == "city"


def test_commune_official_is_refused_other_communes_with_both_languages():
    assert authorize_scope(OFFICIAL, Scope(communes=(OWN,))) == Scope(communes=(OWN,))
    for scope in (Scope(communes=(OTHER,)), Scope(communes=(OWN, OTHER))):
        with pytest.raises(AccessDenied) as err:
            authorize_scope(OFFICIAL, scope)
        assert OTHER in err.value.message("vi") and "không được xem" in err.value.message("vi")
        assert "may see the detail of commune 10417 only" in err.value.message("en")
    with pytest.raises(AccessDenied):
        authorize_geo(OFFICIAL, OTHER)


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


def test_by_commune_breakdown_is_narrowed_to_the_officials_commune(warehouse):
    mine = kpi_frame_for(OFFICIAL, warehouse, CODES, Scope(), "year", by_commune=True)
    assert set(mine["commune_code"]) == {OWN}
    direct = kpi_frame(warehouse, CODES, Scope(communes=(OWN,)), "year", by_commune=True)
    pd.testing.assert_frame_equal(mine.drop(columns=FLAG).reset_index(drop=True), direct.reset_index(drop=True))
    everyone = kpi_frame_for(ANALYST, warehouse, CODES, Scope(), "year", by_commune=True)
    assert everyone["commune_code"].nunique() == len(load_communes())
    with pytest.raises(AccessDenied):
        kpi_frame_for(VIEWER, warehouse, CODES, Scope(), "year", by_commune=True)


def test_query_layer_as_each_role(warehouse):
    city = kpi_frame(warehouse, CODES, Scope(), "year")
    for who in (LEADER, ANALYST, OFFICIAL, VIEWER):
        pd.testing.assert_frame_equal(kpi_frame_for(who, warehouse, CODES, Scope(), "year").drop(columns=FLAG), city)
    other = Scope(communes=(OTHER,))
    assert not kpi_frame_for(LEADER, warehouse, CODES, other, "year").empty
    for who in (OFFICIAL, VIEWER):
        with pytest.raises(AccessDenied):
            kpi_frame_for(who, warehouse, CODES, other, "year")


def test_scorecard_as_a_commune_official(warehouse):
    own = scorecard_for(OFFICIAL, warehouse, Scope(communes=(OWN,)), "month", None, OWN)
    expected = build_scorecard(warehouse, Scope(communes=(OWN,)), "month", None, OWN)
    assert [r.value for r in own] == [r.value for r in expected]
    with pytest.raises(AccessDenied):
        scorecard_for(OFFICIAL, warehouse, Scope(communes=(OTHER,)), "month", None, OTHER)
    with pytest.raises(AccessDenied):  # the city's data with another commune's targets is refused too
        scorecard_for(OFFICIAL, warehouse, Scope(), "month", None, OTHER)


def test_masking_a_per_commune_frame_keeps_places_and_hides_figures(warehouse):
    frame = values_by_commune(warehouse, "trained_share", "year", warehouse.data_until)
    masked = mask_communes(OFFICIAL, frame)
    assert len(masked) == len(frame) and masked["name_vi"].equals(frame["name_vi"])
    others = masked[masked["code"] != OWN]
    assert others["value"].isna().all() and others["rank"].isna().all() and others["status"].isna().all()
    own = masked[masked["code"] == OWN].iloc[0]
    assert math.isclose(own["value"], frame.loc[frame["code"] == OWN, "value"].iloc[0])
    assert mask_communes(ANALYST, frame) is frame


# --- through the app: every page, link, session and download, as a commune official ---------------

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
    assert at.session_state["xa"] == "", "the link's commune was refused"
    assert OTHER not in (at.sidebar.selectbox[0].options if at.sidebar.selectbox else [])
    for frame in (d.value for d in at.dataframe):
        assert _others_show_no_figures(frame) == [], page
    text = " ".join(m.value for m in at.markdown)
    assert "Ba Đình" not in text or page in ("map", "sectors", "data", "wall"), "no profile of another commune"
    assert not re.search(r"Ba Đình: \d", text), "the wall map names every commune but shows no other's figure"
    from store.audit import AuditLog

    denied = [e for e in AuditLog(as_official).read().events if e["action"] == "denied"]
    assert denied and denied[0]["params"] == {"xa": OTHER} and denied[0]["user"] == OFFICIAL.user


def test_the_refusal_is_explained_and_the_own_commune_still_opens(as_official):
    refused = run_app(xa=OTHER)
    assert any("không được xem số liệu chi tiết của xã/phường 00004" in w.value for w in refused.warning)
    assert not any("“xa”" in i.value for i in refused.info), "one clear notice, not a second generic one"
    assert refused.sidebar.selectbox[0].options == ["Toàn thành phố", "Xã Hòa Xá (10417)"]
    own = run_app("commune", xa=OWN)
    assert not own.exception and any("Hòa Xá" in t.value for t in own.title)
    assert [b.label for b in own.download_button], "an official may download their own commune's table"


def _page_asking_for_another_commune() -> None:
    """A page that ignores the sidebar and asks the data layer for commune 00004 directly."""
    import streamlit as st

    from service.access import AccessDenied
    from indicators.queries import Scope
    from ui import data
    from ui.auth import establish_principal

    establish_principal()
    try:
        rows = data.scorecard(data.version(), Scope(communes=("00004",)), "month", None, "00004")
        st.metric("leak", str(rows[0].value))
    except AccessDenied as denied:
        st.error(denied.message("vi"))


def test_a_page_that_bypasses_the_controls_is_refused_by_the_data_layer(as_official):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page_asking_for_another_commune, default_timeout=120).run()
    assert not at.exception
    assert not at.metric, "no figure of the other commune reached the page"
    assert any("00004" in e.value and "10417" in e.value for e in at.error)


def test_the_audit_page_is_for_administrators_only(as_official):
    at = run_app()
    with pytest.raises(Exception):
        at.switch_page("pages/audit.py").run()


def test_app_accessors_refuse_or_mask_for_a_commune_official(demo_version):
    from ui import data

    with pytest.raises(AccessDenied):
        data.scorecard(demo_version, Scope(communes=(OTHER,)), "month", None, OTHER, principal=OFFICIAL)
    with pytest.raises(AccessDenied):
        data.kpis(demo_version, ("trained_share",), Scope(communes=(OTHER,)), "year", principal=OFFICIAL)
    by_commune = data.kpis(demo_version, ("trained_share",), Scope(), "year", by_commune=True, principal=OFFICIAL)
    assert set(by_commune["commune_code"]) == {OWN}
    values = data.commune_values(demo_version, "trained_share", "year", pd.Timestamp("2025-12-01"), principal=OFFICIAL)
    assert values.loc[values["code"] != OWN, "value"].isna().all() and values.loc[values["code"] == OWN, "value"].notna().all()
    measure = sorted(load_catalogue().measures)[0]
    for table in data.downloadable_tables(demo_version):
        # the facts table is offered one measure and year at a time (the whole of it is ~2 million rows)
        frame = (data.download_frame(demo_version, table, measure, 2025, principal=OFFICIAL) if table == "facts"
                 else data.download_frame(demo_version, table, principal=OFFICIAL))
        for column in [c for c in ("commune_code", "geo", "code") if c in frame.columns]:
            codes = set(frame[column].astype(str))
            assert {c for c in codes if c.isdigit() and len(c) == 5} <= {OWN}, (table, column)


# --- who the user is (ui/auth.py) ------------------------------------------------------------------

from ui.auth import DEV, OIDC, PROXY, resolve_identity  # noqa: E402


def _identity(**overrides):
    base = dict(oidc_configured=False, oidc_user={}, trust_proxy=False, proxy_header="X-Forwarded-User",
                headers={}, dev_mode=True, dev_user="dev.analyst")
    return resolve_identity(**{**base, **overrides})


def test_identity_sources_in_order():
    assert _identity() == (_identity().__class__("dev.analyst", DEV))
    signed_in = {"is_logged_in": True, "email": "LanhDao@hanoi.gov.vn", "sub": "x"}
    assert _identity(oidc_configured=True, oidc_user=signed_in).user == "LanhDao@hanoi.gov.vn"
    assert _identity(oidc_configured=True, oidc_user={"is_logged_in": False}) == \
        _identity().__class__(None, OIDC), "not signed in: the public, never the dev user"
    assert _identity(trust_proxy=True, headers={"X-Forwarded-User": " canbo.hoaxa@hanoi.gov.vn "}).user == \
        "canbo.hoaxa@hanoi.gov.vn"
    assert _identity(trust_proxy=True, headers={}).user is None
    assert _identity(trust_proxy=True, headers={}).method == PROXY
    assert _identity(headers={"X-Forwarded-User": "lanhdao@hanoi.gov.vn"}).user == "dev.analyst", \
        "an untrusted header is ignored"
    assert _identity(dev_mode=False).user is None


def test_single_sign_on_maps_the_user_to_their_role(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from apphelpers import APP

    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "x", "client_secret": "x", "server_metadata_url": "http://idp/.well-known"}
    at.user = {"is_logged_in": True, "email": "CanBo.HoaXa@hanoi.gov.vn"}
    at.query_params["xa"] = OTHER
    at.run()
    assert not at.exception
    assert at.session_state["xa"] == "" and any("00004" in w.value for w in at.warning)
    assert not any("Chế độ phát triển" in w.value for w in at.warning), "no development banner under SSO"
    assert [b.label for b in at.sidebar.button] == ["Đăng xuất"]
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.sidebar.button] == ["Đăng nhập"]
    assert any("Công chúng" in c.value for c in at.sidebar.caption)
    assert not [b for b in at.download_button], "the public downloads nothing"
