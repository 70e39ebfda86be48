"""UI strings in Vietnamese (default) and English. Every key must have both; a test checks it.

Content (indicator names, definitions, units) lives in the catalogue with its own _vi/_en fields.
"""
from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
REORG_VI = "Sắp xếp ĐVHC 01/7/2025"
REORG_EN = "2025 administrative reorganisation"
"""The one name of the 1 July 2025 merger of communes, wherever a page, chart or briefing mentions it."""

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
        "vi": "{geo} · {period} · dữ liệu đến {until} · {version}",
        "en": "{geo} · {period} · data up to {until} · {version}",
    },
    "version_admin": {"vi": "phiên bản {name}", "en": "version {name}"},  # administrators manage versions
    "version_updated": {"vi": "số liệu cập nhật {date}", "en": "figures updated {date}"},  # everyone else
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
    "suppressed_small": {"vi": "ẩn (dưới {k} người)", "en": "hidden (fewer than {k} people)"},
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
    "vs_prev_month": {"vi": "so với tháng trước", "en": "vs previous month"},
    "vs_prev_quarter": {"vi": "so với quý trước", "en": "vs previous quarter"},
    "vs_prev_year": {"vi": "so với năm trước", "en": "vs a year earlier"},
    "vs_prev_period": {"vi": "so với kỳ trước", "en": "vs previous period"},
    "unchanged": {"vi": "không đổi", "en": "unchanged"},
    "not_applicable": {"vi": "Không áp dụng", "en": "Not applicable"},
    "not_applicable_urban": {"vi": "Chỉ tiêu chỉ tính cho phường (khu vực thành thị), không áp dụng cho xã.",
                             "en": "Computed for wards (urban areas) only; it does not apply to a xã."},
    "sector_mark": {"vi": "Mọi ngành", "en": "All sectors"},
    "sector_notice": {
        "vi": "Bộ lọc ngành áp dụng cho {n} chỉ tiêu: {names}. Các thẻ khác (đánh dấu «{mark}») không có số liệu "
              "theo ngành và hiển thị tổng mọi ngành.",
        "en": "The sector filter applies to {n} indicators: {names}. The other cards (marked «{mark}») have no "
              "sector breakdown and show all sectors.",
    },
    "sparkline_alt": {"vi": "Diễn biến {n} kỳ gần nhất: từ {first} đến {last}",
                      "en": "The last {n} periods: from {first} to {last}"},
    "status_on_track": {"vi": "Đúng hướng", "en": "On track"},
    "status_at_risk": {"vi": "Có nguy cơ", "en": "At risk"},
    "status_off_track": {"vi": "Chệch hướng", "en": "Off track"},
    "status_no_target": {"vi": "Không có mục tiêu", "en": "No target"},
    "status_not_enough_data": {"vi": "Chưa đủ số liệu", "en": "Not enough data"},
    "status_no_data": {"vi": "Không có số liệu", "en": "No data"},
    "status_not_applicable_sector": {"vi": "Mục tiêu là của toàn nền kinh tế (đang lọc ngành)",
                                     "en": "Targets are whole-economy (sector filter on)"},
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
    "section_S": {"vi": "An toàn lao động", "en": "Occupational safety"},
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
        "vi": "Giá trị {value} của tham số {param} trong đường dẫn không hợp lệ; đã dùng mặc định.",
        "en": "The link's value {value} for {param} is not valid; the default is used instead.",
    },
    "no_warehouse": {
        "vi": "Chưa có dữ liệu được công bố. Chạy `python -m cli demo` (lệnh chạy ứng dụng tự làm việc này).",
        "en": "No data has been published yet. Run `python -m cli demo` (the run command does it for you).",
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
    "map_mode_demand": {"vi": "Nơi tập trung nhu cầu tuyển dụng của ngành", "en": "Where the sectors' demand is"},
    "map_demand_unit": {"vi": "% chỗ trống của thành phố", "en": "% of the city's vacancies"},
    "map_demand_caption": {
        "vi": "Lớp nhu cầu: tỷ trọng của mỗi xã, phường trong tổng chỗ làm việc trống đăng tuyển của {sectors}.",
        "en": "Demand layer: each commune's share of the vacancies posted in {sectors}.",
    },
    "map_demand_hover": {
        "vi": "{share} chỗ trống của thành phố<br>{vacancies} chỗ trống · {seekers} người tìm việc",
        "en": "{share} of the city's vacancies<br>{vacancies} vacancies · {seekers} job seekers",
    },
    "map_no_target": {
        "vi": "Chỉ tiêu này không có mục tiêu 2030 nên chỉ tô màu theo mức.",
        "en": "This indicator has no 2030 target, so it is coloured by level only.",
    },
    "map_legend_distance": {"vi": "So với mục tiêu", "en": "Vs target"},
    "map_caption": {
        "vi": "{period} · màu theo {n} lớp (khoảng giá trị ở chú giải); xã, phường màu xám là không có số liệu.",
        "en": "{period} · {n} colour classes (ranges in the legend); grey communes have no data.",
    },
    "map_no_data_list": {"vi": "Không có số liệu ({n}): {names}", "en": "No data ({n}): {names}"},
    "map_hidden_list": {
        "vi": "Ẩn để bảo vệ thông tin cá nhân ({n}): số dưới {k} người, và ô bổ sung để không suy ngược được từ "
              "tổng toàn thành phố hay tổng phường/xã: {names}",
        "en": "Hidden to protect individuals ({n}): counts below {k} people, and complementary cells so that the "
              "city or phường/xã totals cannot give them back: {names}",
    },
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
    "type_plural_phuong": {"vi": "phường", "en": "wards"},
    "type_plural_xa": {"vi": "xã", "en": "communes"},
    "hover_no_data": {"vi": "không có số liệu", "en": "no data"},
    "hover_restricted": {"vi": "ngoài phạm vi xem chi tiết của tài khoản", "en": "outside this account's detail"},
    "map_restricted_name": {"vi": "Ngoài phạm vi xem chi tiết", "en": "Outside this account's detail"},
    "map_restricted_note": {
        "vi": "{period} · Tài khoản này xem chi tiết của {place}; {n} xã, phường khác (màu nhạt) không hiện số liệu "
              "riêng. Để so sánh: giá trị toàn thành phố và {group} ở trên.",
        "en": "{period} · This account sees the detail of {place}; the other {n} communes (pale) show no figures "
              "of their own. For comparison: the whole city and {group} above.",
    },
    "map_context_rank": {"vi": "Hạng {rank} trong các xã, phường có số liệu (1 = tốt nhất)",
                         "en": "Rank {rank} among the communes with data (1 = best)"},
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
    "profile_lineage": {"vi": f"Nguồn gốc hình thành (trước {REORG_VI})", "en": f"Lineage (before the {REORG_EN})"},
    "profile_lineage_note": {
        "vi": "Số liệu trước 07/2025 được quy đổi từ các đơn vị cũ dưới đây.",
        "en": "Figures before July 2025 were mapped from the former units below.",
    },
    "profile_lineage_split": {
        "vi": "{n_split} đơn vị bị chia tách: chỉ một phần của chúng thuộc xã, phường này, nên chuỗi trước "
              "07/2025 là ước tính.",
        "en": "{n_split} of them were split: only part of each belongs here, so the series before July 2025 is "
              "an estimate.",
    },
    "profile_lineage_whole": {
        "vi": "Các đơn vị này được nhập nguyên vẹn, nên chuỗi trước 07/2025 là tổng cộng đầy đủ.",
        "en": "Each was merged whole, so the series before July 2025 is a complete sum.",
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
    "boundary_change": {"vi": REORG_VI, "en": REORG_EN[0].upper() + REORG_EN[1:]},
    # --- trends, plan completion & forecasts (issue 4) ---
    "page_trends": {"vi": "Xu hướng", "en": "Trends"},
    "page_forecast": {"vi": "Dự báo 2030", "en": "2030 forecast"},
    "tr_title": {"vi": "Xu hướng các chỉ tiêu theo thời gian", "en": "Indicators over time"},
    "tr_caption": {
        "vi": "{area} · {grain} · từ 01/2020 đến {until} · phiên bản {version}",
        "en": "{area} · {grain} · Jan 2020 to {until} · version {version}",
    },
    "tr_tab_trends": {"vi": "Xu hướng", "en": "Trends"},
    "tr_tab_plan": {"vi": "Hoàn thành kế hoạch năm", "en": "Yearly plan completion"},
    "tr_kpis": {"vi": "Chỉ tiêu", "en": "Indicators"},
    "tr_kpis_help": {
        "vi": "Mặc định: thất nghiệp (chung, thành thị) và bao phủ BHXH, BHTN, BHYT; chọn thêm bất kỳ chỉ tiêu nào trong danh mục.",
        "en": "By default: unemployment (overall, urban) and BHXH, BHTN, BHYT coverage; add any indicator of the catalogue.",
    },
    "tr_area_mode": {"vi": "Phạm vi", "en": "Area"},
    "tr_mode_thanh_pho": {"vi": "Toàn thành phố", "en": "Whole city"},
    "tr_mode_so_sanh": {"vi": "So sánh xã, phường (tối đa 8)", "en": "Compare communes (up to 8)"},
    "tr_mode_loai_dv": {"vi": "Theo loại đơn vị (phường/xã)", "en": "By unit type (ward/commune)"},
    "tr_communes": {"vi": "Xã, phường", "en": "Communes and wards"},
    "tr_communes_placeholder": {"vi": "Chọn tối đa 8 xã, phường", "en": "Choose up to 8 communes"},
    "tr_pick_commune": {"vi": "Chọn ít nhất một xã, phường để so sánh.", "en": "Choose at least one commune to compare."},
    "tr_too_many": {
        "vi": "Chỉ so sánh được tối đa 8 xã, phường; đã giữ 8 đơn vị đầu tiên trong đường dẫn.",
        "en": "At most 8 communes can be compared; the first 8 of the link are kept.",
    },
    "tr_type": {"vi": "Loại đơn vị", "en": "Unit type"},
    "tr_type_phuong": {"vi": "Các phường (khu vực thành thị)", "en": "Wards (phường, urban)"},
    "tr_type_xa": {"vi": "Các xã", "en": "Communes (xã)"},
    "tr_no_kpi": {"vi": "Chọn ít nhất một chỉ tiêu.", "en": "Choose at least one indicator."},
    "tr_no_data": {
        "vi": "Không có số liệu của chỉ tiêu này cho phạm vi đã chọn (không hiển thị 0 thay cho số liệu còn thiếu).",
        "en": "No data for this indicator in the chosen area (missing figures are never shown as 0).",
    },
    "tr_band_note": {
        "vi": "Dải mờ: khoảng tin cậy 95% của ước lượng điều tra mẫu (giá trị ± 1,96 × sai số chuẩn).",
        "en": "Shaded band: 95% confidence interval of the sample-survey estimate (value ± 1.96 × standard error).",
    },
    "tr_marks_note": {
        "vi": "○ số liệu tạm tính · ◆ số liệu thực đã công bố của thành phố · đường chấm tím: " + REORG_VI + " (trước đó quy đổi từ đơn vị cũ) · đường xanh: mục tiêu.",
        "en": "○ provisional · ◆ real published city figure · purple dotted line: " + REORG_EN + " (earlier figures mapped from the old units) · green: target.",
    },
    "tr_published_table": {"vi": "Số liệu thực đã công bố của thành phố (◆) và nguồn", "en": "Real published city figures (◆) and sources"},
    "tr_published_other_basis": {
        "vi": "Có {n} số liệu công bố theo kỳ khác (năm hoặc lũy kế) — chọn kỳ Năm hoặc Lũy kế để so sánh.",
        "en": "{n} published figures have another basis (year or year to date): choose Year or Year to date to compare.",
    },
    "tr_demo_suffix": {"vi": "minh họa", "en": "demo"},
    "tr_col_period": {"vi": "Kỳ", "en": "Period"},
    "tr_col_value": {"vi": "Giá trị công bố", "en": "Published value"},
    "tr_col_status": {"vi": "Loại số liệu", "en": "Status"},
    "tr_col_source": {"vi": "Nguồn", "en": "Source"},
    "tr_col_note": {"vi": "Ghi chú", "en": "Note"},
    "tr_target_own": {"vi": " ({area})", "en": " ({area})"},
    "tr_no_target_count": {
        "vi": "Mục tiêu số lượng của thành phố không áp dụng cho một phần thành phố.",
        "en": "The city's count target does not apply to part of the city.",
    },
    "ch_band": {"vi": "Khoảng tin cậy 95%", "en": "95% confidence band"},
    "ch_provisional": {"vi": "Số liệu tạm tính", "en": "Provisional"},
    "ch_published": {"vi": "Số liệu công bố (thực)", "en": "Published figure (real)"},
    "ch_boundary": {"vi": REORG_VI, "en": REORG_EN[0].upper() + REORG_EN[1:]},
    "ch_target": {"vi": "Mục tiêu 2030", "en": "2030 target"},
    "ch_per_month": {"vi": "tháng", "en": "month"},
    "ch_per_quarter": {"vi": "quý", "en": "quarter"},
    "ch_history": {"vi": "Số liệu đã có", "en": "Observed"},
    "ch_rolling_month": {"vi": "tổng 12 tháng gần nhất", "en": "last 12 months total"},
    "ch_rolling_quarter": {"vi": "tổng 4 quý gần nhất", "en": "last 4 quarters total"},
    "ch_central": {"vi": "Dự báo trung tâm", "en": "Central forecast"},
    "ch_fan80": {"vi": "Khoảng dự báo 80%", "en": "80% prediction interval"},
    "ch_fan95": {"vi": "Khoảng dự báo 95%", "en": "95% prediction interval"},
    "ch_forecast_start": {"vi": "Bắt đầu dự báo", "en": "Forecast starts"},
    "ch_ytd": {"vi": "Lũy kế năm {year}", "en": "{year} year to date"},
    "ch_pace": {"vi": "Tiến độ đều theo tháng", "en": "Even monthly pace"},
    "ch_share": {"vi": "% kế hoạch năm", "en": "% of yearly plan"},
    "ch_full_plan": {"vi": "100% kế hoạch", "en": "100% of plan"},
    "pl_indicator": {"vi": "Chỉ tiêu kế hoạch", "en": "Plan indicator"},
    "pl_year": {"vi": "Năm kế hoạch", "en": "Plan year"},
    "pl_header": {"vi": "{indicator} — {area}, năm {year}", "en": "{indicator} — {area}, {year}"},
    "pl_ytd_metric": {"vi": "Lũy kế đến {month}", "en": "Year to date, {month}"},
    "pl_share_metric": {"vi": "Đạt % kế hoạch năm", "en": "Share of the yearly plan"},
    "pl_plan_metric": {"vi": "Kế hoạch năm {year}", "en": "{year} yearly plan"},
    "pl_vs_last_year": {"vi": "so với cùng kỳ năm trước", "en": "vs same month last year"},
    "pl_no_plan": {
        "vi": "Chưa có kế hoạch năm {year} của chỉ tiêu này cho {area}: chỉ hiển thị số lũy kế.",
        "en": "No {year} yearly plan for this indicator in {area}: year-to-date counts only.",
    },
    "pl_no_data": {"vi": "Chưa có số liệu năm {year} cho {area}.", "en": "No {year} data for {area}."},
    "pl_plan_source": {"vi": "Căn cứ: {kind} — {source}", "en": "Basis: {kind} — {source}"},
    "pl_kind_annual_plan": {"vi": "kế hoạch năm", "en": "yearly plan"},
    "pl_line_yearly_target": {"vi": "Mục tiêu bình quân năm", "en": "Yearly average target"},
    "pl_kind_yearly_target": {
        "vi": "mục tiêu bình quân năm giai đoạn 2026–2030 (chưa có kế hoạch năm riêng)",
        "en": "yearly average target for 2026–2030 (no yearly plan of its own)",
    },
    "pl_chart_cumulative": {"vi": "Lũy kế theo tháng so với kế hoạch năm", "en": "Cumulative by month against the yearly plan"},
    "pl_chart_share": {"vi": "% kế hoạch năm theo tháng, năm nay và năm trước", "en": "% of yearly plan by month, this year and last"},
    "pl_overview": {"vi": "Các chỉ tiêu kế hoạch của {area} đến {month}", "en": "Plan indicators of {area} up to {month}"},
    "pl_communes": {
        "vi": "Các xã, phường có kế hoạch năm {year}: lũy kế đến {month} so với kế hoạch",
        "en": "Communes with a {year} yearly plan: year to date up to {month} against the plan",
    },
    "pl_communes_demo": {
        "vi": "Kế hoạch của xã, phường là phân bổ minh họa (demo) của kế hoạch thành phố theo kết quả năm trước.",
        "en": "Commune plans are a demonstration split (demo) of the city plan by last year's results.",
    },
    "pl_col_ytd": {"vi": "Lũy kế", "en": "Year to date"},
    "pl_col_plan": {"vi": "Kế hoạch năm", "en": "Yearly plan"},
    "pl_col_share": {"vi": "% kế hoạch", "en": "% of plan"},
    "pl_col_ytd_last": {"vi": "Lũy kế cùng kỳ năm trước", "en": "Same period last year"},
    "pl_col_share_last": {"vi": "% kế hoạch cùng kỳ năm trước", "en": "% of plan, same period last year"},
    "pl_col_basis": {"vi": "Căn cứ", "en": "Basis"},
    "pl_col_commune": {"vi": "Xã, phường", "en": "Commune"},
    "fc_title": {"vi": "Dự báo đến năm 2030 so với mục tiêu", "en": "Forecasts to 2030 against the targets"},
    "fc_caption": {
        "vi": "{area} · dự báo lập từ số liệu đến {until} · {version}",
        "en": "{area} · forecast from data up to {until} · {version}",
    },
    "fc_none": {
        "vi": "Phiên bản dữ liệu này chưa có dự báo. Dự báo được tính khi công bố số liệu, mất vài phút; trang tự "
              "cập nhật khi xong. Trong lúc chờ, trạng thái các chỉ tiêu theo quy tắc xu hướng.",
        "en": "This data version has no forecasts yet. They are computed when data is published, in a few minutes; "
              "the page updates by itself when they are ready. Meanwhile, statuses follow the trend rule.",
    },
    "fc_none_admin": {  # administrators only: they run the pipeline
        "vi": "Tính dự báo: `python -m cli forecast` (lần chạy đầu, `./run.sh` tự tính trong nền).",
        "en": "To compute them: `python -m cli forecast` (on the first start `./run.sh` does it in the background).",
    },
    "fc_kpi": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "fc_no_forecast_kpi": {
        "vi": "Chưa đủ số liệu để dự báo chỉ tiêu này cho {area}; trạng thái theo quy tắc xu hướng.",
        "en": "Not enough history to forecast this indicator for {area}; its status follows the trend rule.",
    },
    "fc_probability": {"vi": "Xác suất đạt mục tiêu 2030", "en": "Probability of meeting the 2030 target"},
    "fc_probability_help": {
        "vi": "Tỷ lệ trong {n} kịch bản mô phỏng từ mô hình được chọn có giá trị năm 2030 đạt mục tiêu.",
        "en": "Share of {n} paths simulated from the chosen model whose 2030 value meets the target.",
    },
    "fc_expected": {"vi": "Giá trị dự kiến cuối năm 2030", "en": "Expected value, end of 2030"},
    "fc_expected_total": {"vi": "Tổng dự kiến cả năm 2030", "en": "Expected 2030 total"},
    "fc_interval": {
        "vi": "Khoảng dự báo 80%: {lo80} – {hi80} · 95%: {lo95} – {hi95}",
        "en": "80% prediction interval: {lo80} – {hi80} · 95%: {lo95} – {hi95}",
    },
    "fc_status": {"vi": "Trạng thái", "en": "Status"},
    "fc_status_basis_forecast": {"vi": "theo xác suất dự báo", "en": "from the forecast probability"},
    "fc_status_basis_trend": {"vi": "theo quy tắc xu hướng", "en": "from the trend rule"},
    "fc_target_line": {"vi": "Mục tiêu 2030: {target}", "en": "2030 target: {target}"},
    "fc_crossing": {
        "vi": "Đường dự báo trung tâm đạt mục tiêu vào năm {year}.",
        "en": "The central forecast reaches the target in {year}.",
    },
    "fc_met_now": {"vi": "Giá trị hiện nay đã đạt mục tiêu.", "en": "The current value already meets the target."},
    "fc_not_crossing": {
        "vi": "Đường dự báo trung tâm chưa đạt mục tiêu đến hết năm 2030.",
        "en": "The central forecast does not reach the target by the end of 2030.",
    },
    "fc_no_target": {
        "vi": "Chỉ tiêu này không có mục tiêu định lượng cho {area}: chỉ dự báo giá trị, không tính xác suất.",
        "en": "No quantified target for this indicator in {area}: a forecast of the value only, no probability.",
    },
    "fc_model_card": {"vi": "Thẻ mô hình", "en": "Model card"},
    "fc_card_model": {"vi": "**Mô hình được chọn:** {model}.", "en": "**Chosen model:** {model}."},
    "fc_card_selection": {
        "vi": "**Cách chọn:** {n_models} mô hình được thử bằng cách dự báo lại quá khứ ({origins} lần, mỗi lần {h} kỳ "
              "tới; {points} kỳ kiểm tra). Sai số tương đối (MASE) của mô hình được chọn: **{mase}**; của mô hình đơn "
              "giản: **{mase_naive}**. MASE dưới 1 nghĩa là sai số nhỏ hơn cách đoán “kỳ này bằng kỳ trước”.",
        "en": "**How it was chosen:** {n_models} models were tried by forecasting the past again ({origins} times, "
              "{h} periods ahead each; {points} test periods). Scaled error (MASE) of the chosen model: **{mase}**; of "
              "the simple model: **{mase_naive}**. A MASE below 1 means smaller errors than guessing “same as last period”.",
    },
    "fc_card_beats": {
        "vi": "Mô hình này dự báo quá khứ tốt hơn mô hình đơn giản.",
        "en": "This model forecast the past better than the simple model.",
    },
    "fc_card_baseline": {
        "vi": "**Đã giữ mô hình đơn giản:** không mô hình nào dự báo quá khứ tốt hơn cách kéo dài xu hướng gần đây.",
        "en": "**The simple model was kept:** no model forecast the past better than carrying the recent trend on.",
    },
    "fc_card_constant": {
        "vi": "**Đã giữ mô hình đơn giản:** số liệu không đổi hoặc quá ít biến động để so sánh các mô hình.",
        "en": "**The simple model was kept:** the data do not change (or barely) so models cannot be compared.",
    },
    "fc_card_coverage": {
        "vi": "**Độ tin cậy của khoảng dự báo:** khi dự báo lại quá khứ, khoảng 80% chứa giá trị thật ở **{cov80}** số kỳ "
              "(mong muốn khoảng 80%), khoảng 95% ở **{cov95}**.",
        "en": "**How reliable the intervals are:** forecasting the past, the 80% interval held the true value in "
              "**{cov80}** of test periods (ideally about 80%), the 95% interval in **{cov95}**.",
    },
    "fc_card_widened": {
        "vi": "Vì vậy các kịch bản mô phỏng đã được nới rộng ×{factor} để khoảng dự báo trung thực hơn.",
        "en": "The simulated paths were therefore widened ×{factor} so that the intervals are honest.",
    },
    "fc_card_data": {
        "vi": "**Số liệu dùng:** {n} {unit} từ {first} đến {last}; {basis}; {paths} kịch bản mô phỏng.",
        "en": "**Data used:** {n} {unit} from {first} to {last}; {basis}; {paths} simulated paths.",
    },
    "fc_unit_month": {"vi": "tháng", "en": "months"},
    "fc_unit_quarter": {"vi": "quý", "en": "quarters"},
    "fc_unit_year": {"vi": "năm", "en": "years"},
    "fc_basis_level": {"vi": "đánh giá giá trị cuối năm 2030 so với mục tiêu", "en": "the end-2030 value is judged against the target"},
    "fc_basis_annual_total": {
        "vi": "đánh giá tổng cả năm 2030 so với mục tiêu năm (biểu đồ: tổng 12 tháng gần nhất)",
        "en": "the 2030 calendar-year total is judged against the yearly target (chart: rolling yearly total)",
    },
    "fc_card_demo": {
        "vi": "Số liệu minh họa (demo): dự báo chỉ để trình diễn phương pháp, không phải dự báo chính thức.",
        "en": "Demonstration data: the forecast shows the method only; it is not an official forecast.",
    },
    "fc_model_naive": {
        "vi": "mô hình đơn giản — giữ nguyên (các kỳ sau bằng kỳ gần nhất)",
        "en": "simple model — no change (every later period = the last one)",
    },
    "fc_model_ets": {
        "vi": "làm trơn hàm mũ (ETS Holt–Winters, có xu hướng)",
        "en": "exponential smoothing (ETS Holt–Winters, with trend)",
    },
    "fc_model_arima": {
        "vi": "ARIMA (tự hồi quy trên mức thay đổi, có xu hướng)",
        "en": "ARIMA (autoregression on the changes, with drift)",
    },
    "fc_model_theta": {
        "vi": "phương pháp Theta (làm trơn hàm mũ cộng một nửa xu hướng tuyến tính)",
        "en": "Theta method (exponential smoothing plus half the linear trend)",
    },
    "fc_model_drift": {
        "vi": "xu hướng 3 năm (kỳ sau bằng kỳ trước cộng mức thay đổi bình quân 3 năm gần nhất)",
        "en": "3-year drift (next period = last one plus the average change of the last three years)",
    },
    "fc_model_drift1": {
        "vi": "xu hướng 1 năm (kỳ sau bằng kỳ trước cộng mức thay đổi bình quân 12 tháng gần nhất)",
        "en": "1-year drift (next period = last one plus the average change of the last twelve months)",
    },
    "fc_model_damped": {
        "vi": "xu hướng giảm dần (mức thay đổi bình quân 3 năm, mỗi năm yếu đi 20%)",
        "en": "damped drift (the 3-year average change, fading by 20% a year)",
    },
    "fc_model_mean": {
        "vi": "trung bình của ba cách: giữ nguyên, xu hướng 3 năm và xu hướng giảm dần",
        "en": "the mean of three: no change, the 3-year drift and the damped drift",
    },
    "fc_short_naive": {"vi": "Đơn giản (naive)", "en": "Simple (naive)"},
    "fc_short_drift": {"vi": "Xu hướng 3 năm", "en": "3-year drift"},
    "fc_short_drift1": {"vi": "Xu hướng 1 năm", "en": "1-year drift"},
    "fc_short_damped": {"vi": "Xu hướng giảm dần", "en": "Damped drift"},
    "fc_short_mean": {"vi": "Trung bình 3 cách", "en": "Mean of three"},
    "fc_short_ets": {"vi": "ETS", "en": "ETS"},
    "fc_short_arima": {"vi": "ARIMA", "en": "ARIMA"},
    "fc_short_theta": {"vi": "Theta", "en": "Theta"},
    "fc_model_snaive": {"vi": "ngây thơ theo mùa", "en": "seasonal naive"},
    "fc_model_sdrift": {"vi": "ngây thơ theo mùa có xu hướng", "en": "seasonal naive with drift"},
    "fc_not_enough_official": {
        "vi": "Chưa đủ số liệu chính thức để dự báo: cần ít nhất {need} năm, hiện có {n} ({years}).",
        "en": "Not enough official points to forecast: at least {need} years are needed, {n} exist ({years}).",
    },
    "fc_official_gaps": {
        "vi": "Chuỗi số liệu chính thức thiếu năm {years}: không nội suy, dự báo dùng đúng các năm có số liệu.",
        "en": "The official series misses {years}: nothing is filled in; the forecast uses the years that exist.",
    },
    "fc_card_honest_coverage": {
        "vi": "**Độ tin cậy của khoảng dự báo đang hiển thị:** lập lại đúng cách này ở mỗi thời điểm trong quá "
              "khứ (chỉ với số liệu có đến lúc đó), khoảng 80% chứa giá trị thật ở **{cov80}** trong {points} lần "
              "kiểm tra của chuỗi này (nhóm chuỗi tương tự: {pool80}), khoảng 95% ở **{cov95}** ({pool95}).",
        "en": "**How reliable the intervals shown are:** made the same way at every past date (with the data "
              "known then), the 80% interval held the true value in **{cov80}** of {points} checks of this "
              "series (similar series: {pool80}), the 95% interval in **{cov95}** ({pool95}).",
    },
    "fc_table": {"vi": "Tất cả chỉ tiêu — {area}", "en": "All indicators — {area}"},
    "fc_communes_table": {"vi": "{indicator} ở các xã, phường", "en": "{indicator} in every commune"},
    "fc_official_title": {"vi": "Số liệu chính thức đã công bố của thành phố", "en": "The city's published figures"},
    "fc_official_caption": {
        "vi": "Chuỗi năm của số liệu thật đã công bố (không phải số liệu minh họa). Dự báo chỉ khi có ít nhất "
              "5 năm; năm thiếu giữa chuỗi được nêu, không bao giờ tự điền.",
        "en": "The yearly series of real published figures (not demonstration data). Forecast only with at "
              "least five years; missing years inside a series are listed, never filled in."},
    "fc_official_years": {"vi": "Các năm có số liệu", "en": "Years published"},
    "fc_official_gaps": {"vi": "Năm thiếu", "en": "Missing years"},
    "fc_official_last": {"vi": "Số liệu gần nhất", "en": "Latest figure"},
    "fc_official_not_enough": {"vi": "Chưa đủ số liệu chính thức ({n}/5 năm)",
                               "en": "Not enough official points ({n} of 5 years)"},
    "fc_official_outlook": {"vi": "Dự báo 2030", "en": "2030 outlook"},
    "fc_official_source": {"vi": "Nguồn", "en": "Source"},
    "fc_col_probability": {"vi": "Xác suất đạt (%)", "en": "Probability (%)"},
    "fc_col_expected": {"vi": "Dự kiến 2030", "en": "Expected 2030"},
    "fc_col_interval": {"vi": "Khoảng 80%", "en": "80% interval"},
    "fc_col_model": {"vi": "Mô hình", "en": "Model"},
    "fc_col_vs_naive": {"vi": "So với mô hình đơn giản", "en": "Against the simple model"},
    "fc_beats": {"vi": "tốt hơn", "en": "better"},
    "fc_kept": {"vi": "giữ mô hình đơn giản", "en": "simple model kept"},
    "fc_no_forecast": {"vi": "chưa có dự báo", "en": "no forecast"},
    "fc_sector_note": {
        "vi": "Dự báo tính cho mọi ngành: bộ lọc ngành ở thanh bên không áp dụng trên trang này.",
        "en": "Forecasts cover all sectors: the sidebar's sector filter does not apply on this page.",
    },
    "fc_until_note": {
        "vi": "Dự báo dùng toàn bộ số liệu đến {until}, không phụ thuộc ô “Đến tháng”; trang Tổng quan cũng dùng dự báo "
              "này khi xem tháng {until}, và quy tắc xu hướng khi xem tháng trước đó.",
        "en": "Forecasts use all data up to {until}, whatever the “Up to month” box says; the Overview uses them when "
              "showing {until}, and the trend rule for earlier months.",
    },
    # --- data page & pipeline (issue 5) ---
    "page_data": {"vi": "Dữ liệu & phương pháp", "en": "Data & methodology"},
    "dp_title": {"vi": "Dữ liệu & phương pháp", "en": "Data & methodology"},
    "dp_caption": {
        "vi": "Phiên bản {version} · công bố lúc {published} · dữ liệu đến {until}",
        "en": "Version {version} · published {published} · data up to {until}",
    },
    "dp_caption_public": {
        "vi": "Công bố lúc {published} · dữ liệu đến {until}",
        "en": "Published {published} · data up to {until}",
    },
    "dp_demo_only": {
        "vi": "Phiên bản này chỉ có **dữ liệu minh họa (demo)**: chưa có tệp số liệu thật nào được nạp.",
        "en": "This version holds **demonstration data only**: no real data file has been ingested yet.",
    },
    "dp_demo_only_admin": {  # administrators only: they run the pipeline
        "vi": "Nạp tệp bằng `python -m cli ingest …` rồi `python -m cli publish`.",
        "en": "Ingest files with `python -m cli ingest …`, then `python -m cli publish`.",
    },
    "dp_mixed": {
        "vi": "Phiên bản này có **{rows} dòng số liệu thật** từ {sources} nguồn; ở cùng chỉ tiêu × xã × tháng, "
              "số liệu thật thay cho số liệu minh họa.",
        "en": "This version holds **{rows} rows of real data** from {sources} sources; for the same measure × "
              "commune × month, real data replaces the demonstration data.",
    },
    "dp_tab_sources": {"vi": "Nguồn & kiểm tra", "en": "Sources & checks"},
    "dp_tab_reports": {"vi": "Báo cáo đã nhận (đủ)", "en": "Reports received"},
    "dp_tab_freshness": {"vi": "Độ mới số liệu", "en": "Freshness"},
    "dp_tab_methods": {"vi": "Phương pháp tính", "en": "Methodology"},
    "dp_tab_downloads": {"vi": "Tải dữ liệu", "en": "Downloads"},
    "dp_tab_templates": {"vi": "Biểu mẫu nhập liệu", "en": "Data-entry templates"},
    "dp_rules": {
        "vi": "Mỗi tệp được kiểm tra theo biểu mẫu của nguồn (“đúng, đủ, sạch, sống”): kiểu dữ liệu, mã xã, kỳ báo cáo, "
              "khoảng giá trị, tử số ≤ mẫu số, tổng khớp, trùng lặp, định dạng CCCD. Dòng lỗi được cách ly kèm lý do; "
              "số dòng nhận vào luôn bằng số dòng được nhận cộng số dòng bị cách ly.",
        "en": "Every file is checked against its source's template (correct, complete, clean, live): types, commune "
              "codes, periods, ranges, numerator ≤ denominator, totals, duplicates, CCCD format. Bad rows are "
              "quarantined with their reasons; rows in always equal rows accepted plus rows quarantined.",
    },
    "dp_files": {"vi": "Tệp đã nạp", "en": "Files ingested"},
    "dp_rows_in": {"vi": "Dòng nhận vào", "en": "Rows in"},
    "dp_rows_accepted": {"vi": "Dòng được nhận", "en": "Rows accepted"},
    "dp_rows_quarantined": {"vi": "Dòng bị cách ly", "en": "Rows quarantined"},
    "dp_no_ingest": {
        "vi": "Chưa có tệp nào được nạp vào phiên bản này.",
        "en": "No file has been ingested into this version.",
    },
    "dp_col_source": {"vi": "Nguồn (biểu mẫu)", "en": "Source (template)"},
    "dp_col_agency": {"vi": "Cơ quan cung cấp", "en": "Supplying agency"},
    "dp_col_files": {"vi": "Số tệp", "en": "Files"},
    "dp_col_share": {"vi": "Tỷ lệ cách ly", "en": "Quarantined share"},
    "dp_col_last": {"vi": "Lần nạp gần nhất", "en": "Last ingest"},
    "dp_col_reasons": {"vi": "Lý do cách ly chính", "en": "Main quarantine reasons"},
    "dp_col_file": {"vi": "Tệp", "en": "File"},
    "dp_col_result": {"vi": "Kết quả", "en": "Result"},
    "dp_col_message": {"vi": "Thông báo", "en": "Message"},
    "dp_col_confirmed": {"vi": "Giá trị bất thường đã xác nhận", "en": "Outliers confirmed"},
    "dp_col_confirmation": {"vi": "Lý do xác nhận", "en": "Reason for the confirmation"},
    "dp_col_periods": {"vi": "Kỳ số liệu", "en": "Periods"},
    "dp_file_log": {"vi": "Nhật ký nạp từng tệp", "en": "Ingest log, file by file"},
    "dp_status_ingested": {"vi": "Đã nhận", "en": "Ingested"},
    "dp_status_partial": {"vi": "Nhận một phần", "en": "Partly ingested"},
    "dp_status_rejected": {"vi": "Bị từ chối", "en": "Rejected"},
    "dp_status_duplicate_file": {"vi": "Tệp trùng", "en": "Duplicate file"},
    "dp_status_empty": {"vi": "Không có dòng số liệu", "en": "No data rows"},
    "dp_reconcile_title": {"vi": "Đối soát đăng ký lao động với BHXH bắt buộc", "en": "Labour register vs compulsory BHXH"},
    "dp_reconcile_caption": {
        "vi": "Tháng {month}, toàn thành phố. Ghép theo số định danh đã mã hóa một chiều (CCCD không được lưu); chỉ công bố "
              "số tổng hợp, ô nhỏ hơn {k} người bị ẩn.",
        "en": "{month}, whole city. Matched on the keyed hash of the personal ID (CCCDs are never stored); aggregates "
              "only, cells under {k} people are hidden.",
    },
    "dp_rec_should": {"vi": "Thuộc diện BHXH bắt buộc nhưng chưa tham gia", "en": "Must be insured but are not"},
    "dp_rec_unregistered": {"vi": "Tham gia BHXH nhưng chưa đăng ký lao động", "en": "Insured but not in the register"},
    "dp_rec_dropped": {"vi": "Dừng đóng BHXH khi vẫn làm việc", "en": "Left BHXH while still employed"},
    "dp_rec_employers": {"vi": "Đơn vị có dấu hiệu chậm, trốn đóng", "en": "Employers paying late or evading"},
    "dp_no_reconcile": {
        "vi": "Chưa có đối soát: cần nạp cả dữ liệu đăng ký lao động và danh sách người tham gia BHXH.",
        "en": "No reconciliation yet: both the labour register and the BHXH participant extract must be ingested.",
    },
    "dp_fresh_caption": {
        "vi": "Kỳ dự kiến là kỳ gần nhất đã quá hạn công bố của nguồn (tần suất và số ngày sau kỳ) tính đến {today}.",
        "en": "The expected period is the latest one past its source's publication deadline (cadence and days after "
              "the period) as of {today}.",
    },
    "dp_fresh_late_warning": {
        "vi": "{n} chỉ tiêu đang chậm so với lịch công bố của nguồn: {names}.",
        "en": "{n} indicators are late against their source's cadence: {names}.",
    },
    "dp_fresh_all_on_time": {"vi": "Mọi chỉ tiêu đều cập nhật đúng lịch.", "en": "Every indicator is up to date."},
    "dp_fresh_on_time": {"vi": "Đúng hạn", "en": "On time"},
    "dp_fresh_late": {"vi": "Trễ {n} kỳ", "en": "Late by {n} periods"},
    "dp_fresh_no_data": {"vi": "— Chưa có số liệu", "en": "— No data"},
    "dp_fresh_demo": {"vi": "minh họa", "en": "demo"},
    "dp_col_frequency": {"vi": "Tần suất", "en": "Frequency"},
    "dp_col_last_period": {"vi": "Kỳ mới nhất", "en": "Latest period"},
    "dp_col_expected": {"vi": "Kỳ dự kiến", "en": "Expected period"},
    "dp_col_freshness": {"vi": "Độ mới", "en": "Freshness"},
    "dp_col_data": {"vi": "Loại số liệu", "en": "Data"},
    "dp_freq_monthly": {"vi": "Hằng tháng", "en": "Monthly"},
    "dp_freq_quarterly": {"vi": "Hằng quý", "en": "Quarterly"},
    "dp_freq_half_yearly": {"vi": "6 tháng một lần", "en": "Half-yearly"},
    "dp_freq_annual": {"vi": "Hằng năm", "en": "Annual"},
    "dp_data_real": {"vi": "Thật", "en": "Real"},
    "dp_data_demo": {"vi": "Minh họa", "en": "Demo"},
    "dp_methods_caption": {
        "vi": "Mọi chỉ tiêu là tổng tử số chia tổng mẫu số trên cùng địa bàn và kỳ (không lấy trung bình các tỷ lệ), "
              "nên xã, thành phố, tháng, quý và năm luôn khớp nhau.",
        "en": "Every indicator is the sum of its numerator over the sum of its denominator for the same area and "
              "period (rates are never averaged), so communes, the city, months, quarters and years always agree.",
    },
    "dp_pick_indicator": {"vi": "Xem chi tiết chỉ tiêu", "en": "Indicator details"},
    "dp_numerator": {"vi": "Tử số", "en": "Numerator"},
    "dp_denominator": {"vi": "Mẫu số", "en": "Denominator"},
    "dp_no_denominator": {"vi": "(không có — chỉ tiêu là tổng số)", "en": "(none — the indicator is a count)"},
    "dp_frequency": {"vi": "Tần suất", "en": "Frequency"},
    "dp_lowest_geo": {"vi": "Địa bàn thấp nhất của nguồn", "en": "Lowest geography of the source"},
    "dp_geo_commune": {"vi": "xã, phường", "en": "commune"},
    "dp_geo_district": {"vi": "quận, huyện (cũ)", "en": "district (former)"},
    "dp_geo_province": {"vi": "thành phố", "en": "city"},
    "dp_caveats": {"vi": "Lưu ý", "en": "Caveats"},
    "dp_no_caveats": {"vi": "Không có", "en": "None"},
    "dp_no_template": {"vi": "Chưa có biểu mẫu nhập liệu (số liệu minh họa)", "en": "No data-entry form yet (demonstration data)"},
    "dp_templates_of": {"vi": "Biểu mẫu nguồn", "en": "Source forms"},
    "dp_unit": {"vi": "Đơn vị", "en": "Unit"},
    "dp_download_table": {"vi": "Bảng", "en": "Table"},
    "dp_download_measure": {"vi": "Chỉ tiêu gốc (tử số, mẫu số)", "en": "Measure (numerator or denominator)"},
    "dp_download_year": {"vi": "Năm", "en": "Year"},
    "dp_download_rows": {
        "vi": "{rows} dòng; {hidden} giá trị bị ẩn (số người nhỏ hơn {k} và ô ẩn bổ sung để không suy ngược được).",
        "en": "{rows} rows; {hidden} values hidden (counts of people under {k}, and complementary cells so they "
              "cannot be worked back out).",
    },
    "dp_download_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "dp_download_xlsx": {"vi": "Tải XLSX", "en": "Download XLSX"},
    "dp_download_parquet": {"vi": "Tải Parquet", "en": "Download Parquet"},
    "dp_xlsx_too_big": {
        "vi": "Bảng quá lớn cho Excel ({rows} dòng): hãy chọn ít hơn hoặc tải CSV/Parquet.",
        "en": "Too large for Excel ({rows} rows): narrow it down or download CSV/Parquet.",
    },
    "dp_preview": {"vi": "Xem trước (200 dòng đầu)", "en": "Preview (first 200 rows)"},
    "dp_table_facts": {"vi": "Số liệu gốc theo xã × ngành × tháng", "en": "Facts by commune × sector × month"},
    "dp_table_reconciliation": {"vi": "Đối soát đăng ký lao động – BHXH", "en": "Register vs BHXH reconciliation"},
    "dp_table_coverage": {"vi": "Phạm vi số liệu theo chỉ tiêu gốc", "en": "Coverage by measure"},
    "dp_table_ingest_log": {"vi": "Nhật ký nạp tệp", "en": "Ingest log"},
    "dp_table_quarantine_reasons": {"vi": "Lý do cách ly theo tệp", "en": "Quarantine reasons by file"},
    "dp_table_plans": {"vi": "Kế hoạch năm của xã, phường", "en": "Communes' yearly plans"},
    "dp_table_methodology": {"vi": "Phương pháp tính các chỉ tiêu", "en": "Indicator methodology"},
    "dp_table_freshness": {"vi": "Độ mới các chỉ tiêu", "en": "Indicator freshness"},
    "dp_table_completeness": {"vi": "Báo cáo đã nhận theo kỳ, xã và đơn vị báo cáo",
                              "en": "Reports received by period, commune and reporting unit"},
    "dp_table_other": {"vi": "Bảng “{name}”", "en": "Table “{name}”"},
    "dp_templates_caption": {
        "vi": "Tải biểu mẫu Excel, điền số liệu vào trang “Du lieu” (giữ nguyên dòng tiêu đề), rồi gửi cho đơn vị "
              "quản lý dữ liệu. Trang “Huong dan” giải thích từng cột; trang “Danh muc” có mã 126 xã, phường và mã ngành.",
        "en": "Download the Excel form, fill in the “Du lieu” sheet (keep the header row) and send it to the data "
              "team. The “Huong dan” sheet explains every column; “Danh muc” lists the 126 commune codes and sectors.",
    },
    "dp_template_download": {"vi": "Tải biểu mẫu XLSX", "en": "Download the XLSX form"},
    "dp_template_meta": {
        "vi": "Nguồn: {agency} · {cadence}, hạn nộp {days} ngày sau kỳ · mã biểu mẫu `{code}`",
        "en": "Source: {agency} · {cadence}, due {days} days after the period · template code `{code}`",
    },
    "dp_template_person": {
        "vi": "Dữ liệu cá nhân: số CCCD được mã hóa một chiều (HMAC-SHA256 có khóa bí mật) ngay khi đọc và không bao "
              "giờ được lưu; chỉ nạp được khi đã cấu hình khóa.",
        "en": "Personal data: the CCCD is replaced by a keyed hash (HMAC-SHA256) as it is read and never stored; "
              "ingest needs the key to be configured.",
    },
    "dp_col_header": {"vi": "Cột", "en": "Column"},
    "dp_col_required": {"vi": "Bắt buộc", "en": "Required"},
    "dp_col_note": {"vi": "Hướng dẫn", "en": "Guidance"},
    "dp_col_example": {"vi": "Ví dụ", "en": "Example"},
    "dp_rules_of_template": {"vi": "Quy tắc kiểm tra giữa các cột", "en": "Cross-column rules"},
    # --- sectors & supply-demand (issue 7) ---
    "page_sectors": {"vi": "Ngành & cung–cầu lao động", "en": "Sectors & labour supply–demand"},
    "sec_title": {"vi": "Ngành kinh tế & cung–cầu lao động", "en": "Economic sectors & labour supply–demand"},
    "sec_caption": {"vi": "{geo} · {period}{span} · phiên bản {version}", "en": "{geo} · {period}{span} · version {version}"},
    "sec_span": {"vi": " · từ {start} đến {end}", "en": " · {start} to {end}"},
    "sec_commune_type": {"vi": "Loại đơn vị hành chính", "en": "Type of commune-level unit"},
    "sec_type_all": {"vi": "Tất cả xã, phường", "en": "All communes and wards"},
    "sec_type_phuong": {"vi": "Các phường", "en": "Wards (phường)"},
    "sec_type_xa": {"vi": "Các xã", "en": "Communes (xã)"},
    "sec_type_help": {
        "vi": "Chỉ dùng khi xem toàn thành phố; khi đã chọn một xã, phường ở thanh bên thì số liệu là của xã, phường đó.",
        "en": "Used when the whole city is shown; with one commune chosen in the sidebar, figures are that commune's.",
    },
    "sec_filtered": {
        "vi": "Đang lọc theo ngành (thanh bên): {sectors}.",
        "en": "Filtered by sector (sidebar): {sectors}.",
    },
    "sec_no_data": {
        "vi": "Chưa có số liệu theo ngành cho {geo} trong kỳ này. Không hiển thị 0 thay cho số liệu còn thiếu.",
        "en": "No sector figures for {geo} in this period. Missing figures are never shown as 0.",
    },
    "sec_stock_header": {"vi": "Lao động và người tham gia BHXH bắt buộc theo ngành",
                         "en": "Employment and compulsory social insurance by sector"},
    "sec_stock_caption": {
        "vi": "Lao động có việc làm và người tham gia BHXH bắt buộc là số cuối kỳ (tháng {month}); tăng mới và giảm "
              "cộng dồn trong kỳ, nên tăng/giảm thuần đúng bằng thay đổi số người tham gia so với tháng trước kỳ. "
              "Tỷ lệ bao phủ = người tham gia BHXH bắt buộc / lao động có việc làm của ngành.",
        "en": "Employed persons and compulsory social-insurance participants are end-of-period figures ({month}); new "
              "participants and leavers are summed over the period, so the net change is exactly the change in "
              "participants since the month before. Coverage = compulsory participants / employed persons of the sector.",
    },
    "sec_m_employed": {"vi": "Lao động có việc làm", "en": "Employed persons"},
    "sec_m_bhxh_compulsory": {"vi": "Người tham gia BHXH bắt buộc", "en": "Compulsory social insurance participants"},
    "sec_m_bhxh_new": {"vi": "Tăng mới", "en": "New participants"},
    "sec_m_bhxh_lost": {"vi": "Giảm", "en": "Leavers"},
    "sec_m_net_change": {"vi": "Tăng/giảm thuần", "en": "Net change"},
    "sec_m_coverage": {"vi": "Tỷ lệ bao phủ BHXH bắt buộc", "en": "Compulsory insurance coverage"},
    "sec_m_vacancies": {"vi": "Việc làm trống (cầu)", "en": "Vacancies (demand)"},
    "sec_m_job_seekers": {"vi": "Người tìm việc (cung)", "en": "Job seekers (supply)"},
    "sec_m_gap": {"vi": "Chênh lệch cầu − cung", "en": "Gap, demand − supply"},
    "sec_m_ratio": {"vi": "Việc làm trống / người tìm việc", "en": "Vacancies per job seeker"},
    "sec_coverage_help": {
        "vi": "Tỷ số của tổng: tổng người tham gia BHXH bắt buộc chia tổng lao động có việc làm, không phải trung bình các tỷ lệ.",
        "en": "A ratio of totals: all compulsory participants over all employed persons, never an average of rates.",
    },
    "sec_chart_stock": {"vi": "Lao động và người tham gia BHXH bắt buộc", "en": "Employed and insured persons"},
    "sec_chart_flows": {"vi": "Biến động tăng, giảm BHXH bắt buộc trong kỳ", "en": "Insurance increases and decreases in the period"},
    "sec_demand_header": {"vi": "Cầu lao động (việc tìm người) và cung lao động (người tìm việc)",
                          "en": "Labour demand (vacancies) and supply (job seekers)"},
    "sec_demand_caption": {
        "vi": "Việc làm trống đăng tuyển theo ngành và xã, phường nơi làm việc; người đăng ký tìm việc theo ngành mong muốn "
              "và nơi cư trú (Trung tâm Dịch vụ việc làm Hà Nội), cộng dồn trong kỳ. ★ đậm màu: ngành ưu tiên của kế hoạch "
              "dữ liệu 2026 — công nghệ cao, kinh tế số, công nghiệp văn hóa – sáng tạo, dịch vụ chất lượng cao.",
        "en": "Vacancies posted by sector and commune of work; registered job seekers by wanted sector and commune of "
              "residence (Hanoi Employment Service Centre), summed over the period. ★ in full colour: the 2026 data "
              "plan's priority sectors — high-tech, digital economy, cultural and creative industries, high-quality services.",
    },
    "sec_gap_help": {
        "vi": "Dương: nhiều việc làm trống hơn người tìm việc (thiếu người); âm: thiếu việc.",
        "en": "Positive: more vacancies than job seekers (a shortage of workers); negative: a shortage of jobs.",
    },
    "sec_ratio_help": {
        "vi": "Số việc làm trống trên mỗi người tìm việc: trên 1 là thiếu người, dưới 1 là thiếu việc.",
        "en": "Vacancies per registered job seeker: above 1 workers are short, below 1 jobs are short.",
    },
    "sec_where_header": {"vi": "Cầu lao động tập trung ở đâu", "en": "Where the demand is"},
    "sec_where_caption": {
        "vi": "{n} xã, phường có nhiều việc làm trống nhất của {which} ({sectors}); tỷ trọng so với toàn thành phố.",
        "en": "The {n} communes with the most vacancies in {which} ({sectors}); share of the whole city.",
    },
    "sec_where_selected": {"vi": "các ngành đang chọn", "en": "the selected sectors"},
    "sec_where_priority": {"vi": "các ngành ưu tiên", "en": "the priority sectors"},
    "sec_col_rank": {"vi": "Hạng", "en": "Rank"},
    "sec_col_commune": {"vi": "Xã, phường", "en": "Commune"},
    "sec_col_share": {"vi": "Tỷ trọng toàn thành phố", "en": "Share of the city"},
    "sec_col_sector": {"vi": "Ngành (VSIC)", "en": "Sector (VSIC)"},
    "sec_col_priority": {"vi": "Ưu tiên", "en": "Priority"},
    "sec_col_month": {"vi": "Tháng", "en": "Month"},
    "sec_forecast_header": {"vi": "Dự báo cung – cầu 12 tháng tới của các ngành ưu tiên",
                            "en": "12-month forecast of demand and supply in the priority sectors"},
    "sec_forecast_group": {"vi": "Nhóm ngành ưu tiên", "en": "Priority group"},
    "sec_group_all": {"vi": "Tất cả các ngành ưu tiên", "en": "All priority sectors"},
    "sec_forecast_caption": {
        "vi": "Ngành {sectors}, số liệu đến {month}. Cùng mô-đun dự báo với các KPI: mô hình (ngây thơ, ETS, ARIMA, "
              "Theta) được chọn theo kiểm định lùi nhiều mốc; khoảng dự báo 80% và 95% từ các đường mô phỏng.",
        "en": "Sectors {sectors}, data up to {month}. The KPIs' forecasting module: the model (naive, ETS, ARIMA, "
              "Theta) is chosen by a rolling-origin backtest; 80% and 95% prediction intervals from simulated paths.",
    },
    "sec_forecast_running": {"vi": "Đang chạy dự báo…", "en": "Forecasting…"},
    "sec_forecast_none": {
        "vi": "{measure}: chưa dự báo được (cần ít nhất 24 tháng số liệu liên tục).",
        "en": "{measure}: no forecast (at least 24 unbroken months of data are needed).",
    },
    "sec_forecast_outside_selection": {
        "vi": "Các ngành đang chọn ở thanh bên không thuộc nhóm ngành ưu tiên này: bỏ bớt bộ lọc ngành hoặc chọn nhóm khác.",
        "en": "The sectors chosen in the sidebar are not in this priority group: widen the sector filter or pick another group.",
    },
    "sec_model_line": {"vi": "Mô hình: {model} — {reason} (MASE {mase}; mô hình cơ sở {naive}).",
                       "en": "Model: {model} — {reason} (MASE {mase}; baseline {naive})."},
    "sec_model_snaive": {"vi": "ngây thơ theo mùa (bằng cùng tháng năm trước)", "en": "seasonal naive (same month last year)"},
    "sec_model_sdrift": {"vi": "ngây thơ theo mùa có xu hướng", "en": "seasonal naive with drift"},
    "sec_reason_beats_naive": {"vi": "dự báo quá khứ tốt hơn mô hình cơ sở", "en": "beat the baseline in the backtest"},
    "sec_reason_no_better_than_naive": {"vi": "không mô hình nào tốt hơn mô hình cơ sở nên giữ mô hình cơ sở",
                                        "en": "no candidate beat the baseline, so the baseline is kept"},
    "sec_reason_no_candidate": {"vi": "chuỗi quá ngắn để so sánh các mô hình", "en": "too short a series to compare models"},
    "sec_reason_constant": {"vi": "chuỗi không đổi", "en": "the series is constant"},
    "sec_interval": {"vi": "Khoảng dự báo {level}%", "en": "{level}% prediction interval"},
    "sec_observed": {"vi": "Số thực tế", "en": "Observed"},
    "sec_forecast": {"vi": "Dự báo", "en": "Forecast"},
    "sec_forecast_table": {"vi": "Bảng dự báo 12 tháng", "en": "12-month forecast table"},
    "sec_heatmap_header": {"vi": "Bản đồ nhiệt ngành × xã, phường", "en": "Heat map: sector × commune"},
    "sec_heatmap_measure": {"vi": "Chỉ tiêu", "en": "Measure"},
    "sec_heatmap_all": {"vi": "Hiển thị tất cả xã, phường", "en": "Show every commune"},
    "sec_heatmap_caption": {
        "vi": "{measure}: {shown}/{total} xã, phường có giá trị lớn nhất (▶: địa bàn đang chọn). Ô trống: không có số liệu.",
        "en": "{measure}: {shown} of {total} communes, the largest first (▶: the chosen area). Blank cells: no data.",
    },
    "sec_table": {"vi": "Bảng số liệu theo ngành (tải về được)", "en": "Sector table (downloadable)"},
    "sec_hidden": {"vi": "ẩn", "en": "hidden"},
    "sec_suppressed_note": {
        "vi": "“ẩn”: số người dưới 10, hoặc số được ẩn kèm để không suy ngược ra được từ tổng (quy tắc bảo mật số nhỏ).",
        "en": "“hidden”: fewer than 10 people, or a figure hidden with it so it cannot be worked back from a total "
              "(the small-count rule).",
    },
    "sec_history_hidden": {
        "vi": "Các tháng bị đứt đoạn trên đường số thực tế được ẩn theo quy tắc bảo mật số nhỏ (dưới 10 người).",
        "en": "Gaps in the observed line are months hidden under the small-count rule (fewer than 10 people).",
    },
    "sec_heatmap_hidden": {
        "vi": "Một số ô để trống theo quy tắc bảo mật số nhỏ (dưới 10 người).",
        "en": "Some cells are left blank under the small-count rule (fewer than 10 people).",
    },
    # --- access, audit, wall, briefings (issue 6) ---
    "access_file_error": {
        "vi": "Tệp phân quyền không hợp lệ, ứng dụng dừng để không lộ dữ liệu. Người quản trị kiểm tra tệp bằng "
              "lệnh `python -m cli access check`.",
        "en": "The access file is not valid; the app stops rather than expose data. An administrator can check the "
              "file with `python -m cli access check`.",
    },
    "commune_not_allowed": {
        "vi": "Tài khoản của bạn không được xem số liệu chi tiết của {place}; đang hiển thị số liệu được phép.",
        "en": "Your account may not see the detail of {place}; showing what you may see instead.",
    },
    "no_identity_configured": {
        "vi": "**Chưa cấu hình đăng nhập, nên không hiển thị số liệu.** Người quản trị cần cấu hình đăng nhập một lần "
              "(OIDC của thành phố, hoặc proxy tin cậy), xem docs/deploy.md; khi phát triển trên máy cá nhân, chạy "
              "`./run.sh` (bật chế độ phát triển, chỉ nghe trên 127.0.0.1).",
        "en": "**No sign-in is configured, so no figures are shown.** An administrator configures sign-in once (the "
              "city's OIDC, or a trusted proxy), see docs/deploy.md; for development on one machine, run `./run.sh` "
              "(development mode, listening on 127.0.0.1 only).",
    },
    "sign_in_needed": {
        "vi": "Hãy đăng nhập bằng tài khoản của thành phố để xem số liệu.",
        "en": "Please sign in with your city account to see the figures.",
    },
    "incident": {
        "vi": "Đã xảy ra lỗi khi hiển thị trang này. Mã sự cố: **{incident}** — hãy gửi mã này cho bộ phận hỗ trợ; "
              "số liệu không bị thay đổi.",
        "en": "Something went wrong while showing this page. Incident id: **{incident}** — please send it to "
              "support; no data was changed.",
    },
    "served_fallback": {
        "vi": "**Đang dùng phiên bản dữ liệu trước ({served}).** Phiên bản mới nhất ({asked}) bị hỏng nên không được "
              "dùng; bộ phận dữ liệu đã được ghi nhận sự cố.",
        "en": "**Serving the previous data version ({served}).** The newest one ({asked}) is damaged and is not "
              "used; the incident has been recorded for the data team.",
    },
    "download_xlsx": {"vi": "Tải Excel (XLSX)", "en": "Download Excel (XLSX)"},
    "download_parquet": {"vi": "Tải Parquet", "en": "Download Parquet"},

    "role_leader": {"vi": "Lãnh đạo", "en": "Leader"},
    "role_analyst": {"vi": "Chuyên viên phân tích", "en": "Analyst"},
    "role_commune_official": {"vi": "Cán bộ xã/phường", "en": "Commune official"},
    "role_viewer": {"vi": "Công chúng (chỉ xem số liệu tổng hợp)", "en": "Public (aggregates only)"},
    "signed_in_as": {"vi": "Người dùng: {user} — {role}", "en": "Signed in: {user} — {role}"},
    "sign_in": {"vi": "Đăng nhập", "en": "Sign in"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "dev_mode_banner": {
        "vi": "**Chế độ phát triển** (HANOI_DEV_MODE=1, chỉ trên máy này): mọi người dùng là tài khoản giả lập "
              "{user} ({role}). Không dùng chế độ này khi triển khai.",
        "en": "**Development mode** (HANOI_DEV_MODE=1, this machine only): everyone is the stand-in account "
              "{user} ({role}). Never deploy in this mode.",
    },
    "download_not_allowed": {
        "vi": "Tài khoản của bạn không được tải dữ liệu.",
        "en": "Your account may not download data.",
    },
    "access_denied": {"vi": "Không được phép truy cập", "en": "Access denied"},
    "page_audit": {"vi": "Nhật ký khai thác", "en": "Audit trail"},
    "audit_title": {"vi": "Nhật ký khai thác dữ liệu", "en": "Audit trail of data use"},
    "audit_caption": {
        "vi": "Mỗi lượt xem trang, đổi bộ lọc, truy vấn, tải và xuất dữ liệu được ghi (chỉ ghi thêm) vào {folder}; "
              "{files} tệp, mỗi tệp tối đa {size} MB, giữ {keep} tệp cũ.",
        "en": "Every page view, filter change, query, download and export is appended to {folder}; "
              "{files} file(s), up to {size} MB each, {keep} older files kept.",
    },
    "audit_not_admin": {
        "vi": "Trang này chỉ dành cho quản trị viên (cờ admin trong tệp phân quyền).",
        "en": "This page is for administrators only (the admin flag in the access file).",
    },
    "audit_damaged": {
        "vi": "{n} dòng nhật ký bị hỏng (ghi dở khi ứng dụng dừng đột ngột) đã được bỏ qua.",
        "en": "{n} damaged log line(s) (cut short by a crash) were skipped.",
    },
    "audit_period": {"vi": "Khoảng thời gian", "en": "Period"},
    "audit_last_days": {"vi": "{n} ngày gần nhất", "en": "last {n} day(s)"},
    "audit_all": {"vi": "Tất cả", "en": "All"},
    "audit_events": {"vi": "Số sự kiện", "en": "Events"},
    "audit_users": {"vi": "Số người dùng", "en": "Users"},
    "audit_takeaways": {"vi": "Lượt tải/xuất", "en": "Downloads and exports"},
    "audit_denied": {"vi": "Lượt bị từ chối", "en": "Refused requests"},
    "audit_col_time": {"vi": "Thời điểm (giờ Hà Nội)", "en": "Time (Hanoi)"},
    "audit_col_user": {"vi": "Người dùng", "en": "User"},
    "audit_col_role": {"vi": "Vai trò", "en": "Role"},
    "audit_col_commune": {"vi": "Xã/phường", "en": "Commune"},
    "audit_col_action": {"vi": "Thao tác", "en": "Action"},
    "audit_col_page": {"vi": "Trang", "en": "Page"},
    "audit_col_params": {"vi": "Tham số", "en": "Parameters"},
    "audit_col_rows": {"vi": "Số dòng", "en": "Rows"},
    "audit_action_session_start": {"vi": "Bắt đầu phiên", "en": "Session start"},
    "audit_action_page_view": {"vi": "Xem trang", "en": "Page view"},
    "audit_action_filter": {"vi": "Đổi bộ lọc", "en": "Filter change"},
    "audit_action_query": {"vi": "Truy vấn dữ liệu", "en": "Data query"},
    "audit_action_download": {"vi": "Tải dữ liệu", "en": "Download"},
    "audit_action_export": {"vi": "Xuất báo cáo", "en": "Export"},
    "audit_action_denied": {"vi": "Bị từ chối", "en": "Refused"},
    "audit_action_incident": {"vi": "Sự cố", "en": "Incident"},
    "audit_action_retention": {"vi": "Xoá tệp hết hạn lưu giữ", "en": "Retention removal"},
    "audit_action_rate_limited": {"vi": "Bỏ qua do vượt giới hạn", "en": "Rate-limited"},
    "audit_action_denied_counted": {"vi": "Từ chối hàng loạt (đếm gộp)", "en": "Refusals counted in bulk"},
    "audit_action_rotation": {"vi": "Xoay vòng tệp nhật ký", "en": "Log rotation"},
    "briefing_button": {"vi": "Báo cáo lãnh đạo", "en": "Leadership briefing"},
    "briefing_period": {"vi": "Kỳ báo cáo", "en": "Reporting period"},
    "briefing_period_half": {"vi": "Báo cáo 6 tháng đầu năm {year}", "en": "Six-month report {year} (Jan–Jun)"},
    "briefing_period_year": {"vi": "Báo cáo năm {year}", "en": "Annual report {year}"},
    "briefing_html": {"vi": "Tải báo cáo (HTML)", "en": "Download briefing (HTML)"},
    "briefing_pdf": {"vi": "Tải báo cáo (PDF)", "en": "Download briefing (PDF)"},
    "briefing_caption": {
        "vi": "Báo cáo cho {area}: bảng chỉ tiêu với mục tiêu và trạng thái, bản đồ, xu hướng, dự báo, tình trạng "
              "số liệu và nguồn. Tệp HTML tự chứa, mở được khi không có mạng.",
        "en": "Briefing for {area}: KPI table with targets and statuses, map, trends, forecasts, data status and "
              "sources. The HTML file is self-contained and opens offline.",
    },
    "briefing_no_periods": {
        "vi": "Chưa có kỳ báo cáo 6 tháng hoặc năm nào đủ số liệu.",
        "en": "No six-month or annual period has complete data yet.",
    },
    "briefing_pdf_unavailable": {
        "vi": "Máy chủ chưa cài Chromium nên chưa tạo được PDF; hãy dùng tệp HTML (in ra PDF từ trình duyệt).",
        "en": "Chromium is not installed on the server, so no PDF; use the HTML file (print it to PDF).",
    },
    "briefing_title_half": {
        "vi": "Báo cáo 6 tháng đầu năm {year}: KPI sức khỏe thị trường lao động Hà Nội",
        "en": "Six-month report {year} (January–June): Hanoi labour-market health KPIs",
    },
    "briefing_title_year": {
        "vi": "Báo cáo năm {year}: KPI sức khỏe thị trường lao động Hà Nội",
        "en": "Annual report {year}: Hanoi labour-market health KPIs",
    },
    "briefing_generated": {"vi": "lập lúc {moment} bởi {user}", "en": "made {moment} by {user}"},
    "briefing_h_summary": {"vi": "Tóm tắt", "en": "Summary"},
    "briefing_h_kpis": {"vi": "Các chỉ tiêu, mục tiêu 2030 và trạng thái", "en": "KPIs, 2030 targets and statuses"},
    "briefing_h_map": {"vi": "Bản đồ theo xã/phường", "en": "Map by commune"},
    "briefing_h_trends": {"vi": "Xu hướng chính", "en": "Key trends"},
    "briefing_h_forecasts": {"vi": "Dự báo đến năm 2030", "en": "Forecasts to 2030"},
    "briefing_h_data": {"vi": "Tình trạng số liệu và nguồn", "en": "Data status and sources"},
    "briefing_no_map": {"vi": "Chưa có tệp ranh giới nên không vẽ được bản đồ.", "en": "No boundary file, so no map."},
    "briefing_map_aggregate_only": {
        "vi": "Tài khoản này chỉ xem được số liệu tổng hợp nên bản đồ không tô màu theo xã/phường.",
        "en": "This account sees aggregates only, so the map is not coloured by commune.",
    },
    "briefing_map_restricted": {
        "vi": "Chỉ tô màu xã/phường mà tài khoản được xem chi tiết; các xã/phường khác để trống.",
        "en": "Only the commune this account may see in detail is coloured; the others are left blank.",
    },
    "briefing_trend_span_half": {
        "vi": "Mỗi điểm là lũy kế 6 tháng đầu năm (so sánh cùng kỳ các năm).",
        "en": "Each point is January–June of its year (like-for-like across years).",
    },
    "briefing_trend_span_year": {"vi": "Mỗi điểm là cả năm.", "en": "Each point is a full year."},
    "briefing_no_forecasts": {
        "vi": "Chưa đủ số liệu để dự báo chỉ tiêu nào cho khu vực này đến cuối kỳ báo cáo.",
        "en": "Not enough data to forecast any KPI for this area as of the end of the period.",
    },
    "briefing_col_2030": {"vi": "Dự báo 2030", "en": "2030 forecast"},
    "briefing_judged_mean": {"vi": "bình quân năm 2026–2030", "en": "yearly mean 2026–2030"},
    "briefing_million_per_month": {"vi": "triệu đồng/tháng", "en": "million VND/month"},
    "briefing_col_band": {"vi": "Khoảng tin cậy 80%", "en": "80% interval"},
    "briefing_col_probability": {"vi": "Xác suất đạt mục tiêu", "en": "Chance of meeting the target"},
    "briefing_data_line": {
        "vi": "Phiên bản số liệu {version}, công bố lúc {published}; số liệu đến tháng {until}.",
        "en": "Data version {version}, published {published}; data up to {until}.",
    },
    "briefing_status_mix": {"vi": "Loại số liệu của các chỉ tiêu: {mix}.", "en": "Data status of the KPIs: {mix}."},
    "briefing_access_note": {
        "vi": "Báo cáo lập theo quyền của tài khoản {user} ({role}) và được ghi vào nhật ký khai thác dữ liệu.",
        "en": "Made with the rights of account {user} ({role}) and recorded in the audit trail.",
    },
    "page_wall": {"vi": "Màn hình điều hành", "en": "Operations wall"},
    "wall_title": {"vi": "KPI thị trường lao động Hà Nội", "en": "Hanoi labour-market KPIs"},
    "wall_demo": {
        "vi": "DỮ LIỆU MINH HỌA (demo) · không phải số liệu chính thức",
        "en": "DEMONSTRATION DATA (demo) · not official figures",
    },
    "wall_data_as_of": {
        "vi": "Số liệu đến tháng {until} · công bố lúc {published}",
        "en": "Data up to {until} · published {published}",
    },
    "wall_stale": {
        "vi": "Số liệu chưa được cập nhật: mới có đến tháng {until}, lẽ ra đã có đến tháng {expected} (chậm {n} tháng).",
        "en": "Data is out of date: it runs to {until} but should reach {expected} by now ({n} month(s) late).",
    },
    "wall_view_chi_tieu": {"vi": "Chỉ tiêu thị trường lao động", "en": "Labour-market KPIs"},
    "wall_view_uu_tien": {"vi": "Nhóm ưu tiên và kế hoạch việc làm", "en": "Priority groups and job plan"},
    "wall_view_ban_do": {"vi": "Bản đồ xã/phường", "en": "Commune map"},
    "wall_rotation": {"vi": "chuyển màn hình sau mỗi {seconds} giây", "en": "next view every {seconds} s"},
    "wall_no_map": {
        "vi": "Chưa có mô-đun bản đồ: màn hình tường chỉ hiển thị các ô chỉ tiêu.",
        "en": "The map module is not installed: the wall shows KPI tiles only.",
    },
    # --- export columns (service/exports.py) ---
    "col_code": {"vi": "Mã", "en": "Code"},
    "dp_tab_boundaries": {"vi": "Ranh giới xã/phường", "en": "Commune boundaries"},
    "audit_col_channel": {"vi": "Kênh", "en": "Channel"},
    "col_version": {"vi": "Phiên bản dữ liệu", "en": "Data version"},
    "audit_caption_plain": {
        "vi": "Mọi lần xem, truy vấn, tải về, xuất báo cáo và mọi yêu cầu bị từ chối, ghi lại ngay khi xảy ra và "
              "được xích bằng mã băm để phát hiện chỉnh sửa (kiểm tra: python -m cli audit verify).",
        "en": "Every view, query, download, export and refused request, written as it happens and hash-chained so "
              "an edit can be detected (check: python -m cli audit verify).",
    },
    "audit_action_api_read": {"vi": "Truy vấn API", "en": "API read"},
    "audit_action_admin_view": {"vi": "Quản trị xem nhật ký", "en": "Admin view"},
    "audit_action_admin_action": {"vi": "Thao tác quản trị", "en": "Admin action"},
    "col_plan_kind": {"vi": "Loại chỉ tiêu", "en": "Kind of figure"},
    "pl_kind_target_2030": {"vi": "mục tiêu năm 2030", "en": "2030 target"},
    "col_data_status_label": {"vi": "Loại số liệu (diễn giải)", "en": "Data status (label)"},
    "col_data_until": {"vi": "Số liệu đến tháng", "en": "Data until"},
    "col_lo80": {"vi": "Cận dưới 80%", "en": "80% lower bound"},
    "col_hi80": {"vi": "Cận trên 80%", "en": "80% upper bound"},
    "col_lo95": {"vi": "Cận dưới 95%", "en": "95% lower bound"},
    "col_hi95": {"vi": "Cận trên 95%", "en": "95% upper bound"},
    "col_period_start": {"vi": "Từ tháng", "en": "From month"},
    "col_period_end": {"vi": "Đến tháng", "en": "To month"},
    "col_probability": {"vi": "Xác suất đạt mục tiêu 2030", "en": "Probability of meeting the 2030 target"},
    "col_sector": {"vi": "Ngành kinh tế", "en": "Economic sector"},
    "col_status_code": {"vi": "Mã trạng thái", "en": "Status code"},
    "col_suppressed": {"vi": "Ẩn (dưới 10 người)", "en": "Hidden (fewer than 10 people)"},
    "col_target_high": {"vi": "Mục tiêu 2030: cận trên", "en": "2030 target: upper bound"},
    "col_target_low": {"vi": "Mục tiêu 2030: cận dưới", "en": "2030 target: lower bound"},
    "col_vintage": {"vi": "Ngày công bố", "en": "Published on"},
    # ---- completeness of reports ("đủ") ----
    "cp_caption": {
        "vi": "Mỗi biểu mẫu: số báo cáo cần có trong kỳ (mỗi xã, phường; mỗi đơn vị đã từng báo cáo; hoặc một báo cáo của "
              "cơ quan nguồn), đã nhận đúng hạn, muộn, chưa gửi, tính đến ngày {today}. Báo cáo chưa gửi không bao giờ được "
              "tính là số 0: số liệu của đơn vị đó để trống.",
        "en": "Each form: the reports a period needs (each commune; each unit that has reported; or one report from the "
              "source agency), received on time, late, not sent, as of {today}. A report not sent is never counted as "
              "zero: that unit's figures are left empty.",
    },
    "cp_none": {"vi": "Phiên bản dữ liệu này chưa có thông tin về báo cáo đã nhận.",
                "en": "This data version holds no record of the reports received."},
    "cp_demo": {"vi": "Thời điểm nhận báo cáo là dữ liệu minh họa (demo) với các biểu mẫu chưa có dữ liệu thật.",
                "en": "The reception of reports is demonstration data for the forms without real data."},
    "cp_state_on_time": {"vi": "Đúng hạn", "en": "On time"},
    "cp_state_late": {"vi": "Muộn", "en": "Late"},
    "cp_state_missing": {"vi": "Chưa gửi", "en": "Not sent"},
    "cp_state_pending": {"vi": "Chưa đến hạn", "en": "Not due yet"},
    "cp_on_time_of": {"vi": "{n}/{of} đúng hạn", "en": "{n}/{of} on time"},
    "cp_not_due": {"vi": "chưa đến hạn", "en": "not due yet"},
    "cp_source": {"vi": "Nhật ký nạp dữ liệu (ngày nhận báo cáo)", "en": "Ingest log (dates reports were received)"},
    "cp_col_template": {"vi": "Mã biểu mẫu", "en": "Form code"},
    "cp_col_form": {"vi": "Biểu mẫu", "en": "Form"},
    "cp_col_period": {"vi": "Kỳ báo cáo", "en": "Reporting period"},
    "cp_col_unit": {"vi": "Mã đơn vị báo cáo", "en": "Reporting unit code"},
    "cp_col_unit_name": {"vi": "Đơn vị báo cáo", "en": "Reporting unit"},
    "cp_col_state": {"vi": "Tình trạng", "en": "State"},
    "cp_col_state_code": {"vi": "Mã tình trạng", "en": "State code"},
    "cp_col_due": {"vi": "Hạn nộp", "en": "Due"},
    "cp_col_received": {"vi": "Ngày nhận", "en": "Received on"},
    "cp_col_expected": {"vi": "Số báo cáo cần có", "en": "Reports expected"},
    "cp_col_share_on_time": {"vi": "Tỷ lệ đủ, đúng hạn", "en": "Received by the due day"},
    "cp_col_share_received": {"vi": "Tỷ lệ đã nhận", "en": "Received"},
    "cp_col_received_share": {"vi": "Đã nhận", "en": "Received"},
    "cp_col_counts": {"vi": "Đúng hạn / muộn / chưa gửi", "en": "On time / late / not sent"},
    "cp_pick_form": {"vi": "Biểu mẫu", "en": "Form"},
    "cp_pick_period": {"vi": "Kỳ báo cáo", "en": "Reporting period"},
    "cp_missing_title": {"vi": "Chưa gửi hoặc gửi muộn: {form}, {period}", "en": "Not sent or late: {form}, {period}"},
    "cp_all_in": {"vi": "Mọi báo cáo của kỳ này đã nhận đúng hạn.", "en": "Every report of this period arrived on time."},
    "cp_history": {"vi": "Các kỳ trước (12 kỳ gần nhất)", "en": "Earlier periods (the latest 12)"},
    "wall_reports": {"vi": "Báo cáo kỳ gần nhất", "en": "Latest reports"},
    "ch_pace_quarters": {"vi": "Tiến độ theo kế hoạch quý", "en": "Pace of the quarterly schedule"},
    "pl_quarters": {"vi": "Kết quả từng quý so với kế hoạch quý năm {year}", "en": "Each quarter against its plan, {year}"},
    "pl_col_quarter": {"vi": "Quý", "en": "Quarter"},
    "pl_col_quarter_value": {"vi": "Thực hiện trong quý", "en": "In the quarter"},
    "pl_col_quarter_plan": {"vi": "Kế hoạch quý", "en": "Quarter's plan"},
    "pl_col_quarter_share": {"vi": "% kế hoạch quý", "en": "% of the quarter's plan"},
    # --- boundaries: provenance, orientation layers, upload (issue 16)
    "map_provenance_schematic": {
        "vi": "Sơ đồ minh họa — không phải ranh giới chính thức",
        "en": "Schematic map — not the official boundaries",
    },
    "map_provenance_official": {
        "vi": "Ranh giới chính thức: {name} · phiên bản {version} · {date}",
        "en": "Official boundaries: {name} · version {version} · {date}",
    },
    "map_alt": {"vi": "Bản đồ {name}, {period}: {n} xã, phường có số liệu, tô màu theo {k} lớp",
                "en": "Map of {name}, {period}: {n} communes with data, coloured in {k} classes"},
    "map_layers_key": {
        "vi": f"nét đậm: ranh giới thành phố · nét đứt: quận/huyện cũ (trước {REORG_VI}, gần đúng)",
        "en": f"bold line: city boundary · dashed: old districts (before the {REORG_EN}, approximate)",
    },
    "bnd_upload_header": {"vi": "Ranh giới xã, phường chính thức", "en": "Official commune boundaries"},
    "bnd_upload_help": {
        "vi": "Tải lên tệp ranh giới của cơ quan GIS (GeoJSON, Shapefile nén .zip, GeoPackage, KML; mọi hệ tọa độ, "
              "kể cả VN-2000). Tệp được kiểm tra trước khi dùng; tệp lỗi không thay thế bộ ranh giới đang dùng.",
        "en": "Upload the GIS office's boundary file (GeoJSON, zipped Shapefile, GeoPackage, KML; any CRS, VN-2000 "
              "included). It is checked before use; a bad file never replaces the boundaries in use.",
    },
    "bnd_upload_file": {"vi": "Tệp ranh giới", "en": "Boundary file"},
    "bnd_upload_name": {"vi": "Tên bộ ranh giới (không bắt buộc)", "en": "Name of the set (optional)"},
    "bnd_upload_crs": {
        "vi": "Hệ tọa độ nếu tệp không ghi (ví dụ Shapefile thiếu .prj)",
        "en": "CRS if the file declares none (e.g. a Shapefile without its .prj)",
    },
    "bnd_upload_crs_auto": {"vi": "Theo tệp", "en": "As in the file"},
    "bnd_upload_code": {
        "vi": "Thuộc tính chứa mã xã, phường (để trống: tự tìm)",
        "en": "Property holding the commune code (blank: found automatically)",
    },
    "bnd_upload_switch": {"vi": "Dùng ngay sau khi kiểm tra đạt", "en": "Serve it as soon as it passes"},
    "bnd_upload_submit": {"vi": "Kiểm tra và lưu", "en": "Check and store"},
    "bnd_upload_rejected": {
        "vi": "Tệp {name} không dùng được; bộ ranh giới đang dùng được giữ nguyên. Lý do:",
        "en": "The file {name} cannot be used; the boundaries in use stay. Why:",
    },
    "bnd_upload_stored": {
        "vi": "Đã lưu bộ ranh giới {set_id} ({name}).",
        "en": "Stored boundary set {set_id} ({name}).",
    },
    "bnd_upload_served": {"vi": "Bản đồ đang dùng bộ này.", "en": "The map now serves this set."},
    "bnd_upload_notes": {"vi": "Đã làm gì với tệp", "en": "What was done with the file"},
    "bnd_upload_warnings": {"vi": "Cần xem lại", "en": "Worth a look"},
    "bnd_upload_repairs": {"vi": "Đã tự sửa", "en": "Repaired automatically"},
    "bnd_sets_header": {"vi": "Các bộ ranh giới đã lưu", "en": "Stored boundary sets"},
    "bnd_sets_none": {
        "vi": "Chưa có bộ ranh giới nào được tải lên; bản đồ dùng {what}.",
        "en": "No boundary set has been uploaded; the map uses {what}.",
    },
    "bnd_col_set": {"vi": "Bộ", "en": "Set"},
    "bnd_col_name": {"vi": "Tên", "en": "Name"},
    "bnd_col_file": {"vi": "Tệp", "en": "File"},
    "bnd_col_created": {"vi": "Lưu lúc", "en": "Stored"},
    "bnd_col_by": {"vi": "Người tải", "en": "By"},
    "bnd_col_current": {"vi": "Đang dùng", "en": "Served"},
    "bnd_switch": {"vi": "Dùng bộ đã chọn", "en": "Serve the chosen set"},
    "bnd_rollback": {"vi": "Quay lại bộ trước", "en": "Back to the previous set"},
    # --- issue 15 part B: stored-table headers, table legend, wall pages ---------------------------------
    "col_measure": {"vi": "Chỉ tiêu đo", "en": "Measure"},
    "col_se": {"vi": "Sai số chuẩn", "en": "Standard error"},
    "col_provisional": {"vi": "Sơ bộ", "en": "Provisional"},
    "col_stored_value": {"vi": "Giá trị", "en": "Value"},
    "table_missing_legend": {"vi": "«–»: không có số liệu.", "en": "“–”: no data."},
    "briefing_band_uninformative": {"vi": "không có ý nghĩa (khoảng gần như 0–100%)",
                                    "en": "uninformative (close to 0–100%)"},
    "sec_heatmap_range": {"vi": "Thang màu từ phân vị 2 đến 98 của các ô; ▲ / ▼: ô vượt trên / dưới thang màu "
                                "(giá trị đúng khi rê chuột).",
                          "en": "Colours span the 2nd to 98th percentile of the cells; ▲ / ▼: a cell above / below "
                                "the scale (its value on hover)."},
    "wall_page": {"vi": "Trang {n}/{of}", "en": "Page {n} of {of}"},
    "wall_page_pick": {"vi": "Trang ô chỉ tiêu", "en": "Tile page"},
    "wall_plan_share": {"vi": "Lũy kế đến {month}: {share} kế hoạch năm {plan}",
                        "en": "Year to date to {month}: {share} of the {plan} annual plan"},
    "wall_plan_pro_rata": {"vi": "tiến độ đều: {share}", "en": "pro rata: {share}"},
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for `key` in `lang`, with `{name}` placeholders filled."""
    text = STRINGS[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**values) if values else text
