"""AppTest of the Overview page (Tổng quan): the scorecard for the city and any commune, deep links."""
from apphelpers import run_app as run

from store.catalogue import load_catalogue


def test_city_scorecard_shows_every_kpi_with_demo_banner():
    at = run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels == [i.name_vi for i in load_catalogue().indicators]
    assert any("Dữ liệu minh họa" in w.value for w in at.warning)
    assert any("kế hoạch năm" in s.value for s in at.success)
    values = {m.label: m.value for m in at.metric}
    assert values["Tỷ lệ thất nghiệp chung"].endswith("%") and "," in values["Tỷ lệ thất nghiệp chung"]


def test_commune_deep_link_shows_its_own_targets_and_no_zeros():
    at = run(xa="10417")  # xã Hòa Xá has its own plan (seed 002)
    assert not at.exception
    assert at.sidebar.selectbox[0].value == "10417"
    values = {m.label: m.value for m in at.metric}
    assert values["Tỷ lệ thất nghiệp khu vực thành thị"] == "Không áp dụng"  # over wards only; Hòa Xá is a xã
    assert values["Tốc độ tăng năng suất lao động"] == "Không có số liệu"
    markdown = " ".join(m.value for m in at.markdown)
    assert "400–600 người/năm" in markdown  # the commune's own new-jobs target


def test_english_and_year_grain():
    at = run(lang="en", ky="year", den="2025-12")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Unemployment rate, overall" in labels
    assert any("Year 2025" in c.value or "2025" in c.value for c in at.caption)


def test_invalid_link_values_give_a_notice_and_defaults():
    at = run(xa="4", ky="week")
    assert not at.exception
    assert at.sidebar.selectbox[0].value == ""
    assert len(at.info) >= 2
    assert any("không hợp lệ" in i.value for i in at.info)


def test_changing_the_commune_updates_the_scorecard():
    at = run()
    before = {m.label: m.value for m in at.metric}
    at.sidebar.selectbox[0].set_value("00004").run()
    after = {m.label: m.value for m in at.metric}
    assert not at.exception
    assert before["Tỷ lệ lao động qua đào tạo"] != after["Tỷ lệ lao động qua đào tạo"]
    assert at.query_params["xa"] in ("00004", ["00004"])


def test_sector_filter_says_which_kpis_have_no_breakdown():
    at = run(nganh="J")
    assert not at.exception
    notices = [i.value for i in at.info if i.value.startswith("Bộ lọc ngành áp dụng cho")]
    assert len(notices) == 1 and "Thu nhập bình quân" in notices[0]  # one notice, not one per card
    assert not any("không có số liệu theo ngành" in c.value for c in at.caption)
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert sum(":gray-badge[Mọi ngành]" in b for b in badges) >= 20  # the cards that do not respond, marked
    # KPIs split by sector are judged against whole-economy targets: their own state, not a fallback
    assert any("Mục tiêu là của toàn nền kinh tế (đang lọc ngành)" in b for b in badges)


def test_a_small_count_of_people_says_it_is_hidden_not_missing():
    at = run(xa="00004")  # Phường Ba Đình: a handful of workers abroad in 10/2026
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Lao động đi làm việc ở nước ngoài"] == "ẩn (dưới 10 người)"
    assert values["Tốc độ tăng năng suất lao động"] == "Không có số liệu"


def test_occupational_safety_has_its_own_section():
    at = run(ky="year", den="2026-10")
    assert not at.exception
    headers = [h.value for h in at.subheader]
    assert headers[-1] == "An toàn lao động"
    labels = [m.label for m in at.metric]
    safety = [i.name_vi for i in load_catalogue().indicators if i.section.startswith("S")]
    assert labels[-len(safety):] == safety and len(safety) == 5
