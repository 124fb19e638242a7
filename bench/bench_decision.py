"""Benchmark of signing a Ministry decision with 2,000 individual recipients (issue 16).

`Decision.sign` (thidua/honours/signing.py): the number checked, every line checked against the
catalogue, the register (annual titles, achievements already rewarded) and the eligibility engine
(each recipient's full record: ratings, titles, initiatives, discipline, postings), then one
commendation record per line written and linked to its line, and one audit record per record plus
the signature's, hash-chained, in one transaction. Compared with a bare bulk insert of the same
2,000 commendation rows (no checks, no audit, no links): target ≤ 10×.

Uses a throwaway SQLite database in a temporary folder (migrated, the real unit list, the demo
accounts, 2,000 officers with two years of excellent ratings and Chiến sĩ thi đua cơ sở, so that
each is eligible for the Bằng khen of the Minister). Prints one JSON line per figure:
{"name", "value", "unit", "target", "ok"}. Run by bench/run.py (every bench_*.py) and `make bench`.

    .venv/bin/python bench/bench_decision.py
"""

from __future__ import annotations

import datetime as dt
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
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{TMP}/bench.sqlite3"
)
os.environ.setdefault("THIDUA_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

RECIPIENTS = 2000
TARGET_RATIO = 10.0
AWARD = "bang_khen_bo_cong_an"
YEAR = 2024
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng"]


def build():
    """Units, accounts and RECIPIENTS officers with the records behind the award (bulk)."""
    from thidua.engine import text
    from thidua.honours.models import Commendation, Person, PersonRating, Posting
    from thidua.org.demo import ensure_demo_accounts
    from thidua.org.loaders import load_units
    from thidua.org.models import Unit, User

    call_command("migrate", verbosity=0)
    load_units()
    ensure_demo_accounts()
    provinces = list(
        Unit.objects.filter(kind=Unit.Kind.PROVINCE_POLICE).valid_on(dt.date(YEAR, 12, 31))
    )
    rng = random.Random(2000)
    people = []
    for i in range(RECIPIENTS):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        people.append(
            Person(
                officer_code=f"QD-{i:05d}",
                full_name=name,
                search_key=text.search_key(name),
                name_sort_key=text.person_sort_key_str(name),
                current_unit=rng.choice(provinces),
                discipline_checked=True,
            )
        )
    people = Person.objects.bulk_create(people)
    Posting.objects.bulk_create(
        Posting(person=p, unit_id=p.current_unit_id, start=dt.date(2012, 1, 1)) for p in people
    )
    PersonRating.objects.bulk_create(
        PersonRating(person=p, year=y, rating="hoan_thanh_xuat_sac")
        for p in people
        for y in (YEAR - 1, YEAR)
    )
    Commendation.objects.bulk_create(
        Commendation(
            recipient_kind="ca_nhan",
            person=p,
            award_code=award,
            year=y,
            decision_no=f"{y}/QĐ-CAT",
            decision_date=dt.date(y + 1, 1, 10),
            issuer="Giám đốc Công an tỉnh",
        )
        for p in people
        for y in (YEAR - 1, YEAR)
        for award in ("chien_si_tien_tien", "chien_si_thi_dua_co_so")
    )
    return User.objects.get(username="bo.pheduyet"), people


def bare_insert(people) -> float:
    """The same 2,000 commendation rows as one bulk insert, nothing else (rolled back)."""
    from thidua.honours.models import Commendation

    rows = [
        Commendation(
            recipient_kind="ca_nhan",
            person=p,
            award_code=AWARD,
            year=YEAR,
            decision_no="1/QĐ-BCA",
            decision_date=dt.date(YEAR + 1, 3, 1),
            issuer="Bộ trưởng Bộ Công an",
            achievement_ref=f"bench:{p.officer_code}",
        )
        for p in people
    ]
    start = time.perf_counter()
    with transaction.atomic():
        Commendation.objects.bulk_create(rows, batch_size=500)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    from thidua.audit.models import AuditRecord
    from thidua.honours.models import Commendation, Decision
    from thidua.honours.signing import LineInput, create_draft, sign

    approver, people = build()
    decision = create_draft(
        by=approver,
        summary="Về việc tặng Bằng khen của Bộ trưởng Bộ Công an",
        year=YEAR,
        lines=[
            LineInput(
                award_code=AWARD,
                unit=p.current_unit,
                person=p,
                achievement_ref=f"bench:{p.officer_code}",
            )
            for p in people
        ],
        signer_name="Người ký (đo hiệu năng)",
    )
    bare = min(bare_insert(people) for _ in range(3))
    # A running server has parsed the rule sets and the catalogue already: so does the bench.
    from thidua.honours.eligibility import check_person

    check_person(people[0], AWARD, YEAR)
    records_before, audit_before = Commendation.objects.count(), AuditRecord.objects.count()
    start = time.perf_counter()
    sign(decision, by=approver, seq=1, date=dt.date(YEAR + 1, 3, 1))
    signing = time.perf_counter() - start
    decision = Decision.objects.get(pk=decision.pk)
    written = Commendation.objects.count() - records_before
    audited = AuditRecord.objects.count() - audit_before
    assert decision.state == Decision.State.SIGNED, decision.state
    assert written == RECIPIENTS, written
    assert audited == RECIPIENTS + 1, audited
    assert not decision.lines.filter(commendation__isnull=True).exists()
    ratio = signing / bare
    for name, value, unit, target, ok in (
        ("decision_sign_2000_individuals", round(signing, 3), "s", None, True),
        ("decision_bare_bulk_insert_2000", round(bare, 4), "s", None, True),
        (
            "decision_sign_ratio_to_bulk_insert",
            round(ratio, 2),
            "x",
            TARGET_RATIO,
            ratio <= TARGET_RATIO,
        ),
    ):
        print(
            json.dumps(
                {"name": name, "value": value, "unit": unit, "target": target, "ok": ok},
                ensure_ascii=False,
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
