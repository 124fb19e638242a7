"""The import workbook's layout: one sheet per kind of record and its columns, and what an import
answers (ImportResult: the problems, in the register's way of placing them, and the counts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from thidua.honours.models import (
    DISCIPLINE_FORMS,
    INITIATIVE_KIND_CHOICES,
    RatingLevel,
    Scope,
    award_choices,
)
from thidua.lib.cells import CellError

DATA_ROWS = 2000  # rows prepared (unlocked, validated) in the template
YES_NO = (("co", "Có"), ("khong", "Không"))


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text | year | date | choice | bool | unit
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    width: int = 18
    help: str = ""

    @property
    def title(self) -> str:
        return f"{self.header} *" if self.required else self.header


@dataclass(frozen=True)
class SheetSpec:
    name: str
    key: str
    help: str
    columns: tuple[Column, ...]

    def number(self, key: str) -> int:
        """The 1-based column of a field."""
        for i, col in enumerate(self.columns, start=1):
            if col.key == key:
                return i
        raise KeyError(key)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


OFFICER = Column(
    "Số hiệu CAND",
    "officer",
    width=14,
    help="Số hiệu của cán bộ (có trong hệ thống hoặc ở trang “Cán bộ”).",
)
UNIT = Column(
    "Đơn vị",
    "unit",
    "unit",
    width=30,
    help="Mã đơn vị (ví dụ hoa-binh) hoặc tên đơn vị khi đó (ví dụ Công an tỉnh Hòa Bình).",
)

SHEETS = (
    SheetSpec(
        "Cán bộ",
        "people",
        "Mỗi dòng một cán bộ, chiến sĩ mới (số hiệu chưa có trong hệ thống).",
        (
            Column("Số hiệu CAND", "officer", required=True, width=14),
            Column("Họ và tên", "full_name", required=True, width=28),
            Column("Cấp bậc hàm", "rank", width=16),
            Column("Chức vụ", "position", width=22),
            Column("Đơn vị", "unit", "unit", required=True, width=30, help=UNIT.help),
            Column("Bộ phận", "department", width=24, help="Phòng, đội, công an xã (nếu có)."),
            Column("Công tác từ ngày", "start", "date", required=True, width=14, help="dd/mm/yyyy"),
            Column(
                "Dữ liệu đầy đủ từ năm",
                "records_from",
                "year",
                width=12,
                help="Để trống nếu hồ sơ khen thưởng đầy đủ mọi năm.",
            ),
            Column(
                "Đã xác minh kỷ luật",
                "discipline_checked",
                "bool",
                choices=YES_NO,
                width=12,
                help="Có/Không; để trống = Có.",
            ),
        ),
    ),
    SheetSpec(
        "Xếp loại",
        "ratings",
        "Kết quả xếp loại hằng năm của cá nhân (ghi số hiệu) hoặc tập thể (ghi đơn vị).",
        (
            OFFICER,
            UNIT,
            Column("Năm", "year", "year", required=True, width=8),
            Column(
                "Mức xếp loại",
                "rating",
                "choice",
                required=True,
                choices=tuple(RatingLevel.choices),
                width=30,
            ),
        ),
    ),
    SheetSpec(
        "Sáng kiến",
        "initiatives",
        "Sáng kiến, đề tài khoa học, mưu trí sáng tạo đã được công nhận.",
        (
            Column("Số hiệu CAND", "officer", required=True, width=14),
            Column("Năm công nhận", "year", "year", required=True, width=10),
            Column("Tên sáng kiến, đề tài", "title", required=True, width=40),
            Column(
                "Loại",
                "kind",
                "choice",
                required=True,
                choices=tuple(INITIATIVE_KIND_CHOICES),
                width=30,
            ),
            Column(
                "Phạm vi công nhận",
                "scope",
                "choice",
                required=True,
                choices=tuple(Scope.choices),
                width=14,
            ),
            Column("Số quyết định công nhận", "decision_no", width=18),
        ),
    ),
    SheetSpec(
        "Kỷ luật",
        "disciplines",
        "Kỷ luật hoặc đang xem xét kỷ luật, của cá nhân (số hiệu) hoặc tập thể (đơn vị).",
        (
            OFFICER,
            UNIT,
            Column(
                "Hình thức kỷ luật",
                "form",
                "choice",
                choices=tuple(DISCIPLINE_FORMS),
                width=22,
                help="Để trống nếu đang xem xét kỷ luật.",
            ),
            Column("Đang xem xét kỷ luật", "awaiting_review", "bool", choices=YES_NO, width=12),
            Column("Từ ngày", "start", "date", required=True, width=13),
            Column("Đến ngày", "end", "date", width=13, help="Ngày hết thời hạn kỷ luật."),
            Column("Số quyết định", "decision_no", width=16),
        ),
    ),
    SheetSpec(
        "Khen thưởng",
        "commendations",
        "Mỗi dòng một danh hiệu hoặc hình thức khen thưởng của một cá nhân hoặc một tập thể.",
        (
            OFFICER,
            UNIT,
            Column(
                "Danh hiệu, hình thức",
                "award_code",
                "choice",
                required=True,
                choices=tuple(award_choices()),
                width=34,
            ),
            Column("Năm", "year", "year", required=True, width=8, help="Năm thành tích."),
            Column("Số quyết định", "decision_no", required=True, width=16),
            Column("Ngày quyết định", "decision_date", "date", required=True, width=14),
            Column("Cơ quan ban hành", "issuer", required=True, width=26),
            Column("Căn cứ pháp lý", "legal_basis", width=28),
            Column("Mã thành tích", "achievement_ref", width=14),
            Column("Thành tích", "achievement", width=40),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}


@dataclass
class ImportResult:
    errors: list[CellError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        labels = {
            "people": "cán bộ",
            "ratings": "kết quả xếp loại",
            "initiatives": "sáng kiến",
            "disciplines": "kỷ luật",
            "commendations": "khen thưởng",
        }
        parts = [f"{n} {labels[k]}" for k, n in self.counts.items() if n]
        return ", ".join(parts) or "không có dòng dữ liệu nào"


LISTS_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"


def problem(sheet: str, row: int, message: str) -> CellError:
    """A problem of a whole row or sheet (no column), placed the register's way."""
    return CellError(sheet, row, message=message, layout="register")
