"""One indicator (or all of them) for all 126 communes in one period: maps, rankings, profile ranks."""
from __future__ import annotations

import pandas as pd

from indicators.area import Area, Period
from indicators.commune_values import commune_grid, peers as commune_peers
from service.core import question
from service.data_access import clamp, known_indicators, warehouse
from service.policies import area_detail, mask, signed_in
from service.protection import COMMUNE_GRID, NO_PEOPLE


@question("map_values", authorize=(signed_in,), protect=COMMUNE_GRID, narrow=mask("code"),
          rows=lambda frame: int(frame["value"].notna().sum()))
def map_values(version: str, indicator: str, period: Period, sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    """All 126 communes (code, names, type, value, se, status, source, rank, period): small counts hidden
    with complements; the figures of communes the caller may not see blanked (the outline stays)."""
    code = known_indicators(version, indicator)[0]
    return commune_grid(warehouse(version), [code], clamp(version, period), tuple(sectors) or None)


@question("commune_ranks", authorize=(signed_in,), protect=COMMUNE_GRID, narrow=mask("code"),
          rows=lambda frame: int(frame["value"].notna().sum()))
def commune_ranks(version: str, period: Period, sectors: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every indicator for all 126 communes in one period (the profile's ranks and peer medians)."""
    wh = warehouse(version)
    return commune_grid(wh, list(wh.catalogue.codes), clamp(version, period), tuple(sectors) or None)


@question("peers", authorize=(signed_in, area_detail()), protect=NO_PEOPLE)
def peers(version: str, area: Area, period: Period) -> list[str]:
    """The ten communes of the same type closest to a commune in labour-force size (codes only)."""
    if not area.is_commune:
        return []
    return commune_peers(warehouse(version), area.code, clamp(version, period).end)
