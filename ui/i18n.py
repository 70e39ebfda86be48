"""UI strings in Vietnamese (default) and English. Every key must have both; a test checks it.

Content (indicator names, definitions, units) lives in the catalogue with its own _vi/_en fields.
"""
from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"vi": "KPI sức khỏe thị trường lao động Hà Nội", "en": "Hanoi labour-market health KPIs"},
    "page_overview": {"vi": "Tổng quan", "en": "Overview"},
    "language": {"vi": "Ngôn ngữ / Language", "en": "Ngôn ngữ / Language"},
    "geo": {"vi": "Địa bàn", "en": "Area"},
    "whole_city": {"vi": "Toàn thành phố", "en": "Whole city"},
    "grain": {"vi": "Kỳ số liệu", "en": "Period type"},
    "grain_month": {"vi": "Tháng", "en": "Month"},
    "grain_quarter": {"vi": "Quý", "en": "Quarter"},
    "grain_year": {"vi": "Năm", "en": "Year"},
    "grain_ytd": {"vi": "Lũy kế từ đầu năm", "en": "Year to date"},
    "until": {"vi": "Đến tháng", "en": "Up to month"},
    "sectors": {"vi": "Ngành kinh tế (VSIC)", "en": "Economic sectors (VSIC)"},
    "sectors_all": {"vi": "Tất cả các ngành", "en": "All sectors"},
    "demo_banner": {
        "vi": "**Dữ liệu minh họa (demo).** Số liệu cấp xã chưa được công bố ở đâu; các con số dưới đây được sinh "
              "tất định và hiệu chỉnh theo số liệu công bố của thành phố. Không dùng làm số liệu chính thức.",
        "en": "**Demonstration data.** Commune-level figures are not published anywhere; the numbers below are "
              "generated deterministically and calibrated to the city's published figures. Not official statistics.",
    },
    "overview_title": {"vi": "Tổng quan: KPI sức khỏe thị trường lao động", "en": "Overview: labour-market health KPIs"},
    "overview_caption": {
        "vi": "{geo} · {period} · dữ liệu đến {until} · phiên bản {version}",
        "en": "{geo} · {period} · data up to {until} · version {version}",
    },
    "plan_completion": {
        "vi": "**Giải quyết việc làm mới**: lũy kế {months} tháng năm {year} đạt **{value}** người, "
              "**đạt {share} kế hoạch năm** ({plan} người).",
        "en": "**New jobs**: {value} people in the first {months} months of {year}, "
              "**{share} of the yearly plan** ({plan}).",
    },
    "plan_missing": {
        "vi": "Chưa có kế hoạch năm {year} cho địa bàn này; lũy kế {months} tháng: **{value}** người.",
        "en": "No {year} yearly plan for this area; year to date ({months} months): **{value}** people.",
    },
    "no_data": {"vi": "Không có số liệu", "en": "No data"},
    "no_data_geo": {
        "vi": "Chưa có số liệu cho {geo}. Không hiển thị 0 thay cho số liệu còn thiếu.",
        "en": "No data for {geo}. Missing figures are never shown as 0.",
    },
    "target": {"vi": "Mục tiêu 2030", "en": "2030 target"},
    "target_inherited": {"vi": "theo mục tiêu thành phố", "en": "city target"},
    "no_target": {"vi": "Không có mục tiêu định lượng", "en": "No quantified target"},
    "per_year": {"vi": "/năm", "en": "/year"},
    "vs_previous": {"vi": "so với kỳ trước", "en": "vs previous period"},
    "vs_year_ago": {"vi": "so với cùng kỳ năm trước", "en": "vs same period last year"},
    "status_on_track": {"vi": "Đúng hướng", "en": "On track"},
    "status_at_risk": {"vi": "Có nguy cơ", "en": "At risk"},
    "status_off_track": {"vi": "Chệch hướng", "en": "Off track"},
    "status_no_target": {"vi": "Không có mục tiêu", "en": "No target"},
    "status_not_enough_data": {"vi": "Chưa đủ số liệu", "en": "Not enough data"},
    "data_official": {"vi": "Chính thức", "en": "Official"},
    "data_preliminary": {"vi": "Sơ bộ", "en": "Preliminary"},
    "data_estimate": {"vi": "Ước tính", "en": "Estimate"},
    "data_demo": {"vi": "Minh họa (demo)", "en": "Demo"},
    "provisional": {"vi": "số liệu tạm tính", "en": "provisional"},
    "mapped_from_old": {
        "vi": "gồm tháng trước 07/2025, quy đổi từ đơn vị hành chính cũ",
        "en": "includes months before July 2025, mapped from the old units",
    },
    "period": {"vi": "Kỳ", "en": "Period"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "published_on": {"vi": "công bố", "en": "published"},
    "sector_not_applicable": {
        "vi": "Chỉ tiêu này không có số liệu theo ngành: đang hiển thị tổng mọi ngành.",
        "en": "This indicator has no sector breakdown: showing all sectors.",
    },
    "section_A": {"vi": "Thị trường lao động (Chương trình 2026–2030)", "en": "Labour market (2026–2030 programme)"},
    "section_B": {"vi": "Đào tạo và việc làm cho nhóm lao động ưu tiên", "en": "Training and jobs for priority groups"},
    "section_P": {"vi": "Theo dõi kế hoạch giải quyết việc làm", "en": "Job-creation plan tracking"},
    "status_rule": {"vi": "Cách đánh giá trạng thái", "en": "How status is decided"},
    "table_view": {"vi": "Bảng số liệu (tải về được)", "en": "Data table (downloadable)"},
    "download_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "col_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col_value": {"vi": "Giá trị", "en": "Value"},
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_target": {"vi": "Mục tiêu 2030", "en": "2030 target"},
    "col_status": {"vi": "Trạng thái", "en": "Status"},
    "col_data_status": {"vi": "Loại số liệu", "en": "Data status"},
    "col_period": {"vi": "Kỳ", "en": "Period"},
    "col_previous": {"vi": "Kỳ trước", "en": "Previous period"},
    "col_year_ago": {"vi": "Cùng kỳ năm trước", "en": "Same period last year"},
    "col_source": {"vi": "Nguồn", "en": "Source"},
    "invalid_param": {
        "vi": "Giá trị “{value}” của tham số “{param}” trong đường dẫn không hợp lệ; đã dùng mặc định.",
        "en": "The link's value “{value}” for “{param}” is not valid; the default is used instead.",
    },
    "no_warehouse": {
        "vi": "Chưa có dữ liệu được công bố. Chạy `python -m pipeline demo` (lệnh chạy ứng dụng tự làm việc này).",
        "en": "No data has been published yet. Run `python -m pipeline demo` (the run command does it for you).",
    },
    "definition": {"vi": "Định nghĩa", "en": "Definition"},
    "agency": {"vi": "Cơ quan chịu trách nhiệm", "en": "Responsible agency"},
    "plan_ref": {"vi": "Căn cứ", "en": "Plan reference"},
    "yearly_plan": {"vi": "Kế hoạch năm", "en": "Yearly plan"},
    "of_plan": {"vi": "đạt {share} kế hoạch năm {year}", "en": "{share} of the {year} plan"},
    "last_12_months": {"vi": "12 tháng gần nhất đạt {share} mục tiêu năm", "en": "last 12 months at {share} of the yearly target"},
    "projected_2030": {"vi": "xu hướng đến 2030: {value}", "en": "trend to 2030: {value}"},
    "annual_only": {"vi": "chỉ có theo năm", "en": "yearly only"},
    # --- map & commune profile (issue 3) ---
    "page_map": {"vi": "Bản đồ", "en": "Map"},
    "page_commune": {"vi": "Hồ sơ xã/phường", "en": "Commune profile"},
    "map_title": {"vi": "Bản đồ 126 xã, phường", "en": "Map of the 126 communes and wards"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "map_mode": {"vi": "Tô màu theo", "en": "Colour by"},
    "map_mode_level": {"vi": "Mức (thang màu tuần tự)", "en": "Level (sequential scale)"},
    "map_mode_distance": {"vi": "Khoảng cách tới mục tiêu 2030 (thang phân kỳ)", "en": "Distance to the 2030 target (diverging scale)"},
    "map_no_target": {
        "vi": "Chỉ tiêu này không có mục tiêu 2030 nên chỉ tô màu theo mức.",
        "en": "This indicator has no 2030 target, so it is coloured by level only.",
    },
    "map_legend_distance": {"vi": "So với mục tiêu", "en": "Vs target"},
    "map_caption": {
        "vi": "{boundary} · {period} · màu theo {n} lớp (khoảng giá trị ở chú giải); xã, phường màu xám là không có số liệu.",
        "en": "{boundary} · {period} · {n} colour classes (ranges in the legend); grey communes have no data.",
    },
    "map_no_data_list": {"vi": "Không có số liệu ({n}): {names}", "en": "No data ({n}): {names}"},
    "map_all_have_data": {"vi": "Cả 126 xã, phường đều có số liệu.", "en": "All 126 communes have data."},
    "map_select_hint": {
        "vi": "Bấm vào một xã, phường trên bản đồ hoặc một dòng trong bảng để chọn.",
        "en": "Click a commune on the map or a row of the table to select it.",
    },
    "map_open_profile": {"vi": "Mở hồ sơ {name}", "en": "Open the profile of {name}"},
    "map_boundary_problem": {
        "vi": "Tệp ranh giới chính thức không dùng được, đang dùng sơ đồ minh họa. Lý do:",
        "en": "The official boundary file cannot be used; showing the schematic map. Why:",
    },
    "map_ranked": {"vi": "Xếp hạng (cùng số liệu với bản đồ)", "en": "Ranking (same values as the map)"},
    "col_rank": {"vi": "Hạng", "en": "Rank"},
    "col_commune": {"vi": "Xã, phường", "en": "Commune"},
    "col_type": {"vi": "Loại", "en": "Type"},
    "type_phuong": {"vi": "Phường", "en": "Ward"},
    "type_xa": {"vi": "Xã", "en": "Commune"},
    "hover_no_data": {"vi": "không có số liệu", "en": "no data"},
    "map_better": {"vi": "đạt", "en": "met"},
    "map_worse": {"vi": "chưa đạt", "en": "not met"},
    "profile_title": {"vi": "Hồ sơ {name}", "en": "Profile: {name}"},
    "profile_pick": {
        "vi": "Chọn một xã, phường ở thanh bên (mục “Địa bàn”) hoặc trên Bản đồ để xem hồ sơ.",
        "en": "Choose a commune in the sidebar (“Area”) or on the Map to see its profile.",
    },
    "profile_facts": {
        "vi": "{type} · diện tích {area} km² · hình thành từ {n_old} đơn vị cũ thuộc {districts}",
        "en": "{type} · {area} km² · formed from {n_old} former units of {districts}",
    },
    "profile_vs": {"vi": "So với thành phố và nhóm tương đồng", "en": "Against the city and peers"},
    "profile_peers_note": {
        "vi": "Nhóm tương đồng: {n} {type} có quy mô lực lượng lao động gần nhất. Hạng 1 là tốt nhất trong 126.",
        "en": "Peers: the {n} {type} closest in labour-force size. Rank 1 is the best of 126.",
    },
    "col_commune_value": {"vi": "Xã/phường", "en": "Commune"},
    "col_city_value": {"vi": "Thành phố", "en": "City"},
    "col_peer_value": {"vi": "Trung vị nhóm tương đồng", "en": "Peer median"},
    "col_rank_of": {"vi": "Hạng /126", "en": "Rank /126"},
    "profile_trends": {"vi": "Xu hướng so với thành phố", "en": "Trend against the city"},
    "profile_lineage": {"vi": "Nguồn gốc hình thành (trước 01/7/2025)", "en": "Lineage (before 1 July 2025)"},
    "profile_lineage_note": {
        "vi": "Số liệu trước 07/2025 được quy đổi từ các đơn vị cũ dưới đây. {n_split} đơn vị bị chia tách: "
              "chỉ một phần của chúng thuộc xã, phường này, nên chuỗi trước 07/2025 là ước tính.",
        "en": "Figures before July 2025 were mapped from the former units below. {n_split} of them were split: "
              "only part of each belongs here, so the series before July 2025 is an estimate.",
    },
    "col_old_unit": {"vi": "Đơn vị cũ", "en": "Former unit"},
    "col_old_district": {"vi": "Quận/huyện cũ", "en": "Former district"},
    "col_split": {"vi": "Bị chia tách", "en": "Split"},
    "yes": {"vi": "Có", "en": "Yes"},
    "no": {"vi": "Không", "en": "No"},
    "profile_own_plan": {"vi": "Kế hoạch riêng của xã, phường", "en": "The commune's own plan"},
    "profile_no_own_plan": {
        "vi": "Chưa có kế hoạch riêng trong dữ liệu; các tỷ lệ dùng mục tiêu của thành phố.",
        "en": "No own plan in the data; rates use the city's targets.",
    },
    "profile_trend_pick": {"vi": "Chỉ tiêu xem xu hướng", "en": "Indicator for the trend"},
    "boundary_change": {"vi": "Sáp nhập 01/7/2025", "en": "Merger 1 Jul 2025"},
    # --- trends, plan completion & forecasts (issue 4) ---
    # --- data page & pipeline (issue 5) ---
    # --- sectors & supply-demand (issue 7) ---
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for `key` in `lang`, with `{name}` placeholders filled."""
    text = STRINGS[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**values) if values else text
