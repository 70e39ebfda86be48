"""The operations-centre wall (màn hình tường IOC): large KPI tiles and the map, rotating on a timer.

Why it looks like this: the screen is read from across a room, runs unattended for days, may sit in an
iframe of the IOC portal (`?embed=true`) and may have no internet. So: big type, no sidebar, one HTML
block for all tiles (a refresh swaps it whole, never blanks it), a fragment that re-reads the current
version every `?xoay=` seconds (default 20) so a publish shows up without a reload, a "data as of"
clock and a stale-data banner, and nothing fetched from outside (the map is inline SVG, no tiles, no CDN).
The wall always shows the newest month of the served version (the sidebar's "up to month" is ignored).
"""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from service import AccessDenied, Area, Period
from briefing.document import data_freshness, map_svg
from indicators.mapclass import NO_DATA, quantile_classes
from indicators.scorecard import ScoreRow
from ui import data
from i18n.formats import decimals_for, fmt_month, fmt_number, fmt_period, fmt_value, format_datetime
from i18n.strings import t
from ui.completeness_view import spans, wall_line_html
from ui.safe import literal
from ui.scorecard_view import change_basis, change_text, missing_text, target_text
from service.metadata import NO_VERDICT, PLAN_INDICATORS

try:  # the map module is optional for the wall: without it the wall shows tiles only
    from ui import map_view
except ImportError:  # pragma: no cover - depends on another feature being installed
    map_view = None

ROTATE_DEFAULT, ROTATE_MIN, ROTATE_MAX = 20, 3, 3600
VIEWS = ("chi-tieu", "uu-tien", "ban-do")
"""Rotating views: section A KPIs, priority groups and plan tracking (B, P), the map with headline KPIs."""
HEADLINE = ("new_jobs", "unemployment_rate", "trained_share", "bhxh_compulsory_share")
MAP_DEFAULT_KPI = "unemployment_rate"
PAGE_TILES = 6
"""Most tiles on one page of a view: a 3 × 2 grid that fits a 1366×768 screen as well as 1920×1080 (a view
with more tiles rotates through its pages, each shown as long as a view; pages are balanced: 13 → 5, 4, 4)."""
STATUS_CLASS = {"on_track": "ok", "at_risk": "risk", "off_track": "off", **{state: "none" for state in NO_VERDICT}}

