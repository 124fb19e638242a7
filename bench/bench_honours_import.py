"""Benchmark of the honours Excel import (thidua.honours.importers.import_workbook): a national file
of 5,000 data rows typed into the downloadable template — 800 new officers, 1,200 ratings, 250
initiatives, 50 discipline entries and 2,700 commendations of officers already in the system, of
the new ones and of units named as they were called in the year of the award (before and after
the mergers of 2025) — imported by the Ministry approver, all or nothing, with its audit records.

Uses a throwaway SQLite database in a temporary folder (migrated, the real unit list loaded, the
demo accounts, 2,000 officers already on record). The same file is then imported again with a few
bad rows at the end, which must be refused whole with row-precise errors. Prints one JSON line per
figure: {"name", "value", "unit", "target", "ok"}.

    .venv/bin/python bench/bench_honours_import.py
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TMP = tempfile.mkdtemp(prefix="thidua-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("THIDUA_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

EXISTING, NEW_PEOPLE, RATINGS, INITIATIVES, DISCIPLINES = 2000, 800, 1200, 250, 50
ROWS = 5000
COMMENDATIONS = ROWS - NEW_PEOPLE - RATINGS - INITIATIVES - DISCIPLINES
TARGET_SECONDS = 10.0

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
SURNAMES += ["Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Lò", "Hà", "Đinh", "Trịnh", "Mai", "Tạ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Xuân", "Công"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng"]
GIVEN += ["Huyền", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương"]
GIVEN += ["Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Việt", "Yến"]
RANKS = ["Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá", "Trung tá", "Thượng tá"]
POSITIONS = ["Cán bộ", "Điều tra viên", "Phó Đội trưởng", "Đội trưởng", "Phó Trưởng phòng"]
DEPARTMENTS = [
    "Phòng Cảnh sát hình sự",
    "Phòng Cảnh sát giao thông",
    "Phòng An ninh điều tra",
    "Phòng Tham mưu",
    "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
    "Công an xã",
]
RATING_LABELS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"]
IDEA_TITLES = [
    "Bản đồ số điểm nóng về trật tự",
    "Quy trình truy xét nhanh qua dữ liệu dân cư",
    "Ứng dụng định danh điện tử trong quản lý cư trú",
    "Phần mềm theo dõi hồ sơ vụ việc",
]


def full_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def build():
    """The database: units, demo accounts, EXISTING officers (bulk, not the subject here)."""
    from thidua.engine import text
    from thidua.honours.models import Person, Posting
    from thidua.org.demo import ensure_demo_accounts
    from thidua.org.loaders import load_units
    from thidua.org.models import Unit, User

    call_command("migrate", verbosity=0)
    load_units()
    ensure_demo_accounts()
    provinces = list(
        Unit.objects.filter(kind=Unit.Kind.PROVINCE_POLICE).valid_on(dt.date(2024, 12, 31))
    )
    rng = random.Random(5000)
    people = []
    for i in range(EXISTING):
        name = full_name(rng)
        people.append(
            Person(
                officer_code=f"CA-{i:05d}",
                full_name=name,
                search_key=text.search_key(name),
                name_sort_key=text.person_sort_key_str(name),
                current_unit=rng.choice(provinces),
            )
        )
    people = Person.objects.bulk_create(people)
    Posting.objects.bulk_create(
        Posting(person=p, unit_id=p.current_unit_id, start=dt.date(2012, 1, 1)) for p in people
    )
    return User.objects.get(username="bo.pheduyet"), people, provinces


def workbook(people, provinces, *, bad_rows: bool = False) -> bytes:
    """The template filled with ROWS data rows (and, if asked, three bad ones at the end)."""
    from openpyxl import load_workbook

    from thidua.honours.importers import template_workbook
    from thidua.honours.models import DISCIPLINE_FORMS, Scope
    from thidua.org.models import Unit

    rng = random.Random(2025)
    wb = load_workbook(io.BytesIO(template_workbook()))
    new_codes = [f"NK-{i:05d}" for i in range(NEW_PEOPLE)]
    ws = wb["Cán bộ"]
    for i, code in enumerate(new_codes):
        unit = rng.choice(provinces)
        start = dt.date(rng.randint(2005, 2020), rng.randint(1, 12), rng.randint(1, 28))
        ws.append(
            [
                code,
                full_name(rng),
                rng.choice(RANKS),
                rng.choice(POSITIONS),
                unit.code if i % 2 else unit.name,  # by code or by its name of the time
                rng.choice(DEPARTMENTS),
                start.strftime("%d/%m/%Y") if i % 3 else dt.datetime(start.year, start.month, 1),
                rng.choice(["", "", 2018]),
                rng.choice(["", "Có", "Không"]),
            ]
        )
    everyone = [p.officer_code for p in people] + new_codes
    ws = wb["Xếp loại"]
    pairs = rng.sample([(c, y) for c in everyone for y in (2022, 2023, 2024)], RATINGS - 40)
    for code, year in pairs:
        ws.append([code, "", year, rng.choice(RATING_LABELS)])
    for unit in rng.sample(provinces, 40):
        ws.append(["", unit.name, 2024, RATING_LABELS[0]])
    ws = wb["Sáng kiến"]
    scopes = [label for _, label in Scope.choices]
    for _ in range(INITIATIVES):
        ws.append(
            [
                rng.choice(everyone),
                rng.choice([2023, 2024]),
                rng.choice(IDEA_TITLES),
                "Sáng kiến",
                rng.choice(scopes[:2]),
                f"{rng.randint(1, 999)}/QĐ-CAT",
            ]
        )
    ws = wb["Kỷ luật"]
    forms = [label for _, label in DISCIPLINE_FORMS]
    for i in range(DISCIPLINES):
        start = dt.date(2024, rng.randint(1, 12), rng.randint(1, 28))
        awaiting = i % 5 == 0
        ws.append(
            [
                rng.choice(everyone),
                "",
                "" if awaiting else rng.choice(forms[:2]),
                "Có" if awaiting else "",
                start,
                None if awaiting else start + dt.timedelta(days=365),
                "" if awaiting else f"{i + 1}/QĐ-XLKL",
            ]
        )
    ws = wb["Khen thưởng"]
    written, taken = 0, set()
    # Collective titles, one per unit line and year (annual titles are given once a year).
    current = {u.pk: u for u in Unit.objects.all()}
    units_2023 = [
        u for u in Unit.objects.filter(kind=Unit.Kind.PROVINCE_POLICE) if u.exists_in_year(2023)
    ]
    for unit in units_2023:
        for year, award in ((2023, "Đơn vị tiên tiến"), (2024, "Đơn vị quyết thắng")):
            line = unit
            while line.successor_id:
                line = current[line.successor_id]
            if (line.pk, year) in taken or written >= 150:
                continue
            taken.add((line.pk, year))
            ws.append(
                [
                    "",
                    unit.name if written % 2 else unit.code,
                    award,
                    year,
                    f"{written + 1}/QĐ-BCA",
                    dt.date(year + 1, 1, 15),
                    "Bộ trưởng Bộ Công an",
                    "Luật Thi đua, khen thưởng 2022",
                    "",
                    "Hoàn thành xuất sắc nhiệm vụ năm",
                ]
            )
            written += 1
    awards = [("Chiến sĩ tiên tiến", True), ("Chiến sĩ thi đua cơ sở", True)]
    awards += [("Giấy khen", False), ("Bằng khen của Bộ trưởng Bộ Công an", False)]
    given = set()
    while written < COMMENDATIONS:
        code = rng.choice(everyone)
        award, annual = rng.choice(awards)
        year = rng.choice([2021, 2022, 2023, 2024])
        if annual and (code, award, year) in given:
            continue
        given.add((code, award, year))
        ws.append(
            [
                code,
                "",
                award,
                year,
                f"{rng.randint(1, 2000)}/QĐ-CAT",
                f"{rng.randint(1, 28):02d}/12/{year}",
                "Giám đốc Công an tỉnh",
                "",
                f"TT-{written:05d}" if not annual else "",
                "Có thành tích xuất sắc trong công tác" if rng.random() < 0.5 else "",
            ]
        )
        written += 1
    if bad_rows:
        ws.append(["KHONG-CO", "", "Chiến sĩ tiên tiến", 2024, "1/QĐ", "20/12/2024", "Giám đốc"])
        ws.append(["", "phu-tho-2025", "Đơn vị tiên tiến", 2023, "9/QĐ", "10/01/2024", "Bộ"])
        ws.append([new_codes[0], "", "Chiến sĩ tiên tiến", 2024, "1/QĐ", "20/11/2023", "GĐ"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def emit(name: str, value: float, unit: str, target: float) -> None:
    line = {"name": name, "value": round(value, 3), "unit": unit, "target": target}
    line["ok"] = value <= target
    print(json.dumps(line, ensure_ascii=False), flush=True)


def main() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from thidua.audit.log import verify_chain
    from thidua.audit.models import AuditRecord
    from thidua.honours.importers import count_rows, import_workbook
    from thidua.honours.models import Commendation, Person

    user, people, provinces = build()
    bad = workbook(people, provinces, bad_rows=True)
    good = workbook(people, provinces)
    assert count_rows(io.BytesIO(good)) == ROWS

    reports = []
    start = time.perf_counter()
    result = import_workbook(
        SimpleUploadedFile("bad.xlsx", bad), user, progress=lambda *a, **k: reports.append(a)
    )
    bad_seconds = time.perf_counter() - start
    assert not result.saved and len(result.errors) == 3, [str(e) for e in result.errors]
    assert Person.objects.count() == EXISTING

    audit_before = AuditRecord.objects.count()
    start = time.perf_counter()
    result = import_workbook(SimpleUploadedFile("good.xlsx", good), user)
    seconds = time.perf_counter() - start
    assert result.saved, [str(e) for e in result.errors[:10]]
    assert sum(result.counts.values()) == ROWS, result.counts
    assert Person.objects.count() == EXISTING + NEW_PEOPLE
    assert Commendation.objects.count() == COMMENDATIONS
    # One audit record per record written, and one more per new officer's first posting.
    assert AuditRecord.objects.count() - audit_before == ROWS + NEW_PEOPLE
    assert verify_chain().ok
    print(f"# {result.summary()}", file=sys.stderr)
    emit("honours_import.5000_rows", seconds, "s", TARGET_SECONDS)
    emit("honours_import.per_row", seconds * 1000 / ROWS, "ms", TARGET_SECONDS * 1000 / ROWS)
    emit("honours_import.5000_rows_with_3_errors_refused", bad_seconds, "s", TARGET_SECONDS)


if __name__ == "__main__":
    main()
