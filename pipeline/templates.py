"""The raw-data templates, in one place: what each source sends, how it is checked, what it feeds.

Each `Template` lists its columns (`Field`: the Vietnamese header as printed on the form, English and
ASCII aliases, the kind of value, whether it is required, the fact measure it feeds) and its cross-column
rules (a part is at most its whole, a total is the sum of its parts, a rate matches its counts). The
reader, the validator, the XLSX form a commune official downloads from the app and the Data page's
documentation are all generated from these definitions, so they cannot drift apart.

Two templates are person-level (BHXH participants, the Decree 318/2025 labour register): they carry the
citizen ID (CCCD), which is replaced by a keyed hash before anything is written (pipeline/privacy.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

# Kinds of values a column can hold; pipeline/validate.py has one parser per kind.
KINDS = ("commune", "period", "sector", "count", "decimal", "rate", "cccd", "enum", "year", "employer", "text",
         "status")
STATUSES = ("official", "preliminary", "estimate")
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


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
    cadence: str                    # monthly | quarterly | annual
    due_days: int                   # days after the end of a period by which its data is due
    rules: tuple[Rule, ...] = ()
    description_vi: str = ""
    description_en: str = ""
    sector_breakdown: bool = False  # rows are per VSIC sector
    derived_measures: tuple[str, ...] = ()  # measures computed from person-level rows (pipeline/ingest.py)
    period_format: str = "MM/YYYY"  # how months are written (pipeline.validate.PERIOD_FORMATS); a file may declare another

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
    def feeds(self) -> tuple[str, ...]:
        """Every facts measure this template's data ends up in."""
        return tuple(self.measures.values()) + self.derived_measures

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def file_stem(self) -> str:
        return f"bieu_mau_{self.code}"


# ---- shared columns --------------------------------------------------------------------------------
def _commune(header_vi: str = "Mã xã/phường", note_vi: str = "", note_en: str = "") -> Field:
    return Field(
        "commune", header_vi, "Commune code", "commune",
        aliases=("Mã xã", "Mã phường", "Mã đơn vị hành chính", "Mã ĐVHC", "Xã/phường", "Mã xã, phường",
                 "Mã xã/phường nơi cư trú", "Mã xã nơi cư trú", "Commune", "Commune code", "Ward code"),
        note_vi=note_vi or "Mã 5 chữ số của 126 xã, phường (từ 01/7/2025); số liệu trước 07/2025 dùng mã đơn vị cũ. "
                           "Có thể ghi tên xã nếu tên không trùng.",
        note_en=note_en or "5-digit code of the 126 communes and wards (since 1 July 2025); data before July 2025 "
                           "uses the old unit codes. A unique commune name is also accepted.",
        example="00004",
    )


def _commune_name() -> Field:
    return Field("commune_name", "Tên xã/phường", "Commune name", "text", required=False,
                 aliases=("Tên xã", "Tên phường", "Tên đơn vị", "Commune name", "Ward name"),
                 note_vi="Không bắt buộc; nếu có phải khớp với mã.", note_en="Optional; must match the code if given.",
                 example="Phường Ba Đình")


def _period(header_vi: str = "Tháng báo cáo", example: str = "09/2026") -> Field:
    return Field("period", header_vi, "Reporting month", "period",
                 aliases=("Kỳ báo cáo", "Tháng", "Tháng/năm", "Kỳ", "Tháng cập nhật", "Tháng dữ liệu", "Period",
                          "Month", "Reporting month"),
                 note_vi="Tháng/năm, ví dụ 09/2026 hoặc 2026-09.", note_en="Month and year, e.g. 09/2026 or 2026-09.",
                 example=example)


def _sector(header_vi: str = "Ngành kinh tế (VSIC)", required: bool = True) -> Field:
    return Field("sector", header_vi, "Economic sector (VSIC)", "sector", required=required,
                 aliases=("Ngành kinh tế", "Mã ngành", "Ngành", "Mã ngành VSIC", "Ngành VSIC", "Ngành nghề",
                          "Sector", "VSIC", "VSIC section"),
                 note_vi="Chữ cái ngành cấp 1 VSIC 2018 (A–U).", note_en="VSIC 2018 section letter (A–U).",
                 example="C")


