"""Employment, compulsory BHXH, vacancies and job seekers by economic sector (VSIC sections)."""
from __future__ import annotations

import pandas as pd

from indicators import sectors as S
from indicators.area import Area, Period
from service.core import question
from service.data_access import clamp, warehouse
from service.policies import area_detail, commune_rows, drop_others, signed_in
from service.protection import NO_PEOPLE, SECTOR_DEMAND, SECTOR_FORECAST, SECTOR_MATRIX, SECTOR_TABLE


@question("sector_figures", authorize=(signed_in, area_detail()), protect=SECTOR_TABLE,
          rows=lambda figures: len(figures.table))
def sector_figures(version: str, area: Area, period: Period, sectors: tuple[str, ...] = ()) -> S.SectorFigures:
    """Per-sector table and totals of an area and period (`indicators.sectors.SectorFigures`)."""
    start, end = clamp(version, period).window()
    return S.sector_table(warehouse(version), area.scope(sectors), start, end)


@question("sector_status", authorize=(signed_in, area_detail()), protect=NO_PEOPLE)
def sector_status(version: str, area: Area, period: Period, sectors: tuple[str, ...] = ()) -> str | None:
    """The weakest data status behind an area's sector figures ('demo' for demonstration data)."""
    start, end = clamp(version, period).window()
    return S.data_status(warehouse(version), area.scope(sectors), start, end)


@question("sector_matrix", authorize=(signed_in, commune_rows, area_detail()), protect=SECTOR_MATRIX,
          narrow=drop_others("commune_code"))
def sector_matrix(version: str, measure: str, area: Area, period: Period, sectors: tuple[str, ...] = ()
                  ) -> pd.DataFrame:
    """One measure per commune x sector (the heat map) over the city or a commune type."""
    start, end = clamp(version, period).window()
    return S.sector_commune_matrix(warehouse(version), measure, area.scope(sectors), start, end)


@question("sector_demand", authorize=(signed_in, commune_rows), protect=SECTOR_DEMAND,
          narrow=drop_others("commune_code"))
def sector_demand(version: str, sectors: tuple[str, ...], period: Period) -> pd.DataFrame:
    """Vacancies, job seekers, their ratio and the share of the city's vacancies per commune for some
    sectors (all when none): where the demand is (Sectors and Map pages)."""
    start, end = clamp(version, period).window()
    return S.sector_demand_by_commune(warehouse(version), tuple(sectors), start, end)


@question("sector_forecast", authorize=(signed_in, area_detail()), protect=SECTOR_FORECAST,
          rows=lambda result: sum(f is not None for f in result.values()), maxsize=64)
def sector_forecast(version: str, area: Area, period: Period, sectors: tuple[str, ...] = ()
                    ) -> dict[str, S.MonthlyForecast | None]:
    """12-month forecasts of vacancies and job seekers of an area's sectors from the data up to the period."""
    return S.demand_supply_forecast(warehouse(version), area.scope(sectors), clamp(version, period).end)
