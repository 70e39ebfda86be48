"""Briefings for leadership (báo cáo 6 tháng, báo cáo năm) as one self-contained HTML file, and its PDF.

Why HTML first: one file with inline CSS and inline SVG charts opens anywhere, offline, and prints the
same; headless Chromium turns it into the PDF. Nothing is fetched from outside (no fonts, no scripts).
Also here: the data-status rule (`data_freshness`) shared with the operations-centre wall.
No Streamlit here: texts and number formats come in as a `Formatters` bundle (the UI passes
`i18n.formats`/`i18n.strings`), so the briefing and the screens print every figure identically.
"""
from __future__ import annotations

import html
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

import service
from i18n import formats
from i18n.strings import t as translate
from indicators.mapclass import NO_DATA, quantile_classes
from indicators.scorecard import ScoreRow
from indicators.status import MEAN_2026_2030, NO_VERDICT
from service import Area, Caller, Period
from service.access import Principal, place_name
from service.metadata import RULE_TEXT, THRESHOLD, catalogue, commune_table, data_until
from store.catalogue import SECTIONS

MONTHLY_LAG_DAYS = 45
"""A month's figures are due this many days after the month ends (the registers' reporting cycle)."""


@dataclass(frozen=True)
class Freshness:
    """How new the data is against its expected cadence: `stale` when a month that is due is missing."""

    data_until: pd.Timestamp
    expected_until: pd.Timestamp
    stale: bool
    months_late: int


def data_freshness(data_until: pd.Timestamp, today: pd.Timestamp, lag_days: int = MONTHLY_LAG_DAYS) -> Freshness:
    """Compare the newest month with data to the newest month that should be published by `today`.

    Month M is due `lag_days` after it ends; the data is stale when a due month is missing.
    """
    today = pd.Timestamp(today).tz_localize(None) if pd.Timestamp(today).tzinfo else pd.Timestamp(today)
    month = today.normalize().replace(day=1)
    while month + pd.DateOffset(months=1) + pd.Timedelta(days=lag_days) > today:
        month -= pd.DateOffset(months=1)
    data_until = pd.Timestamp(data_until).replace(day=1)
    late = (month.year - data_until.year) * 12 + month.month - data_until.month
    return Freshness(data_until=data_until, expected_until=month, stale=late > 0, months_late=max(late, 0))


def default_formatters() -> Formatters:
    """The screens' formatters (i18n.formats, i18n.strings)."""
    return Formatters(
        t=translate, number=formats.fmt_number,
        value=lambda value, ind, lang: formats.fmt_value(value, ind.unit, ind.unit_label(lang), lang,
                                                         compact=ind.unit == "đồng/tháng"),
        delta=formats.fmt_delta, target=lambda row, lang: formats.target_text(row.indicator, row.target, lang),
        period=formats.fmt_period, month=formats.fmt_month, date=formats.fmt_date,
        moment=lambda ts, lang: formats.format_datetime(ts, lang, "HH:mm dd/MM/yyyy"),
        percent_of=formats.fmt_percent_of,
    )


# --- the briefing ------------------------------------------------------------------------------

HALF, YEAR = "6thang", "nam"
KINDS = (HALF, YEAR)
TREND_KPIS = ("unemployment_rate", "trained_share", "new_jobs", "bhxh_compulsory_share", "bhyt_coverage",
              "avg_monthly_income")
"""The key trends every briefing draws (like-for-like: the same months of each year)."""
MAP_KPI = "unemployment_rate"
TREND_YEARS = 6
STATUS_COLOURS = {"on_track": "#1e7b4a", "at_risk": "#b76e00", "off_track": "#c0282d",
                  **{state: "#6b7280" for state in NO_VERDICT}}
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class BriefingError(RuntimeError):
    """A briefing cannot be made (no data for the period, or no Chromium for the PDF)."""