def _status() -> Field:
    return Field("status", "Tình trạng số liệu", "Data status", "status", required=False,
                 aliases=("Loại số liệu", "Trạng thái số liệu", "Status", "Data status"),
                 choices=(Choice("official", "Chính thức", "Official", ("chinh thuc",)),
                          Choice("preliminary", "Sơ bộ", "Preliminary", ("so bo", "uoc thuc hien", "tam tinh")),
                          Choice("estimate", "Ước tính", "Estimate", ("uoc tinh", "uoc luong"))),
                 note_vi="Chính thức / Sơ bộ / Ước tính; để trống = mặc định của nguồn.",
                 note_en="Official / Preliminary / Estimate; blank = the source's default.",
                 example="Chính thức")


def _count(key: str, header_vi: str, header_en: str, measure: str | None = None, required: bool = True,
           aliases: tuple[str, ...] = (), example: str = "0") -> Field:
    return Field(key, header_vi, header_en, "count", required=required, aliases=aliases, measure=measure,
                 note_vi="Số nguyên không âm.", note_en="A non-negative whole number.", example=example)


def _cccd() -> Field:
    return Field("cccd", "Số định danh cá nhân (CCCD)", "Personal ID number (CCCD)", "cccd",
                 aliases=("Số CCCD", "CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh", "Số định danh cá nhân",
                          "Citizen ID", "Personal ID"),
                 note_vi="12 chữ số; 3 số đầu là mã tỉnh nơi đăng ký khai sinh. Được mã hóa một chiều (HMAC) trước khi lưu.",
                 note_en="12 digits; the first 3 are the province of birth registration. Replaced by a keyed hash "
                         "(HMAC) before anything is stored.",
                 example="001090012345")


def _employer(required: bool = True, header_vi: str = "Mã số thuế đơn vị sử dụng lao động") -> Field:
    return Field("employer", header_vi, "Employer tax code", "employer", required=required,
                 aliases=("Mã số thuế", "MST", "Mã đơn vị", "Mã số thuế doanh nghiệp", "Mã đơn vị tham gia BHXH",
                          "Mã số thuế người sử dụng lao động", "Employer", "Employer code", "Employer tax code"),
                 note_vi="Mã số thuế 10 số (hoặc 10 số - 3 số của chi nhánh).",
                 note_en="10-digit tax code (or 10-3 digits for a branch).", example="0101234567")


# ---- the templates -----------------------------------------------------------------------------------
COMMUNE_JOBS = Template(
    code="commune_jobs",
    name_vi="Báo cáo giải quyết việc làm hằng tháng của xã, phường",
    name_en="Monthly job-creation report of a commune or ward",
    source="jobs_report", agency_vi="UBND xã, phường → Sở Nội vụ", agency_en="Commune people's committees → Department of Home Affairs",
    level="aggregate", default_status="preliminary", cadence="monthly", due_days=20,
    description_vi="Mỗi xã, phường một dòng mỗi tháng: việc làm mới theo kênh và lao động nhóm ưu tiên (số phát sinh trong tháng).",
    description_en="One row per commune and month: new jobs by channel and priority-group workers (counts for the month).",
    fields=(
        _commune(), _commune_name(), _period(),
        _count("jobs_loans", "Việc làm mới qua vay vốn chính sách", "New jobs through policy loans", "jobs_loans",
               aliases=("Qua vay vốn", "Vay vốn", "Vay vốn chính sách", "Vay vốn Quỹ quốc gia về việc làm"), example="35"),
        _count("jobs_fairs", "Việc làm mới qua phiên giao dịch việc làm", "New jobs through job fairs", "jobs_fairs",
               aliases=("Qua phiên giao dịch việc làm", "Phiên giao dịch việc làm", "Qua sàn giao dịch việc làm"), example="28"),
        _count("jobs_abroad", "Lao động đi làm việc ở nước ngoài", "Workers placed abroad", "jobs_abroad",
               aliases=("Đi làm việc ở nước ngoài", "Xuất khẩu lao động", "Đi làm việc ở nước ngoài theo hợp đồng"), example="3"),
        _count("jobs_other", "Việc làm mới qua kênh khác", "New jobs through other channels", "jobs_other",
               aliases=("Kênh khác", "Phát triển kinh tế - xã hội", "Qua phát triển kinh tế - xã hội"), example="79"),
        _count("jobs_total", "Tổng số lao động được giải quyết việc làm mới", "Total new jobs",
               aliases=("Tổng số", "Tổng cộng", "Tổng số việc làm mới", "Tổng"), example="145"),
        _count("priority_group_members", "Lao động nhóm ưu tiên có nhu cầu", "Priority-group workers with a need",
               "priority_group_members", aliases=("Nhóm ưu tiên có nhu cầu",), example="80"),
        _count("priority_reached", "Lao động nhóm ưu tiên được tư vấn, kết nối việc làm",
               "Priority-group workers counselled or connected", "priority_reached",
               aliases=("Nhóm ưu tiên được tư vấn, kết nối", "Được tư vấn, kết nối việc làm"), example="72"),
        Field("priority_reached_rate", "Tỷ lệ nhóm ưu tiên được tư vấn, kết nối (%)",
              "Share of priority-group workers reached (%)", "rate", required=False,
              aliases=("Tỷ lệ được tư vấn, kết nối", "Tỷ lệ tiếp cận"),
              note_vi="Không bắt buộc; 0–100, phải khớp với hai cột số người.",
              note_en="Optional; 0–100, must match the two counts.", example="90,0"),
        _count("priority_new_jobs", "Việc làm mới cho lao động nhóm ưu tiên", "New jobs for priority-group workers",
               "priority_new_jobs", aliases=("Nhóm ưu tiên có việc làm mới",), example="11"),
        _status(),
    ),
    key=("commune", "period"),
    rules=(
        SumEquals("jobs_total", ("jobs_loans", "jobs_fairs", "jobs_abroad", "jobs_other")),
        AtMost("priority_reached", "priority_group_members"),
        AtMost("priority_new_jobs", "jobs_total"),
        RateMatches("priority_reached_rate", "priority_reached", "priority_group_members"),
    ),
)

