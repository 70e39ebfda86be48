"""The boundary actions of the service layer (service/boundaries.py): administrators only, every attempt in
the audit trail (accepted, refused, or denied), and a bad upload never replaces the served set."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from boundary_helpers import built_json
from indicators import boundaries as geo
from service import Caller, Principal
from service.access import AccessDenied
from service.boundaries import boundary_sets, rollback_boundaries, switch_boundaries, upload_boundaries
from store.audit import AuditLog
from store.boundary_sets import current_boundary_set

ADMIN = Caller(Principal("phantich@hanoi.gov.vn", "analyst", admin=True), channel="ui", session="s", page="du-lieu")
ANALYST = Caller(Principal("phantich2@hanoi.gov.vn", "analyst"), channel="ui", session="s2", page="du-lieu")
OFFICIAL = Caller(Principal("canbo.hoaxa@hanoi.gov.vn", "commune_official", "10417"), channel="ui", session="s3",
                  page="du-lieu")


@pytest.fixture(autouse=True)
def _own_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AuditLog:
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))
    for name in (geo.ENV_FILE, geo.ENV_CODE_PROPERTY, geo.ENV_CRS):
        monkeypatch.delenv(name, raising=False)


def _trail(tmp_path: Path) -> list[dict]:
    return AuditLog(tmp_path / "audit").read().events


def _good() -> bytes:
    return json.dumps(built_json()).encode()


def _missing_a_commune() -> bytes:
    data = built_json()
    data["features"].pop(3)
    return json.dumps(data).encode()


@pytest.mark.parametrize("caller", [ANALYST, OFFICIAL], ids=["analyst", "official"])
def test_only_administrators_may_act_and_each_refusal_is_recorded(caller: Caller, tmp_path: Path) -> None:
    for act in (lambda: upload_boundaries(caller, _good(), "rg.geojson"), lambda: switch_boundaries(caller, "x"),
                lambda: rollback_boundaries(caller), lambda: boundary_sets(caller)):
        with pytest.raises(AccessDenied):
            act()
    events = _trail(tmp_path)
    assert [e["action"] for e in events] == ["denied"] * 4
    assert {e["user"] for e in events} == {caller.principal.user}
    assert current_boundary_set() is None  # nothing changed


def test_an_accepted_upload_is_served_and_recorded_with_its_checksum(tmp_path: Path) -> None:
    data = _good()
    outcome = upload_boundaries(ADMIN, data, "Ranh_gioi.geojson", name="Sở TNMT 2025")
    assert outcome.set_id and outcome.served and current_boundary_set() == outcome.set_id
    (event,) = _trail(tmp_path)
    assert event["action"] == "admin_action" and event["user"] == ADMIN.principal.user
    params = event["params"]
    assert params["action"] == "boundary_upload" and params["accepted"] is True and params["set_id"] == outcome.set_id
    assert params["bytes"] == len(data) and len(params["sha256"]) == 64
    assert [s.set_id for s in boundary_sets(ADMIN)] == [outcome.set_id]


def test_a_bad_upload_keeps_the_served_set_and_is_recorded_as_refused(tmp_path: Path) -> None:
    first = upload_boundaries(ADMIN, _good(), "rg.geojson")
    bad = upload_boundaries(ADMIN, _missing_a_commune(), "=HYPERLINK(\"x\").geojson")
    assert bad.set_id is None and not bad.served
    assert current_boundary_set() == first.set_id
    assert geo.load_boundaries().set_id == first.set_id  # the map still draws the good set
    last = _trail(tmp_path)[-1]["params"]
    assert last["accepted"] is False and any("missing" in p for p in last["problems"])


def test_switch_and_rollback_are_recorded_with_what_was_served_before(tmp_path: Path) -> None:
    first = upload_boundaries(ADMIN, _good(), "a.geojson")
    second = upload_boundaries(ADMIN, _good(), "b.geojson")
    switch_boundaries(ADMIN, first.set_id)
    assert current_boundary_set() == first.set_id
    assert rollback_boundaries(ADMIN) == second.set_id
    actions = [(e["params"]["action"], e["params"].get("set_id"), e["params"].get("previous"))
               for e in _trail(tmp_path)[2:]]
    assert actions == [("boundary_switch", first.set_id, second.set_id),
                       ("boundary_rollback", second.set_id, first.set_id)]
