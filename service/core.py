"""The one hook every question passes: authorize, compute once per data version, protect, narrow, audit.

A question is declared once with `@question(...)` over a pure compute function whose first parameter is
the data version; what callers get is a function whose first parameter is the `Caller` instead:

    @question("series", authorize=(signed_in, area_detail()), protect=KPI_ROWS, narrow=drop_other_communes)
    def series(version: str, indicators: tuple[str, ...], area: Area, period: Period) -> pd.DataFrame: ...

    series(caller, ("unemployment_rate",), Area.commune("10417"), Period.year(2026))

Order, the same for every question and every caller (page, API, briefing, CLI):
1. authorize: each policy sees the principal and the bound parameters and returns them (unchanged or
   narrowed) or raises AccessDenied; a refusal is recorded as `denied` and re-raised.
2. compute, protect and present run once per (data version, parameters) and are cached: `protect` is
   the question's declared small-count rule (service/protection.py), applied before anything is kept,
   so no cached or returned value ever holds a hidden figure.
3. narrow: per-principal masking of per-commune rows (after the cache, which is shared).
4. audit: one read event with the authorized parameters and the rows returned (service/audit.py).
Every question is listed in `QUESTIONS` (the tests call each one as each role).
No Streamlit here.
"""
from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Concatenate, ParamSpec, Sequence, TypeVar

import pandas as pd

from service import audit
from service.access import AccessDenied, Principal
from service.audit import Caller
from service.versions import served_version

P = ParamSpec("P")
R = TypeVar("R")
Policy = Callable[[Principal, dict[str, Any]], dict[str, Any]]
"""(principal, parameters) -> parameters the principal may ask (possibly narrowed), or AccessDenied."""


@dataclass(frozen=True)
class Protection:
    """A small-count rule as one question applies it to what it computed (indicators/suppression.py)."""

    name: str
    apply: Callable[[Any, dict[str, Any]], Any]
    """(what the compute returned, the question's parameters) -> what may be shown and cached."""
    why: str


@dataclass(frozen=True)
class Question:
    """A declared question: its name, policies, protection and the compute behind it."""

    name: str
    compute: Callable[..., Any]
    authorize: tuple[Policy, ...]
    protect: Protection
    narrow: Callable[[Principal, Any], Any] | None
    signature: inspect.Signature
    answer: Callable[[str, dict[str, Any]], Any]
    """(version, authorized parameters) -> the protected, cached answer (before narrowing)."""

    def bind(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)

    def run(self, caller: Caller, params: dict[str, Any]) -> tuple[Any, dict[str, Any], str]:
        """Authorize, answer and narrow for the caller, without writing the read: (result, authorized
        parameters, version). A refusal is recorded and re-raised. For callers that write their own
        single event (a download of this question's answer)."""
        try:
            for policy in self.authorize:
                params = policy(caller.principal, params)
        except AccessDenied as denied:
            audit.record_denied(caller, self.name, audit_params(params), denied.message_en)
            raise
        version = caller.version or served_version()
        result = self.answer(version, params)
        if self.narrow is not None:
            result = self.narrow(caller.principal, result)
        return result, params, version


QUESTIONS: dict[str, Question] = {}


class _Cache:
    """A small thread-safe LRU of computed answers keyed on (version, parameters)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bool, Any]:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return True, self._data[key]
        return False, None

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_caches: list[_Cache] = []


def clear_caches() -> None:
    """Forget every computed answer (tests; a publish needs no clearing: keys carry the version)."""
    for cache in _caches:
        cache.clear()


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def count_rows(result: Any) -> int:
    """Rows a result carries, for the audit trail: frames and lists by length, objects by `rows_read`."""
    if result is None:
        return 0
    if isinstance(result, pd.DataFrame):
        return int(len(result))
    rows_read = getattr(result, "rows_read", None)
    if rows_read is not None:
        return int(rows_read)
    if isinstance(result, (list, tuple, dict)):
        return len(result)
    return 1


def _copy(result: Any) -> Any:
    """What a caller gets: its own copy of a frame or a list, so no caller can change a cached answer."""
    if isinstance(result, pd.DataFrame):
        return result.copy()
    if isinstance(result, list):
        return copy.copy(result)
    return result


def audit_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the audit trail keeps them: areas and periods by their keys, the rest as given."""
    out = {}
    for key, value in params.items():
        if hasattr(value, "key") and hasattr(value, "kind"):  # an Area
            out[key] = value.key
        elif hasattr(value, "grain") and hasattr(value, "end"):  # a Period
            out[key] = {"grain": value.grain, "end": f"{value.end:%Y-%m}"}
        else:
            out[key] = value
    return out


def question(name: str, *, authorize: Sequence[Policy], protect: Protection,
             present: Callable[..., Any] | None = None, narrow: Callable[[Principal, Any], Any] | None = None,
             rows: Callable[[Any], int] = count_rows, action: str = "query", maxsize: int = 256
             ) -> Callable[[Callable[Concatenate[str, P], R]], Callable[Concatenate[Caller, P], R]]:
    """Declare a question over `compute(version, ...)`; see the module docstring for what happens."""
    if name in QUESTIONS:
        raise ValueError(f"question {name!r} is declared twice")

    def wrap(compute: Callable[Concatenate[str, P], R]) -> Callable[Concatenate[Caller, P], R]:
        full = inspect.signature(compute)
        signature = full.replace(parameters=list(full.parameters.values())[1:])
        cache = _Cache(maxsize)
        _caches.append(cache)

        def answer(version: str, params: dict[str, Any]) -> Any:
            key = (version, _freeze(params))
            hit, value = cache.get(key)
            if hit:
                return value
            value = protect.apply(compute(version, **params), params)
            if present is not None:
                value = present(version, value, **params)
            cache.put(key, value)
            return value

        declared = Question(name, compute, tuple(authorize), protect, narrow, signature, answer)
        QUESTIONS[name] = declared

        @functools.wraps(compute)
        def ask(caller: Caller, /, *args: P.args, **kwargs: P.kwargs) -> R:
            result, params, version = declared.run(caller, declared.bind(*args, **kwargs))
            if action == "query":
                audit.record_read(caller, name, audit_params(params), rows(result), version)
            else:  # a take-away (download, export): one event every time, in the security stream
                audit.record(caller, action, {"read": name, **audit_params(params)}, rows(result), version)
            return _copy(result)

        ask.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter("caller", inspect.Parameter.POSITIONAL_ONLY, annotation=Caller),
             *signature.parameters.values()], return_annotation=full.return_annotation)
        ask.question_name = name  # type: ignore[attr-defined]
        return ask

    return wrap