_BHXH_SCHEMES = (Choice("compulsory", "Bắt buộc", "Compulsory", ("bhxh bat buoc", "bb")),
                 Choice("voluntary", "Tự nguyện", "Voluntary", ("bhxh tu nguyen", "tn")))
_BHXH_CHANGES = (Choice("active", "Đang tham gia", "Participating", ("dang dong", "binh thuong", "duy tri")),
                 Choice("new", "Tăng mới", "New", ("tang", "tang moi trong thang")),
                 Choice("left", "Giảm", "Left", ("giam trong thang", "dung tham gia", "bao giam")),
                 Choice("arrears", "Chậm đóng", "In arrears", ("no dong", "cham dong, no dong", "tam dung dong")))

BHXH_PARTICIPANTS = Template(
    code="bhxh_participants",
    name_vi="Danh sách người tham gia BHXH, BHTN (trích xuất của BHXH Hà Nội)",
    name_en="BHXH and BHTN participant extract (Hanoi Social Security)",
    source="bhxh", agency_vi="BHXH thành phố Hà Nội", agency_en="Hanoi Social Security",
    level="person", default_status="official", cadence="monthly", due_days=15,
    description_vi="Mỗi người tham gia một dòng mỗi tháng (mỗi đơn vị đóng, nếu có nhiều); biến động trong tháng.",
    description_en="One row per participant per month (per contributing employer); the month's change.",
    fields=(
        _cccd(), _commune("Mã xã/phường nơi cư trú"), _period("Tháng dữ liệu"),
        Field("scheme", "Loại hình tham gia", "Scheme", "enum", choices=_BHXH_SCHEMES,
              aliases=("Loại hình", "Hình thức tham gia", "Scheme"), note_vi="Bắt buộc / Tự nguyện.",
              note_en="Compulsory / Voluntary.", example="Bắt buộc"),
        _employer(required=False, header_vi="Mã đơn vị (mã số thuế)"),
        _sector("Ngành kinh tế của đơn vị (VSIC)", required=False),
        Field("bhtn", "Tham gia BHTN", "In unemployment insurance", "enum",
              choices=(Choice("yes", "Có", "Yes", ("x", "1", "co tham gia")), Choice("no", "Không", "No", ("0", "khong tham gia"))),
              aliases=("BHTN", "Có tham gia BHTN", "Unemployment insurance"), note_vi="Có / Không.", note_en="Yes / No.",
              example="Có"),
        Field("change", "Biến động trong tháng", "Change in the month", "enum", choices=_BHXH_CHANGES,
              aliases=("Biến động", "Tình trạng tham gia", "Trạng thái", "Change"),
              note_vi="Đang tham gia / Tăng mới / Giảm / Chậm đóng.", note_en="Participating / New / Left / In arrears.",
              example="Đang tham gia"),
    ),
    key=("cccd", "employer", "period"),
    rules=(RequiredWhen("employer", "scheme", ("compulsory",)), RequiredWhen("sector", "scheme", ("compulsory",))),
    sector_breakdown=True,
    derived_measures=("bhxh_compulsory", "bhxh_new", "bhxh_lost", "bhxh_voluntary", "bhtn"),
)

