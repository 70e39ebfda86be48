"""The raw-data templates as data: `store/templates/*.yaml`, one file per report form, typed and checked here.

Why data: Sở Nội vụ designs the administrative report forms (seed 004, §2.2.2) and must be able to add one
without a programmer. A template file lists the form's columns (the Vietnamese header as printed on the
form, English and ASCII aliases, the kind of value, whether it is required, the measure it feeds and its
plausibility bounds), its cross-column rules, its cadence and due days, and who sends one report
(`reporting`). The reader, the validator and the XLSX form (pipeline/), the Data page's documentation, the
catalogue's lineage and the completeness of reports (who has not reported) are all generated from it.

Shared columns (the commune, the month, the VSIC sector, ...) are declared once in `_columns.yaml` and
used by name (`use: commune`), with any attribute overridden. Files whose name starts with "_" are not
templates. `HANOI_TEMPLATES_DIR` points the whole project at another folder (tests, a deployment's own forms).

A file that breaks the schema is refused with every problem listed, in Vietnamese and English, each naming
the file and the place in it (`check_template`), so whoever edited it knows what to fix.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from store.paths import templates_dir
from store.plausibility import REFERENCES, Gate
from store.yaml_files import read_yaml

# Kinds of values a column can hold; pipeline/validate.py has one parser per kind.
KINDS = ("commune", "period", "sector", "count", "decimal", "rate", "cccd", "enum", "year", "employer", "text",
         "status")
STATUSES = ("official", "preliminary", "estimate")
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12}
"""A report covers this many months; rows of a longer period carry its last month (06/2026 = first half)."""
LEVELS = ("aggregate", "person")
PERIOD_FORMATS = ("MM/YYYY", "DD/MM/YYYY", "MM/DD/YYYY")
"""A template's period format (all are MM/YYYY) or a file's declared one (`--period-format`): for a full
date, DD/MM/YYYY or MM/DD/YYYY say which number is the month; MM/YYYY leaves it to the values, and a date
whose day and month could be swapped is refused."""
UNIT_COMMUNE, UNIT_SOURCE = "commune", "source"
"""Who sends one report: each commune, the source agency (one report a period for the city), or the units
named in a column of the template (institutions, enterprises, employers)."""
DEFAULT_MEMORY = 12
DEFAULT_NOTES = {"count": ("Số nguyên không âm.", "A non-negative whole number.")}
SHARED_FILE = "_columns.yaml"
_CODE = re.compile(r"[a-z][a-z0-9_]{1,40}")

TOP_KEYS = {"code", "name_vi", "name_en", "source", "agency_vi", "agency_en", "level", "default_status", "cadence",
            "due_days", "period_format", "description_vi", "description_en", "sector_breakdown", "key", "columns",
            "rules", "derived", "reporting"}
REQUIRED_TOP = ("code", "name_vi", "name_en", "source", "agency_vi", "agency_en", "level", "default_status", "cadence",
                "due_days", "key", "columns")
COLUMN_KEYS = {"use", "key", "header_vi", "header_en", "kind", "required", "aliases", "measure", "se_of", "choices",
               "note_vi", "note_en", "example", "bounds"}
RULE_KINDS = {"at_most": ("part", "whole"), "sum": ("total", "parts"), "rate": ("rate", "num", "den"),
              "required_when": ("target", "column", "values")}


class TemplateError(ValueError):
    """A template file breaks the schema; `problems` holds every problem as (vi, en)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(en for _, en in problems))

    def message(self, lang: str = "vi") -> str:
        return "\n".join(vi if lang == "vi" else en for vi, en in self.problems)


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumerated column: the stored code and the labels people write."""

    code: str
    label_vi: str
    label_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    """One column of a template."""

    key: str
    header_vi: str
    header_en: str
    kind: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    measure: str | None = None      # the facts measure this count feeds (aggregate templates)
    se_of: str | None = None        # this column is the standard error of another column's estimate
    choices: tuple[Choice, ...] = ()
    note_vi: str = ""
    note_en: str = ""
    example: str = ""
    bounds: Gate | None = None      # plausibility bounds of the value (store/plausibility.py applies them)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: unknown kind {self.kind}")


@dataclass(frozen=True)
class AtMost:
    """`part` <= `whole` (a numerator never exceeds its denominator)."""

    part: str
    whole: str


@dataclass(frozen=True)
class SumEquals:
    """`total` == sum of `parts` (reported totals must add up)."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class RateMatches:
    """`rate` (in %) == 100 * `num` / `den`, within `tolerance` percentage points (rounding)."""

    rate: str
    num: str
    den: str
    tolerance: float = 0.5


