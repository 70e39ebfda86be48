"""AppTest of the operations-centre wall (Màn hình điều hành): tiles, views, URL options, stale banner."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from apphelpers import run_app

from store.catalogue import load_catalogue


@pytest.fixture(autouse=True)
def _audit_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))


def _html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _tiles(at) -> list[str]:
    return re.findall(r'class="wall-tile[^"]*" data-kpi="([a-z_0-9]+)"', _html(at))


def _codes(prefixes: tuple[str, ...]) -> list[str]:
    return [i.code for i in load_catalogue().indicators if i.section[:1] in prefixes]


def _pages(codes: list[str]) -> list[tuple[str, ...]]:
    from ui.wall import pages_of

    return [tuple(p) for p in pages_of(codes)]


def test_wall_shows_large_tiles_clock_and_hides_the_sidebar():
    at = run_app("wall", xem="chi-tieu")
    assert not at.exception
    assert tuple(_tiles(at)) in _pages(_codes(("A",)))  # one page of the view's tiles (which one: the clock's)
    page = _html(at)
    assert "KPI thị trường lao động Hà Nội · Toàn thành phố" in page
    assert re.search(r'data-testid="wall-clock"><b>\d\d:\d\d:\d\d</b>', page)
    assert "Số liệu đến tháng 10/2026" in page
    assert 'data-testid="wall-demo">DỮ LIỆU MINH HỌA (demo) · không phải số liệu chính thức<' in page
    assert "chuyển màn hình sau mỗi 20 giây" in page
    css = " ".join(h.proto.body for h in at.get("html"))
    assert '[data-testid="stSidebar"]' in css and "display: none" in css
    assert 'class="wall-stale"' not in page


def test_each_view_and_the_map_in_english():
    at = run_app("wall", xem="uu-tien", lang="en", xoay="7")
    assert not at.exception
    assert tuple(_tiles(at)) in _pages(_codes(("B", "P")))
    assert "next view every 7 s" in _html(at) and re.search(r"Page [123] of 3", _html(at))
    mapped = run_app("wall", xem="ban-do", chi_tieu="trained_share")
    assert not mapped.exception
    page = _html(mapped)
    assert _tiles(mapped) == ["trained_share", "new_jobs", "unemployment_rate", "bhxh_compulsory_share"]
    assert 'data-testid="wall-map"' in page and page.count("<path d=") >= 126
    assert "Tỷ lệ lao động qua đào tạo (%)" in page


@pytest.mark.parametrize("params, key", [({"xoay": "abc"}, "xoay"), ({"xoay": "1"}, "xoay"),
                                         ({"xem": "bang-tin"}, "xem"), ({"chi_tieu": "khong_co"}, "chi_tieu")])
def test_bad_wall_options_give_a_notice_and_the_default(params, key):
    at = run_app("wall", **params)
    assert not at.exception
    assert any(f"`{key}`" in i.value for i in at.info)
    assert _tiles(at), "the wall still shows its tiles"


def test_stale_data_gets_a_banner(monkeypatch):
    import ui.wall

    monkeypatch.setattr(ui.wall, "_now", lambda: pd.Timestamp("2027-03-20T02:00:00Z"))
    at = run_app("wall", xem="chi-tieu")
    assert not at.exception
    page = _html(at)
    assert 'class="wall-stale"' in page
    assert "mới có đến tháng 10/2026, lẽ ra đã có đến tháng 01/2027 (chậm 3 tháng)" in page


def test_views_rotate_with_the_clock(monkeypatch):
    import ui.wall

    start = pd.Timestamp("2026-11-23T01:00:00Z")  # a multiple of 80 s: the first page of the first view
    seen = []
    for offset in (0, 20, 40, 60, 80):
        monkeypatch.setattr(ui.wall, "_now", lambda o=offset: start + pd.Timedelta(seconds=o))
        at = run_app("wall", xem="chi-tieu,uu-tien")
        seen.append(tuple(_tiles(at)))
    first, second = _pages(_codes(("A",))), _pages(_codes(("B", "P")))
    assert [len(p) for p in first] == [5, 4, 4] and [len(p) for p in second] == [5, 5, 5]  # 13 and 15 tiles
    assert seen == [first[0], first[1], first[2], second[0], second[1]]


def test_pages_cut_a_view_into_even_screens_of_at_most_six_tiles():
    from ui.wall import PAGE_TILES, pages_of

    for n in range(0, 40):
        pages = pages_of(list(range(n)))
        assert [x for p in pages for x in p] == list(range(n)) and all(len(p) <= PAGE_TILES for p in pages)
        assert len(pages) == max(1, -(-n // PAGE_TILES))
        assert max(map(len, pages)) - min(map(len, pages)) <= 1


def test_monthly_new_jobs_read_as_the_year_to_dates_share_of_the_yearly_plan():
    at = run_app("wall", xem="ban-do")
    page = _html(at)
    tile = re.search(r'data-kpi="new_jobs">(.*?)<span class="wall-status">', page).group(1)
    share = re.search(r"Lũy kế đến (\d\d)/2026: ([\d,]+)% kế hoạch năm ([\d.]+) · tiến độ đều: ([\d,]+)%", tile)
    assert share, tile
    month, plan = int(share.group(1)), int(share.group(3).replace(".", ""))
    import service
    from service.access import Principal

    caller = service.Caller(Principal("a@x.vn", "analyst"), reads="none")
    progress = service.plan_progress(caller, "new_jobs", 2026, service.Area.CITY).set_index("month")
    assert float(share.group(2).replace(",", ".")) == pytest.approx(100 * progress.loc[month, "ytd"] / plan, abs=0.05)
    assert "người/năm" not in tile  # no monthly value against a yearly target


def test_the_wall_shows_the_completeness_of_the_latest_reports():
    at = run_app("wall", xem="chi-tieu")
    assert not at.exception
    page = _html(at)
    line = re.search(r'<div class="wall-reports" data-testid="wall-reports">(.*?)</div>', page)
    assert line and line.group(1).startswith("Báo cáo kỳ gần nhất:")
    assert "Báo cáo giải quyết việc làm hằng tháng của xã, phường" in line.group(1)
    assert re.search(r"Tháng 10/2026: \d+/126 đúng hạn", line.group(1))
