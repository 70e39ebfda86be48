"""Demonstration reports of the forms the city is adding, unit by unit, and when every demo report arrived.

Why unit by unit: completeness ("who has not reported") is about reporting units, so the demo has them too:
employment-service enterprises, licensed labour-export enterprises and employers filing the half-yearly
accident report, each sending (or skipping, or sending late) its own report. Their rows are summed into
facts exactly as a real report would be at publish, so a skipped report is missing from the facts, never a
zero. No Hanoi figure exists for these forms except the workers going abroad, which the labour-export
enterprises' departures follow (a share of the commune reports' calibrated count); the assumptions are
`demo_reports.yaml`. The existing forms' demo reports all arrived (their facts are complete), some late.

Hooked into the demo warehouse by one call in `pipeline.demo_data.generate`; every row is status demo.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.allocation import allocate_integers
from pipeline.completeness import HANOI, _receipt_types, expected_reports
from pipeline.fact_rows import merge_sorted
from store.reference import load_communes
from store.templates import load_templates
from store.yaml_files import read_yaml

ASSUMPTIONS_FILE = Path(__file__).with_name("demo_reports.yaml")
STATUS = "demo"
SOURCE = "Dữ liệu minh họa (demo) của biểu mẫu báo cáo mới; giả định trong pipeline/demo_reports.yaml"
SOURCE_ABROAD = ("Dữ liệu minh họa (demo), theo tỷ lệ của số lao động đi làm việc ở nước ngoài đã hiệu chỉnh "
                 "với số liệu công bố")
SOURCE_TEMPLATES = ("bhxh_participants", "vacancies", "job_seekers", "lfs_estimates")
"""Existing forms sent by one agency whose demo facts exist every month (their demo reports all arrived)."""


@dataclass
class DemoReports:
    """The demo reports: unit rows per form (its columns), facts of their measures, and every arrival."""

    units: dict[str, pd.DataFrame]
    facts: pd.DataFrame
    receipts: pd.DataFrame


@lru_cache(maxsize=1)
def load_assumptions(path: Path = ASSUMPTIONS_FILE) -> dict:
    return read_yaml(path)


def add_demo_reports(tables, end: pd.Timestamp):
    """The hook of `pipeline.demo_data.generate`: the new forms' demo facts appended to `tables.facts`, and the
    demo version's `completeness` table added to `tables.extra`."""
    reports = generate_reports(tables.facts, end)
    tables.facts = merge_sorted(tables.facts, reports.facts)
    communes = load_communes()["code"]
    as_of = pd.Timestamp(end) + pd.DateOffset(months=1)
    tables.extra["completeness"] = expected_reports(reports.receipts, load_templates(), as_of, STATUS, communes)
    return tables


class _Grid:
    """Commune x month arrays of the demo facts the new forms are scaled by."""

    def __init__(self, facts: pd.DataFrame, end: pd.Timestamp) -> None:
        self.codes = load_communes()["code"].to_numpy()
        self.months = pd.date_range(facts["period"].min(), pd.Timestamp(end), freq="MS")
        wanted = facts[facts["measure"].isin(["labour_force", "jobs_abroad", "bhxh_compulsory"])
                       & (facts["commune_code"] != "")]
        self.by_measure = {m: part.groupby(["commune_code", "period"])["value"].sum().unstack("period")
                           .reindex(index=self.codes, columns=self.months).fillna(0).to_numpy()
                           for m, part in wanted.groupby("measure")}

    def __getitem__(self, measure: str) -> np.ndarray:
        return self.by_measure[measure]


def _profiles() -> pd.DataFrame:
    from pipeline.demo_data import commune_profiles

    return commune_profiles(load_communes())


def _season(months: pd.DatetimeIndex) -> np.ndarray:
    """Fewer placements in February (Tết) and in the 2021 lockdown."""
    w = np.where(months.month == 2, 0.7, 1.0)
    return np.where((months >= "2021-07-01") & (months <= "2021-09-01"), 0.5 * w, w)


def _arrival(rng: np.random.Generator, n: int, due: int, late: float) -> np.ndarray:
    """Days after the period ends: on time (1..due) or, with probability `late`, 1..30 days after the due day."""
    is_late = rng.random(n) < late
    return np.where(is_late, due + rng.integers(1, 31, n), rng.integers(1, max(due, 1) + 1, n))


