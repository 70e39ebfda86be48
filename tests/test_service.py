"""The service layer's one hook (service/core.py): every question, asked as every role, authorizes, protects
and leaves exactly one event in the audit trail; the examples below must cover every declared question."""
from __future__ import annotations

import pandas as pd
import pytest

import service
from service import Area, Caller, Period, Principal
from service.access import AccessDenied, NotSignedIn
from service.core import QUESTIONS, clear_caches
from store.audit import AuditLog

OWN, OTHER = "10417", "00004"
MONTH = Period("month", pd.Timestamp("2026-10-01"))
YEAR = Period("year", pd.Timestamp("2026-10-01"))
ROLES = {
    "leader": Principal("lanhdao@hanoi.gov.vn", "leader"),
    "analyst": Principal("phantich@hanoi.gov.vn", "analyst", admin=True),
    "official": Principal("canbo.hoaxa@hanoi.gov.vn", "commune_official", OWN),
    "viewer": Principal("congchung@example.vn", "viewer"),
    "anonymous": Principal("anonymous", "viewer"),
}
# question -> (arguments, roles refused). Each question is asked about another commune where it can be, so
# "refused" says who may not see that commune's detail (or who may not take data away, or administer).
EXAMPLES: dict[str, tuple[tuple, dict, set[str]]] = {
    "scorecard": ((Area.commune(OTHER), MONTH), {}, {"official", "viewer"}),
    "value": (("unemployment_rate", Area.commune(OTHER), YEAR), {}, {"official", "viewer"}),
    "series": ((("trained_share",), Area.commune(OTHER), "year"), {}, {"official", "viewer"}),
    "series_by_commune": ((("trained_share",), (Area.commune(OWN), Area.commune(OTHER)), "year"), {},
                          {"official", "viewer"}),
    "map_values": (("trained_share", YEAR), {}, set()),
    "commune_ranks": ((YEAR,), {}, set()),
    "peers": ((Area.commune(OTHER), MONTH), {}, {"official", "viewer"}),
    "commune_facts": ((Area.commune(OTHER),), {}, {"official", "viewer"}),
    "profile": ((Area.commune(OTHER), MONTH), {}, {"official", "viewer"}),
    "sector_figures": ((Area.commune(OTHER), YEAR), {}, {"official", "viewer"}),
    "sector_status": ((Area.commune(OTHER), YEAR), {}, {"official", "viewer"}),
    "sector_matrix": (("employed", Area.CITY, MONTH), {}, {"viewer"}),
    "sector_demand": (((), MONTH), {}, {"viewer"}),
    "sector_forecast": ((Area.commune(OTHER), MONTH), {}, {"official", "viewer"}),
    "forecasts": ((Area.commune(OTHER),), {}, {"official", "viewer"}),
    "forecast_communes": (("unemployment_rate",), {}, set()),
    "forecast_paths": (("unemployment_rate", Area.commune(OTHER)), {}, {"official", "viewer"}),
    "official_forecasts": ((), {}, set()),
    "plan_progress": (("new_jobs", 2026, Area.commune(OTHER)), {}, {"official", "viewer"}),
    "plan_overview": ((2026, 10, Area.commune(OTHER)), {}, {"official", "viewer"}),
    "plan_line": (("new_jobs", 2026, Area.commune(OTHER)), {}, {"official", "viewer"}),
    "commune_completion": (("new_jobs", 2026, 10), {}, set()),
    "target": (("trained_share", Area.commune(OTHER)), {}, {"official", "viewer"}),
    "indicators": ((), {}, set()),
    "published_figures": ((), {}, set()),
    "templates": ((), {}, set()),
    "template_guide": (("commune_jobs",), {}, set()),
    "template_form": (("commune_jobs",), {}, set()),
    "version_info": ((), {}, set()),
    "ingest_summary": ((), {}, set()),
    "freshness": ((pd.Timestamp("2026-11-20"),), {}, set()),
    "completeness": ((pd.Timestamp("2026-11-20"), Area.commune(OTHER)), {}, {"official", "viewer"}),
    "missing_reports": (("commune_jobs", pd.Timestamp("2026-11-20")), {}, {"viewer"}),
    "reconciliation_city": ((), {}, set()),
    "methodology": (("vi",), {}, set()),
    "downloadable_tables": ((), {}, set()),
    "table_years": ((), {}, set()),
    "version_table": (("coverage",), {}, set()),
    "audit_events": ((pd.Timestamp("2026-11-01").date(), pd.Timestamp("2026-12-31").date()), {},
                     {"leader", "official", "viewer"}),
}


