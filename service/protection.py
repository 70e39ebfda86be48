"""The small-count rule as each question applies it: one named protection per shape of answer.

Every question declares one (`service.core.question(protect=...)`); the hook applies it to what the
compute returned before the answer is cached or shown, so no page, download, briefing or API response
can hold a count of fewer than `THRESHOLD` people (or a rate over fewer). The rules themselves, and the
complementary suppression that keeps a hidden cell from being got back as "total minus the rest", are
`indicators/suppression.py` and the protect functions beside the figures they protect.
"""
from __future__ import annotations

from typing import Any

from indicators import sectors as sector_figures
from indicators.commune_values import protect_commune_grid
from indicators.scorecard import hide_records
from indicators.suppression import hide_small_counts, small_people_rule, suppress_facts, suppress_reconciliation
from service.core import Protection
from store.catalogue import load_catalogue


def _kpi_rows(frame, params: dict[str, Any]):
    return hide_small_counts(frame, load_catalogue())


def _records(records, params: dict[str, Any]):
    return hide_records(records, small_people_rule(load_catalogue()))


def _commune_grid(frame, params: dict[str, Any]):
    return protect_commune_grid(frame, load_catalogue())


def _sector_table(table, params: dict[str, Any]):
    totals, hidden = sector_figures.protect_totals(sector_figures.sector_totals(table))
    return sector_figures.SectorFigures(sector_figures.protect_sector_table(table), totals, hidden)


def _sector_matrix(matrix, params: dict[str, Any]):
    return sector_figures.protect_matrix(matrix, params["measure"])


def _sector_demand(frame, params: dict[str, Any]):
    return sector_figures.protect_demand(frame)


def _sector_forecast(result, params: dict[str, Any]):
    from dataclasses import replace

    return {m: None if fc is None else replace(fc, frame=sector_figures.protect_history(fc.frame, m))
            for m, fc in result.items()}


def _facts(frame, params: dict[str, Any]):
    return suppress_facts(frame.reset_index(drop=True))


def _reconciliation(frame, params: dict[str, Any]):
    return None if frame is None else suppress_reconciliation(frame)


def _none(value, params: dict[str, Any]):
    return value


KPI_ROWS = Protection("kpi_rows", _kpi_rows, "KPI values per period: counts of fewer than 10 people and rates "
                      "over fewer than 10 people hidden (primary suppression along time).")
SCORECARD = Protection("scorecard_records", _records, "The scorecard's KPI records hidden before any card, "
                       "change or sparkline is built from them.")
COMMUNE_GRID = Protection("commune_grid", _commune_grid, "One period's values of all 126 communes: complementary "
                          "suppression over the city and the phường/xã totals, ranks redone without hidden communes.")
SECTOR_TABLE = Protection("sector_table", _sector_table, "Per-sector counts protected along the sector totals "
                          "shown beside them; derived columns follow the counts they come from.")
SECTOR_MATRIX = Protection("sector_matrix", _sector_matrix, "Commune x sector cells protected along communes "
                           "and sectors.")
SECTOR_DEMAND = Protection("sector_demand", _sector_demand, "Vacancies and job seekers per commune protected "
                           "across communes; ratios and shares follow their counts.")
SECTOR_FORECAST = Protection("sector_forecast", _sector_forecast, "Observed months of small counts hidden with "
                             "complements within each year; model output is kept.")
FACTS = Protection("facts", _facts, "Facts rows protected per measure over commune, sector and year.")
RECONCILIATION = Protection("reconciliation", _reconciliation, "Register-BHXH reconciliation counts protected "
                            "per column and along total = sum of parts.")
NO_PEOPLE = Protection("no_people", _none, "No figure about people: metadata, files, versions, catalogue.")
