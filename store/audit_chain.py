"""Tamper evidence for the audit trail: every record chained to the one before it, and the check.

Each record carries `prev`, the `hash` of the previous record of the same stream (`GENESIS` for the
first one ever), and its own `hash` = sha256(prev + canonical JSON of the record without `hash`). The
chain runs on across rotated and monthly files. Editing a line changes its hash; removing, reordering
or inserting a line leaves a `prev` that points at the wrong record; `verify_stream` finds the first
such link and names its file and line.

When the log itself removes an old file (security files past the retention, activity files rotated out
by size), it first writes a `retention` / `rotation` record holding the removed file's name, event count
and last hash, chained like any other; a chain whose oldest remaining record follows one of those
hashes starts there legitimately and is reported as such, not as a break.

What a hash chain cannot see: the newest lines cut off (or the whole folder rewritten from some point
on with fresh hashes), because what remains is still a valid chain. Hence `python -m cli audit head`:
ship each stream's newest hash elsewhere now and then (a ticket, a mail, another server), and
`verify(anchors=...)` later confirms that each shipped hash is still in the chain.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from store.bounded_json import canonical_json, sha256_text

GENESIS = "0" * 64
REMOVAL_ACTIONS = ("retention", "rotation")


def record_hash(record: Mapping) -> str:
    """The hash of a record (everything but its own `hash` field), chained on its `prev`."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return sha256_text(str(body.get("prev", "")) + canonical_json(body))


def seal(body: dict, prev: str) -> dict:
    """The record as written: `body` with `prev` and its `hash`."""
    record = {**body, "prev": prev}
    record["hash"] = record_hash(record)
    return record


@dataclass(frozen=True)
class ChainBreak:
    """The first link that does not hold: where (file, 1-based line) and why (Vietnamese / English)."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True)
class StreamReport:
    """One stream checked: records whose links hold, damaged (unreadable) lines skipped, how it starts.

    `start` is "empty", "genesis" (the first record ever is still there) or "retention" (older files
    were removed by the log itself, `removed` names them); `broken` is the first break, if any.
    """

    stream: str
    events: int
    damaged: int
    files: int
    start: str
    removed: tuple[str, ...] = ()
    head: str | None = None
    broken: ChainBreak | None = None
    anchors_missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.anchors_missing


@dataclass(frozen=True)
class VerifyReport:
    """Every stream's report, plus the events of the log from before the chain (never chained)."""

    streams: tuple[StreamReport, ...]
    legacy_events: int = 0
    legacy_files: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.streams)


def verify_stream(stream: str, files: Iterable[Path], anchors: Iterable[str] = ()) -> StreamReport:
    """Walk one stream's files, oldest first, checking every hash and every link."""
    files = list(files)
    prev: str | None = None
    first: tuple[str, int, str] | None = None
    broken: ChainBreak | None = None
    removed: dict[str, str] = {}  # last hash of a removed file -> its name
    seen_anchors: set[str] = set()
    wanted = set(anchors)
    events = damaged = 0
    for path in files:
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except ValueError:
                    damaged += 1
                    continue
                if not isinstance(record, dict):
                    damaged += 1
                    continue
                if record.get("action") in REMOVAL_ACTIONS and isinstance(record.get("params"), dict):
                    removed[str(record["params"].get("last_hash"))] = str(record["params"].get("file"))
                if broken is not None:
                    continue  # keep collecting removal records, for the start check below
                reason = _link_error(record, stream, prev)
                if reason is not None:
                    broken = ChainBreak(path.name, number, reason)
                    continue
                if first is None:
                    first = (path.name, number, record["prev"])
                prev = record["hash"]
                if prev in wanted:
                    seen_anchors.add(prev)
                events += 1
    start = "empty" if broken is None else "broken"
    if first is not None:
        name, number, first_prev = first
        if first_prev == GENESIS:
            start = "genesis"
        elif first_prev in removed:
            start = "retention"
        else:
            start = "broken"
            broken = ChainBreak(name, number, "chuỗi bắt đầu sau một bản ghi đã mất mà không do hạn lưu giữ xoá "
                                              "(dòng hoặc tệp cũ bị xoá) / the chain starts after a record that is "
                                              "missing and was not removed by retention (older lines or files deleted)")
    return StreamReport(stream, events, damaged, len(files), start,
                        tuple(sorted(set(removed.values()))), prev, broken, tuple(sorted(wanted - seen_anchors)))


def _link_error(record: dict, stream: str, prev: str | None) -> str | None:
    """Why this record does not follow `prev` (None for the first one seen), or None when it does."""
    if not isinstance(record.get("hash"), str) or not isinstance(record.get("prev"), str):
        return ("không có hash hoặc prev: dòng không do nhật ký ghi / "
                "no hash or prev: a line not written by the audit log")
    if record.get("stream") != stream:
        return (f"bản ghi của luồng {record.get('stream')!r} nằm trong luồng {stream!r} / "
                f"a record of stream {record.get('stream')!r} in the {stream!r} stream")
    if record_hash(record) != record["hash"]:
        return "nội dung không khớp hash (dòng đã bị sửa) / the content does not match its hash (the line was edited)"
    if prev is not None and record["prev"] != prev:
        return ("prev không khớp hash của bản ghi trước (có dòng bị xoá, đổi chỗ hoặc chèn) / "
                "prev does not match the previous record's hash (a line was removed, reordered or inserted)")
    return None
