"""The global sector filter (`nganh`): every KPI with a sector breakdown adds up over the 21 VSIC sections,
and every KPI without one is left whole and reported as not applicable (on the data and on the Overview)."""
import numpy as np
import pandas as pd
import pytest
from apphelpers import run_app

from store.catalogue import load_catalogue
from indicators.queries import CITY, Scope, kpi_frame
from indicators.scorecard import build_scorecard
from store.reference import load_sectors
from i18n.strings import t

SECTIONS = tuple(load_sectors()["code"])
CATALOGUE = load_catalogue()
WITH = [c for c in CATALOGUE.codes if CATALOGUE.has_sector_breakdown(c)]
WITHOUT = [c for c in CATALOGUE.codes if not CATALOGUE.has_sector_breakdown(c)]
UNTIL = pd.Timestamp("2026-10-01")


def test_the_catalogue_has_both_kinds_and_21_sections():
    assert SECTIONS == tuple("ABCDEFGHIJKLMNOPQRSTU")
    assert WITH and WITHOUT
    assert set(WITH) >= {"active_enterprises", "avg_monthly_income"}
    assert "productivity_growth" in WITHOUT  # employed has sectors, GRDP does not: no breakdown


@pytest.mark.parametrize("code", WITH)
@pytest.mark.parametrize("area", [CITY, Scope(communes=("00004",)), Scope(commune_type="xa")], ids=["city", "00004", "xa"])
@pytest.mark.parametrize("grain", ["month", "year"])
def test_all_21_sections_equal_the_total(warehouse, code, area, grain):
    total = kpi_frame(warehouse, [code], area, grain)
    every = kpi_frame(warehouse, [code], Scope(area.communes, area.commune_type, SECTIONS), grain)
    assert len(total) > 0 and len(every) == len(total)
    for col in ("num", "den", "value"):
        np.testing.assert_allclose(every[col].to_numpy(dtype=float), total[col].to_numpy(dtype=float), rtol=1e-9)


@pytest.mark.parametrize("code", WITH)
def test_the_sections_partition_the_total(warehouse, code):
    """Each section alone, summed: the filter really selects sectors (not just passes the total through)."""
    total = kpi_frame(warehouse, [code], CITY, "year").set_index("period")
    parts = [kpi_frame(warehouse, [code], Scope(sectors=(s,)), "year").set_index("period") for s in SECTIONS]
    num = sum(p["num"].reindex(total.index).fillna(0) for p in parts)
    np.testing.assert_allclose(num, total["num"], rtol=1e-9)
    assert all((p["num"].reindex(total.index).fillna(0) < total["num"]).all() for p in parts)
    if CATALOGUE.get(code).denominator:
        den = sum(p["den"].reindex(total.index).fillna(0) for p in parts)
        np.testing.assert_allclose(den, total["den"], rtol=1e-9)


@pytest.mark.parametrize("code", WITHOUT)
def test_the_filter_leaves_the_others_unchanged(warehouse, code):
    grain = "year"
    plain = kpi_frame(warehouse, [code], CITY, grain)
    filtered = kpi_frame(warehouse, [code], Scope(sectors=("C", "J")), grain)
    pd.testing.assert_frame_equal(plain, filtered)


def test_the_scorecard_reports_which_kpis_the_filter_applies_to(warehouse):
    rows = build_scorecard(warehouse, Scope(sectors=("J",)), "month", UNTIL)
    flags = {r.indicator.code: r.sector_filtered for r in rows}
    assert {c for c, f in flags.items() if f is True} == set(WITH)
    assert {c for c, f in flags.items() if f is False} == set(WITHOUT)
    unfiltered = {r.indicator.code: r for r in build_scorecard(warehouse, CITY, "month", UNTIL)}
    assert all(r.sector_filtered is None for r in unfiltered.values())
    for row in rows:
        before = unfiltered[row.indicator.code].value
        if row.indicator.code in WITHOUT:
            assert row.value == pytest.approx(before, rel=1e-12)  # only the summation order may differ
        else:
            assert row.value != before


def test_the_overview_marks_exactly_the_cards_without_a_sector_breakdown(warehouse):
    rows = build_scorecard(warehouse, Scope(sectors=("J",)), "month", UNTIL)
    expected = sum(1 for r in rows if r.sector_filtered is False)
    at = run_app(nganh="J")
    assert not at.exception
    mark = f":gray-badge[{t('sector_mark', 'vi')}]"
    assert sum(mark in m.value for m in at.markdown) == expected > 0
    notice = [i.value for i in at.info if i.value.startswith("Bộ lọc ngành")]
    assert len(notice) == 1 and f"cho {len(rows) - expected} chỉ tiêu" in notice[0]
