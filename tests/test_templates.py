"""Report forms as data (store/templates/*.yaml, store/templates.py): every file checked against the schema,
clear Vietnamese and English messages for a bad declaration, bounds in one place, and a new form added as a
data file read, validated, documented and published with no code change."""
from __future__ import annotations

import copy
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from store.catalogue import load_catalogue
from store.paths import catalogue_file, templates_dir
from store.plausibility import PlausibilityError, load_plausibility
from store.templates import (KINDS, SHARED_FILE, TemplateError, check_template, load_templates, parse_folder,
                             templates_for_measure)

FOLDER = templates_dir()
SHARED = yaml.safe_load((FOLDER / SHARED_FILE).read_text(encoding="utf-8"))


def _doc(code: str) -> dict:
    return yaml.safe_load((FOLDER / f"{code}.yaml").read_text(encoding="utf-8"))


def _problems(doc: object, file: str = "commune_jobs.yaml") -> list[tuple[str, str]]:
    catalogue = load_catalogue()
    with pytest.raises(TemplateError) as err:
        check_template(doc, file, SHARED, set(catalogue.measures), set(catalogue.sources))
    return err.value.problems


def test_every_template_file_is_read_and_passes_the_schema():
    catalogue = load_catalogue()
    files = sorted(p.stem for p in FOLDER.glob("*.yaml") if not p.name.startswith("_"))
    templates = load_templates()
    assert sorted(templates) == files and len(files) >= 7
    for template in templates.values():
        assert template.file == f"{template.code}.yaml"
        assert set(template.feeds) <= set(catalogue.measures) and template.source in catalogue.sources
        assert all(f.kind in KINDS for f in template.fields)
        assert template.reporting.unit in ("commune", "source") or template.reporting.unit in {f.key for f in template.fields}


def test_every_measure_a_form_feeds_has_one_source_form_and_its_bounds_there():
    gates = load_plausibility()
    fed = [m for t in load_templates().values() for m in t.feeds]
    assert len(fed) == len(set(fed)), "a measure is fed by one form only"
    for template in load_templates().values():
        for f in template.fields:
            if f.measure:
                assert f.bounds is not None and gates.measures[f.measure].max == f.bounds.max, (template.code, f.key)


@pytest.mark.parametrize("change, vi, en", [
    (lambda d: d["columns"][3].update(kind="cout"), "“kind: cout” không hợp lệ", "“kind: cout” is not a kind"),
    (lambda d: d["columns"][3].update(measure="jobs_lons"), "chỉ số đo “jobs_lons” không có trong danh mục",
     "the measure “jobs_lons” is not in the catalogue"),
    (lambda d: d["columns"][3].pop("header_vi"), "thiếu “header_vi”", "“header_vi” is missing"),
    (lambda d: d["columns"][3].update(heder_en="x"), "thuộc tính không có trong lược đồ: heder_en",
     "attributes not in the schema: heder_en"),
    (lambda d: d["columns"][3].update(bounds={"max": -5}), "“bounds.max” phải là số dương",
     "“bounds.max” must be a positive number"),
    (lambda d: d["columns"][3].update(bounds={"at_most": "households"}), "“bounds.at_most” phải là một trong",
     "“bounds.at_most” must be one of"),
    (lambda d: d["rules"].append({"at_most": {"part": "jobs_loans", "whole": "jobs_totl"}}),
     "cột không có trong biểu mẫu: jobs_totl", "columns not in the template: jobs_totl"),
    (lambda d: d["rules"].append({"less_than": {"a": 1}}), "mỗi quy tắc là một trong", "each rule is one of"),
    (lambda d: d.update(cadence="weekly"), "“cadence: weekly” không hợp lệ", "“cadence: weekly” is not allowed"),
    (lambda d: d.update(source="nowhere"), "nguồn “nowhere” không có trong danh mục", "the source “nowhere” is not in"),
    (lambda d: d.update(code="other_code"), "trùng tên tệp (commune_jobs.yaml)", "match the file name (commune_jobs.yaml)"),
    (lambda d: d.update(due_days="twenty"), "“due_days” là số ngày", "“due_days” is the days"),
    (lambda d: d.update(key=["commune", "month"]), "“key” là danh sách cột", "“key” is the list of columns"),
    (lambda d: d.update(reporting={"unit": "nobody"}), "“unit: nobody” phải là commune, source",
     "“unit: nobody” must be commune, source"),
    (lambda d: d["columns"].insert(0, {"use": "comune"}), "“use: comune” không có trong _columns.yaml",
     "“use: comune” is not in _columns.yaml"),
    (lambda d: d["columns"].append(dict(d["columns"][3])), "cột “jobs_loans” bị khai báo hai lần",
     "the column “jobs_loans” is declared twice"),
    (lambda d: d.update(colums=[]), "thuộc tính “colums” không có trong lược đồ", "attribute “colums” is not in the schema"),
])
def test_a_bad_declaration_is_refused_with_the_place_and_what_to_do_in_both_languages(change, vi, en):
    doc = copy.deepcopy(_doc("commune_jobs"))
    change(doc)
    problems = _problems(doc)
    assert any(vi in p_vi and p_vi.startswith("commune_jobs.yaml") for p_vi, _ in problems), problems
    assert any(en in p_en and p_en.startswith("commune_jobs.yaml") for _, p_en in problems), problems


