"""The pages the harness measures, how to open them, what their main content is and which controls to change.

One table shared by the AppTest timings (page_bench), the browser timings (browser_bench) and the load
test, so they all measure the same views. `main` is a JavaScript predicate that is true once the
page's main content is drawn in the browser (not merely sent): the scorecard's 25 cards, the map's
MapLibre canvas with all communes, the charts of a page (Plotly has laid them out), the wall's tiles.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PLOTS_DRAWN = "[...document.querySelectorAll('.js-plotly-plot')].filter(g => g._fullLayout).length"
MAP_DRAWN = """(() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout && g._fullLayout.map);
  if (!gd || !gd._fullData) return false;
  const sub = gd._fullLayout.map._subplot;
  if (!sub || !sub.map || !sub.map.loaded()) return false;
  return gd._fullData.reduce((n, t) => n + (t.locations ? t.locations.length : 0), 0) >= 126;
})()"""


def count(selector: str) -> str:
    return f"document.querySelectorAll('{selector}').length"


@dataclass(frozen=True)
class Control:
    """A selectbox (user key) and two values to switch between (option values, as the script sees them)."""

    key: str
    values: tuple[str, str]


@dataclass(frozen=True)
class PageSpec:
    url_path: str            # '' = the default page (root URL)
    file: str                # pages/<file>.py
    query: str = ""          # a deep link, e.g. a commune for the profile
    main: str = "true"       # JS predicate: the main content is drawn
    controls: tuple[Control, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.url_path or "tong-quan"


SIDEBAR_AREA = Control("xa", ("10417", "00004"))  # "Địa bàn": xã Hòa Xá, phường Ba Đình

PAGES: tuple[PageSpec, ...] = (
    PageSpec("", "overview", main=f"{count('[data-testid=stMetric]')} >= 25",
             controls=(SIDEBAR_AREA, Control("ky", ("year", "month")))),
    PageSpec("ban-do", "map", main=MAP_DRAWN,
             controls=(Control("chi_tieu", ("bhxh_compulsory_share", "unemployment_rate")), SIDEBAR_AREA)),
    PageSpec("ho-so", "commune", query="xa=10417",
             main=f"{PLOTS_DRAWN} >= 1 && {count('[data-testid=stDataFrame]')} >= 2",
             controls=(Control("xu_huong", ("bhyt_coverage", "unemployment_rate")),)),
    PageSpec("nganh-kinh-te", "sectors", main=f"{PLOTS_DRAWN} >= 3 && {count('[data-testid=stMetric]')} >= 6",
             controls=(Control("chiso", ("job_seekers", "vacancies")), SIDEBAR_AREA)),
    PageSpec("xu-huong", "trends", main=f"{PLOTS_DRAWN} >= 6",
             controls=(Control("ke_hoach", ("jobs_loans", "new_jobs")), SIDEBAR_AREA)),
    PageSpec("du-bao", "forecast", main=f"{PLOTS_DRAWN} >= 1 && {count('[data-testid=stMetric]')} >= 1",
             controls=(Control("chi_tieu", ("bhyt_coverage", "unemployment_rate")),)),
    PageSpec("man-hinh-tuong", "wall", main=f"{count('.wall-tile')} >= 1", controls=(SIDEBAR_AREA,)),
    PageSpec("du-lieu", "data", main=f"{count('[data-testid=stMetric]')} >= 4",
             controls=(Control("dp_indicator", ("bhyt_coverage", "unemployment_rate")),)),
    PageSpec("nhat-ky", "audit", main=f"{count('[data-testid=stMetric]')} >= 4 && {count('[data-testid=stDataFrame]')} >= 1",
             controls=(Control("so_ngay", ("30", "7")),)),
)


def by_name(names: list[str] | None) -> tuple[PageSpec, ...]:
    if not names:
        return PAGES
    unknown = set(names) - {p.name for p in PAGES}
    if unknown:
        raise ValueError(f"unknown pages {sorted(unknown)}; known: {[p.name for p in PAGES]}")
    return tuple(p for p in PAGES if p.name in names)