_EMPLOYMENT = (Choice("wage", "Làm công ăn lương", "Wage employee", ("lam cong huong luong", "lao dong lam cong")),
               Choice("employer", "Chủ cơ sở", "Employer", ("chu co so san xuat kinh doanh",)),
               Choice("own_account", "Tự làm", "Own-account worker", ("lao dong tu lam", "tu lam")),
               Choice("family", "Lao động gia đình", "Contributing family worker", ("lao dong gia dinh khong huong luong",)),
               Choice("unemployed", "Thất nghiệp", "Unemployed", ("dang tim viec",)),
               Choice("inactive", "Không tham gia lực lượng lao động", "Outside the labour force",
                      ("ngoai luc luong lao dong", "khong tham gia llld")))
_CONTRACTS = (Choice("none", "Không có hợp đồng", "No contract", ("khong co hd", "khong hd")),
              Choice("under_1m", "Dưới 1 tháng", "Under 1 month", ("hd duoi 1 thang",)),
              Choice("1m_plus", "Từ 1 tháng trở lên", "1 month or more", ("hd tu 1 thang tro len", "co thoi han")),
              Choice("indefinite", "Không xác định thời hạn", "Indefinite", ("hd khong xac dinh thoi han",)))
# Employees with a contract of one month or more must be in compulsory BHXH (Law 41/2024/QH15, art. 2).
COMPULSORY_CONTRACTS = ("1m_plus", "indefinite")

LABOUR_REGISTER = Template(
    code="labour_register",
    name_vi="Dữ liệu đăng ký lao động (Nghị định 318/2025/NĐ-CP)",
    name_en="Labour register extract (Decree 318/2025)",
    source="employment_service", agency_vi="Trung tâm Dịch vụ việc làm Hà Nội (Cổng thông tin việc làm)",
    agency_en="Hanoi Employment Service Centre (city jobs portal)",
    level="person", default_status="official", cadence="monthly", due_days=15,
    description_vi="Mỗi người lao động đã đăng ký một dòng: tình trạng việc làm tại tháng cập nhật.",
    description_en="One row per registered worker: employment situation in the update month.",
    fields=(
        _cccd(),
        Field("birth_year", "Năm sinh", "Year of birth", "year", aliases=("Năm sinh", "Year of birth"),
              note_vi="4 chữ số; từ 15 tuổi trở lên tại tháng cập nhật.", note_en="4 digits; aged 15+ in the update month.",
              example="1990"),
        Field("sex", "Giới tính", "Sex", "enum",
              choices=(Choice("male", "Nam", "Male", ("m",)), Choice("female", "Nữ", "Female", ("f",))),
              aliases=("Sex", "Gender"), note_vi="Nam / Nữ.", note_en="Male / Female.", example="Nữ"),
        _commune("Mã xã/phường nơi cư trú"), _period("Tháng cập nhật"),
        Field("employment", "Tình trạng việc làm", "Employment status", "enum", choices=_EMPLOYMENT,
              aliases=("Tình trạng hoạt động", "Employment status"),
              note_vi="Làm công ăn lương / Chủ cơ sở / Tự làm / Lao động gia đình / Thất nghiệp / Không tham gia lực lượng lao động.",
              note_en="Wage employee / Employer / Own-account / Family worker / Unemployed / Outside the labour force.",
              example="Làm công ăn lương"),
        Field("contract", "Loại hợp đồng lao động", "Labour contract", "enum", required=False, choices=_CONTRACTS,
              aliases=("Hợp đồng lao động", "Loại HĐLĐ", "Contract"),
              note_vi="Bắt buộc với người làm công ăn lương.", note_en="Required for wage employees.",
              example="Từ 1 tháng trở lên"),
        _employer(required=False), _sector(required=False),
    ),
    key=("cccd", "period"),
    rules=(RequiredWhen("contract", "employment", ("wage",)),
           RequiredWhen("employer", "contract", COMPULSORY_CONTRACTS),
           RequiredWhen("sector", "employment", ("wage", "employer", "own_account", "family"))),
    sector_breakdown=True,
)