def test_every_problem_of_a_file_is_listed_at_once():
    doc = copy.deepcopy(_doc("commune_jobs"))
    doc["columns"][3]["kind"] = "cout"
    doc["cadence"] = "weekly"
    doc["rules"].append({"at_most": {"part": "nope", "whole": "jobs_total"}})
    assert len(_problems(doc)) == 3


def test_a_file_that_is_not_yaml_or_not_a_mapping_is_named(tmp_path):
    shutil.copy(FOLDER / SHARED_FILE, tmp_path / SHARED_FILE)
    (tmp_path / "broken.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        parse_folder(tmp_path)
    text_vi, text_en = err.value.message("vi"), err.value.message("en")
    assert "broken.yaml: không đọc được tệp YAML" in text_vi and "broken.yaml: the YAML file cannot be read" in text_en
    assert "list.yaml: tệp phải là một bảng thuộc tính YAML" in text_vi


def test_a_measure_fed_by_two_forms_is_refused(tmp_path):
    for path in FOLDER.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    twin = _doc("vacancies")
    twin["code"] = "vacancies_again"
    (tmp_path / "vacancies_again.yaml").write_text(yaml.safe_dump(twin, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateError, match="the measure “vacancies” is already fed by the template “vacancies”"):
        parse_folder(tmp_path, set(load_catalogue().measures))


def test_a_bound_declared_in_a_form_and_in_plausibility_yaml_is_refused(tmp_path, monkeypatch):
    from store import plausibility

    doc = yaml.safe_load(plausibility.PLAUSIBILITY_FILE.read_text(encoding="utf-8"))
    doc["measures"]["jobs_loans"] = {"max": 5}
    path = tmp_path / "plausibility.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(PlausibilityError, match="jobs_loans: bounds declared in store/plausibility.yaml and in "
                                               "commune_jobs.yaml"):
        load_plausibility(path)


def test_the_compulsory_contracts_of_reconciliation_are_the_register_forms_rule():
    from pipeline.reconcile import compulsory_contracts

    assert compulsory_contracts() == ("1m_plus", "indefinite")


def test_the_catalogue_lineage_names_the_forms_each_indicator_comes_from():
    from service.tables import methodology_table

    methods = methodology_table("vi").set_index("code")
    assert "Báo cáo giải quyết việc làm hằng tháng của xã, phường" in methods.loc["new_jobs", "templates"]
    assert methods.loc["avg_monthly_income", "templates"].startswith("Chưa có biểu mẫu")
    assert [t.code for t in templates_for_measure("vacancies")] == ["vacancies"]


# ---- done when: a new form as a data file, with no code change ------------------------------------------------
NEW_FORM = """
# A form Sở Nội vụ adds: domestic recruiting enterprises (seed 004, §2.2.2, the first of the four forms)
code: recruiting_enterprises
name_vi: "Báo cáo tuyển dụng của doanh nghiệp tuyển dụng lao động trong nước"
name_en: "Hiring report of enterprises recruiting in Vietnam"
source: enterprise
agency_vi: "Doanh nghiệp → Sở Nội vụ"
agency_en: "Enterprises → Department of Home Affairs"
level: aggregate
default_status: official
cadence: monthly
due_days: 10
description_vi: "Mỗi doanh nghiệp một dòng cho mỗi xã nơi đặt cơ sở và mỗi tháng."
description_en: "One row per enterprise, commune of the workplace and month."
reporting: {unit: enterprise, name: enterprise_name}
key: [enterprise, commune, period]
columns:
  - use: employer
    key: enterprise
    header_vi: "Mã số thuế doanh nghiệp"
  - key: enterprise_name
    header_vi: "Tên doanh nghiệp"
    header_en: "Enterprise name"
    kind: text
    required: false
  - use: commune
  - use: period
  - key: hires
    header_vi: "Số lao động tuyển mới trong tháng"
    header_en: "Workers hired in the month"
    kind: count
    aliases: ["Tuyển mới", "Hires"]
    measure: domestic_hires
    example: "12"
    bounds: {max: 50000, at_most: labour_force}
  - key: openings
    header_vi: "Số chỗ cần tuyển còn trống cuối tháng"
    header_en: "Openings left at the end of the month"
    kind: count
    required: false
    example: "4"
    bounds: {max: 50000}
  - use: status
rules:
  - at_most: {part: openings, whole: hires}
"""


def test_a_new_form_added_as_a_data_file_is_read_validated_documented_and_published(tmp_path, monkeypatch):
    from pipeline.forms import xlsx_template
    from pipeline.ingest import ingest_file
    from pipeline.publish import publish_staged
    from service.tables import methodology_table
    from store.templates import get_template, template_guide
    from store.versions import read_manifest, version_path

    folder = tmp_path / "templates"
    shutil.copytree(FOLDER, folder)
    (folder / "recruiting_enterprises.yaml").write_text(NEW_FORM, encoding="utf-8")
    catalogue = yaml.safe_load(catalogue_file().read_text(encoding="utf-8"))
    catalogue["measures"]["domestic_hires"] = {
        "name_vi": "Lao động được doanh nghiệp tuyển mới", "name_en": "Workers hired by enterprises", "unit": "persons",
        "source": "enterprise", "sector": False, "stock": False}
    indicator = dict(next(i for i in catalogue["indicators"] if i["code"] == "jobs_loans"))
    indicator.update(code="domestic_hires", section="P.9", name_vi="Lao động được doanh nghiệp tuyển mới",
                     name_en="Workers hired by enterprises", numerator=["domestic_hires"])
    catalogue["indicators"].append(indicator)
    (tmp_path / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("HANOI_TEMPLATES_DIR", str(folder))
    monkeypatch.setenv("HANOI_CATALOGUE_FILE", str(tmp_path / "catalogue.yaml"))
    monkeypatch.setenv("HANOI_DATA_DIR", str(tmp_path / "curated"))

    form = get_template("recruiting_enterprises")
    assert load_plausibility().measures["domestic_hires"].max == 50000
    # documented: the XLSX form and the Data page's guide and lineage come from the file
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx_template(form)))["Du lieu"]
    assert [c.value for c in sheet[1]] == [f.header_vi for f in form.fields]
    assert "Số lao động tuyển mới trong tháng" in set(template_guide(form, "vi")["header"])
    assert "Báo cáo tuyển dụng của doanh nghiệp" in methodology_table("vi").set_index("code").loc["domestic_hires",
                                                                                                     "templates"]
    # read and validated: recognised by its headers, a broken rule quarantined with its reason
    csv = (";".join(f.header_vi for f in form.fields) + "\n"
           "0101234567;Công ty A;00004;09/2026;12;4;Chính thức\n"
           "0101234568;Công ty B;00008;09/2026;3;7;Chính thức\n")
    path = tmp_path / "tuyen_dung_2026-09.csv"
    path.write_text(csv, encoding="utf-8")
    report = ingest_file(path, as_of=pd.Timestamp("2026-10-01"))
    assert (report.template, report.accepted, report.quarantined) == ("recruiting_enterprises", 1, 1)
    assert report.reasons == {"at_most": 1}
    # published: its measure is in the new version's facts
    version = publish_staged()
    entry = read_manifest(version)["tables"]["facts"]
    facts = pd.read_parquet(version_path(version) / entry["file"])
    hires = facts[facts["measure"] == "domestic_hires"]
    assert hires[["commune_code", "value"]].values.tolist() == [["00004", 12.0]]
    assert hires["source"].iloc[0].startswith("Báo cáo tuyển dụng của doanh nghiệp")


def test_a_kpi_of_half_yearly_reports_ends_its_periods_in_june_and_december():
    from store.templates import last_period_end, report_months

    assert report_months(["osh_victims", "osh_workers"]) == 6 and report_months(["jobs_loans"]) == 1
    assert report_months(["no_such_measure"]) == 1
    ends = {m: last_period_end(pd.Timestamp(2026, m, 1), 6) for m in range(1, 13)}
    assert ends[5] == pd.Timestamp(2025, 12, 1) and ends[6] == ends[10] == pd.Timestamp(2026, 6, 1)
    assert ends[12] == pd.Timestamp(2026, 12, 1)
    assert last_period_end(pd.Timestamp("2026-10-15"), 1) == pd.Timestamp(2026, 10, 1)