WALL_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.stApp { background: #0b1826; }
.stMainBlockContainer, .block-container { max-width: 100% !important; padding: 0.8rem 1.6rem 0.5rem !important; }
.wall-head { display: flex; justify-content: space-between; align-items: baseline; color: #e8eef5;
  font-family: system-ui, "Noto Sans", sans-serif; border-bottom: 2px solid #27415c; padding-bottom: .4rem; }
.wall-head h1 { font-size: 2.1rem; margin: 0; padding: 0; color: #ffffff; font-weight: 700; }
.wall-clock { font-size: 1.15rem; color: #b9c9da; text-align: right; line-height: 1.45; }
.wall-clock b { color: #ffffff; font-size: 1.6rem; font-variant-numeric: tabular-nums; }
.wall-demo { display: inline-block; margin-top: .3rem; padding: .15rem .7rem; border-radius: 6px; background: #f5d76e;
  color: #3a2a00; font-size: 1.1rem; font-weight: 700; }
.wall-view { color: #8fb3d9; font-size: 1.05rem; margin: .35rem 0 .5rem; font-family: system-ui, "Noto Sans", sans-serif; }
.wall-stale { background: #7a4b00; color: #fff3d6; border-left: 8px solid #ffb020; padding: .55rem 1rem;
  font-size: 1.3rem; margin: .4rem 0; font-family: system-ui, "Noto Sans", sans-serif; }
.wall-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .7rem; }
.wall-grid.narrow { grid-template-columns: repeat(2, minmax(0, 1fr)); }
@media (max-width: 900px) { .wall-grid, .wall-grid.narrow, .wall-split { grid-template-columns: 1fr; } }
@media (max-height: 900px) {  /* a 1366×768 screen: the same page of tiles, tighter */
  .wall-head h1 { font-size: 1.7rem; } .wall-clock { font-size: 1rem; } .wall-clock b { font-size: 1.3rem; }
  .wall-name { font-size: .95rem; min-height: 2.3rem; } .wall-value { font-size: 2.3rem; margin: .1rem 0; }
  .wall-meta { font-size: .88rem; } .wall-status { font-size: .85rem; margin-top: .2rem; }
  .wall-tile { padding: .5rem .8rem; } .wall-reports, .wall-report { font-size: .85rem; }
  .wall-report { margin: .1rem .4rem .1rem 0; } .wall-view { margin: .2rem 0 .35rem; font-size: .95rem; }
  .wall-legend { font-size: .9rem; } div.wall-split { grid-template-columns: 1fr 1fr; gap: .8rem; } }
.wall-split { display: grid; grid-template-columns: 2fr 3fr; gap: 1.2rem; align-items: start; }
.wall-tile { background: #132a40; border-radius: 10px; border-left: 10px solid #5b6b7c; padding: .7rem .9rem;
  color: #e8eef5; font-family: system-ui, "Noto Sans", sans-serif; }
.wall-tile.ok { border-left-color: #2fb36d; } .wall-tile.risk { border-left-color: #f2a93b; }
.wall-tile.off { border-left-color: #e5484d; }
.wall-name { font-size: 1.05rem; line-height: 1.25; color: #c9d8e8; font-weight: 600; min-height: 2.6rem; }
.wall-value { font-size: 2.9rem; font-weight: 800; color: #ffffff; line-height: 1.1; margin: .25rem 0;
  font-variant-numeric: tabular-nums; }
.wall-value.nodata { font-size: 1.6rem; color: #8da2b8; }
.wall-unit { font-size: 1.15rem; font-weight: 600; color: #c9d8e8; }
.wall-meta { font-size: .98rem; color: #b9c9da; }
.wall-status { display: inline-block; margin-top: .3rem; padding: .1rem .55rem; border-radius: 999px;
  font-size: .95rem; font-weight: 700; background: #2a3d52; color: #e8eef5; }
.wall-tile.ok .wall-status { background: #1d5c3c; } .wall-tile.risk .wall-status { background: #6b4a12; }
.wall-tile.off .wall-status { background: #6e2326; }
.wall-map svg { max-height: calc(100vh - 370px); display: block; margin: 0 auto; }
.wall-legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; justify-content: center; color: #e8eef5;
  font-size: 1.05rem; font-family: system-ui, "Noto Sans", sans-serif; margin-top: .3rem; }
.wall-legend i { display: inline-block; width: 1.1rem; height: 1.1rem; margin-right: .4rem; vertical-align: -0.15rem;
  border: 1px solid #5b6b7c; }
.wall-note { color: #8fb3d9; font-size: 1rem; font-family: system-ui, "Noto Sans", sans-serif; }
.wall-reports { color: #b9c9da; font-size: 1.05rem; margin: .3rem 0; font-family: system-ui, "Noto Sans", sans-serif; }
.wall-report { display: inline-block; margin: .15rem .6rem .15rem 0; padding: .1rem .55rem; border-radius: 6px;
  border-left: 6px solid #5b6b7c; background: #132a40; color: #e8eef5; }
.wall-report.ok { border-left-color: #2fb36d; } .wall-report.risk { border-left-color: #f2a93b; }
.wall-report.off { border-left-color: #e5484d; }
</style>
"""


def _param_notice(key: str, value: str, lang: str) -> None:
    st.info(t("invalid_param", lang, param=literal(key, 30), value=literal(value)), icon=":material/info:")


def read_rotation(lang: str) -> int:
    """`?xoay=` seconds between views (3–3600, default 20); anything else gives a notice and the default."""
    raw = st.query_params.get("xoay")
    if raw is None:
        return ROTATE_DEFAULT
    if raw.isdigit() and ROTATE_MIN <= int(raw) <= ROTATE_MAX:
        return int(raw)
    _param_notice("xoay", raw, lang)
    del st.query_params["xoay"]
    return ROTATE_DEFAULT


def read_views(lang: str, map_available: bool) -> tuple[str, ...]:
    """`?xem=` views to rotate through (comma-separated, from VIEWS); unknown ones are dropped with a notice."""
    offered = VIEWS if map_available else tuple(v for v in VIEWS if v != "ban-do")
    raw = st.query_params.get("xem")
    if raw is None:
        return offered
    asked = [v for v in raw.split(",") if v]
    good = tuple(dict.fromkeys(v for v in asked if v in offered))
    if len(good) < len(asked) or not good:
        _param_notice("xem", raw, lang)
    return good or offered


def read_map_kpi(lang: str, codes: list[str]) -> str:
    """`?chi_tieu=` the map's indicator (default: the unemployment rate)."""
    raw = st.query_params.get("chi_tieu")
    if raw is None or raw in codes:
        return raw or MAP_DEFAULT_KPI
    _param_notice("chi_tieu", raw, lang)
    return MAP_DEFAULT_KPI


def apply_wall_mode() -> None:
    """Full-screen dark layout, sidebar and toolbar hidden (the controls still work through the URL)."""
    st.set_page_config(initial_sidebar_state="collapsed", layout="wide")
    st.html(WALL_CSS)


def _value_html(row: ScoreRow, lang: str) -> str:
    """The big number with its unit in smaller type beside it, so a long unit never wraps the number."""
    ind = row.indicator
    if ind.unit == "%":
        return html.escape(fmt_value(row.value, ind.unit, ind.unit_label(lang), lang))
    if ind.unit == "đồng/tháng":
        number = fmt_number(row.value / 1e6, lang, 1)
        unit = "triệu đồng/tháng" if lang == "vi" else "million VND/month"
    else:
        number = fmt_number(row.value, lang, decimals_for(ind.unit, row.value))
        unit = ind.unit_label(lang)
    return f'{html.escape(number)}<span class="wall-unit"> {html.escape(unit)}</span>'


def _change(row: ScoreRow, lang: str) -> str | None:
    """The change on the same period a year earlier (monthly changes of rates are too small to read), else
    on the KPI's previous release; worded as on the cards (same unit as the value, 'không đổi' at zero)."""
    for other, label in ((row.year_ago, t("vs_year_ago", lang)), (row.previous, change_basis(row, lang))):
        if other is None:
            continue
        delta = change_text(row, row.value - other, lang)
        return f"{delta} {label}" if delta else None
    return None


def plan_share_text(progress: pd.DataFrame, plan, lang: str) -> str | None:
    """A monthly count against its yearly plan, as the plan tracking reads it: the year to date's share of the
    plan and the share a steady pace would have reached by that month (a month's value beside a yearly
    target would read as hopelessly behind). None without a plan or a figure this year."""
    known = progress.dropna(subset=["ytd"]) if progress is not None and len(progress) else None
    if plan is None or known is None or known.empty or not plan.value:
        return None
    last = known.iloc[-1]
    month = int(last["month"])
    share = float(last["share"])  # the plan tracking's own share and pace (trends page, same figures)
    pace = float(last["pace"]) / float(plan.value) if pd.notna(last.get("pace")) else month / 12
    text = t("wall_plan_share", lang, share=f"{fmt_number(100 * share, lang, 1)}%",
             plan=fmt_number(plan.value, lang), month=fmt_month(pd.Timestamp(plan.year, month, 1), lang))
    return text + " · " + t("wall_plan_pro_rata", lang, share=f"{fmt_number(100 * pace, lang, 1)}%")


def tile_html(row: ScoreRow, lang: str, plan_line: str | None = None) -> str:
    """One large tile: name, value, period and change, status against the 2030 target; `plan_line` (a
    monthly count with a yearly plan) replaces the target line with the year to date's share of the plan."""
    ind = row.indicator
    status = row.assessment.status
    name = html.escape(ind.name(lang))
    badge = html.escape(t("status_" + status, lang))
    target = html.escape(plan_line or target_text(row, row.target, lang))
    if not row.has_data:
        return (f'<div class="wall-tile {STATUS_CLASS[status]}" data-kpi="{ind.code}"><div class="wall-name">{name}</div>'
                f'<div class="wall-value nodata">{html.escape(missing_text(row, lang))}</div>'
                f'<div class="wall-meta">{target}</div></div>')
    meta = [fmt_period(row.period, row.grain, lang, row.last_month, row.n_months)]
    change = _change(row, lang)
    if change:
        meta.append(change)
    return (f'<div class="wall-tile {STATUS_CLASS[status]}" data-kpi="{ind.code}">'
            f'<div class="wall-name">{name}</div><div class="wall-value">{_value_html(row, lang)}</div>'
            f'<div class="wall-meta">{html.escape(" · ".join(meta))}</div>'
            f'<div class="wall-meta">{target}</div><span class="wall-status">{badge}</span></div>')


def tiles_html(rows: list[ScoreRow], lang: str, narrow: bool = False, plan_lines: dict[str, str] | None = None) -> str:
    """All tiles of a view as one HTML block: a refresh replaces it in one piece."""
    plan_lines = plan_lines or {}
    return (f'<div class="wall-grid{" narrow" if narrow else ""}" data-testid="wall-grid">'
            + "".join(tile_html(r, lang, plan_lines.get(r.indicator.code)) for r in rows) + "</div>")


def pages_of(rows: list, size: int = PAGE_TILES) -> list[list]:
    """A view's tiles cut into pages that fit the screen, as even as can be (at least one page, even empty)."""
    count = -(-len(rows) // size)
    sizes = [len(rows) // count + (i < len(rows) % count) for i in range(count)]
    starts = [sum(sizes[:i]) for i in range(count)]
    return [rows[s:s + n] for s, n in zip(starts, sizes)] or [[]]


def slots(views: tuple[str, ...], rows: list[ScoreRow]) -> list[tuple[str, int, int]]:
    """What the wall rotates through: (view, page, pages) for every page of every view, in order."""
    out = []
    for name in views:
        count = 1 if name == "ban-do" else len(pages_of(rows_for(name, rows)))
        out += [(name, page, count) for page in range(count)]
    return out


def rows_for(view_name: str, rows: list[ScoreRow]) -> list[ScoreRow]:
    """The tiles of a view: section A; sections B and P; the headline KPIs beside the map."""
    if view_name == "chi-tieu":
        return [r for r in rows if r.indicator.section.startswith("A")]
    if view_name == "uu-tien":
        return [r for r in rows if r.indicator.section[:1] in ("B", "P")]
    return [r for r in rows if r.indicator.code in HEADLINE]


def header_html(lang: str, area: str, version: str, data_until: pd.Timestamp, now: pd.Timestamp,
                demo: bool = False, published: pd.Timestamp | None = None) -> str:
    """Title, area and clock; `demo` adds the mark that the figures are demonstration data, which a wall
    seen from across the room must carry as plainly as the pages do."""
    clock = format_datetime(now, lang, "HH:mm:ss")
    mark = f'<div class="wall-demo" data-testid="wall-demo">{html.escape(t("wall_demo", lang))}</div>' if demo else ""
    return (f'<div class="wall-head" data-version="{html.escape(version)}"><div><h1>{html.escape(t("wall_title", lang))} · '
            f'{html.escape(area)}</h1>{mark}</div>'
            f'<div class="wall-clock" data-testid="wall-clock"><b>{clock}</b> {format_datetime(now, lang, "dd/MM/yyyy")}<br>'
            f'{html.escape(t("wall_data_as_of", lang, until=fmt_month(data_until, lang), published=format_datetime(published, lang, "HH:mm dd/MM/yyyy")))}'
            f'</div></div>')


def view_line_html(lang: str, views: tuple[str, ...], current: str, seconds: int, page: int = 0, pages: int = 1) -> str:
    dots = " ".join("●" if v == current else "○" for v in views)
    paged = f' · {html.escape(t("wall_page", lang, n=page + 1, of=pages))}' if pages > 1 else ""
    return (f'<div class="wall-view" data-testid="wall-view">{dots} &nbsp; '
            f'{html.escape(t("wall_view_" + current.replace("-", "_"), lang))}{paged}'
            f' · {html.escape(t("wall_rotation", lang, seconds=seconds))}</div>')


def map_html(version: str, code: str, grain: str, until: pd.Timestamp, lang: str) -> str:
    """The map module's geometry and classes drawn as inline SVG: plotly's geo charts fetch a world map
    from a CDN, which an offline operations centre does not have."""
    ind = data.catalogue().get(code)
    geo = map_view.boundaries()
    values = data.map_values(code, Period(grain, until))
    classes = quantile_classes([v if v == v else None for v in values["value"]])
    fills = {c: classes.colours[k] for c, k in zip(values["code"], classes.index) if k >= 0}
    names = values["name_vi" if lang == "vi" else "name_en"]
    titles = {c: f"{n}: {fmt_value(v, ind.unit, ind.unit_label(lang), lang)}" if v == v else f"{n}: {t('no_data', lang)}"
              for c, n, v in zip(values["code"], names, values["value"])}
    labels = map_view.class_labels(classes, decimals_for(ind.unit, 1.0), lang)
    legend = list(zip(classes.colours, labels)) + [(NO_DATA, t("no_data", lang))]
    alt = t("map_alt", lang, name=ind.name(lang), period=fmt_period(until, grain, lang),
            n=sum(1 for v in values["value"] if v == v), k=len(classes.colours))
    svg = map_svg(geo.geojson, fills, titles, [], width=900, dark=True, alt=alt)
    keys = "".join(f'<span><i style="background:{colour}"></i>{html.escape(label)}</span>' for colour, label in legend)
    caption = geo.provenance(lang)
    return (f'<div class="wall-note">{html.escape(ind.name(lang))} ({html.escape(ind.unit_label(lang))}) · '
            f'{html.escape(fmt_period(until, grain, lang))} · {html.escape(caption)}</div>'
            f'<div class="wall-map" data-testid="wall-map">{svg}</div><div class="wall-legend">{keys}</div>')


def completeness_line(lang: str, now: pd.Timestamp) -> str:
    """The latest period's completeness of the reports (how many arrived on time), one line under the header;
    empty for a version without the completeness table or an account that may not read it."""
    try:
        summary = data.completeness(now.tz_convert("Asia/Ho_Chi_Minh").tz_localize(None).normalize(), Area.CITY, 1)
    except AccessDenied:
        return ""
    return wall_line_html(summary, spans(), lang)


def plan_lines(rows: list[ScoreRow], area: Area, until: pd.Timestamp, lang: str) -> dict[str, str]:
    """The plan-share line of each shown tile whose KPI is tracked against a yearly plan (new jobs...)."""
    lines = {}
    for row in rows:
        code = row.indicator.code
        if code not in PLAN_INDICATORS or not row.has_data:
            continue
        line = plan_share_text(data.plan_progress(code, until.year, area), data.plan_line(code, until.year, area), lang)
        if line:
            lines[code] = line
    return lines


def _now() -> pd.Timestamp:
    """The wall's clock (UTC; shown in Hanoi time). A function so a test can move time."""
    return pd.Timestamp.now(tz="UTC")


def wall_frame(lang: str, area: Area, area_name: str, grain: str, seconds: int, views: tuple[str, ...],
               map_kpi: str) -> None:
    """One refresh of the wall: always the same three elements (header, banner, content), each replaced whole,
    so no refresh and no change of view ever leaves the screen without its tiles. Each refresh asks which
    version is served now (a fragment rerun does not rerun the app), so a publish shows up by itself."""
    version = data.pin_version()
    until = data.data_until(version)
    rows = data.scorecard(area, Period(grain, until))
    now = _now()
    rotation = slots(views, rows)
    current, page, pages = rotation[int(now.timestamp() // seconds) % len(rotation)]
    fresh = data_freshness(until, now.tz_convert("Asia/Ho_Chi_Minh"))
    demo = any(r.data_status == "demo" for r in rows)
    st.markdown(header_html(lang, area_name, version, until, now, demo, data.version_info().created_at),
                unsafe_allow_html=True)
    banner = (f'<div class="wall-stale" data-testid="wall-stale">{html.escape(t("wall_stale", lang, until=fmt_month(until, lang), expected=fmt_month(fresh.expected_until, lang), n=fresh.months_late))}</div>'
              if fresh.stale else '<div class="wall-fresh"></div>')
    reports = completeness_line(lang, now)
    st.markdown(banner + reports + view_line_html(lang, views, current, seconds, page, pages), unsafe_allow_html=True)
    shown = rows_for(current, rows) if current == "ban-do" else pages_of(rows_for(current, rows))[page]
    lines = plan_lines(shown, area, until, lang)
    if current == "ban-do":  # tiles and map in the same single block as the other views' tiles
        content = (f'<div class="wall-split"><div>{tiles_html(shown, lang, narrow=True, plan_lines=lines)}</div>'
                   f'<div>{map_html(version, map_kpi, grain, until, lang)}</div></div>')
    else:
        content = tiles_html(shown, lang, plan_lines=lines)
    st.markdown(content, unsafe_allow_html=True)


def render_wall(lang: str, area: Area, area_name: str, grain: str) -> None:
    """Read the wall's URL options and run its refreshing fragment."""
    map_ok = map_view is not None
    seconds = read_rotation(lang)
    views = read_views(lang, map_ok)
    codes = [i.code for i in data.catalogue().indicators if i.kind != "growth"]
    map_kpi = read_map_kpi(lang, codes)
    if not map_ok:
        st.caption(t("wall_no_map", lang))

    @st.fragment(run_every=seconds)
    def _refreshing() -> None:
        try:
            wall_frame(lang, area, area_name, grain, seconds, views, map_kpi)
        except AccessDenied as denied:  # a fragment rerun does not pass through app.py's handler
            st.error(denied.message(lang), icon=":material/lock:")

    _refreshing()