def _received(periods: pd.Series, days: np.ndarray, now: pd.Timestamp) -> pd.Series:
    """09:00 Hanoi time `days` after each period's last day, as UTC; never after `now`."""
    local = periods + pd.offsets.MonthEnd(0) + pd.to_timedelta(days, unit="D") + pd.Timedelta(hours=9)
    utc = (local - pd.Timedelta(hours=7)).clip(upper=now)
    return utc.astype("datetime64[us]")


def _unit_codes(prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}{i:05d}" for i in range(1, n + 1)])


def _active(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """(units, months): most units report from the start to the end; some start later, a few stop (closed)."""
    start = np.where(rng.random(n) < 0.3, rng.integers(0, max(m // 2, 1), n), 0)
    stop = np.where(rng.random(n) < 0.1, np.minimum(start + 12 + rng.integers(0, m, n), m), m)
    months = np.arange(m)[None, :]
    return (months >= start[:, None]) & (months < stop[:, None])


# ---- the three forms ----------------------------------------------------------------------------------------
def _employment_services(a: dict, grid: _Grid, rng: np.random.Generator) -> pd.DataFrame:
    profiles = _profiles()
    lf = grid["labour_force"]
    n_units, months = a["enterprises"], grid.months
    zone = profiles["zone"].to_numpy()
    home_w = lf[:, -1] * np.select([zone == "core", zone == "outer"], [3.0, 1.5], 0.5)
    homes = rng.choice(len(grid.codes), n_units, p=home_w / home_w.sum())
    lo, hi = a["communes_per_enterprise"]
    pairs = []
    for e, home in enumerate(homes):
        others = rng.choice(np.delete(np.arange(len(grid.codes)), home), rng.integers(lo, hi + 1) - 1, replace=False,
                            p=np.delete(lf[:, -1], home) / np.delete(lf[:, -1], home).sum())
        pairs += [(e, home, 1.0)] + [(e, c, 0.4) for c in others]
    pe, pc, pw = (np.array(x) for x in zip(*pairs))
    capacity = rng.lognormal(0, 0.5, n_units)
    active = _active(rng, n_units, len(months))
    weight = pw[:, None] * capacity[pe][:, None] * lf[pc] * active[pe]  # a unit not open yet (or closed) places nobody
    city = a["placements_per_1000_labour_force"] / 1000 * lf.sum(axis=0) * _season(months)
    placed = rng.poisson(city[None, :] * weight / weight.sum(axis=0, keepdims=True))
    referred = placed + rng.poisson(placed * (a["referrals_per_placement"] - 1))
    counselling = referred + rng.poisson(referred * (a["counselling_per_referral"] - 1))
    vacancies = rng.poisson(placed * a["vacancies_per_placement"] + 1)
    sent = active & (rng.random((n_units, len(months))) >= a["skip"])
    keep = sent[pe]
    p_idx, m_idx = np.nonzero(keep)
    codes = _unit_codes("01099", n_units)
    return pd.DataFrame({
        "enterprise": codes[pe[p_idx]],
        "enterprise_name": [f"Công ty dịch vụ việc làm minh họa {i + 1:02d} (demo)" for i in pe[p_idx]],
        "commune": grid.codes[pc[p_idx]], "period": months[m_idx],
        "counselling": counselling[p_idx, m_idx], "introduced": referred[p_idx, m_idx],
        "placed": placed[p_idx, m_idx], "vacancies_received": vacancies[p_idx, m_idx]})


def _labour_export(a: dict, grid: _Grid, rng: np.random.Generator) -> pd.DataFrame:
    abroad = grid["jobs_abroad"]
    n_units, months = a["enterprises"], grid.months
    C = len(grid.codes)
    recruit = abroad.sum(axis=1) + 1
    capacity = rng.lognormal(0, 0.6, n_units)
    active = _active(rng, n_units, len(months))
    anchor = int(np.argmax(capacity))  # one large enterprise, open throughout, recruits everywhere a little
    active[anchor] = True
    cover = np.zeros((n_units, C), dtype=bool)
    for e in range(n_units):
        cover[e, rng.choice(C, a["communes_per_enterprise"], replace=False, p=recruit / recruit.sum())] = True
    reach = np.where(cover, 1.0, 0.0)
    reach[anchor] = np.where(cover[anchor], 1.0, 0.2)
    cover[anchor] = True
    target = rng.binomial(abroad.astype(np.int64), a["share_of_workers_abroad"])  # never more than the commune reports
    departed = np.zeros((n_units, C, len(months)), dtype=np.int64)
    for c in range(C):
        units = np.flatnonzero(cover[:, c])
        weights = (capacity[units] * reach[units, c])[:, None] * rng.lognormal(0, 0.3, (len(units), len(months))) \
            * active[units]
        departed[units, c, :] = allocate_integers(target[c], weights)
    sent = active & (rng.random((n_units, len(months))) >= a["skip"])
    e_idx, c_idx, m_idx = np.nonzero(cover[:, :, None] & sent[:, None, :])
    moved = departed[e_idx, c_idx, m_idx]
    contracts = rng.poisson(moved * a["contracts_per_departure"])
    rows = pd.DataFrame({"e": e_idx, "c": c_idx, "m": m_idx, "contracts": contracts, "departed": moved})
    # rows only where something happened, and one zero row for a month with nothing (a report of "none")
    busy = (rows["contracts"] > 0) | (rows["departed"] > 0)
    quiet = ~rows.assign(busy=busy).groupby(["e", "m"])["busy"].transform("any")
    rows = rows[busy | (quiet & ~rows.duplicated(["e", "m"]))]
    codes = _unit_codes("01088", n_units)
    return pd.DataFrame({
        "enterprise": codes[rows["e"]],
        "enterprise_name": [f"Công ty cung ứng nhân lực minh họa {i + 1:02d} (demo)" for i in rows["e"]],
        "commune": grid.codes[rows["c"]], "period": months[rows["m"].to_numpy()],
        "contracts": rows["contracts"].to_numpy(), "departed": rows["departed"].to_numpy()})


def _occupational_safety(a: dict, grid: _Grid, rng: np.random.Generator) -> pd.DataFrame:
    profiles = _profiles()
    industrial = profiles["industrial"].to_numpy()
    employees = grid["bhxh_compulsory"]
    lo, hi = a["employers_per_commune"]
    per_commune = rng.integers(lo, hi + 1, len(grid.codes)) * np.where(industrial, 2, 1)
    commune = np.repeat(np.arange(len(grid.codes)), per_commune)
    share = np.concatenate([rng.dirichlet(np.full(n, 1.5)) for n in per_commune])
    halves = np.flatnonzero(np.isin(grid.months.month, (6, 12)))
    workers = np.round(a["share_of_insured_employees"] * employees[commune][:, halves] * share[:, None]
                       * rng.lognormal(0, 0.05, (len(commune), len(halves)))).astype(np.int64)
    risk = np.where(industrial[commune], a["industrial_risk"], 1.0)[:, None] * workers
    victims = rng.poisson(a["victims_per_year"] / 2 * risk / risk.sum(axis=0, keepdims=True))
    deaths = rng.binomial(victims, a["deaths_per_victim"])
    serious = rng.binomial(victims - deaths, a["serious_per_victim"] / (1 - a["deaths_per_victim"]))
    accidents = np.maximum(victims - rng.binomial(victims, a["extra_victims_per_accident"]), (victims > 0).astype(int))
    fatal = np.minimum(deaths, accidents)
    sent = _active(rng, len(commune), len(halves)) & (rng.random(workers.shape) >= a["skip"])
    u_idx, h_idx = np.nonzero(sent)
    codes = _unit_codes("01077", len(commune))
    return pd.DataFrame({
        "employer": codes[u_idx], "employer_name": [f"Đơn vị sử dụng lao động minh họa {i + 1:04d} (demo)" for i in u_idx],
        "commune": grid.codes[commune[u_idx]], "period": grid.months[halves[h_idx]],
        "workers": workers[u_idx, h_idx], "accidents": accidents[u_idx, h_idx], "fatal_accidents": fatal[u_idx, h_idx],
        "victims": victims[u_idx, h_idx], "deaths": deaths[u_idx, h_idx], "serious_injuries": serious[u_idx, h_idx]})


# ---- facts and arrivals -------------------------------------------------------------------------------------
def _facts(units: dict[str, pd.DataFrame], end: pd.Timestamp) -> pd.DataFrame:
    """The unit rows summed per commune and period, as a report's rows are at publish."""
    templates = load_templates()
    parts = []
    for code, rows in units.items():
        template = templates[code]
        for column, measure in template.measures.items():
            summed = rows.groupby(["commune", "period"], as_index=False)[column].sum().rename(columns={column: "value"})
            parts.append(summed.assign(measure=measure, source=SOURCE_ABROAD if code == "labour_export" else SOURCE))
        counted = template.reporting.count_as
        if counted is not None:
            n = rows.groupby(["commune", "period"], as_index=False)[template.reporting.unit].nunique()
            parts.append(n.rename(columns={template.reporting.unit: "value"}).assign(measure=counted.key, source=SOURCE))
    facts = pd.concat(parts, ignore_index=True).rename(columns={"commune": "commune_code"})
    facts["period"] = facts["period"].astype("datetime64[us]")
    return pd.DataFrame({
        "measure": facts["measure"], "commune_code": facts["commune_code"], "sector": "", "period": facts["period"],
        "value": facts["value"].astype(float), "se": np.nan, "status": STATUS, "source": facts["source"],
        "vintage": (facts["period"] + pd.offsets.MonthEnd(0) + pd.Timedelta(days=20)).astype("datetime64[us]"),
        "provisional": facts["period"] > pd.Timestamp(end) - pd.DateOffset(months=2)})


def _receipts(units: dict[str, pd.DataFrame], grid: _Grid, a: dict, rng: np.random.Generator,
              now: pd.Timestamp) -> pd.DataFrame:
    templates = load_templates()
    parts = []
    for code, rows in units.items():  # the new forms: each unit's report arrives on one day for all its rows
        template = templates[code]
        unit = template.reporting.unit
        sent = rows[[unit, "period"]].drop_duplicates()
        days = _arrival(rng, len(sent), template.due_days, a[code]["late"])
        sent = sent.assign(received_at=_received(sent["period"], days, now).to_numpy())
        pairs = rows[[unit, template.reporting.name, "commune", "period"]].drop_duplicates()
        parts.append(pairs.merge(sent, on=[unit, "period"]).rename(columns={
            unit: "unit", template.reporting.name: "unit_name", "commune": "commune_code"}).assign(template=code))
    months = pd.Series(grid.months)
    commune = a["arrival"]["commune"]
    every = pd.DataFrame({"period": np.tile(grid.months, len(grid.codes)), "unit": np.repeat(grid.codes, len(months))})
    days = np.clip(np.round(rng.normal(commune["mean"], commune["sd"], len(every))), 1, 60)
    parts.append(every.assign(commune_code=every["unit"], unit_name=None, template="commune_jobs",
                              received_at=_received(every["period"], days, now).to_numpy()))
    for code in SOURCE_TEMPLATES:
        due = templates[code].due_days
        days = np.clip(np.round(rng.normal(due - a["arrival"]["source"]["early"], a["arrival"]["source"]["sd"], len(months))),
                       1, due + 30)
        parts.append(pd.DataFrame({"template": code, "period": months, "unit": "", "unit_name": None, "commune_code": "",
                                   "received_at": _received(months, days, now).to_numpy()}))
    return _receipt_types(pd.concat(parts, ignore_index=True).assign(batch="demo"))


def generate_reports(facts: pd.DataFrame, end: pd.Timestamp, now: pd.Timestamp | None = None,
                     assumptions: dict | None = None) -> DemoReports:
    """The demo reports up to `end`, scaled by the demo facts (labour force, workers abroad, insured employees)."""
    a = assumptions or load_assumptions()
    rng = np.random.default_rng(int(a["seed"]))
    grid = _Grid(facts, end)
    units = {"employment_services": _employment_services(a["employment_services"], grid, rng),
             "labour_export": _labour_export(a["labour_export"], grid, rng),
             "occupational_safety": _occupational_safety(a["occupational_safety"], grid, rng)}
    now = pd.Timestamp.now(tz="UTC").tz_localize(None) if now is None else pd.Timestamp(now)
    return DemoReports(units, _facts(units, end), _receipts(units, grid, a, rng, now))


def form_rows(units: pd.DataFrame, code: str, rng: np.random.Generator) -> pd.DataFrame:
    """A form's unit rows as a reporting unit would fill the form (labour export: split by destination)."""
    if code != "labour_export":
        return units
    shares = load_assumptions()["labour_export"]["destinations"]
    names, p = list(shares), np.array(list(shares.values()), dtype=float)
    parts = []
    for rec in units.itertuples(index=False):
        split = rng.multinomial(rec.departed, p / p.sum())
        contracts = rng.multinomial(rec.contracts, p / p.sum())
        for dest, n, k in zip(names, split, contracts):
            if n or k:
                parts.append({**rec._asdict(), "destination": dest, "departed": int(n), "contracts": int(k)})
    return pd.DataFrame(parts)