def test_every_question_has_an_example():
    assert set(QUESTIONS) == set(EXAMPLES), "add the new question to EXAMPLES (and decide who is refused)"


def test_every_question_declares_its_protection_and_policies():
    for name, question in QUESTIONS.items():
        assert question.protect.name and question.protect.why, name
        assert question.authorize, f"{name} has no policy at all"
        assert question.compute.__doc__, f"{name} says what it answers"


@pytest.fixture
def trail(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    return AuditLog(tmp_path / "audit")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_question_as_each_role_authorizes_and_audits(name, trail, demo_version):
    args, kwargs, refused = EXAMPLES[name]
    ask = getattr(service, name)
    for role, principal in ROLES.items():
        caller = Caller(principal, channel="api", session=f"test-{role}", page="test", reads="each")
        before = len(trail.read().events)
        if role == "anonymous":
            with pytest.raises(NotSignedIn):
                ask(caller, *args, **kwargs)
            outcome = "denied"
        elif role in refused:
            with pytest.raises(AccessDenied):
                ask(caller, *args, **kwargs)
            outcome = "denied"
        else:
            ask(caller, *args, **kwargs)
            outcome = "admin_view" if name == "audit_events" else "api_read"
        events = trail.read().events[before:]
        assert [e["action"] for e in events] == [outcome], (name, role, events)
        assert events[0]["user"] == principal.user and events[0]["params"].get("read") == name


def test_a_page_session_writes_a_read_once_and_a_refusal_every_time(trail, demo_version):
    caller = Caller(ROLES["official"], channel="ui", session="s1", page="tong-quan")
    for _ in range(3):
        service.scorecard(caller, Area.commune(OWN), MONTH)
    with pytest.raises(AccessDenied):
        service.scorecard(caller, Area.commune(OTHER), MONTH)
    with pytest.raises(AccessDenied):
        service.scorecard(caller, Area.commune(OTHER), MONTH)
    assert [e["action"] for e in trail.read().events] == ["query", "denied", "denied"]


def test_answers_are_cached_per_version_and_each_caller_gets_its_own_copy(demo_version):
    clear_caches()
    analyst = Caller(ROLES["analyst"], reads="none")
    first = service.map_values(analyst, "trained_share", YEAR)
    first.loc[:, "value"] = -1.0  # a caller that scribbles on its answer
    again = service.map_values(analyst, "trained_share", YEAR)
    assert (again["value"].dropna() > 0).all()
    official = service.map_values(Caller(ROLES["official"], reads="none"), "trained_share", YEAR)
    assert official.loc[official["code"] != OWN, "value"].isna().all(), "narrowed after the shared cache"
    assert official.loc[official["code"] == OWN, "value"].notna().all()


def test_a_year_is_asked_directly(demo_version):
    """'Unemployment in xã Hòa Xá in 2026': one question, one value with its provenance."""
    answer = service.value(Caller(ROLES["official"], reads="none"), "unemployment_rate", Area.commune(OWN),
                           Period.year(2026))
    assert answer.value is not None and answer.status == "demo" and answer.source and answer.vintage is not None
    assert (answer.period_start, answer.period_end) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-10-01"))
    frame = service.series(Caller(ROLES["official"], reads="none"), ("unemployment_rate",), Area.commune(OWN), "ytd",
                           pd.Timestamp("2026-01-01"), pd.Timestamp("2026-10-01"))
    assert answer.value == pytest.approx(frame.iloc[-1]["value"])


def test_periods_and_areas_outside_the_data_or_the_city_are_refused_with_the_range(demo_version):
    from service import BadRequest

    with pytest.raises(BadRequest, match="2020-01 to 2026-10"):
        service.scorecard(Caller(ROLES["analyst"], reads="none"), Area.CITY, Period("month", pd.Timestamp("2027-01-01")))
    with pytest.raises(BadRequest):
        Area.parse("99999")
    with pytest.raises(BadRequest, match="YYYY-MM"):
        Period.parse("month", "10/2026")
    assert Period.parse("year", "2026") == Period.year(2026)
    assert Period("quarter", pd.Timestamp("2026-08-15")).window() == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-08-01"))
    with pytest.raises(ValueError):
        Period("week", pd.Timestamp("2026-08-01"))