VACANCIES = Template(
    code="vacancies",
    name_vi="Việc làm trống (việc tìm người) của Trung tâm Dịch vụ việc làm",
    name_en="Vacancies posted at the Employment Service Centre",
    source="employment_service", agency_vi="Trung tâm Dịch vụ việc làm Hà Nội", agency_en="Hanoi Employment Service Centre",
    level="aggregate", default_status="official", cadence="monthly", due_days=15,
    description_vi="Số chỗ làm việc trống đăng tuyển trong tháng theo xã (nơi làm việc) và ngành.",
    description_en="Vacancies posted in the month by commune (place of work) and sector.",
    fields=(_commune(), _period(), _sector(),
            _count("vacancies", "Số chỗ làm việc trống", "Vacancies", "vacancies",
                   aliases=("Việc làm trống", "Nhu cầu tuyển dụng", "Số vị trí cần tuyển", "Vacancies"), example="42"),
            _status()),
    key=("commune", "sector", "period"),
    sector_breakdown=True,
)

JOB_SEEKERS = Template(
    code="job_seekers",
    name_vi="Người đăng ký tìm việc (người tìm việc) tại Trung tâm Dịch vụ việc làm",
    name_en="Registered job seekers at the Employment Service Centre",
    source="employment_service", agency_vi="Trung tâm Dịch vụ việc làm Hà Nội", agency_en="Hanoi Employment Service Centre",
    level="aggregate", default_status="official", cadence="monthly", due_days=15,
    description_vi="Số người đăng ký tìm việc trong tháng theo xã nơi cư trú và ngành mong muốn.",
    description_en="Job seekers registered in the month by commune of residence and wanted sector.",
    fields=(_commune(), _period(), _sector("Ngành mong muốn (VSIC)"),
            _count("job_seekers", "Số người đăng ký tìm việc", "Job seekers", "job_seekers",
                   aliases=("Người tìm việc", "Số người tìm việc", "Job seekers"), example="17"),
            _status()),
    key=("commune", "sector", "period"),
    sector_breakdown=True,
)

TRAINING = Template(
    code="training",
    name_vi="Báo cáo tuyển sinh, tốt nghiệp của cơ sở giáo dục nghề nghiệp",
    name_en="Vocational training institution report (enrolment and graduates)",
    source="training", agency_vi="Cơ sở GDNN → Sở Giáo dục và Đào tạo", agency_en="Training institutions → Department of Education and Training",
    level="aggregate", default_status="official", cadence="monthly", due_days=20,
    description_vi="Mỗi cơ sở một dòng cho mỗi xã nơi cư trú của người học và mỗi tháng.",
    description_en="One row per institution, commune of the learners' residence and month.",
    fields=(
        Field("institution", "Mã cơ sở đào tạo", "Institution code", "text",
              aliases=("Mã cơ sở", "Mã cơ sở GDNN", "Mã trường", "Institution", "Institution code"),
              note_vi="Mã cơ sở giáo dục nghề nghiệp.", note_en="Vocational institution code.", example="GDNN-0123"),
        Field("institution_name", "Tên cơ sở đào tạo", "Institution name", "text", required=False,
              aliases=("Tên cơ sở", "Tên trường", "Institution name"), example="Trường Cao đẳng nghề A"),
        _commune("Mã xã/phường nơi cư trú của người học"), _period(),
        _count("enrolled", "Tổng số tuyển sinh", "Total enrolment", aliases=("Tuyển sinh", "Số tuyển sinh"), example="120"),
        _count("rural_vocational_trainees", "Trong đó: lao động nông thôn học nghề", "Of which: rural workers",
               "rural_vocational_trainees", aliases=("Lao động nông thôn học nghề", "LĐ nông thôn học nghề"), example="30"),
        _count("priority_short_trainees", "Trong đó: nhóm ưu tiên học sơ cấp, dưới 3 tháng",
               "Of which: priority-group short courses", "priority_short_trainees",
               aliases=("Nhóm ưu tiên học sơ cấp, dưới 3 tháng", "Nhóm ưu tiên đào tạo ngắn hạn"), example="12"),
        _count("graduates", "Số tốt nghiệp", "Graduates", aliases=("Tốt nghiệp",), example="90"),
        _count("graduates_employed", "Số có việc làm sau tốt nghiệp", "Graduates in work",
               aliases=("Có việc làm sau tốt nghiệp",), example="78"),
        Field("employment_rate", "Tỷ lệ có việc làm sau tốt nghiệp (%)", "Graduates in work (%)", "rate", required=False,
              aliases=("Tỷ lệ có việc làm",), note_vi="Không bắt buộc; 0–100.", note_en="Optional; 0–100.", example="86,7"),
        _status(),
    ),
    key=("institution", "commune", "period"),
    rules=(AtMost("rural_vocational_trainees", "enrolled"), AtMost("priority_short_trainees", "enrolled"),
           AtMost("graduates_employed", "graduates"),
           RateMatches("employment_rate", "graduates_employed", "graduates")),
)


