"""Plan completion ("lũy kế, đạt X% kế hoạch năm"): year-to-date counts against the yearly plans."""
from __future__ import annotations

import pandas as pd

from indicators import plan_completion as plans
from indicators.area import Area
from indicators.targets import target_2030
from service.core import question
from service.data_access import known_indicators, warehouse
from service.policies import area_detail, mask, signed_in
from service.protection import KPI_ROWS, NO_PEOPLE


def _progress(version: str, frame: pd.DataFrame, indicator: str, year: int, area: Area) -> pd.DataFrame:
    return plans.progress_table(warehouse(version), frame, indicator, year, area.key)


@question("plan_progress", authorize=(signed_in, area_detail()), protect=KPI_ROWS, present=_progress,
          rows=lambda frame: int(frame["ytd"].notna().sum()))
def plan_progress(version: str, indicator: str, year: int, area: Area) -> pd.DataFrame:
    """Month by month the year to date against the plan, this year and last (`progress_table` columns)."""
    return plans.plan_frame(warehouse(version), known_indicators(version, indicator), year, area.key)


def _overview(version: str, frame: pd.DataFrame, year: int, month: int, area: Area) -> pd.DataFrame:
    return plans.overview_table(warehouse(version), frame, year, month, area.key)


@question("plan_overview", authorize=(signed_in, area_detail()), protect=KPI_ROWS, present=_overview)
def plan_overview(version: str, year: int, month: int, area: Area) -> pd.DataFrame:
    """Every plan indicator of an area at one month: year to date, plan, share, a year earlier."""
    return plans.plan_frame(warehouse(version), plans.PLAN_INDICATORS, year, area.key)


def _completion(version: str, frame: pd.DataFrame, indicator: str, year: int, month: int) -> pd.DataFrame:
    return plans.completion_table(warehouse(version), frame, indicator, year, month)


@question("commune_completion", authorize=(signed_in,), protect=KPI_ROWS, present=_completion,
          narrow=mask("commune_code"))
def commune_completion(version: str, indicator: str, year: int, month: int) -> pd.DataFrame:
    """Plan completion of every commune with a plan for the year (others' figures masked for the caller)."""
    return plans.completion_frame(warehouse(version), known_indicators(version, indicator)[0], year, month)


@question("plan_line", authorize=(signed_in, area_detail()), protect=NO_PEOPLE)
def plan_line(version: str, indicator: str, year: int, area: Area) -> plans.PlanLine | None:
    """The figure a year's year-to-date count is measured against (the yearly plan, else the per-year
    2030 target), with its kind, source and status; None when there is none."""
    return plans.plan_line(warehouse(version), known_indicators(version, indicator)[0], year, area.key)


@question("target", authorize=(signed_in, area_detail()), protect=NO_PEOPLE)
def target(version: str, indicator: str, area: Area):
    """The 2030 target of a KPI for an area (a commune's own, else inherited from the city for rates)."""
    return target_2030(warehouse(version).catalogue.get(known_indicators(version, indicator)[0]), area.key)
