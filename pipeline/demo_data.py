"""Deterministic demonstration data: every measure of the catalogue per commune x month (x sector).

Commune-level labour figures are not published anywhere, so the product ships this instead. It is
calibrated so that the city totals match every real published figure (data/reference/published_figures.csv)
within 1%, follows `demo_assumptions.yaml` where nothing is published, and gives communes believable
differences: dense inner wards, outer wards, rural communes, industrial communes, and a small level
shift at the July 2025 boundary change for units formed from split pre-2025 units. Every row it writes
has status = 'demo'.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.allocation import allocate_integers, distribute_flow, last_complete_month, months_between, yearly_path
from pipeline.fact_rows import labelled
from store.published import load_published
from store.reference import load_communes, load_sectors
from store.yaml_files import read_yaml

ASSUMPTIONS_FILE = Path(__file__).with_name("demo_assumptions.yaml")
START = pd.Timestamp(2020, 1, 1)
BOUNDARY_CHANGE = pd.Timestamp(2025, 7, 1)
STATUS = "demo"
SOURCE_AFTER = "Dữ liệu minh họa (demo), hiệu chỉnh theo số liệu công bố của thành phố"
SOURCE_BEFORE = SOURCE_AFTER + "; trước 07/2025 quy đổi từ 526 đơn vị cũ theo bảng chuyển đổi"

INNER_DISTRICTS = {
    "Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Hai Bà Trưng", "Quận Đống Đa", "Quận Tây Hồ", "Quận Cầu Giấy",
    "Quận Thanh Xuân", "Quận Hoàng Mai", "Quận Long Biên", "Quận Bắc Từ Liêm", "Quận Nam Từ Liêm", "Quận Hà Đông",
}
# Units that hold or border the big industrial parks and the Hòa Lạc hi-tech park.
INDUSTRIAL_UNITS = {
    "Nội Bài", "Quang Minh", "Phú Nghĩa", "Hòa Lạc", "Thiên Lộc", "Phúc Thịnh", "Đông Anh", "Mê Linh",
    "Thường Tín", "Kim Anh", "Yên Xuân", "Thạch Thất", "Sóc Sơn", "Đan Phượng", "Phú Xuyên", "Thư Lâm",
}
# Employment structure by zone (shares of employed by VSIC section A..U).
SECTOR_MIX = {
    "core":   [.005, .001, .07, .006, .006, .06, .19, .06, .08, .07, .05, .02, .07, .04, .06, .07, .045, .015, .03, .02, .002],
    "outer":  [.10, .003, .17, .005, .006, .10, .17, .05, .06, .02, .02, .01, .03, .03, .05, .06, .035, .01, .04, .03, .0],
    "rural":  [.30, .004, .20, .004, .005, .12, .13, .04, .03, .008, .01, .005, .01, .02, .03, .04, .025, .005, .03, .014, .0],
}
INDUSTRIAL_MIX = [.10, .003, .40, .006, .006, .09, .12, .06, .04, .02, .01, .005, .02, .04, .02, .03, .02, .005, .02, .01, .0]
BHXH_COVERAGE = [.02, .6, .75, .95, .7, .25, .28, .35, .18, .7, .92, .4, .6, .5, .95, .85, .85, .3, .1, .0, .5]
WAGE_EARNER_SHARE = [.08, .9, .85, .98, .9, .55, .45, .6, .5, .9, .97, .7, .85, .8, 1.0, .95, .9, .6, .3, 1.0, 1.0]
WAGE_LEVEL = [.55, 1.2, 1.0, 1.5, .9, .95, .9, 1.0, .8, 1.6, 1.8, 1.3, 1.5, .85, 1.1, 1.05, 1.15, .9, .75, .6, 1.9]
ENTERPRISE_RATE = [.005, .05, .06, .05, .04, .08, .09, .06, .05, .09, .06, .12, .1, .07, .0, .02, .02, .05, .04, .0, .0]
VACANCY_RATE = [.001, .004, .012, .003, .004, .008, .006, .007, .009, .014, .008, .004, .012, .009, .001, .006, .007, .006, .004, .002, .002]
SEEKER_MIX = [.04, .005, .17, .005, .01, .07, .17, .07, .10, .05, .04, .02, .05, .07, .02, .05, .03, .02, .05, .03, .0]
CHURN = [.03, .015, .022, .008, .012, .03, .025, .02, .03, .018, .012, .02, .018, .028, .005, .008, .01, .02, .03, .0, .01]
PRIORITY_SECTOR_GROWTH = {"C": 0.02, "I": 0.03, "J": 0.06, "K": 0.02, "M": 0.05, "P": 0.01, "Q": 0.02, "R": 0.03, "A": -0.04}


@dataclass
class DemoTables:
    """What the generator makes: the fact table and the communes' (demo) yearly job-creation plans."""

    facts: pd.DataFrame
    plans: pd.DataFrame
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)  # more tables of the version (completeness)