def _estimate(key: str, header_vi: str, header_en: str, required: bool, example: str, se_example: str) -> tuple[Field, Field]:
    value = Field(key, header_vi, header_en, "decimal", required=required, measure=key,
                  note_vi="Ước lượng suy rộng (người).", note_en="Weighted estimate (persons).", example=example)
    se = Field(f"{key}_se", f"Sai số chuẩn: {header_vi[0].lower()}{header_vi[1:]}", f"Standard error: {header_en}",
               "decimal", required=False, se_of=key, aliases=(f"SE {header_vi}", f"SE {header_en}"),
               note_vi="Sai số chuẩn của ước lượng (người).", note_en="Standard error of the estimate (persons).",
               example=se_example)
    return value, se


LFS_ESTIMATES = Template(
    code="lfs_estimates",
    name_vi="Ước lượng điều tra Lao động - Việc làm cấp xã (kèm sai số chuẩn)",
    name_en="Labour Force Survey commune estimates (with standard errors)",
    source="lfs", agency_vi="Thống kê Hà Nội", agency_en="Hanoi Statistics Office",
    level="aggregate", default_status="estimate", cadence="monthly", due_days=45,
    description_vi="Mỗi xã một dòng mỗi tháng: ước lượng suy rộng và sai số chuẩn.",
    description_en="One row per commune and month: weighted estimates and their standard errors.",
    fields=(
        _commune(), _period(),
        *_estimate("labour_force", "Lực lượng lao động từ 15 tuổi", "Labour force aged 15+", True, "31.250", "640,5"),
        *_estimate("unemployed", "Người thất nghiệp", "Unemployed", True, "705", "180,2"),
        *_estimate("trained", "Lao động đã qua đào tạo", "Trained workers", False, "23.800", "560"),
        *_estimate("trained_certified", "Lao động có bằng cấp, chứng chỉ", "With a degree or certificate", False, "17.400", "520"),
        *_estimate("it_skilled", "Lao động có kỹ năng CNTT cơ bản", "With basic IT skills", False, "22.100", "555"),
        _status(),
    ),
    key=("commune", "period"),
    rules=(AtMost("unemployed", "labour_force"), AtMost("trained", "labour_force"),
           AtMost("trained_certified", "trained"), AtMost("it_skilled", "labour_force")),
)

TEMPLATES: dict[str, Template] = {t.code: t for t in (
    COMMUNE_JOBS, BHXH_PARTICIPANTS, LABOUR_REGISTER, VACANCIES, JOB_SEEKERS, TRAINING, LFS_ESTIMATES)}


def get_template(code: str) -> Template:
    """The template with this code; KeyError lists the known ones."""
    try:
        return TEMPLATES[code]
    except KeyError:
        raise KeyError(f"unknown template {code!r}; known: {', '.join(TEMPLATES)}") from None


def templates_for_measure(measure: str) -> list[Template]:
    """Templates whose rows feed a facts measure (for freshness: which source is late)."""
    return [t for t in TEMPLATES.values() if measure in t.feeds]


# ---- the downloadable XLSX form ----------------------------------------------------------------------
def template_guide(template: Template, lang: str = "vi") -> pd.DataFrame:
    """One row per column: header, meaning, required, allowed values, example (for the form and the docs)."""
    rows = []
    for f in template.fields:
        allowed = " / ".join(c.label_en if lang == "en" else c.label_vi for c in f.choices)
        rows.append({
            "header": f.header_vi,
            "header_en": f.header_en,
            "required": ("yes" if f.required else "no") if lang == "en" else ("có" if f.required else "không"),
            "note": (f.note_en if lang == "en" else f.note_vi) + (f" ({allowed})" if allowed and allowed not in (f.note_vi + f.note_en) else ""),
            "example": f.example,
        })
    return pd.DataFrame(rows)