@dataclass(frozen=True)
class Formatters:
    """Texts and number formats (i18n/), the same functions the screens use, so the briefing prints every
    figure exactly as the screens do (`default_formatters`)."""

    t: Callable[..., str]
    number: Callable[..., str]
    value: Callable[[float | None, object, str], str]
    """(value, indicator, lang) -> '2,12%', '188.875 người', '12,4 triệu đồng/tháng'."""
    delta: Callable[[float | None, str, str], str | None]
    target: Callable[[ScoreRow, str], str]
    period: Callable[..., str]
    month: Callable[[pd.Timestamp, str], str]
    date: Callable[[pd.Timestamp, str], str]
    moment: Callable[[pd.Timestamp, str], str]
    percent_of: Callable[[float | None, str], str]


@dataclass(frozen=True)
class BriefingPeriod:
    """A six-monthly (January–June) or annual report of one year."""

    kind: str
    year: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")

    @property
    def until(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, 6 if self.kind == HALF else 12, 1)

    @property
    def grain(self) -> str:
        return "ytd" if self.kind == HALF else "year"

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.kind}"


def available_periods(data_until: pd.Timestamp) -> list[BriefingPeriod]:
    """Complete six-monthly and annual periods with data, newest first (a period must be over)."""
    out = []
    for year in range(int(pd.Timestamp(data_until).year), 2020, -1):
        for kind in (YEAR, HALF):
            period = BriefingPeriod(kind, year)
            if period.until <= pd.Timestamp(data_until):
                out.append(period)
    return out


@dataclass
class Briefing:
    """The made briefing: its HTML, title, file name stem, the scorecard it shows and the rows it read."""

    html: str
    title: str
    file_stem: str
    rows: list[ScoreRow]
    rows_read: int
    notes: list[str] = field(default_factory=list)


# --- inline SVG ---------------------------------------------------------------------------------


def _ring(coords, project) -> str:
    points = [project(x, y) for x, y in coords]
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"


def map_svg(geojson: dict, fills: dict[str, str], titles: dict[str, str], legend: list[tuple[str, str]],
            highlight: str | None = None, width: int = 560, dark: bool = False, alt: str = "") -> str:
    """A choropleth of the communes as inline SVG (no tiles, no scripts): one path per commune.

    `fills` maps commune codes to colours (others are drawn as no data), `titles` gives each commune's
    hover/alt text, `legend` is (colour, label) pairs; `highlight` outlines one commune; `alt` is what a
    screen reader says for the whole map (an image without it fails WCAG 1.1.1).
    """
    import shapely
    from shapely.geometry import shape

    # simplified together, so neighbours keep one shared edge (one by one, slivers open between them)
    codes = [str(f["properties"]["code"]) for f in geojson["features"]]
    simple = shapely.coverage_simplify([shape(f["geometry"]) for f in geojson["features"]], 0.0006)
    shapes = list(zip(codes, simple))
    minx = min(s.bounds[0] for _, s in shapes)
    miny = min(s.bounds[1] for _, s in shapes)
    maxx = max(s.bounds[2] for _, s in shapes)
    maxy = max(s.bounds[3] for _, s in shapes)
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = width / ((maxx - minx) * kx)
    height = int((maxy - miny) * scale) + 1

    def project(x: float, y: float) -> tuple[float, float]:
        return (x - minx) * kx * scale, (maxy - y) * scale

    stroke = "#0b1826" if dark else "#ffffff"
    parts = []
    for code, geom in shapes:
        polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        d = " ".join(_ring(p.exterior.coords, project) + "".join(" " + _ring(i.coords, project) for i in p.interiors)
                     for p in polys)
        fill = fills.get(code, NO_DATA)
        title = html.escape(titles.get(code, code))
        parts.append(f'<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="0.6" fill-rule="evenodd">'
                     f'<title>{title}</title></path>')
    if highlight:
        for code, geom in shapes:
            if code == highlight:
                polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
                d = " ".join(_ring(p.exterior.coords, project) for p in polys)
                parts.append(f'<path d="{d}" fill="none" stroke="#d00000" stroke-width="2.5"/>')
    text = "#e8eef5" if dark else "#1f2937"
    legend_parts = []
    for i, (colour, label) in enumerate(legend):
        y = 14 + i * 20
        legend_parts.append(f'<rect x="4" y="{y - 11}" width="16" height="13" fill="{colour}" stroke="#999" stroke-width="0.5"/>'
                            f'<text x="26" y="{y}" font-size="12" fill="{text}">{html.escape(label)}</text>')
    legend_height = 20 * len(legend) + 8
    label = html.escape(alt, quote=True)
    named = f' aria-label="{label}">' if alt else ">"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="choropleth" viewBox="0 0 {width} {height + legend_height}" '
            f'width="100%" role="img"{named}{"".join(parts)}<g transform="translate(0,{height + 6})">{"".join(legend_parts)}</g></svg>')


