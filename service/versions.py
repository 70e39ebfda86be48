"""Which data version a question reads: the one served now (store/versions.py decides: CURRENT when it is
valid, else the newest valid kept version), resolved once per page run or API request."""
from __future__ import annotations

from dataclasses import dataclass

from indicators.warehouse import NoDataError
from store.versions import served_version as store_served

__all__ = ["NoDataError", "ServingProblem", "served_version", "serving_problem"]


@dataclass(frozen=True)
class ServingProblem:
    """The pointer names a version that cannot be served (`asked`); `served` is served instead, and why."""

    asked: str | None
    served: str
    problem_vi: str
    problem_en: str


def served_version() -> str:
    """The version to serve; NoDataError when nothing valid was ever published."""
    served = store_served()
    if served.name is None:
        raise NoDataError(served.problem_en or "Chưa có dữ liệu được công bố / No data published yet: python -m cli demo")
    return served.name


def serving_problem() -> ServingProblem | None:
    """Why the served version is not the one the pointer names (None when it is)."""
    served = store_served()
    if served.ok or served.name is None:
        return None
    return ServingProblem(served.asked, served.name, served.problem_vi or "", served.problem_en or "")