def xlsx_template(template: Template) -> bytes:
    """The XLSX form for a template: a data sheet with the exact headers, a guide and the code lists.

    Code columns are formatted as text so that Excel keeps leading zeros ("00004"); enumerated columns
    and the commune and sector columns get drop-down lists.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from store.reference import load_communes, load_sectors

    wb = Workbook()
    ws = wb.active
    ws.title = "Du lieu"
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for col, f in enumerate(template.fields, start=1):
        cell = ws.cell(row=1, column=col, value=f.header_vi)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(14, min(40, len(f.header_vi) * 0.9))
        if f.kind in ("commune", "cccd", "employer", "period", "text", "sector"):
            for row in range(2, 1002):
                ws.cell(row=row, column=col).number_format = "@"
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 45

    lists = wb.create_sheet("Danh muc")
    communes = load_communes()
    lists.append(["Mã xã/phường", "Tên", "Loại"])
    for rec in communes.itertuples():
        lists.append([rec.code, rec.name_vi, "Phường" if rec.type == "phuong" else "Xã"])
    sectors = load_sectors()
    lists.cell(row=1, column=5, value="Mã ngành VSIC")
    lists.cell(row=1, column=6, value="Tên ngành")
    for i, rec in enumerate(sectors.itertuples(), start=2):
        lists.cell(row=i, column=5, value=rec.code)
        lists.cell(row=i, column=6, value=rec.name_vi)
    for col in ("A", "E"):
        for row in range(2, len(communes) + 2):
            lists[f"{col}{row}"].number_format = "@"
    lists.column_dimensions["B"].width = 28
    lists.column_dimensions["F"].width = 50
    choice_col = 8
    for col, f in enumerate(template.fields, start=1):
        letter = get_column_letter(col)
        target = f"{letter}2:{letter}1001"
        if f.kind == "commune":
            dv = DataValidation(type="list", formula1=f"='Danh muc'!$A$2:$A${len(communes) + 1}", allow_blank=True)
        elif f.kind == "sector":
            dv = DataValidation(type="list", formula1=f"='Danh muc'!$E$2:$E${len(sectors) + 1}", allow_blank=True)
        elif f.choices:
            lists.cell(row=1, column=choice_col, value=f.header_vi)
            for i, c in enumerate(f.choices, start=2):
                lists.cell(row=i, column=choice_col, value=c.label_vi)
            cl = get_column_letter(choice_col)
            dv = DataValidation(type="list", formula1=f"='Danh muc'!${cl}$2:${cl}${len(f.choices) + 1}", allow_blank=True)
            choice_col += 1
        else:
            continue
        dv.error = "Giá trị không có trong danh mục / Value not in the list"
        dv.showErrorMessage = False  # free typing is allowed; the pipeline validates and explains
        ws.add_data_validation(dv)
        dv.add(target)

    guide = wb.create_sheet("Huong dan")
    guide.append([template.name_vi])
    guide.append([template.name_en])
    guide.append([template.description_vi])
    guide.append([template.description_en])
    guide.append([])
    guide.append(["Cột / Column", "Tiếng Anh / English", "Bắt buộc / Required", "Hướng dẫn", "Guidance", "Ví dụ / Example"])
    for f in template.fields:
        allowed_vi = " / ".join(c.label_vi for c in f.choices)
        guide.append([f.header_vi, f.header_en, "Có / Yes" if f.required else "Không / No",
                      f.note_vi or allowed_vi, f.note_en, f.example])
    for rule in template.rules:
        guide.append([rule_text(template, rule, "vi"), rule_text(template, rule, "en")])
    guide.append([])
    guide.append(["Số: dùng dấu phẩy thập phân (1.234,5) hoặc dấu chấm (1,234.5); không để ô trống ở cột bắt buộc.",
                  "Numbers: decimal comma (1.234,5) or point (1,234.5); required cells must not be blank."])
    for col, width in zip("ABCDEF", (42, 34, 14, 60, 60, 20)):
        guide.column_dimensions[col].width = width
    guide["A1"].font = Font(bold=True, size=13)
    for cell in guide[6]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rule_text(template: Template, rule: Rule, lang: str = "vi") -> str:
    """A cross-column rule in words, with the columns' headers."""
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