CHAR_WIDTH, LABEL_HEIGHT = 5.4, 10.0
"""Approximate size of a 9.5–10 px label in the PDF's sans font: enough to tell whether two labels touch."""


def label_box(x: float, y: float, label: str, below: bool = False) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a point's value label, centred above the point (or below it)."""
    half = len(label) * CHAR_WIDTH / 2
    baseline = y + 14 if below else y - 7
    return x - half, baseline - LABEL_HEIGHT + 2, x + half, baseline + 2


def _label_below(coords: list[tuple[float, float]], i: int, target_y: float | None) -> bool:
    """A value label goes below its point when the line comes down to the point from both sides (a valley:
    above it the label would sit on the line) or when the target line runs just above the point."""
    y = coords[i][1]
    neighbours = [coords[j][1] for j in (i - 1, i + 1) if 0 <= j < len(coords)]
    valley = bool(neighbours) and all(n < y - 2 for n in neighbours)
    under_target = target_y is not None and 0 <= y - target_y <= 16
    return valley or under_target


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def target_label_place(boxes: list[tuple[float, float, float, float]], target_y: float, label: str, x_left: float,
                       x_right: float, y_top: float, y_bottom: float) -> tuple[float, float, str]:
    """(x, baseline, anchor) for the target line's label: at the right end above the line unless a value
    label or the series' line is there (`boxes`), then below it, then at the left end ("74,8%" must never
    print over "Mục tiêu 2030")."""
    width = len(label) * CHAR_WIDTH
    for x, anchor, left_edge in ((x_right, "end", x_right - width), (x_left, "start", x_left)):
        for baseline in (target_y - 4, target_y + 12):
            box = (left_edge, baseline - LABEL_HEIGHT + 2, left_edge + width, baseline + 2)
            if box[1] >= y_top - 12 and box[3] <= y_bottom + 4 and not any(_overlaps(box, b) for b in boxes):
                return x, baseline, anchor
    return x_right, target_y - 4, "end"