@dataclass(frozen=True)
class RequiredWhen:
    """`target` is required when `column` has one of `values` (e.g. an employer for compulsory insurance)."""

    target: str
    column: str
    values: tuple[str, ...]


Rule = AtMost | SumEquals | RateMatches | RequiredWhen


@dataclass(frozen=True)
class Reporting:
    """Who sends one report of a period, for completeness ("đủ"): `unit` is 'commune', 'source' or the key of
    the column naming the reporting unit (with `name`, the column of its name). A reporting unit is expected
    every period once it has reported, until it has been silent for `memory` periods."""

    unit: str = UNIT_SOURCE
    name: str | None = None
    memory: int = DEFAULT_MEMORY
    count_as: Gate | None = None
    """A measure counting the distinct reporting units of each commune and period (with its bounds)."""

    @property
    def by_unit(self) -> bool:
        return self.unit not in (UNIT_COMMUNE, UNIT_SOURCE)


@dataclass(frozen=True)
class Template:
    """A raw-data template of one source."""

    code: str
    name_vi: str
    name_en: str
    source: str                     # catalogue source code
    agency_vi: str
    agency_en: str
    level: str                      # 'aggregate' (counts) or 'person' (one row per person, with CCCD)
    fields: tuple[Field, ...]
    key: tuple[str, ...]            # a row is a duplicate when these repeat
    default_status: str
    cadence: str                    # monthly | quarterly | half_yearly | annual
    due_days: int                   # days after the end of a period by which its data is due
    rules: tuple[Rule, ...] = ()
    description_vi: str = ""
    description_en: str = ""
    sector_breakdown: bool = False  # rows are per VSIC sector
    derived: tuple[Gate, ...] = ()  # measures computed from person-level rows at publish, with their bounds
    period_format: str = "MM/YYYY"  # how months are written (PERIOD_FORMATS); a file may declare another
    reporting: Reporting = dc_field(default_factory=Reporting)
    file: str = ""                  # the declaration it was read from

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def measures(self) -> dict[str, str]:
        """Column key -> facts measure, for the columns that feed the warehouse directly."""
        return {f.key: f.measure for f in self.fields if f.measure}

    @property
    def derived_measures(self) -> tuple[str, ...]:
        return tuple(g.key for g in self.derived)

    @property
    def feeds(self) -> tuple[str, ...]:
        """Every facts measure this template's data ends up in."""
        counted = (self.reporting.count_as.key,) if self.reporting.count_as is not None else ()
        return tuple(self.measures.values()) + self.derived_measures + counted

    @property
    def months(self) -> int:
        """Months one report covers (1 for a monthly report, 6 for a half-yearly one)."""
        return CADENCE_MONTHS[self.cadence]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_vi

    def agency(self, lang: str) -> str:
        return self.agency_en if lang == "en" else self.agency_vi

    def file_stem(self) -> str:
        return f"bieu_mau_{self.code}"


