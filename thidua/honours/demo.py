"""Illustrative commendation records ("dữ liệu minh họa") for the demo: invented people with
histories that exercise the rules, never real officers.

Công an tỉnh Phú Thọ (after the merger of 1/7/2025 with Hòa Bình and Vĩnh Phúc) and Công an tỉnh
Bắc Giang. The people show: a Chiến sĩ thi đua cơ sở chain running across the Hòa Bình → Phú Thọ
merger (eligible for the ministry-level title), a revoked award that breaks a chain, a discipline
period that blocks every title, a missing initiative ("why not"), and a review awaiting decision.
Built through the model methods (audited as the system), and only once: re-running adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from thidua.honours.models import Commendation, Person, UnitRating
from thidua.org.models import Unit

NOTE = "Dữ liệu minh họa: người và quyết định không có thật, dùng để trình diễn các quy tắc."
XS, TOT = "hoan_thanh_xuat_sac", "hoan_thanh_tot"
CSTT, CSTDCS = "chien_si_tien_tien", "chien_si_thi_dua_co_so"
ISSUER_HBH = "Giám đốc Công an tỉnh Hòa Bình"
ISSUER_PTO = "Giám đốc Công an tỉnh Phú Thọ"
ISSUER_BGG = "Giám đốc Công an tỉnh Bắc Giang"


@dataclass
class DemoPerson:
    code: str
    name: str
    rank: str
    position: str
    unit: str
    since: dt.date
    department: str = ""
    ratings: dict[int, str] = field(default_factory=dict)
    titles: list[tuple[str, int, str]] = field(default_factory=list)  # (award, year, issuer)
    initiatives: list[tuple[int, str, str]] = field(default_factory=list)  # (year, title, scope)
    disciplines: list[dict] = field(default_factory=list)
    revoke: list[tuple[str, int]] = field(default_factory=list)


PEOPLE = [
    DemoPerson(
        "MH-PT-001",
        "Nguyễn Văn An",
        "Thiếu tá",
        "Đội trưởng",
        "hoa-binh",
        dt.date(2015, 3, 1),
        "Phòng Cảnh sát hình sự",
        ratings={2021: XS, 2022: XS, 2023: XS, 2024: XS, 2025: XS},
        titles=[
            (CSTT, 2021, ISSUER_HBH),
            (CSTT, 2022, ISSUER_HBH),
            (CSTT, 2023, ISSUER_HBH),
            (CSTDCS, 2023, ISSUER_HBH),
            (CSTT, 2024, ISSUER_HBH),
            (CSTDCS, 2024, ISSUER_HBH),
            # After the merger of 1/7/2025 the same officer, same posting, now in Phú Thọ.
            (CSTT, 2025, ISSUER_PTO),
            (CSTDCS, 2025, ISSUER_PTO),
        ],
        initiatives=[(2024, "Quy trình truy xét nhanh qua dữ liệu dân cư", "bo")],
    ),
    DemoPerson(
        "MH-PT-002",
        "Trần Thị Bình",
        "Đại úy",
        "Cán bộ",
        "hoa-binh",
        dt.date(2016, 8, 1),
        "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
        ratings={2022: XS, 2023: XS, 2024: XS},
        titles=[
            (CSTT, 2022, ISSUER_HBH),
            (CSTDCS, 2022, ISSUER_HBH),
            (CSTT, 2023, ISSUER_HBH),
            (CSTDCS, 2023, ISSUER_HBH),
            (CSTT, 2024, ISSUER_HBH),
            (CSTDCS, 2024, ISSUER_HBH),
        ],
        initiatives=[(2023, "Số hóa hồ sơ cư trú cấp xã", "bo")],
        revoke=[(CSTDCS, 2023)],
    ),
    DemoPerson(
        "MH-PT-003",
        "Lê Văn Cường",
        "Thượng úy",
        "Cán bộ",
        "phu-tho",
        dt.date(2018, 1, 1),
        "Phòng Cảnh sát giao thông",
        ratings={2024: XS, 2025: TOT},
        titles=[(CSTT, 2024, "Giám đốc Công an tỉnh Phú Thọ (cũ)")],
        disciplines=[
            {
                "form": "khien_trach",
                "start": dt.date(2025, 3, 1),
                "end": dt.date(2026, 2, 28),
                "decision_no": "MH-15/QĐ-CAT",
            }
        ],
    ),
    DemoPerson(
        "MH-PT-004",
        "Phạm Thị Dung",
        "Trung úy",
        "Cán bộ",
        "vinh-phuc",
        dt.date(2020, 9, 1),
        "Phòng Tham mưu",
        ratings={2024: TOT, 2025: TOT},
        titles=[(CSTT, 2024, "Giám đốc Công an tỉnh Vĩnh Phúc")],
    ),
    DemoPerson(
        "MH-BG-001",
        "Hoàng Văn Em",
        "Thiếu tá",
        "Phó Trưởng phòng",
        "bac-giang",
        dt.date(2012, 5, 1),
        "Phòng An ninh kinh tế",
        ratings={2023: XS, 2024: XS},
        titles=[(CSTT, 2023, ISSUER_BGG), (CSTDCS, 2023, ISSUER_BGG), (CSTT, 2024, ISSUER_BGG)],
        initiatives=[(2024, "Phần mềm theo dõi chỉ tiêu Đề án 06", "co_so")],
    ),
    DemoPerson(
        "MH-BG-002",
        "Vũ Thị Giang",
        "Đại úy",
        "Cán bộ",
        "bac-giang",
        dt.date(2017, 2, 1),
        "Phòng Hồ sơ",
        ratings={2024: XS},
        titles=[(CSTT, 2024, ISSUER_BGG)],
        disciplines=[{"awaiting_review": True, "start": dt.date(2024, 11, 20)}],
    ),
]

UNIT_TITLES = [
    # (unit, award, year, decision, date, issuer)
    (
        "hoa-binh",
        "don_vi_quyet_thang",
        2023,
        "MH-120/QĐ-BCA",
        dt.date(2024, 1, 15),
        "Bộ trưởng Bộ Công an",
    ),
    (
        "hoa-binh",
        "don_vi_quyet_thang",
        2024,
        "MH-98/QĐ-BCA",
        dt.date(2025, 1, 20),
        "Bộ trưởng Bộ Công an",
    ),
    (
        "bac-giang",
        "co_thi_dua_bo_cong_an",
        2021,
        "MH-77/QĐ-BCA",
        dt.date(2022, 1, 10),
        "Bộ trưởng Bộ Công an",
    ),
]
UNIT_RATINGS = [("hoa-binh", 2023, XS), ("hoa-binh", 2024, XS), ("phu-tho-2025", 2025, XS)]


def _decision_no(person: DemoPerson, award: str, year: int) -> str:
    return f"MH-{year}-{person.code[-3:]}-{'CSTDCS' if award == CSTDCS else 'CSTT'}"


@transaction.atomic
def build_demo_honours() -> str:
    """Create the illustrative records that are missing; returns what was added."""
    units = {u.code: u for u in Unit.objects.all()}
    added_people = added_awards = 0
    for d in PEOPLE:
        if Person.objects.filter(officer_code=d.code).exists():
            continue
        person = Person.create(
            by=None,
            unit=units[d.unit],
            start=d.since,
            department=d.department,
            illustrative=True,
            officer_code=d.code,
            full_name=d.name,
            rank=d.rank,
            position=d.position,
            note=NOTE,
        )
        added_people += 1
        for year, rating in d.ratings.items():
            person.set_rating(by=None, year=year, rating=rating)
        for year, title, scope in d.initiatives:
            person.add_initiative(by=None, year=year, title=title, scope=scope, kind="sang_kien")
        for fields in d.disciplines:
            person.add_discipline(by=None, **fields)
        for award, year, issuer in d.titles:
            row = Commendation.create(
                by=None,
                person=person,
                illustrative=True,
                award_code=award,
                year=year,
                decision_no=_decision_no(d, award, year),
                decision_date=dt.date(year, 12, 20),
                issuer=issuer,
                legal_basis="Luật Thi đua, khen thưởng",
                achievement=NOTE,
            )
            added_awards += 1
            if (award, year) in d.revoke:
                _revoke(row)
    for code, award, year, number, day, issuer in UNIT_TITLES:
        if Commendation.objects.filter(unit__code=code, award_code=award, year=year).exists():
            continue
        Commendation.create(
            by=None,
            unit=units[code],
            illustrative=True,
            award_code=award,
            year=year,
            decision_no=number,
            decision_date=day,
            issuer=issuer,
            achievement=NOTE,
        )
        added_awards += 1
    for code, year, rating in UNIT_RATINGS:
        if not UnitRating.objects.filter(unit__code=code, year=year).exists():
            UnitRating.set(by=None, unit=units[code], year=year, rating=rating)
    return f"{added_people} cán bộ, {added_awards} khen thưởng (dữ liệu minh họa)"


def _revoke(row: Commendation) -> None:
    row.revoke(
        by=None,
        decision_no="MH-31/QĐ-CAT",
        decision_date=dt.date(2025, 4, 2),
        ground="sai_su_that_lam_gia_ho_so",
        reason="Minh họa: hồ sơ sáng kiến kê khai không đúng sự thật.",
    )
