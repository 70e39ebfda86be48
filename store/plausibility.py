"""Typed access to the plausibility gates: the bounds a value must respect before it is staged or published.

Each bound is declared in one place. A measure a report form feeds, and a form's column that feeds no
measure, has its bounds in the form's declaration (`bounds:` in store/templates/<code>.yaml, `derived:` for
the measures counted from person-level rows). `plausibility.yaml` holds the rules for every value (count_max,
rate, jump) and the bounds of the measures no form feeds (demonstration-only sources). `load_plausibility`
merges both and refuses a measure declared twice.

Kept in store/ so that the pipeline (ingest gates, the facts contract) and anything above it read the same
declarations; the YAML is content, this module only gives it types and refuses a malformed entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from store.yaml_files import read_yaml

PLAUSIBILITY_FILE = Path(__file__).with_name("plausibility.yaml")
REFERENCES = ("population", "labour_force")
EXACT_DIGITS = 15
"""Whole numbers of up to 15 digits are exact in a float64 (2**53 has 16): longer ones are refused."""


class PlausibilityError(ValueError):
    """The plausibility file is incomplete or inconsistent."""


@dataclass(frozen=True)
class Gate:
    """The bounds of one measure or template column."""

    key: str
    max: float | None = None
    at_most: str | None = None      # population | labour_force
    jump: bool = False


@dataclass(frozen=True)
class JumpRule:
    """When a month-on-month change is an outlier: |change| > multiple x max(usual change, floor)."""

    multiple: float
    quantile: float
    history_months: int
    min_history: int
    floor: float


@dataclass(frozen=True)
class Plausibility:
    count_max: float
    rate_min: float
    rate_max: float
    jump: JumpRule
    measures: dict[str, Gate]
    columns: dict[str, Gate]

    def gate(self, template: str, column: str, measure: str | None) -> Gate | None:
        """The gate of a template column: its measure's, else the column's own entry."""
        if measure is not None and measure in self.measures:
            return self.measures[measure]
        return self.columns.get(f"{template}.{column}")


def _gate(key: str, raw: object) -> Gate:
    if not isinstance(raw, dict) or set(raw) - {"max", "at_most", "jump"}:
        raise PlausibilityError(f"{key}: expected a mapping of max / at_most / jump, got {raw!r}")
    if raw.get("at_most") is not None and raw["at_most"] not in REFERENCES:
        raise PlausibilityError(f"{key}: at_most must be one of {REFERENCES}")
    maximum = raw.get("max")
    if maximum is not None and (not isinstance(maximum, (int, float)) or maximum <= 0):
        raise PlausibilityError(f"{key}: max must be a positive number")
    return Gate(key, None if maximum is None else float(maximum), raw.get("at_most"), bool(raw.get("jump", False)))


def parse_plausibility(doc: dict, measures: set[str] | None = None) -> Plausibility:
    """Build the gates from the parsed YAML; `measures` (the catalogue's) catches a misspelt code."""
    try:
        jump = JumpRule(float(doc["jump"]["multiple"]), float(doc["jump"]["quantile"]),
                        int(doc["jump"]["history_months"]), int(doc["jump"]["min_history"]), float(doc["jump"]["floor"]))
        rate = (float(doc["rate"]["min"]), float(doc["rate"]["max"]))
        count_max = float(doc["count_max"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PlausibilityError(f"count_max, rate and jump must be given: {exc!r}") from None
    if not (jump.multiple > 0 and 0 < jump.quantile <= 1 and jump.min_history >= 2 and rate[0] < rate[1]):
        raise PlausibilityError("jump.multiple > 0, 0 < jump.quantile <= 1, jump.min_history >= 2, rate.min < rate.max")
    gates = {k: _gate(k, v) for k, v in (doc.get("measures") or {}).items()}
    if measures is not None and set(gates) - measures:
        raise PlausibilityError(f"unknown measures: {sorted(set(gates) - measures)}")
    columns = {k: _gate(k, v) for k, v in (doc.get("columns") or {}).items()}
    return Plausibility(count_max, rate[0], rate[1], jump, gates, columns)


def with_template_gates(base: Plausibility, templates) -> Plausibility:
    """`base` (plausibility.yaml) plus the bounds the templates declare; a measure bounded in both places, or
    by two templates, is refused (one place per bound)."""
    measures = dict(base.measures)
    columns = dict(base.columns)
    owner = {m: "store/plausibility.yaml" for m in measures}
    for template in templates:
        declared = [(f.measure, f.bounds) for f in template.fields if f.bounds is not None and f.measure]
        declared += [(g.key, g) for g in template.derived if (g.max, g.at_most, g.jump) != (None, None, False)]
        if template.reporting.count_as is not None:
            declared.append((template.reporting.count_as.key, template.reporting.count_as))
        for measure, gate in declared:
            if measure in owner:
                raise PlausibilityError(f"{measure}: bounds declared in {owner[measure]} and in {template.file}; "
                                        "declare them in one place")
            owner[measure] = template.file
            measures[measure] = Gate(measure, gate.max, gate.at_most, gate.jump)
        for f in template.fields:
            if f.bounds is not None and not f.measure:
                columns[f"{template.code}.{f.key}"] = f.bounds
    return Plausibility(base.count_max, base.rate_min, base.rate_max, base.jump, measures, columns)


@lru_cache(maxsize=4)
def _load(path: str, templates_folder: str, catalogue: str) -> Plausibility:
    from store.catalogue import load_catalogue
    from store.templates import load_templates

    base = parse_plausibility(read_yaml(Path(path)), set(load_catalogue().measures))
    return with_template_gates(base, load_templates().values())


def load_plausibility(path: Path = PLAUSIBILITY_FILE) -> Plausibility:
    """The project's gates: plausibility.yaml merged with the templates' bounds (parsed once per set of files),
    checked against the catalogue's measures."""
    from store.paths import catalogue_file, templates_dir

    return _load(str(path), str(templates_dir()), str(catalogue_file()))