def line_svg(points: list[tuple[str, float]], labels: list[str], target: float | None = None,
             target_label: str = "", width: int = 330, height: int = 150) -> str:
    """A small line chart as inline SVG: one point per period, the value printed at each point."""
    left, right, top, bottom = 30, 30, 16, 28
    values = [v for _, v in points]
    low = min(values + ([target] if target is not None else []))
    high = max(values + ([target] if target is not None else []))
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    n = len(points)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (width - left - right) * (i / (n - 1) if n > 1 else 0.5)
        y = top + (height - top - bottom) * (1 - (v - low) / (high - low))
        return x, y

    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    ty = xy(0, target)[1] if target is not None else None
    boxes = [label_box(x, y, label, below=_label_below(coords, i, ty)) for i, ((x, y), label) in enumerate(zip(coords, labels))]
    parts = []
    if target is not None:
        line = [(x0 + (x1 - x0) * k / 12 - 2, y0 + (y1 - y0) * k / 12 - 2, x0 + (x1 - x0) * k / 12 + 2,
                 y0 + (y1 - y0) * k / 12 + 2) for (x0, y0), (x1, y1) in zip(coords, coords[1:]) for k in range(13)]
        tx, tly, anchor = target_label_place(boxes + line, ty, target_label, left, width - right, top, height - bottom)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#1e7b4a" '
                     f'stroke-dasharray="5,4" stroke-width="1.3"/>'
                     f'<text x="{tx:.1f}" y="{tly:.1f}" font-size="10" text-anchor="{anchor}" fill="#1e7b4a">'
                     f'{html.escape(target_label)}</text>')
    parts.append('<polyline fill="none" stroke="#1d4ed8" stroke-width="2.2" points="'
                 + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    for (x, y), (period, _), label, box in zip(coords, points, labels, boxes):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1d4ed8"/>'
                     f'<text x="{x:.1f}" y="{box[3] - 2:.1f}" font-size="9.5" text-anchor="middle" fill="#111827">{html.escape(label)}</text>'
                     f'<text x="{x:.1f}" y="{height - 10}" font-size="10" text-anchor="middle" fill="#4b5563">{html.escape(period)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img">{"".join(parts)}</svg>')


# --- content ------------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 14mm 13mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111827;
  font-size: 10.5pt; line-height: 1.4; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; color: #0b3a6e; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; color: #0b3a6e; border-bottom: 1.5px solid #0b3a6e; padding-bottom: 1mm;
  page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