# ---- checking a declaration ------------------------------------------------------------------------------
class _Problems:
    """Collects (vi, en) problems, each prefixed with the file and the place in it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, vi: str, en: str) -> None:
        place = f"{self.file}" + (f", {where}" if where else "")
        self.items.append((f"{place}: {vi}", f"{place}: {en}"))


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, (str, int)) for v in value)


def _bounds(raw: object, where: str, out: _Problems) -> Gate | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"max", "at_most", "jump"}:
        out.add(where, "“bounds” phải gồm max / at_most / jump", "“bounds” must be a mapping of max / at_most / jump")
        return None
    maximum = raw.get("max")
    if maximum is not None and (isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or maximum <= 0):
        out.add(where, "“bounds.max” phải là số dương", "“bounds.max” must be a positive number")
        return None
    if raw.get("at_most") is not None and raw["at_most"] not in REFERENCES:
        out.add(where, f"“bounds.at_most” phải là một trong {', '.join(REFERENCES)}",
                f"“bounds.at_most” must be one of {', '.join(REFERENCES)}")
        return None
    if "jump" in raw and not isinstance(raw["jump"], bool):
        out.add(where, "“bounds.jump” phải là true hoặc false", "“bounds.jump” must be true or false")
        return None
    return Gate("", None if maximum is None else float(maximum), raw.get("at_most"), bool(raw.get("jump", False)))


def _column(raw: dict, shared: dict[str, dict], where: str, out: _Problems) -> dict | None:
    """The column's attributes with its shared definition (`use:`) applied, or None (problem recorded)."""
    if not isinstance(raw, dict):
        out.add(where, "mỗi cột phải là một bảng thuộc tính (key, header_vi, ...)",
                "each column must be a mapping of attributes (key, header_vi, ...)")
        return None
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        out.add(where, f"thuộc tính không có trong lược đồ: {', '.join(sorted(map(str, unknown)))}",
                f"attributes not in the schema: {', '.join(sorted(map(str, unknown)))}")
    merged: dict = {}
    if "use" in raw:
        base = shared.get(raw["use"]) if isinstance(raw["use"], str) else None
        if base is None:
            out.add(where, f"“use: {raw['use']}” không có trong {SHARED_FILE} (có: {', '.join(shared)})",
                    f"“use: {raw['use']}” is not in {SHARED_FILE} (known: {', '.join(shared)})")
            return None
        merged.update(base)
        merged.setdefault("key", raw["use"])
    merged.update({k: v for k, v in raw.items() if k != "use"})
    for name in ("key", "header_vi", "header_en", "kind"):
        if not _is_text(merged.get(name)):
            out.add(where, f"thiếu “{name}”", f"“{name}” is missing")
            return None
    if not _CODE.fullmatch(str(merged["key"])):
        out.add(where, f"“key: {merged['key']}” chỉ gồm chữ thường, số và _", f"“key: {merged['key']}” must be lower-case "
                "letters, digits and _")
        return None
    if merged["kind"] not in KINDS:
        out.add(where, f"“kind: {merged['kind']}” không hợp lệ; dùng một trong: {', '.join(KINDS)}",
                f"“kind: {merged['kind']}” is not a kind; use one of: {', '.join(KINDS)}")
        return None
    for name in ("aliases",):
        if name in merged and not _text_list(merged[name]):
            out.add(where, f"“{name}” phải là một danh sách chữ", f"“{name}” must be a list of texts")
            return None
    if "required" in merged and not isinstance(merged["required"], bool):
        out.add(where, "“required” phải là true hoặc false", "“required” must be true or false")
        return None
    return merged


def _choices(raw: object, where: str, out: _Problems) -> tuple[Choice, ...] | None:
    if not isinstance(raw, list) or not raw:
        out.add(where, "cột kiểu enum/status cần danh sách “choices” (code, label_vi, label_en)",
                "an enum/status column needs a list of “choices” (code, label_vi, label_en)")
        return None
    found = []
    for i, c in enumerate(raw):
        if not isinstance(c, dict) or not all(_is_text(c.get(k)) for k in ("code", "label_vi", "label_en")) \
                or set(c) - {"code", "label_vi", "label_en", "aliases"} or not _text_list(c.get("aliases", [])):
            out.add(f"{where}, choices[{i}]", "mỗi lựa chọn cần code, label_vi, label_en (aliases tùy chọn)",
                    "each choice needs code, label_vi, label_en (aliases optional)")
            return None
        found.append(Choice(str(c["code"]), c["label_vi"], c["label_en"], tuple(map(str, c.get("aliases", [])))))
    if len({c.code for c in found}) != len(found):
        out.add(where, "mã lựa chọn bị trùng", "choice codes repeat")
        return None
    return tuple(found)


