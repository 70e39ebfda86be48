"""The commune boundaries an administrator may replace: upload (validated before use, stored as a
versioned boundary set), switch, roll back, list. Each is authorized for administrators only and written to
the audit trail as an `admin_action` (accepted or refused, with the file's name, size and checksum).
These change what the map shows, so they are actions, not questions (service/core.py answers questions)."""
from __future__ import annotations

import hashlib

from indicators.boundaries import UploadOutcome, upload_boundary_file
from service import audit
from service.access import AccessDenied, require_admin
from service.audit import Caller
from store.boundary_sets import (
    BoundarySetInfo, current_boundary_set, list_boundary_sets, rollback_boundary_set, switch_boundary_set,
)

def _admin(caller: Caller, action: str, params: dict) -> None:
    try:
        require_admin(caller.principal)
    except AccessDenied as denied:
        audit.record_denied(caller, action, params, denied.message_en)
        raise


def upload_boundaries(caller: Caller, data: bytes, file_name: str, *, name: str | None = None,
                      crs: str | None = None, code_property: str | None = None, serve: bool = True) -> UploadOutcome:
    """Validate and store an uploaded boundary file; serve it when asked and valid. A bad (or too large)
    file never replaces the served set (indicators/boundaries.py); both outcomes are recorded."""
    params = {"file": str(file_name)[:120], "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
              "crs": crs, "code_property": code_property, "serve": serve}
    _admin(caller, "boundary_upload", params)
    outcome = upload_boundary_file(data, file_name, name=name, code_property=code_property, crs=crs,
                                   created_by=caller.principal.user, serve=serve)
    problems = [str(p)[:200] for p in (outcome.prepared.problems or [])][:10]
    audit.record(caller, "admin_action", {"action": "boundary_upload", **params, "accepted": outcome.set_id is not None,
                                          "set_id": outcome.set_id, "served": outcome.served, "problems": problems})
    return outcome


def switch_boundaries(caller: Caller, set_id: str) -> None:
    """Serve another stored boundary set."""
    previous = current_boundary_set()
    _admin(caller, "boundary_switch", {"set_id": set_id})
    switch_boundary_set(set_id)
    audit.record(caller, "admin_action", {"action": "boundary_switch", "set_id": set_id, "previous": previous})


def rollback_boundaries(caller: Caller) -> str | None:
    """Undo the last switch (the set served before it; None: back to the built schematic map)."""
    previous = current_boundary_set()
    _admin(caller, "boundary_rollback", {})
    served = rollback_boundary_set()
    audit.record(caller, "admin_action", {"action": "boundary_rollback", "set_id": served, "previous": previous})
    return served


def boundary_sets(caller: Caller) -> list[BoundarySetInfo]:
    """The stored boundary sets, newest first, for the administrator's table."""
    _admin(caller, "boundary_sets", {})
    return list_boundary_sets()