.meta { color: #374151; font-size: 9.5pt; }
.demo { background: #fff4d6; border-left: 4px solid #e0a100; padding: 2mm 3mm; margin: 3mm 0; font-size: 9.5pt; }
.stale { background: #fde2e1; border-left: 4px solid #c0282d; padding: 2mm 3mm; margin: 3mm 0; }
.summary { display: flex; gap: 3mm; margin: 3mm 0; }
.summary div { flex: 1; border-radius: 2mm; padding: 2mm 3mm; color: #fff; font-weight: 700; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; table-layout: fixed; }
th { background: #0b3a6e; color: #fff; text-align: left; padding: 1.4mm 1.6mm; }
td { border-bottom: 0.5px solid #d1d5db; padding: 1.2mm 1.6mm; vertical-align: top; }
tr { page-break-inside: avoid; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.section td { background: #e8eef7; font-weight: 700; color: #0b3a6e; }
.pill { display: inline-block; border-radius: 9px; padding: 0 2mm; color: #fff; font-weight: 700; font-size: 8pt; }
.grid { display: flex; flex-wrap: wrap; gap: 3mm; }
.grid > div { page-break-inside: avoid; }
.chart { width: 88mm; } .chart-title { font-weight: 700; font-size: 9.5pt; margin: 1mm 0 0 2mm; }
.map { width: 120mm; margin: 2mm auto; page-break-inside: avoid; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.small { font-size: 8.5pt; color: #4b5563; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #4b5563; border-top: 0.5px solid #d1d5db; padding-top: 2mm; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _area_name(area: Area, lang: str, fmt: Formatters) -> str:
    return fmt.t("whole_city", lang) if area.is_city else place_name(area.code, lang)


def _kpi_table(rows: list[ScoreRow], lang: str, fmt: Formatters, period: BriefingPeriod) -> str:
    """The KPI table: value, same period a year earlier, 2030 target, status, data status (sources: §6)."""
    t = fmt.t
    widths = ("36%", "13%", "13%", "18%", "10%", "10%")
    keys = ("col_indicator", "col_value", "col_year_ago", "col_target", "col_status", "col_data_status")
    head = "".join(f'<th style="width:{w}">{_e(t(k, lang))}</th>' for k, w in zip(keys, widths))
    main_period = fmt.period(period.until, period.grain, lang, period.until, period.until.month)
    body = []
    for section in SECTIONS:
        group = [r for r in rows if r.indicator.section.startswith(section)]
        if not group:
            continue
        body.append(f'<tr class="section"><td colspan="6">{_e(t("section_" + section, lang))}</td></tr>')
        for row in group:
            ind = row.indicator
            status = row.assessment.status
            value = fmt.value(row.value, ind, lang) if row.has_data else t(row.missing_key, lang, k=THRESHOLD)
            year_ago = fmt.value(row.year_ago, ind, lang) if row.year_ago is not None else "–"
            data_status = t("data_" + row.data_status, lang) if row.data_status else t("no_data", lang)
            own_period = fmt.period(row.period, row.grain, lang, row.last_month, row.n_months) if row.has_data else ""
            note = f'<div class="small">{_e(own_period)}</div>' if own_period and own_period != main_period else ""
            body.append(
                f'<tr data-kpi="{ind.code}"><td>{_e(ind.name(lang))}{note}</td>'
                f'<td class="num">{_e(value)}</td><td class="num">{_e(year_ago)}</td>'
                f'<td>{_e(fmt.target(row, lang))}</td>'
                f'<td><span class="pill" style="background:{STATUS_COLOURS[status]}">{_e(t("status_" + status, lang))}</span></td>'
                f'<td>{_e(data_status)}</td></tr>')
    caption = f'<p class="small">{_e(t("period", lang))}: {_e(main_period)}</p>'
    return f"{caption}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _summary(rows: list[ScoreRow], lang: str, fmt: Formatters) -> str:
    counts = {s: sum(r.assessment.status == s for r in rows) for s in ("on_track", "at_risk", "off_track")}
    cells = "".join(f'<div style="background:{STATUS_COLOURS[s]}">{_e(fmt.t("status_" + s, lang))}: {n}</div>'
                    for s, n in counts.items())
    return f'<div class="summary">{cells}</div>'


def _plan_line(rows: list[ScoreRow], lang: str, fmt: Formatters) -> str:
    jobs = next((r for r in rows if r.indicator.code == "new_jobs"), None)
    if jobs is None or jobs.ytd is None:
        return ""
    months, year = jobs.last_month.month, jobs.last_month.year
    if jobs.plan is not None and jobs.plan.low:
        text = fmt.t("plan_completion", lang, months=months, year=year, value=fmt.number(jobs.ytd, lang),
                     share=fmt.percent_of(jobs.ytd / jobs.plan.low, lang), plan=fmt.number(jobs.plan.low, lang))
    else:
        text = fmt.t("plan_missing", lang, months=months, year=year, value=fmt.number(jobs.ytd, lang))
    return f"<p>{_e(text.replace('**', ''))}</p>"


def _map_section(caller: Caller, area: Area, period: BriefingPeriod, lang: str, fmt: Formatters,
                 geojson: dict | None, caption: str) -> tuple[str, int]:
    t = fmt.t
    if geojson is None:
        return f'<p class="small">{_e(t("briefing_no_map", lang))}</p>', 0
    ind = catalogue().get(MAP_KPI)
    frame = service.map_values(caller, MAP_KPI, Period("ytd", period.until))
    shown = frame.dropna(subset=["value"])
    values = dict(zip(shown["code"].astype(str), shown["value"]))
    communes = commune_table()
    codes = communes["code"].tolist()
    classes = quantile_classes([values.get(c) for c in codes])
    fills = {c: classes.colours[k] for c, k in zip(codes, classes.index) if k >= 0}
    names = communes.set_index("code")["name_vi" if lang == "vi" else "name_en"]
    titles = {c: f"{names[c]}: {fmt.value(values[c], ind, lang)}" if c in values else f"{names[c]}: –" for c in codes}
    edges = classes.edges
    legend = [(classes.colours[i], f"{fmt.number(edges[i], lang, 2)} – {fmt.number(edges[i + 1], lang, 2)}")
              for i in range(len(classes.colours))] + [(NO_DATA, t("no_data", lang))]
    period_label = fmt.period(period.until, period.grain, lang, period.until, period.until.month)
    alt = t("map_alt", lang, name=ind.name(lang), period=period_label, n=len(values), k=len(classes.colours))
    svg = map_svg(geojson, fills, titles, legend, highlight=area.code if area.is_commune else None, alt=alt)
    heading = f"{ind.name(lang)} · {period_label}"
    restricted = "" if caller.principal.sees_all_communes else f'<p class="small">{_e(t("briefing_map_restricted", lang))}</p>'
    return (f'<h3>{_e(heading)}</h3><div class="map">{svg}</div><p class="small">{_e(caption)}</p>{restricted}',
            len(shown))


def _point_labels(ind, values: list[float], lang: str, fmt: Formatters) -> tuple[list[str], str]:
    """Short labels for chart points (the unit goes in the chart's title unless it is '%')."""
    if ind.unit == "%":
        return [fmt.value(v, ind, lang) for v in values], ""
    if ind.unit == "đồng/tháng":
        return [fmt.number(v / 1e6, lang, 1) for v in values], fmt.t("briefing_million_per_month", lang)
    decimals = 2 if ind.unit.startswith("%") else 0
    return [fmt.number(v, lang, decimals) for v in values], ind.unit_label(lang)


def _trend_section(caller: Caller, area: Area, period: BriefingPeriod, rows: list[ScoreRow], lang: str,
                   fmt: Formatters) -> tuple[str, int]:
    """The same months of each year (Jan–Jun or the whole year), so every point compares like with like."""
    codes = tuple(c for c in TREND_KPIS if c in catalogue().codes)
    start = pd.Timestamp(period.year - TREND_YEARS + 1, 1, 1)
    frame = service.series(caller, codes, area, "ytd", start, period.until)
    frame = frame[frame["last_month"].dt.month == period.until.month].dropna(subset=["value"])
    by_code = {r.indicator.code: r for r in rows}
    charts = []
    for code in codes:
        series = frame[frame["indicator"] == code].sort_values("last_month")
        if len(series) < 2:
            continue
        ind = catalogue().get(code)
        target = by_code[code].target if code in by_code else None
        threshold = target.threshold if target is not None else None
        if threshold is not None and ind.kind == "count" and period.kind == HALF:
            threshold = None  # a yearly count target does not compare with six months
        points = [(str(ts.year), float(v)) for ts, v in zip(series["last_month"], series["value"])]
        labels, unit = _point_labels(ind, [v for _, v in points], lang, fmt)
        if unit and threshold is not None and ind.unit == "đồng/tháng":
            threshold /= 1e6
        if ind.unit == "đồng/tháng":
            points = [(p, v / 1e6) for p, v in points]
        title = f"{ind.name(lang)} ({unit})" if unit else ind.name(lang)
        charts.append(f'<div class="chart"><div class="chart-title">{_e(title)}</div>'
                      + line_svg(points, labels, threshold, fmt.t("target", lang) if threshold is not None else "")
                      + "</div>")
    if not charts:
        return "", len(frame)
    span = fmt.t("briefing_trend_span_half" if period.kind == HALF else "briefing_trend_span_year", lang)
    first, rest = "".join(charts[:2]), "".join(charts[2:])  # the first row of charts stays with the heading
    return (f'<p class="small">{_e(span)}</p><div class="grid">{first}</div>{FIRST_ROW_END}'
            + (f'<div class="grid">{rest}</div>' if rest else ""), len(frame))


def uninformative_band(ind, low: float, high: float) -> bool:
    """An 80% interval of a share that spans (about) every possible value, 0–100%: printed as a range it
    would read like a result; it says only that the series cannot be forecast with any confidence."""
    return ind.unit == "%" and low <= 0.5 and high >= 99.5


FIRST_ROW_END = "<!--first-row-end-->"
"""Where the part of a section that must stay with its heading ends (its first row of charts)."""


def keep_with_heading(heading: str, content: str) -> str:
    """The heading and the start of its content (up to FIRST_ROW_END, else all of it) in one block that is
    never split across pages; the rest flows on."""
    head, _, rest = content.partition(FIRST_ROW_END)
    return f"<section class='keep'>{heading}{head}</section>{rest}"


def _forecast_section(rows: list[ScoreRow], lang: str, fmt: Formatters) -> str:
    """The forecast behind each row's verdict: the stored verdict of the KPI for the area as of the
    period's last month, with the expected value, 80% interval and probability it was decided on, so the
    status beside a probability here is the one of sections 1 and 2, by construction (issue 14)."""
    t = fmt.t
    body = []
    for row in rows:
        verdict = row.verdict
        if verdict is None or verdict.expected is None:
            continue
        ind = row.indicator
        band = ""
        if verdict.lo80 is not None and verdict.hi80 is not None:
            band = (t("briefing_band_uninformative", lang) if uninformative_band(ind, verdict.lo80, verdict.hi80)
                    else f"{fmt.value(verdict.lo80, ind, lang)} – {fmt.value(verdict.hi80, ind, lang)}")
        prob = fmt.percent_of(verdict.probability, lang) if verdict.probability is not None else "–"
        judged = f' <span class="small">({_e(t("briefing_judged_mean", lang))})</span>' \
            if verdict.judged == MEAN_2026_2030 else ""
        body.append(f"<tr data-kpi='{_e(ind.code)}'><td>{_e(ind.name(lang))}</td>"
                    f"<td class='num'>{_e(fmt.value(verdict.expected, ind, lang))}{judged}</td>"
                    f"<td class='num'>{_e(band)}</td><td class='num'>{_e(prob)}</td>"
                    f"<td>{_e(t('status_' + row.assessment.status, lang))}</td></tr>")
    if not body:
        return f'<p class="small">{_e(t("briefing_no_forecasts", lang))}</p>'
    head = "".join(f"<th>{_e(t(k, lang))}</th>" for k in ("col_indicator", "briefing_col_2030", "briefing_col_band",
                                                          "briefing_col_probability", "col_status"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _data_section(caller: Caller, rows: list[ScoreRow], lang: str, fmt: Formatters, today: pd.Timestamp) -> str:
    t = fmt.t
    principal: Principal = caller.principal
    info = service.version_info(caller)
    until = data_until(info.version)
    published = info.created_at
    fresh = data_freshness(until, today)
    statuses = pd.Series([r.data_status for r in rows if r.data_status]).value_counts()
    mix = ", ".join(f"{t('data_' + s, lang)}: {n}" for s, n in statuses.items())
    sources = sorted({(r.source, r.vintage) for r in rows if r.source}, key=lambda x: str(x[0]))
    items = "".join(f"<li>{_e(s)} ({_e(t('published_on', lang))} {_e(fmt.date(v, lang))})</li>" for s, v in sources)
    stale = (f'<div class="stale">{_e(t("wall_stale", lang, until=fmt.month(until, lang), expected=fmt.month(fresh.expected_until, lang), n=fresh.months_late))}</div>'
             if fresh.stale else "")
    return (f"{stale}<p>{_e(t('briefing_data_line', lang, version=info.version, published=fmt.moment(published, lang), until=fmt.month(until, lang)))}</p>"
            f"<p>{_e(t('briefing_status_mix', lang, mix=mix or '–'))}</p><h3>{_e(t('source', lang))}</h3><ul>{items}</ul>"
            f"<p class='small'>{_e(t('briefing_access_note', lang, user=principal.user, role=t('role_' + principal.role, lang)))}</p>")


def build_briefing(caller: Caller, area: Area, period: BriefingPeriod, lang: str, *, geojson: dict | None = None,
                   boundary_caption: str = "", now: pd.Timestamp | None = None,
                   fmt: Formatters | None = None) -> Briefing:
    """The briefing for the city or one commune, read through the service layer as `caller` (its reads
    authorized and protected like any page's; AccessDenied applies). `geojson` draws the map (None: no map).
    """
    fmt = fmt or default_formatters()
    version = caller.version or service.version_info(caller).version
    until = data_until(version)
    if period.until > until:
        raise BriefingError(f"{period.slug}: no data yet / chưa có số liệu (data until {until:%Y-%m})")
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    t = fmt.t
    principal = caller.principal
    rows = service.scorecard(caller, area, Period(period.grain, period.until))
    name = _area_name(area, lang, fmt)
    kind_title = t("briefing_title_half" if period.kind == HALF else "briefing_title_year", lang, year=period.year)
    title = f"{kind_title} — {name}"
    map_html, map_rows = _map_section(caller, area, period, lang, fmt, geojson, boundary_caption)
    trend_html, trend_rows = _trend_section(caller, area, period, rows, lang, fmt)
    demo = any(r.data_status == "demo" for r in rows)
    today = now.tz_convert("Asia/Ho_Chi_Minh").tz_localize(None) if now.tzinfo else now
    rule_text = RULE_TEXT[lang]
    body = [
        f"<h1>{_e(kind_title)}</h1>",
        f"<div class='meta'><b>{_e(name)}</b> · {_e(t('briefing_generated', lang, moment=fmt.moment(now, lang), user=principal.name or principal.user))}</div>",
        f"<div class='demo'>{_e(t('demo_banner', lang).replace('**', ''))}</div>" if demo else "",
        f"<h2>1. {_e(t('briefing_h_summary', lang))}</h2>", _summary(rows, lang, fmt), _plan_line(rows, lang, fmt),
        f"<h2>2. {_e(t('briefing_h_kpis', lang))}</h2>", _kpi_table(rows, lang, fmt, period),
        # a heading stays on the page of its figure (never alone above a blank half page)
        f"<section class='keep'><h2>3. {_e(t('briefing_h_map', lang))}</h2>{map_html}</section>",
        keep_with_heading(f"<h2>4. {_e(t('briefing_h_trends', lang))}</h2>",
                          trend_html or f"<p class='small'>{_e(t('no_data', lang))}</p>"),
        f"<h2>5. {_e(t('briefing_h_forecasts', lang))}</h2>", _forecast_section(rows, lang, fmt),
        f"<h2>6. {_e(t('briefing_h_data', lang))}</h2>", _data_section(caller, rows, lang, fmt, today),
        f"<footer>{_e(rule_text.replace('**', '').replace('*', ''))}</footer>",
    ]
    document = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title>'
                f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
                f'<body>{"".join(body)}</body></html>')
    stem = f"bao-cao-{period.slug}-{area.key}-{lang}"
    return Briefing(html=document, title=title, file_stem=stem, rows=rows,
                    rows_read=sum(r.has_data for r in rows) + map_rows + trend_rows)


# --- PDF ----------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    """Chromium for printing: `HANOI_CHROMIUM`, else Debian's /usr/bin/chromium or one on PATH."""
    override = os.environ.get("HANOI_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render_pdf(document: str, timeout: float = 120) -> bytes:
    """Print the HTML to A4 PDF with headless Chromium, offline (the HTML has no external assets)."""
    chromium = chromium_path()
    if chromium is None:
        raise BriefingError("Chromium is not installed: the PDF cannot be made / chưa cài Chromium để tạo PDF")
    with tempfile.TemporaryDirectory(prefix="briefing-") as tmp:
        source, target = Path(tmp) / "briefing.html", Path(tmp) / "briefing.pdf"
        source.write_text(document, encoding="utf-8")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                   f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
                   f"--print-to-pdf={target}", source.as_uri()]
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        if not target.exists() or target.stat().st_size == 0:
            raise BriefingError(f"Chromium did not print the PDF (exit {result.returncode}): "
                                f"{result.stderr.decode('utf-8', 'replace')[-500:]}")
        return target.read_bytes()