def _field(raw: object, shared: dict[str, dict], code: str, measures: set[str] | None, where: str,
           out: _Problems) -> Field | None:
    """One column of a template (its shared definition applied), or None with the problem recorded."""
    merged = _column(raw, shared, where, out)
    if merged is None:
        return None
    kind = merged["kind"]
    choices: tuple[Choice, ...] = ()
    if kind in ("enum", "status"):
        found = _choices(merged.get("choices"), where, out)
        if found is None:
            return None
        choices = found
    measure = merged.get("measure")
    if measure is not None:
        if kind not in ("count", "decimal"):
            out.add(where, "chỉ cột số (count, decimal) mới nuôi một chỉ số đo (measure)",
                    "only a number column (count, decimal) can feed a measure")
            return None
        if measures is not None and measure not in measures:
            out.add(where, f"chỉ số đo “{measure}” không có trong danh mục (store/catalogue.yaml, mục measures)",
                    f"the measure “{measure}” is not in the catalogue (store/catalogue.yaml, measures)")
            return None
    bounds = _bounds(merged.get("bounds"), where, out)
    if merged.get("bounds") is not None and kind not in ("count", "decimal"):
        out.add(where, "giới hạn (bounds) chỉ áp dụng cho cột số (count, decimal)",
                "bounds apply to number columns (count, decimal) only")
        return None
    key = str(merged["key"])
    default_vi, default_en = DEFAULT_NOTES.get(kind, ("", ""))
    try:
        return Field(key, merged["header_vi"], merged["header_en"], kind, bool(merged.get("required", True)),
                     tuple(map(str, merged.get("aliases") or ())), measure, merged.get("se_of"), choices,
                     str(merged.get("note_vi", default_vi)), str(merged.get("note_en", default_en)),
                     str(merged.get("example", "")),
                     None if bounds is None else Gate(measure or f"{code}.{key}", bounds.max, bounds.at_most, bounds.jump))
    except (TypeError, ValueError) as exc:
        out.add(where, f"không đọc được cột ({exc})", f"the column cannot be read ({exc})")
        return None


