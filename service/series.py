"""KPI values over time: for an area, or side by side for a few communes (trends, profile, briefing)."""
from __future__ import annotations

import pandas as pd

from indicators.area import Area
from indicators.queries import Scope, kpi_frame
from service.core import question
from service.data_access import known_indicators, warehouse
from service.policies import area_detail, areas_detail, drop_others, signed_in
from service.protection import KPI_ROWS


@question("series", authorize=(signed_in, area_detail()), protect=KPI_ROWS)
def series(version: str, indicators: tuple[str, ...], area: Area, grain: str = "month",
           start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
           sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    """Values of KPIs per period of `grain` for one area (columns of `indicators.queries.kpi_frame`,
    status, source and vintage included; small counts hidden with `suppressed` True)."""
    wh = warehouse(version)
    return kpi_frame(wh, known_indicators(version, indicators), area.scope(sectors), grain, start, end)


@question("series_by_commune", authorize=(signed_in, areas_detail("communes")), protect=KPI_ROWS,
          narrow=drop_others("commune_code"))
def series_by_commune(version: str, indicators: tuple[str, ...], communes: tuple[Area, ...], grain: str = "month",
                      start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                      sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    """The same, one line per commune (a `commune_code` column), for comparing up to a few communes."""
    scope = Scope(communes=tuple(a.code for a in communes if a.is_commune), sectors=tuple(sectors) or None)
    return kpi_frame(warehouse(version), known_indicators(version, indicators), scope, grain, start, end,
                     by_commune=True)
