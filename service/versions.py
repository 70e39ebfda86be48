"""Which data version a question reads: the one served now, resolved once per page run or API request."""
from __future__ import annotations

from dataclasses import dataclass

from indicators.warehouse import NoDataError
from store.versions import current_version

__all__ = ["NoDataError", "ServingProblem", "served_version", "serving_problem"]


@dataclass(frozen=True)
class ServingProblem:
    """The pointer names a version that cannot be served (`asked`); `served` is served instead."""

    asked: str
    served: str


def served_version() -> str:
    """The version the app serves; NoDataError when nothing was ever published."""
    name = current_version()
    if name is None:
        raise NoDataError("Chưa có dữ liệu được công bố / No data published yet: python -m cli demo")
    return name


def serving_problem() -> ServingProblem | None:
    """Whether the served version is a fallback for a damaged one (None: the pointer's version is served)."""
    return None
