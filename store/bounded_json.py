"""Any value as a small JSON value, for the audit trail: long texts cut and hashed, sizes bounded.

Why: parameters come from URLs, headers and uploads. Written as they came, one 500 KB URL parameter a
rerun filled the log and pushed every download record out. Here a text longer than `MAX_TEXT`
characters keeps its first `MAX_TEXT` characters, then "…" and `[sha256:<hex>;len:<n>]` (the hash of
the whole text, so two events can still be matched on the same value); a dict keeps at most
`MAX_KEYS` keys (keys cut at `MAX_KEY`), a list `MAX_ITEMS` items, nesting `MAX_DEPTH` levels, the
whole value `MAX_NODES` values; and if the result is still over `MAX_BYTES` of JSON it is replaced
by its digest. The caller learns whether anything was cut, and the record says so.
Timestamps, tuples, sets, dataclasses and numpy scalars become plain JSON values on the way.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 120
MAX_KEY = 64
MAX_KEYS = 32
MAX_ITEMS = 32
MAX_DEPTH = 4
MAX_NODES = 200
MAX_BYTES = 8192


@dataclass(frozen=True)
class Bounded:
    """A JSON-ready value and whether anything was cut from it."""

    value: Any
    cut: bool


def canonical_json(value: Any) -> str:
    """The one JSON spelling of a value (sorted keys, no spaces, UTF-8 text): what hashes are taken over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cut_text(text: str, limit: int = MAX_TEXT) -> str:
    """`text` if short enough, else its head, "…" and the sha256 and length of the whole."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…[sha256:{sha256_text(text)};len:{len(text)}]"


class _Walk:
    def __init__(self) -> None:
        self.nodes = 0
        self.cut = False

    def text(self, value: str, limit: int = MAX_TEXT) -> str:
        out = cut_text(value.encode("utf-8", "replace").decode("utf-8"), limit)  # lone surrogates too
        self.cut |= out != value
        return out

    def value(self, value: Any, depth: int) -> Any:
        self.nodes += 1
        if value is None or isinstance(value, (bool, int)):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if isinstance(value, str):
            return self.text(value)
        if hasattr(value, "item") and callable(value.item) and not isinstance(value, (dict, list, tuple)):
            try:  # numpy scalar
                return self.value(value.item(), depth)
            except (TypeError, ValueError):
                pass
        if dataclasses.is_dataclass(value) and not isinstance(value, type):  # e.g. a Scope
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        if isinstance(value, dict):
            return self.mapping(value, depth)
        if isinstance(value, (list, tuple, set, frozenset)):
            return self.sequence(value, depth)
        if hasattr(value, "isoformat"):
            return self.text(value.isoformat())
        return self.text(str(value))

    def _too_deep(self, value: Any, depth: int) -> str | None:
        if depth >= MAX_DEPTH or self.nodes >= MAX_NODES:
            self.cut = True
            return cut_text(f"…[{type(value).__name__} of {len(value)}]", MAX_TEXT)
        return None

    def mapping(self, value: dict, depth: int) -> Any:
        if (marker := self._too_deep(value, depth)) is not None:
            return marker
        out: dict[str, Any] = {}
        for i, (key, item) in enumerate(value.items()):
            if i >= MAX_KEYS or self.nodes >= MAX_NODES:
                out["…"] = f"+{len(value) - i} keys"
                self.cut = True
                break
            out[self.text(str(key), MAX_KEY)] = self.value(item, depth + 1)
        return out

    def sequence(self, value: Any, depth: int) -> Any:
        if (marker := self._too_deep(value, depth)) is not None:
            return marker
        items = list(value)
        if isinstance(value, (set, frozenset)):
            items = sorted(items, key=str)
        out = []
        for i, item in enumerate(items):
            if i >= MAX_ITEMS or self.nodes >= MAX_NODES:
                out.append(f"…+{len(items) - i} items")
                self.cut = True
                break
            out.append(self.value(item, depth + 1))
        return out


def bound_json(value: Any) -> Bounded:
    """`value` as a JSON value of bounded size (see the module docstring for the limits)."""
    walk = _Walk()
    out = walk.value(value, 0)
    text = canonical_json(out)
    if len(text.encode("utf-8")) > MAX_BYTES:
        keys = [cut_text(str(k), MAX_KEY) for k in list(out)[:10]] if isinstance(out, dict) else []
        return Bounded({"…": f"[sha256:{sha256_text(text)};bytes:{len(text.encode('utf-8'))}]", "keys": keys},
                       True)
    return Bounded(out, walk.cut)


def bound_text(value: str | None, limit: int = 200) -> Bounded:
    """A single text field (user, page, session, client ...) cut like a parameter value."""
    if value is None:
        return Bounded(None, False)
    walk = _Walk()
    out = walk.text(str(value), limit)
    return Bounded(out, walk.cut)