def _rules(raw: object, fields: dict[str, Field], broken: set[str], out: _Problems) -> tuple[Rule, ...]:
    """The cross-column rules; a rule over a column already reported as broken is skipped, not reported again."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        out.add("rules", "“rules” phải là một danh sách", "“rules” must be a list")
        return ()
    numeric = {k for k, f in fields.items() if f.kind in ("count", "decimal", "rate")}
    rules: list[Rule] = []
    for i, item in enumerate(raw):
        where = f"rules[{i}]"
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in RULE_KINDS:
            out.add(where, f"mỗi quy tắc là một trong: {', '.join(RULE_KINDS)}",
                    f"each rule is one of: {', '.join(RULE_KINDS)}")
            continue
        kind, body = next(iter(item.items()))
        if not isinstance(body, dict) or set(body) - set(RULE_KINDS[kind]) - {"tolerance"} \
                or any(k not in body for k in RULE_KINDS[kind]):
            out.add(where, f"quy tắc “{kind}” cần: {', '.join(RULE_KINDS[kind])}",
                    f"rule “{kind}” needs: {', '.join(RULE_KINDS[kind])}")
            continue
        named = [body[k] for k in RULE_KINDS[kind] if k not in ("parts", "values")] + list(body.get("parts") or [])
        missing = [str(n) for n in named if n not in fields]
        if set(missing) & broken:
            continue
        if missing:
            out.add(where, f"cột không có trong biểu mẫu: {', '.join(missing)}",
                    f"columns not in the template: {', '.join(missing)}")
            continue
        if kind == "at_most":
            if not {body["part"], body["whole"]} <= numeric:
                out.add(where, "“at_most” so sánh hai cột số", "“at_most” compares two number columns")
                continue
            rules.append(AtMost(body["part"], body["whole"]))
        elif kind == "sum":
            if not isinstance(body["parts"], list) or not body["parts"] or not {body["total"], *body["parts"]} <= numeric:
                out.add(where, "“sum” cần một cột tổng và danh sách cột thành phần (cột số)",
                        "“sum” needs a total and a list of part columns (number columns)")
                continue
            rules.append(SumEquals(body["total"], tuple(body["parts"])))
        elif kind == "rate":
            if fields[body["rate"]].kind != "rate" or not {body["num"], body["den"]} <= numeric:
                out.add(where, "“rate” cần một cột tỷ lệ (kind: rate) và hai cột số",
                        "“rate” needs a rate column (kind: rate) and two number columns")
                continue
            tolerance = body.get("tolerance", 0.5)
            rules.append(RateMatches(body["rate"], body["num"], body["den"], float(tolerance)))
        else:
            codes = {c.code for c in fields[body["column"]].choices}
            values = body["values"]
            if not codes or not _text_list(values) or not values or set(map(str, values)) - codes:
                out.add(where, f"“required_when” cần một cột danh mục và các mã của nó ({', '.join(sorted(codes)) or '-'})",
                        f"“required_when” needs an enumerated column and some of its codes ({', '.join(sorted(codes)) or '-'})")
                continue
            rules.append(RequiredWhen(body["target"], body["column"], tuple(map(str, values))))
    return tuple(rules)


def check_template(doc: object, file: str, shared: dict[str, dict], measures: set[str] | None = None,
                   sources: set[str] | None = None) -> Template:
    """The Template a parsed file declares; TemplateError listing every problem (vi, en) otherwise.

    `measures` and `sources` (the catalogue's) catch a misspelt measure or source code.
    """
    out = _Problems(file)
    if not isinstance(doc, dict):
        out.add("", "tệp phải là một bảng thuộc tính YAML (code, name_vi, columns, ...)",
                "the file must be a YAML mapping (code, name_vi, columns, ...)")
        raise TemplateError(out.items)
    for name in sorted(set(map(str, doc)) - TOP_KEYS):
        out.add(name, f"thuộc tính “{name}” không có trong lược đồ (có: {', '.join(sorted(TOP_KEYS))})",
                f"attribute “{name}” is not in the schema (known: {', '.join(sorted(TOP_KEYS))})")
    for name in REQUIRED_TOP:
        if name not in doc or doc[name] in (None, "", []):
            out.add(name, f"thiếu thuộc tính bắt buộc “{name}”", f"the required attribute “{name}” is missing")
    if out.items:
        raise TemplateError(out.items)
    code = str(doc["code"])
    stem = Path(file).stem
    if not _CODE.fullmatch(code) or code != stem:
        out.add("code", f"“code: {code}” phải gồm chữ thường, số, _ và trùng tên tệp ({stem}.yaml)",
                f"“code: {code}” must be lower-case letters, digits, _ and match the file name ({stem}.yaml)")
    for name, allowed in (("level", LEVELS), ("default_status", STATUSES), ("cadence", tuple(CADENCE_MONTHS)),
                          ("period_format", PERIOD_FORMATS)):
        if name in doc and doc[name] not in allowed:
            out.add(name, f"“{name}: {doc[name]}” không hợp lệ; dùng một trong: {', '.join(allowed)}",
                    f"“{name}: {doc[name]}” is not allowed; use one of: {', '.join(allowed)}")
    if isinstance(doc["due_days"], bool) or not isinstance(doc["due_days"], int) or not 0 <= doc["due_days"] <= 366:
        out.add("due_days", "“due_days” là số ngày sau khi hết kỳ (0–366)", "“due_days” is the days after the period ends (0–366)")
    if sources is not None and doc["source"] not in sources:
        out.add("source", f"nguồn “{doc['source']}” không có trong danh mục chỉ tiêu (có: {', '.join(sorted(sources))})",
                f"the source “{doc['source']}” is not in the catalogue (known: {', '.join(sorted(sources))})")
    for name in ("name_vi", "name_en", "agency_vi", "agency_en", "description_vi", "description_en"):
        if name in doc and not isinstance(doc[name], str):
            out.add(name, f"“{name}” phải là chữ", f"“{name}” must be text")

    fields: dict[str, Field] = {}
    raw_columns = doc["columns"] if isinstance(doc["columns"], list) else []
    if not isinstance(doc["columns"], list):
        out.add("columns", "“columns” phải là một danh sách cột", "“columns” must be a list of columns")
    broken: set[str] = set()
    for i, raw in enumerate(raw_columns):
        label = raw.get("key", raw.get("use", "?")) if isinstance(raw, dict) else "?"
        f = _field(raw, shared, code, measures, f"columns[{i}] ({label})", out)
        if f is None:
            broken.add(str(label))
        elif f.key in fields:
            out.add(f"columns[{i}] ({label})", f"cột “{f.key}” bị khai báo hai lần", f"the column “{f.key}” is declared twice")
        else:
            fields[f.key] = f
    for f in fields.values():
        if f.se_of is not None and (f.se_of not in fields or fields[f.se_of].kind != "decimal" or f.kind != "decimal"):
            out.add(f"columns ({f.key})", f"“se_of: {f.se_of}” phải là một cột ước lượng (decimal) khác",
                    f"“se_of: {f.se_of}” must name another estimate column (decimal)")
    kinds = [f.kind for f in fields.values()]
    if kinds.count("period") != 1:
        out.add("columns", "biểu mẫu cần đúng một cột tháng/kỳ (kind: period)",
                "a template needs exactly one period column (kind: period)")
    if "commune" not in kinds:
        out.add("columns", "biểu mẫu cần một cột mã xã/phường (kind: commune)",
                "a template needs a commune column (kind: commune)")
    if doc.get("level") == "person" and "cccd" not in kinds:
        out.add("columns", "biểu mẫu cấp cá nhân (level: person) cần cột CCCD (kind: cccd)",
                "a person-level template needs a CCCD column (kind: cccd)")
    if doc.get("level") == "aggregate" and not any(f.measure for f in fields.values()):
        out.add("columns", "biểu mẫu tổng hợp cần ít nhất một cột nuôi chỉ số đo (measure)",
                "an aggregate template needs at least one column that feeds a measure")
    key = doc["key"]
    if not _text_list(key) or not key or set(key) - set(fields):
        out.add("key", "“key” là danh sách cột xác định một dòng (phải có trong columns)",
                "“key” is the list of columns identifying a row (they must be in columns)")
        key = []
    sector = bool(doc.get("sector_breakdown", False))
    if sector and "sector" not in kinds:
        out.add("sector_breakdown", "“sector_breakdown: true” cần một cột ngành (kind: sector)",
                "“sector_breakdown: true” needs a sector column (kind: sector)")
    rules = _rules(doc.get("rules"), fields, broken, out)
    derived: list[Gate] = []
    raw_derived = doc.get("derived") or {}
    if raw_derived and doc.get("level") != "person":
        out.add("derived", "“derived” chỉ dùng cho biểu mẫu cấp cá nhân", "“derived” is for person-level templates only")
    elif not isinstance(raw_derived, dict):
        out.add("derived", "“derived” là bảng: chỉ số đo -> giới hạn", "“derived” maps measures to their bounds")
    else:
        for measure, raw in raw_derived.items():
            if measures is not None and measure not in measures:
                out.add(f"derived ({measure})", f"chỉ số đo “{measure}” không có trong danh mục",
                        f"the measure “{measure}” is not in the catalogue")
                continue
            bounds = _bounds(raw, f"derived ({measure})", out) or Gate("")
            derived.append(Gate(str(measure), bounds.max, bounds.at_most, bounds.jump))
    reporting = _reporting(doc.get("reporting"), fields, measures, out)
    if out.items:
        raise TemplateError(out.items)
    return Template(
        code=code, name_vi=doc["name_vi"], name_en=doc["name_en"], source=doc["source"], agency_vi=doc["agency_vi"],
        agency_en=doc["agency_en"], level=doc["level"], fields=tuple(fields.values()), key=tuple(key),
        default_status=doc["default_status"], cadence=doc["cadence"], due_days=int(doc["due_days"]), rules=rules,
        description_vi=str(doc.get("description_vi", "")), description_en=str(doc.get("description_en", "")),
        sector_breakdown=sector, derived=tuple(derived), period_format=doc.get("period_format", "MM/YYYY"),
        reporting=reporting, file=file)


def _reporting(raw: object, fields: dict[str, Field], measures: set[str] | None, out: _Problems) -> Reporting:
    if raw is None:
        return Reporting()
    if not isinstance(raw, dict) or set(raw) - {"unit", "name", "memory", "count_as"} or not _is_text(raw.get("unit")):
        out.add("reporting", "“reporting” cần “unit” (commune, source hoặc cột đơn vị báo cáo); “name”, “memory”, "
                "“count_as” tùy chọn", "“reporting” needs “unit” (commune, source or the reporting unit's column); "
                "optional “name”, “memory”, “count_as”")
        return Reporting()
    unit = raw["unit"]
    if unit not in (UNIT_COMMUNE, UNIT_SOURCE) and (unit not in fields or fields[unit].kind not in ("text", "employer")
                                                     or not fields[unit].required):
        out.add("reporting.unit", f"“unit: {unit}” phải là commune, source hoặc một cột bắt buộc kiểu text/employer",
                f"“unit: {unit}” must be commune, source or a required text/employer column")
    name = raw.get("name")
    if name is not None and (name not in fields or fields[name].kind != "text"):
        out.add("reporting.name", f"“name: {name}” phải là một cột chữ (kind: text)", f"“name: {name}” must be a text column")
    memory = raw.get("memory", DEFAULT_MEMORY)
    if isinstance(memory, bool) or not isinstance(memory, int) or not 1 <= memory <= 60:
        out.add("reporting.memory", "“memory” là số kỳ (1–60)", "“memory” is a number of periods (1–60)")
        memory = DEFAULT_MEMORY
    count_as = None
    raw_count = raw.get("count_as")
    if raw_count is not None:
        measure = raw_count.get("measure") if isinstance(raw_count, dict) else None
        if unit in (UNIT_COMMUNE, UNIT_SOURCE) or not _is_text(measure) or (measures is not None and measure not in measures):
            out.add("reporting.count_as", "“count_as” cần “measure” (một chỉ số đo trong danh mục) và chỉ dùng khi đơn vị "
                    "báo cáo là một cột", "“count_as” needs a “measure” of the catalogue and a unit column")
        else:
            bounds = _bounds(raw_count.get("bounds"), "reporting.count_as", out) or Gate("")
            count_as = Gate(measure, bounds.max, bounds.at_most, bounds.jump)
    return Reporting(unit, name, memory, count_as)


# ---- loading the folder ----------------------------------------------------------------------------------
def _read_yaml(path: Path) -> object:
    try:
        return read_yaml(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError([(f"{path.name}: không đọc được tệp YAML ({exc.__class__.__name__}: {str(exc)[:200]})",
                              f"{path.name}: the YAML file cannot be read ({exc.__class__.__name__}: {str(exc)[:200]})")]) from None


def _shared(folder: Path) -> dict[str, dict]:
    path = folder / SHARED_FILE
    if not path.exists():
        return {}
    doc = _read_yaml(path)
    if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
        raise TemplateError([(f"{SHARED_FILE}: phải là bảng tên cột -> thuộc tính",
                              f"{SHARED_FILE}: must map column names to their attributes")])
    return doc


def parse_folder(folder: Path, measures: set[str] | None = None, sources: set[str] | None = None
                 ) -> dict[str, Template]:
    """Every template of a folder, checked; TemplateError listing the problems of every file otherwise.

    Across files: a measure is fed by one template only (its lineage and its freshness have one source).
    """
    shared = _shared(folder)
    problems: list[tuple[str, str]] = []
    found: dict[str, Template] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        try:
            template = check_template(_read_yaml(path), path.name, shared, measures, sources)
        except TemplateError as err:
            problems += err.problems
            continue
        found[template.code] = template
    fed_by: dict[str, str] = {}
    for template in found.values():
        for measure in template.feeds:
            if measure in fed_by and fed_by[measure] != template.code:
                problems.append((f"{template.file}: chỉ số đo “{measure}” đã do biểu mẫu “{fed_by[measure]}” cung cấp; "
                                 "mỗi chỉ số đo chỉ có một biểu mẫu nguồn",
                                 f"{template.file}: the measure “{measure}” is already fed by the template "
                                 f"“{fed_by[measure]}”; a measure has one source template"))
            fed_by[measure] = template.code
    if not found and not problems:
        problems.append((f"{folder}: không có biểu mẫu nào (*.yaml)", f"{folder}: no template files (*.yaml)"))
    if problems:
        raise TemplateError(problems)
    return found


@lru_cache(maxsize=4)
def _load(folder: str) -> dict[str, Template]:
    from store.catalogue import load_catalogue

    catalogue = load_catalogue()
    return parse_folder(Path(folder), set(catalogue.measures), set(catalogue.sources))


def load_templates() -> dict[str, Template]:
    """The project's templates (code -> Template, in file-name order), parsed once per folder and process."""
    return _load(str(templates_dir()))


def get_template(code: str) -> Template:
    """The template with this code; KeyError lists the known ones."""
    templates = load_templates()
    try:
        return templates[code]
    except KeyError:
        raise KeyError(f"unknown template {code!r}; known: {', '.join(templates)}") from None


def templates_for_measure(measure: str) -> list[Template]:
    """Templates whose rows feed a facts measure (lineage, freshness: which source is late)."""
    return [t for t in load_templates().values() if measure in t.feeds]


def report_months(measures: Iterable[str]) -> int:
    """Months one report covers of the forms feeding `measures` (1 when monthly or fed by no form): a KPI of
    half-yearly reports has figures in June and December only."""
    spans = {t.months for m in measures for t in templates_for_measure(m)}
    return min(spans) if spans else 1


def last_period_end(month: pd.Timestamp, months: int) -> pd.Timestamp:
    """The last month, on or before `month`, that ends a reporting period of `months` months (June or
    December for half-years, the month itself for monthly reports)."""
    month = pd.Timestamp(month).to_period("M").to_timestamp()
    return month - pd.DateOffset(months=month.month % months)


def rule_text(template: Template, rule: Rule, lang: str = "vi") -> str:
    """A cross-column rule in words, with the columns' headers (the form's guide and the Data page)."""
    def h(key: str) -> str:
        f = template.field(key)
        return f"“{f.header_en if lang == 'en' else f.header_vi}”"

    if isinstance(rule, AtMost):
        return f"{h(rule.part)} ≤ {h(rule.whole)}"
    if isinstance(rule, SumEquals):
        return f"{h(rule.total)} = " + " + ".join(h(p) for p in rule.parts)
    if isinstance(rule, RateMatches):
        return f"{h(rule.rate)} = 100 × {h(rule.num)} / {h(rule.den)} (± {rule.tolerance})"
    choices = {c.code: (c.label_en if lang == "en" else c.label_vi) for c in template.field(rule.column).choices}
    values = ", ".join(choices.get(v, v) for v in rule.values)
    if lang == "en":
        return f"{h(rule.target)} is required when {h(rule.column)} is {values}"
    return f"{h(rule.target)} bắt buộc khi {h(rule.column)} là {values}"


def template_guide(template: Template, lang: str = "vi") -> pd.DataFrame:
    """One row per column: header, meaning, required, allowed values, example (the Data page's documentation)."""
    rows = []
    for f in template.fields:
        allowed = " / ".join(c.label_en if lang == "en" else c.label_vi for c in f.choices)
        note = f.note_en if lang == "en" else f.note_vi
        rows.append({
            "header": f.header_vi,
            "header_en": f.header_en,
            "required": ("yes" if f.required else "no") if lang == "en" else ("có" if f.required else "không"),
            "note": note + (f" ({allowed})" if allowed and allowed not in (f.note_vi + f.note_en) else ""),
            "example": f.example,
        })
    return pd.DataFrame(rows, columns=["header", "header_en", "required", "note", "example"])
