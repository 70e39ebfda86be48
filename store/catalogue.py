"""The KPI catalogue: typed access to `catalogue.yaml`, checked on load.

Indicators are defined as ratios (or sums) of additive measures so that any geography and any period
aggregates the same way: sum(numerator) / sum(denominator). The YAML is content (names, definitions,
plan references); this module only gives it types and refuses an incomplete entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from store.paths import catalogue_file
from store.yaml_files import read_yaml

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")

REQUIRED_FIELDS: tuple[str, ...] = (
    "code", "section", "name_vi", "name_en", "definition_vi", "definition_en", "kind", "numerator",
    "denominator", "scale", "unit", "unit_en", "direction", "agency", "source_plan", "lowest_geography",
    "frequency", "caveats_vi", "caveats_en",
)
KINDS = ("ratio", "count", "growth")
DIRECTIONS = ("higher", "lower", "none")
FREQUENCIES = ("monthly", "quarterly", "annual")
GEOGRAPHIES = ("commune", "district", "province")
SECTIONS: tuple[str, ...] = ("A", "B", "P", "S")
"""Sections in the order every scorecard shows them (an indicator's `section` starts with one letter of these):
A labour market, B priority groups, P job-creation plan tracking, S occupational safety."""
MEASURE_FIELDS = ("name_vi", "name_en", "unit", "source", "sector", "stock")


class CatalogueError(ValueError):
    """The catalogue file is incomplete or inconsistent."""


@dataclass(frozen=True)
class Measure:
    """An additive count stored in the warehouse (numerator or denominator of indicators)."""

    code: str
    name_vi: str
    name_en: str
    unit: str
    source: str
    sector: bool
    stock: bool
    people: bool = False
    """Counts events that happen to identifiable people (workplace accidents): protected like a count of people."""

    @property
    def counts_people(self) -> bool:
        """Hidden when small (the small-count rule): counts of people and counts of events about people."""
        return self.unit == "persons" or self.people


@dataclass(frozen=True)
class Source:
    """Where a measure's real data comes from (agency and whether it is a survey estimate)."""

    code: str
    name_vi: str
    name_en: str
    kind: str


@dataclass(frozen=True)
class Indicator:
    """One KPI: a ratio, a sum or a growth rate of measures, with its plan metadata."""

    code: str
    section: str
    name_vi: str
    name_en: str
    definition_vi: str
    definition_en: str
    kind: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    scale: float
    unit: str
    unit_en: str
    direction: str
    agency: str
    source_plan: str
    lowest_geography: str
    frequency: str
    caveats_vi: str
    caveats_en: str
    urban_only: bool = False

    @property
    def measures(self) -> tuple[str, ...]:
        return self.numerator + self.denominator

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_vi

    def unit_label(self, lang: str) -> str:
        return self.unit_en if lang == "en" else self.unit


@dataclass(frozen=True)
class Catalogue:
    """All indicators, measures and sources, in catalogue order."""

    indicators: tuple[Indicator, ...]
    measures: dict[str, Measure]
    sources: dict[str, Source]

    def get(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def has_sector_breakdown(self, code: str) -> bool:
        """True when every measure of the indicator exists per economic sector."""
        indicator = self.get(code)
        return all(self.measures[m].sector for m in indicator.measures)

    def is_stock(self, code: str) -> bool:
        """A count indicator of a stock (averaged over months) rather than a flow (summed)."""
        indicator = self.get(code)
        return indicator.kind == "count" and all(self.measures[m].stock for m in indicator.numerator)

    def is_survey(self, code: str) -> bool:
        indicator = self.get(code)
        return any(self.sources[self.measures[m].source].kind == "survey" for m in indicator.numerator)


def _check_indicator(raw: dict, measures: dict[str, Measure]) -> list[str]:
    code = raw.get("code", "?")
    problems = [f"{code}: missing field '{f}'" for f in REQUIRED_FIELDS if f not in raw]
    problems += [f"{code}: empty field '{f}'" for f in REQUIRED_FIELDS
                 if f in raw and f not in ("denominator", "caveats_vi", "caveats_en") and raw[f] in ("", None, [])]
    if raw.get("kind") not in KINDS:
        problems.append(f"{code}: kind must be one of {KINDS}")
    if raw.get("direction") not in DIRECTIONS:
        problems.append(f"{code}: direction must be one of {DIRECTIONS}")
    if raw.get("frequency") not in FREQUENCIES:
        problems.append(f"{code}: frequency must be one of {FREQUENCIES}")
    if str(raw.get("section") or "")[:1] not in SECTIONS:
        problems.append(f"{code}: section must start with one of {SECTIONS}")
    if raw.get("lowest_geography") not in GEOGRAPHIES:
        problems.append(f"{code}: lowest_geography must be one of {GEOGRAPHIES}")
    for m in list(raw.get("numerator") or []) + list(raw.get("denominator") or []):
        if m not in measures:
            problems.append(f"{code}: unknown measure '{m}'")
    if raw.get("kind") in ("ratio", "growth") and not raw.get("denominator"):
        problems.append(f"{code}: a {raw.get('kind')} needs a denominator")
    if raw.get("kind") == "count" and raw.get("denominator"):
        problems.append(f"{code}: a count has no denominator")
    return problems


def parse_catalogue(doc: dict) -> Catalogue:
    """Build a Catalogue from the parsed YAML, raising CatalogueError listing every problem."""
    problems: list[str] = []
    sources = {k: Source(code=k, **v) for k, v in doc["sources"].items()}
    measures: dict[str, Measure] = {}
    for code, raw in doc["measures"].items():
        missing = [f for f in MEASURE_FIELDS if f not in raw]
        if missing:
            problems.append(f"measure {code}: missing {missing}")
            continue
        if raw["source"] not in sources:
            problems.append(f"measure {code}: unknown source {raw['source']}")
        unknown = set(raw) - set(MEASURE_FIELDS) - {"people"}
        if unknown:
            problems.append(f"measure {code}: unknown fields {sorted(unknown)}")
        measures[code] = Measure(code=code, **{f: raw[f] for f in MEASURE_FIELDS}, people=bool(raw.get("people", False)))
    indicators = []
    seen: set[str] = set()
    for raw in doc["indicators"]:
        found = _check_indicator(raw, measures)
        if raw.get("code") in seen:
            found.append(f"{raw.get('code')}: duplicate code")
        seen.add(raw.get("code"))
        problems += found
        if found:
            continue
        fields = {f: raw[f] for f in REQUIRED_FIELDS}
        fields["numerator"] = tuple(raw["numerator"])
        fields["denominator"] = tuple(raw["denominator"] or ())
        fields["scale"] = float(raw["scale"])
        indicators.append(Indicator(**fields, urban_only=bool(raw.get("urban_only", False))))
    if problems:
        raise CatalogueError("; ".join(problems))
    return Catalogue(indicators=tuple(indicators), measures=measures, sources=sources)


@lru_cache(maxsize=4)
def _load(path: str) -> Catalogue:
    return parse_catalogue(read_yaml(Path(path)))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The project's catalogue (`store/paths.catalogue_file()` unless a path is given), parsed once per file."""
    return _load(str(path or catalogue_file()))