def _ranks(labels: list[str]) -> np.ndarray:
    """Position of each label in sorted (string) order: the sort key of a label's index."""
    rank = np.empty(len(labels), np.int64)
    rank[np.argsort(np.array(labels, dtype=object), kind="stable")] = np.arange(len(labels))
    return rank


def load_assumptions(path: Path = ASSUMPTIONS_FILE) -> dict:
    return read_yaml(path)


def commune_profiles(communes: pd.DataFrame) -> pd.DataFrame:
    """Zone (core/outer/rural) and industrial flag per commune, from type and former districts."""
    def zone(row: pd.Series) -> str:
        districts = set(str(row["old_districts"]).split("; "))
        if row["type"] == "phuong" and districts & INNER_DISTRICTS:
            return "core"
        return "outer" if row["type"] == "phuong" else "rural"

    out = communes[["code", "type", "area_km2", "n_old_units_part"]].copy()
    out["zone"] = communes.apply(zone, axis=1)
    out["industrial"] = communes["short_name"].isin(INDUSTRIAL_UNITS)
    out["split"] = communes["n_old_units_part"].fillna(0) > 0
    return out.reset_index(drop=True)


class _Generator:
    """One generation run; arrays are (communes, months) or (communes, sectors, months)."""

    def __init__(self, end: pd.Timestamp, assumptions: dict) -> None:
        self.a = assumptions
        last_year = max(assumptions["years"])
        if end.year > last_year:
            raise ValueError(
                f"demo_assumptions.yaml có giả định đến năm {last_year}; hãy thêm năm {end.year} trước khi sinh dữ liệu "
                f"đến {end:%m/%Y} / demo_assumptions.yaml has assumptions up to {last_year}: add {end.year} before "
                f"generating data up to {end:%Y-%m}")
        self.rng = np.random.default_rng(int(assumptions["seed"]))
        self.months = months_between(START, end)
        self.M = len(self.months)
        communes = load_communes()
        self.profiles = commune_profiles(communes)
        self.codes = self.profiles["code"].to_numpy()
        self.C = len(self.codes)
        self.sectors = load_sectors()["code"].tolist()
        self.S = len(self.sectors)
        self.zone = self.profiles["zone"].to_numpy()
        self.industrial = self.profiles["industrial"].to_numpy()
        self.urban = (self.profiles["type"] == "phuong").to_numpy()
        self.before_change = (self.months < BOUNDARY_CHANGE)
        self.year_of_month = self.months.year.to_numpy()
        published = load_published()
        self.published = published[(published["end"] <= self.months[-1]) & (published["start"] >= self.months[0])]
        self.measures: dict[str, np.ndarray] = {}
        self.se: dict[str, np.ndarray] = {}

    # ---- helpers -------------------------------------------------------------------------------
    def zone_factor(self, core: float, outer: float, rural: float, industrial: float = 1.0, sd: float = 0.1) -> np.ndarray:
        """A per-commune multiplier by zone, with lognormal spread and a step at the boundary change."""
        base = np.select([self.zone == "core", self.zone == "outer"], [core, outer], rural)
        base = base * np.where(self.industrial, industrial, 1.0) * self.rng.lognormal(0, sd, self.C)
        wobble = 1 + np.cumsum(self.rng.normal(0, 0.004, (self.C, self.M)), axis=1)
        split_shift = np.where(self.profiles["split"].to_numpy(), self.rng.normal(0, 0.04, self.C), 0.0)
        step = 1 + split_shift[:, None] * self.before_change[None, :]
        return base[:, None] * wobble * step

    def yearly(self, key: str, group: str) -> tuple[list[int], list[float]]:
        years = list(self.a["years"])
        values = list(self.a[group][key])
        return years, values

    def city_path(self, key: str, group: str) -> np.ndarray:
        years, values = self.yearly(key, group)
        return yearly_path(years, values, self.months)

    def anchors(self, target: str, kinds: tuple[str, ...] = ("year", "month")) -> pd.DataFrame:
        p = self.published
        return p[(p["target"] == target) & p["basis"].isin(kinds)]

    def calibrate_ratio(self, num: np.ndarray, den: np.ndarray, target: str, scale: float,
                        mask: np.ndarray | None = None) -> np.ndarray:
        """Rescale numerators so the city ratio hits every published month and year figure exactly."""
        rows = np.ones(self.C, dtype=bool) if mask is None else mask
        num = num.astype(float).copy()
        found = self.anchors(target)
        for rec in found[found["basis"] == "month"].itertuples():
            i = self.months.get_loc(rec.start)
            f = rec.value / scale * den[rows, i].sum() / num[rows, i].sum()
            dist = np.abs(np.arange(self.M) - i)
            weight = np.clip(1 - dist / 5, 0, 1)
            num[rows] *= (1 + (f - 1) * weight)[None, :]
        for rec in found[found["basis"] == "year"].itertuples():
            cols = self.year_of_month == rec.start.year
            if cols.sum() < 12:
                continue
            f = rec.value / scale * den[rows][:, cols].sum() / num[rows][:, cols].sum()
            num[np.ix_(rows, cols)] *= f
        return num

    def employed_targets(self, employed: np.ndarray, unemployed: np.ndarray) -> dict[pd.Timestamp, float]:
        """City employed persons for months where employed and/or the labour force (employed + unemployed)
        are published.

        Both counts come from the survey while unemployment follows its own (published) rates, so the two
        cannot always be met exactly: where both are published the employed count minimises the sum of
        the squared relative misses of both, (E/a - 1)^2 + ((E + U)/b - 1)^2, U being the unemployed.
        """
        a_rows = {r.start: r.value for r in self.anchors("employed", ("month",)).itertuples()}
        b_rows = {r.start: r.value for r in self.anchors("labour_force", ("month",)).itertuples()}
        out = {}
        for month in sorted(set(a_rows) | set(b_rows)):
            u = float(unemployed[:, self.months.get_loc(month)].sum())
            a, b = a_rows.get(month), b_rows.get(month)
            if a is not None and b is not None:
                out[month] = (1 / a + 1 / b - u / b**2) / (1 / a**2 + 1 / b**2)
            else:
                out[month] = a if a is not None else b - u
        return out

    def capped_share(self, raw: np.ndarray, den: np.ndarray, rate_path: np.ndarray, target: str, cap: float,
                     rounds: int = 6) -> np.ndarray:
        """Commune numerators of a share that follows the city path `rate_path` (%) and hits the published
        figures of `target`, no commune above `cap` x its denominator.

        Capping after scaling loses what the capped communes had above the cap (near saturation, as health
        insurance at 95%, that misses the city figure by almost 1%); a few rounds of scale-then-cap move
        it onto the communes below the cap instead.
        """
        ceiling = cap * den
        wanted = rate_path / 100 * den.sum(axis=0)
        value = self.to_city_level(raw, wanted)
        for _ in range(rounds):
            value = np.minimum(value, ceiling)
            free = value < ceiling
            room = np.where(free, value, 0).sum(axis=0)
            gap = wanted - value.sum(axis=0)
            value = np.where(free, value * (1 + gap / np.where(room > 0, room, 1))[None, :], value)
        for _ in range(rounds):
            value = np.minimum(self.calibrate_ratio(value, den, target, 100), ceiling)
        return value

    def rate_through_counts(self, path: np.ndarray, measure: str, den: np.ndarray) -> np.ndarray:
        """A city rate path (%) moved to pass through the published counts of its numerator (participants of
        BHTN in June 2024, of voluntary BHXH in 2022): months as in `calibrate_level`, years on average."""
        path = path.astype(float).copy()
        found = self.anchors(measure)
        total = den.sum(axis=0)
        for rec in found[found["basis"] == "month"].itertuples():
            i = self.months.get_loc(rec.start)
            weight = np.clip(1 - np.abs(np.arange(self.M) - i) / 5, 0, 1)
            path *= 1 + (rec.value / total[i] * 100 / path[i] - 1) * weight
        for rec in found[found["basis"] == "year"].itertuples():
            cols = self.year_of_month == rec.start.year
            if cols.sum() == 12:
                path[cols] *= rec.value * 12 / (path[cols] / 100 * total[cols]).sum()
        return path

    def calibrate_level(self, values: np.ndarray, target: str, stock: bool = True,
                        months: dict[pd.Timestamp, float] | None = None) -> np.ndarray:
        """Rescale a count so the city total (stock: monthly average) hits published figures.

        `months` replaces the published month figures of `target` (e.g. employed persons met jointly with
        the labour force)."""
        values = values.astype(float).copy()
        axes = tuple(range(values.ndim - 1))
        found = self.anchors(target)
        month_rows = ([(m, v) for m, v in months.items()] if months is not None else
                      [(r.start, r.value) for r in found[found["basis"] == "month"].itertuples()])
        for start, wanted in month_rows:
            i = self.months.get_loc(start)
            f = wanted / values[..., i].sum()
            weight = np.clip(1 - np.abs(np.arange(self.M) - i) / 5, 0, 1)
            values *= 1 + (f - 1) * weight
        for rec in found[found["basis"] == "year"].itertuples():
            cols = self.year_of_month == rec.start.year
            if cols.sum() < 12:
                continue
            total = values[..., cols].sum(axis=axes).sum()
            wanted = rec.value * (12 if stock else 1)
            values[..., cols] *= wanted / total
        return values

    def to_city_level(self, shares: np.ndarray, city: np.ndarray) -> np.ndarray:
        """Scale per-commune raw values (C, M) so each month sums to the city path."""
        return shares / shares.sum(axis=0, keepdims=True) * city[None, :]

    def month_weights(self, dip: float = 0.55) -> np.ndarray:
        """Seasonal weights of job placement: a dip in the Tết month, the 2021 lockdown, a summer lull."""
        base = np.array([1.0, 1.0, 1.05, 1.05, 1.1, 1.1, 0.95, 0.95, 1.05, 1.05, 1.0, 1.0])
        w = base[self.months.month.to_numpy() - 1].copy()
        tet = self.a["tet_month"]
        for i, m in enumerate(self.months):
            if tet.get(m.year) == m.month:
                w[i] *= dip
            w[i] *= self.a["covid_dip"].get(m.strftime("%Y-%m"), 1.0)
        return w

    def flow_totals(self, key: str) -> np.ndarray:
        years, values = self.yearly(key, "levels")
        totals = dict(zip(years, values))
        knots: dict[pd.Timestamp, float] = {}
        for rec in self.anchors(key, ("year", "ytd")).itertuples():
            if rec.basis == "year":
                totals[rec.start.year] = rec.value
            elif rec.end.month < 12:
                knots[rec.end] = rec.value
        return distribute_flow(self.months, totals, knots, self.month_weights())

    # ---- the measures --------------------------------------------------------------------------
    def population(self) -> None:
        density = np.select([self.zone == "core", self.zone == "outer"], [26000.0, 3200.0], 1300.0)
        raw = self.profiles["area_km2"].to_numpy() * density * self.rng.lognormal(0, 0.3, self.C)
        growth = np.select([self.zone == "core", self.zone == "outer"], [0.004, 0.02], 0.012)
        t = (self.months.year.to_numpy() - 2020) + (self.months.month.to_numpy() - 1) / 12
        shares = raw[:, None] * (1 + growth[:, None]) ** t[None, :]
        pop = self.to_city_level(shares, self.city_path("population", "levels"))
        self.measures["population"] = np.round(self.calibrate_level(pop, "population"))

    def labour(self) -> None:
        pop = self.measures["population"]
        lfp = self.a["labour_force_participation"] * self.zone_factor(1.02, 1.0, 0.98, 1.03, sd=0.03)
        lf = pop * lfp
        # Unemployment: urban and rural groups calibrated separately to the urban and overall paths.
        propensity = self.zone_factor(1.1, 1.0, 0.9, 0.8, sd=0.2)
        raw_u = lf * propensity
        overall = self.city_path("unemployment_rate", "rates") / 100
        urban_rate = self.city_path("unemployment_urban", "rates") / 100
        unemployed = np.zeros_like(lf)
        u = self.urban
        unemployed[u] = self.to_city_level(raw_u[u], urban_rate * lf[u].sum(axis=0))
        unemployed = self.calibrate_ratio(unemployed, lf, "unemployment_urban", 100, mask=u)
        rural_total = overall * lf.sum(axis=0) - unemployed[u].sum(axis=0)
        unemployed[~u] = self.to_city_level(raw_u[~u], rural_total)
        # Employed follows the city path (published 2020-2021); labour force = employed + unemployed.
        employed = lf - unemployed
        scaled = self.to_city_level(employed, self.city_path("employed", "levels"))
        target = self.calibrate_level(scaled, "employed", months=self.employed_targets(scaled, unemployed))
        k = target.sum(axis=0) / employed.sum(axis=0)
        employed, unemployed = employed * k, unemployed * k
        self.employed_total = employed
        self.measures["unemployed"] = np.round(unemployed)
        self.measures["labour_force_working_age"] = np.round(self.to_city_level(
            lf * self.zone_factor(1.0, 1.0, 1.0, 1.05, sd=0.03), self.city_path("labour_force_working_age", "levels")))
        for measure, key, zone_args in (
            ("trained", "trained_share", (1.25, 1.0, 0.85, 1.05)),
            ("trained_certified", "trained_certified_share", (1.35, 1.0, 0.8, 1.05)),
            ("it_skilled", "it_skills_share", (1.2, 1.0, 0.82, 1.0)),
        ):
            lf_now = employed + unemployed
            raw = lf_now * self.zone_factor(*zone_args, sd=0.06)
            value = self.capped_share(raw, lf_now, self.city_path(key, "rates"), key, 0.97)
            self.measures[measure] = np.round(value)

    def sectors_and_insurance(self) -> None:
        mix = np.array([SECTOR_MIX[z] for z in self.zone])
        mix[self.industrial] = INDUSTRIAL_MIX
        mix = mix / mix.sum(axis=1, keepdims=True)
        mix = np.vstack([self.rng.dirichlet(row * 300 + 1e-3) for row in mix])
        t = (self.months.year.to_numpy() - 2020) + (self.months.month.to_numpy() - 1) / 12
        trend = np.ones((self.S, self.M))
        for s, g in PRIORITY_SECTOR_GROWTH.items():
            trend[self.sectors.index(s)] = (1 + g) ** t
        shares = mix[:, :, None] * trend[None, :, :]
        shares = shares / shares.sum(axis=1, keepdims=True)
        employed_cs = np.round(shares * self.employed_total[:, None, :])
        self.measures["employed"] = employed_cs
        self.measures["labour_force"] = employed_cs.sum(axis=1) + self.measures["unemployed"]
        # Compulsory social insurance by sector, calibrated to the city coverage of the working-age labour force.
        cover = np.array(BHXH_COVERAGE)[None, :, None] * self.zone_factor(1.05, 1.0, 0.9, 1.1, sd=0.08)[:, None, :]
        bhxh = employed_cs * np.minimum(cover, 0.98)
        lfwa = self.measures["labour_force_working_age"]
        wanted = self.city_path("bhxh_compulsory_share", "rates") / 100 * lfwa.sum(axis=0)
        for _ in range(3):
            bhxh = np.minimum(bhxh * (wanted / bhxh.sum(axis=(0, 1)))[None, None, :], 0.98 * employed_cs)
        by_commune = bhxh.sum(axis=1)
        calibrated = self.calibrate_ratio(by_commune, lfwa, "bhxh_compulsory_share", 100)
        bhxh = np.round(bhxh * (calibrated / np.where(by_commune > 0, by_commune, 1))[:, None, :])
        self.measures["bhxh_compulsory"] = bhxh
        churn = np.array(CHURN)[None, :, None] * self.rng.lognormal(0, 0.15, (self.C, self.S, 1))
        previous = np.concatenate([np.round(bhxh[:, :, :1] * 0.995), bhxh[:, :, :-1]], axis=2)
        lost = np.round(previous * churn)
        new = bhxh - previous + lost
        lost = lost + np.maximum(-new, 0)
        self.measures["bhxh_new"] = np.maximum(new, 0)
        self.measures["bhxh_lost"] = lost
        for measure, key, args, cap in (
            ("bhxh_voluntary", "bhxh_voluntary_share", (0.6, 1.0, 1.4, 0.8), 0.3),
            ("bhtn", "bhtn_share", (1.05, 1.0, 0.9, 1.15), 0.95),
        ):
            raw = lfwa * self.zone_factor(*args, sd=0.1)
            path = self.rate_through_counts(self.city_path(key, "rates"), measure, lfwa)
            self.measures[measure] = np.round(self.capped_share(raw, lfwa, path, key, cap))
        pop = self.measures["population"]
        raw = pop * self.zone_factor(1.03, 1.0, 0.97, 1.0, sd=0.02)
        self.measures["bhyt_insured"] = np.round(self.capped_share(raw, pop, self.city_path("bhyt_coverage", "rates"),
                                                                   "bhyt_coverage", 0.995))

    def wages_and_enterprises(self) -> None:
        employed_cs = self.measures["employed"]
        wage_emp = np.round(employed_cs * np.array(WAGE_EARNER_SHARE)[None, :, None])
        level = np.array(WAGE_LEVEL)[None, :, None] * self.zone_factor(1.15, 1.0, 0.82, 1.05, sd=0.05)[:, None, :]
        bill = wage_emp * level
        wanted = self.city_path("avg_monthly_income", "levels") * wage_emp.sum(axis=(0, 1))
        bill = bill * (wanted / bill.sum(axis=(0, 1)))[None, None, :]
        for rec in self.anchors("avg_monthly_income", ("year",)).itertuples():
            cols = self.year_of_month == rec.start.year
            if cols.sum() == 12:
                bill[:, :, cols] *= rec.value * wage_emp[:, :, cols].sum() / bill[:, :, cols].sum()
        self.measures["wage_employees"] = wage_emp
        self.measures["wage_bill"] = np.round(bill / 1000) * 1000
        raw = employed_cs * np.array(ENTERPRISE_RATE)[None, :, None] * self.zone_factor(2.0, 1.0, 0.5, 1.3, sd=0.15)[:, None, :]
        city = self.city_path("active_enterprises", "levels")
        ent = raw * (city / raw.sum(axis=(0, 1)))[None, None, :]
        self.measures["active_enterprises"] = np.round(self.calibrate_level(ent, "active_enterprises"))
        grdp = self.city_path("grdp_constant", "levels") / 12
        self.city_only = {"grdp_constant": grdp}

    def labour_market_flows(self) -> None:
        employed_cs = self.measures["employed"]
        season = self.month_weights(dip=0.7)[None, None, :]
        t = (self.months.year.to_numpy() - 2020)[None, None, :]
        demand = employed_cs * np.array(VACANCY_RATE)[None, :, None] * season * (1.03 ** t)
        self.measures["vacancies"] = self.rng.poisson(demand).astype(float)
        lf = self.measures["labour_force"]
        seekers = lf[:, None, :] * np.array(SEEKER_MIX)[None, :, None] * 0.0075 * season
        seekers = seekers * self.zone_factor(0.9, 1.0, 1.15, 0.9, sd=0.1)[:, None, :]
        self.measures["job_seekers"] = self.rng.poisson(seekers).astype(float)

    def allocate(self, totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return allocate_integers(totals, weights).astype(float)

    def jobs(self) -> None:
        lf = self.measures["labour_force"]
        total = self.flow_totals("new_jobs")
        loans = self.flow_totals("jobs_loans")
        abroad = self.flow_totals("jobs_abroad")
        fairs = np.round(total * self.a["shares_of_new_jobs"]["jobs_fairs"]).astype(np.int64)
        other = total - loans - abroad - fairs
        if (other < 0).any():
            raise ValueError("demo assumptions give negative 'other' new jobs")
        channels = {
            "jobs_loans": (loans, self.zone_factor(0.5, 1.0, 1.3, 1.0, sd=0.25)),
            "jobs_fairs": (fairs, self.zone_factor(1.2, 1.0, 0.8, 1.3, sd=0.25)),
            "jobs_abroad": (abroad, self.zone_factor(0.3, 0.8, 1.6, 0.8, sd=0.4)),
            "jobs_other": (other, self.zone_factor(1.0, 1.0, 0.8, 1.8, sd=0.25)),
        }
        for measure, (city, factor) in channels.items():
            self.measures[measure] = self.allocate(city, lf * factor)
        sessions = self.flow_totals("job_fair_sessions")
        self.measures["job_fair_sessions"] = self.allocate(sessions, self.zone_factor(1.0, 1.0, 1.0, 1.5, sd=0.5))

    def priority_groups(self) -> None:
        lf = self.measures["labour_force"]
        pop = self.measures["population"]
        weights = self.month_weights(dip=0.6)
        for measure, base, factor in (
            ("rural_vocational_trainees", lf, (0.02, 0.35, 1.0, 1.0)),
            ("priority_short_trainees", lf, (0.3, 0.8, 1.2, 1.0)),
            ("priority_new_jobs", lf, (0.6, 1.0, 1.2, 1.2)),
            ("ui_recipients", self.measures["bhtn"], (1.0, 1.0, 1.0, 1.2)),
            ("elderly_wanting_training", pop, (0.8, 1.0, 1.1, 1.0)),
            ("priority_group_members", pop, (0.6, 1.0, 1.3, 1.0)),
            ("elderly_wanting_work", pop, (0.8, 1.0, 1.1, 1.0)),
        ):
            years, values = self.yearly(measure, "levels")
            totals = distribute_flow(self.months, dict(zip(years, values)), {}, weights)
            self.measures[measure] = self.allocate(totals, base * self.zone_factor(*factor, sd=0.3))
        for num, den, key in (
            ("ui_counselled", "ui_recipients", "ui_counselled_share"),
            ("elderly_counselled", "elderly_wanting_training", "elderly_counselled_share"),
            ("priority_reached", "priority_group_members", "priority_reached_share"),
            ("elderly_found_jobs", "elderly_wanting_work", "elderly_employed_share"),
        ):
            rate = self.city_path(key, "rates")[None, :] / 100 * self.zone_factor(1.0, 1.0, 1.0, 1.0, sd=0.08)
            self.measures[num] = self.rng.binomial(self.measures[den].astype(np.int64), np.clip(rate, 0, 1)).astype(float)

    # ---- output --------------------------------------------------------------------------------
    def standard_errors(self) -> None:
        """Sampling errors of the survey measures (a commune sample of about 250 people a month)."""
        lf = self.measures["labour_force"]
        n = 250.0
        for measure in ("unemployed", "trained", "trained_certified", "it_skilled"):
            p = np.clip(self.measures[measure] / np.maximum(lf, 1), 1e-4, 1)
            self.se[measure] = lf * np.sqrt(p * (1 - p) / n)
        for measure, cv in (("labour_force", 0.02), ("employed", 0.02), ("wage_bill", 0.05), ("wage_employees", 0.03)):
            self.se[measure] = self.measures[measure] * cv

    def frame(self) -> pd.DataFrame:
        """Every measure as fact rows in the warehouse order, built column-wise (`pipeline.fact_rows`)."""
        blocks = [(name, values, self.se.get(name)) for name, values in self.measures.items()]
        blocks += [(name, values[None, :], None) for name, values in self.city_only.items()]
        names = [name for name, _, _ in blocks]
        commune_labels = [""] + [str(c) for c in self.codes]  # 0: the city (a city-only measure)
        sector_labels = [""] + list(self.sectors)  # 0: all sectors
        m_idx, c_idx, s_idx, t_idx, value, se = [], [], [], [], [], []
        for i, (name, values, error) in enumerate(blocks):
            rows, months = values.shape[0], self.M
            sectors = values.shape[1] if values.ndim == 3 else 1
            city = name in self.city_only
            c_idx.append(np.zeros(months, np.int64) if city else np.repeat(np.arange(1, rows + 1), sectors * months))
            s_idx.append(np.tile(np.repeat(np.arange(1, sectors + 1) if values.ndim == 3 else np.zeros(1, np.int64),
                                           months), rows))
            t_idx.append(np.tile(np.arange(months), rows * sectors))
            m_idx.append(np.full(values.size, i))
            value.append(values.reshape(-1).astype(float))
            se.append(error.reshape(-1).astype(float) if error is not None else np.full(values.size, np.nan))
        m_idx, c_idx, s_idx, t_idx = (np.concatenate(x) for x in (m_idx, c_idx, s_idx, t_idx))
        order = np.lexsort((_ranks(sector_labels)[s_idx], _ranks(commune_labels)[c_idx], t_idx,
                            _ranks(names)[m_idx]))
        m_idx, c_idx, s_idx, t_idx = m_idx[order], c_idx[order], s_idx[order], t_idx[order]
        months = self.months.to_numpy()
        period = pd.Series(months)
        vintage = (period + pd.offsets.MonthEnd(0) + pd.Timedelta(days=20)).to_numpy()
        provisional = (period > self.months[-1] - pd.DateOffset(months=2)).to_numpy()
        before = (period < BOUNDARY_CHANGE).to_numpy().astype(np.int64)  # 1: SOURCE_BEFORE
        return pd.DataFrame({
            "measure": labelled(m_idx, names), "commune_code": labelled(c_idx, commune_labels),
            "sector": labelled(s_idx, sector_labels), "period": months[t_idx],
            "value": np.concatenate(value)[order], "se": np.concatenate(se)[order],
            "status": labelled(np.zeros(len(order), np.int64), [STATUS]),
            "source": labelled(before[t_idx], [SOURCE_AFTER, SOURCE_BEFORE]),
            "vintage": vintage[t_idx], "provisional": provisional[t_idx],
        })

    def plans(self) -> pd.DataFrame:
        """Demo yearly job-creation plans per commune: the city plan split by last year's placements."""
        from store.reference import load_targets

        city_plans = load_targets()
        city_plans = city_plans[(city_plans["indicator"] == "new_jobs") & (city_plans["geo"] == "city")
                                & (city_plans["kind"] == "annual_plan")]
        jobs = sum(self.measures[m] for m in ("jobs_loans", "jobs_fairs", "jobs_abroad", "jobs_other"))
        rows = []
        for rec in city_plans.itertuples():
            cols = self.year_of_month == rec.year - 1
            basis = jobs[:, cols].sum(axis=1) if cols.any() else jobs.sum(axis=1)
            split = allocate_integers(np.array([int(rec.low)]), basis[:, None]).ravel()
            rounded = np.maximum(np.round(split / 10) * 10, 10)
            for code, value in zip(self.codes, rounded):
                rows.append({"indicator": "new_jobs", "geo": code, "year": rec.year, "kind": "annual_plan",
                             "low": float(value), "high": np.nan, "status": STATUS,
                             "source": "Phân bổ minh họa kế hoạch thành phố theo kết quả năm trước (demo)"})
        return pd.DataFrame(rows)

    def run(self) -> DemoTables:
        self.population()
        self.labour()
        self.sectors_and_insurance()
        self.wages_and_enterprises()
        self.labour_market_flows()
        self.jobs()
        self.priority_groups()
        self.standard_errors()
        return DemoTables(facts=self.frame(), plans=self.plans())


def generate(end: pd.Timestamp | None = None, assumptions: dict | None = None) -> DemoTables:
    """All demo facts from January 2020 to `end` (default: the last complete month)."""
    from pipeline.demo_reports import add_demo_reports

    end = last_complete_month() if end is None else pd.Timestamp(end)
    return add_demo_reports(_Generator(end, assumptions or load_assumptions()).run(), end)
