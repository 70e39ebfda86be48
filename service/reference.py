"""Reference data every signed-in user may read: the catalogue, targets, the 126 communes and their
lineage, the real published city figures, and the raw-data templates (blank forms, no data)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.area import Area
from indicators.targets import CITY, target_2030
from service.core import question
from service.data_access import warehouse
from service.policies import area_detail, signed_in
from service.protection import NO_PEOPLE
from store.published import load_published
from store.reference import load_communes, load_lineage, load_targets
from store.templates import templates_for_measure


@question("indicators", authorize=(signed_in,), protect=NO_PEOPLE, maxsize=4)
def indicators(version: str) -> list[dict]:
    """The catalogue: per KPI its code, section, names and definitions (vi, en), unit, direction,
    frequency, lowest geography, agency, plan reference, sources, the report forms feeding it (template codes)
    and the city's 2030 target."""
    catalogue = warehouse(version).catalogue
    out = []
    for ind in catalogue.indicators:
        target = target_2030(ind, CITY)
        sources = list(dict.fromkeys(catalogue.measures[m].source for m in ind.numerator))
        out.append({
            "code": ind.code, "section": ind.section, "name_vi": ind.name_vi, "name_en": ind.name_en,
            "definition_vi": ind.definition_vi, "definition_en": ind.definition_en, "kind": ind.kind,
            "unit_vi": ind.unit, "unit_en": ind.unit_en, "direction": ind.direction, "frequency": ind.frequency,
            "lowest_geography": ind.lowest_geography, "agency": ind.agency, "source_plan": ind.source_plan,
            "sources": [{"code": s, "name_vi": catalogue.sources[s].name_vi, "name_en": catalogue.sources[s].name_en}
                        for s in sources],
            "sector_breakdown": catalogue.has_sector_breakdown(ind.code),
            "templates": list(dict.fromkeys(t.code for m in ind.measures for t in templates_for_measure(m))),
            "target_2030": None if target is None else {
                "low": target.low, "high": target.high, "direction": target.direction, "status": target.status,
                "source": target.source},
        })
    return out


@dataclass(frozen=True)
class CommuneFacts:
    """A commune as reference data: names, type, area, and the pre-2025 units it was formed from."""

    code: str
    name_vi: str
    name_en: str
    type: str
    area_km2: float
    lineage: pd.DataFrame
    own_targets: pd.DataFrame
    rows_read: int = 1


@question("commune_facts", authorize=(signed_in, area_detail()), protect=NO_PEOPLE)
def commune_facts(version: str, area: Area) -> CommuneFacts | None:
    """Names, type, area, lineage and the commune's own plan targets (None for the city or a group)."""
    if not area.is_commune:
        return None
    row = load_communes().set_index("code").loc[area.code]
    lineage = load_lineage()[lambda f: f["new_code"] == area.code].reset_index(drop=True)
    own = load_targets()[lambda f: f["geo"] == area.code].reset_index(drop=True)
    return CommuneFacts(area.code, row["name_vi"], row["name_en"], row["type"], float(row["area_km2"]), lineage, own)


@question("published_figures", authorize=(signed_in,), protect=NO_PEOPLE, maxsize=2)
def published_figures(version: str) -> pd.DataFrame:
    """The real published city figures with their sources (public reference data)."""
    return load_published()


@question("templates", authorize=(signed_in,), protect=NO_PEOPLE, maxsize=2)
def templates(version: str) -> dict:
    """The raw-data templates (code -> definition), for the Data page's template documentation."""
    from store.templates import load_templates

    return dict(load_templates())


@question("template_guide", authorize=(signed_in,), protect=NO_PEOPLE, maxsize=64)
def template_guide(version: str, code: str, lang: str = "vi") -> tuple[pd.DataFrame, list[str]]:
    """A template's columns explained (header, required, guidance, example) and its cross-column rules."""
    from store.templates import get_template, rule_text, template_guide as guide

    template = get_template(code)
    return guide(template, lang), [rule_text(template, r, lang) for r in template.rules]


@question("template_form", authorize=(signed_in,), protect=NO_PEOPLE, maxsize=32)
def template_form(version: str, code: str) -> bytes:
    """The blank XLSX form of a raw-data template (no data in it)."""
    from pipeline.forms import xlsx_template
    from store.templates import get_template

    return xlsx_template(get_template(code))
