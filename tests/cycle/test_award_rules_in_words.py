"""The method page says every quota of the award rules in words, a shared cap included."""

from __future__ import annotations

import pytest

from thidua.cycle.models import Cycle, MethodVersion
from thidua.cycle.outcome.proposals import allocate
from thidua.cycle.plan.method_words import award_rows
from thidua.engine.awards import parse_award_rules

CUM8_2020 = {
    "schema": "thidua.awards/1",
    "awards": [
        {
            "code": "CO_CP",
            "name": "Cờ thi đua của Chính phủ",
            "candidates": "honoured",
            "max_count": 1,
        },
        {"code": "CO_BCA", "name": "Cờ thi đua của Bộ Công an", "min_total": 90},
    ],
    "shared_caps": [
        {"name": "Tổng số Cờ thi đua", "awards": ["CO_CP", "CO_BCA"], "max_percent": 50}
    ],
}


def test_a_shared_cap_is_shown_with_every_award_it_limits() -> None:
    rows = award_rows(parse_award_rules(CUM8_2020), 8)
    assert [row["quota"] for row in rows] == [
        "Tối đa 1 đơn vị; hạn mức chung “Tổng số Cờ thi đua” (Cờ thi đua của Chính phủ, "
        "Cờ thi đua của Bộ Công an): tối đa 50% số đơn vị trong Cụm (50% × 8, làm tròn xuống: 4)",
        "Hạn mức chung “Tổng số Cờ thi đua” (Cờ thi đua của Chính phủ, Cờ thi đua của Bộ Công an): tối đa 50% số đơn vị trong Cụm (50% × 8, làm "
        "tròn xuống: 4)",
    ]


@pytest.mark.django_db
def test_the_web_allocation_and_its_check_apply_a_shared_cap(world):
    cycle = world.cycle2021
    rules = dict(cycle.method.award_rules)
    rules["shared_caps"] = [
        {"name": "Tổng số Cờ thi đua", "awards": ["CO_CP", "CO_BCA"], "max_percent": 50}
    ]
    MethodVersion.objects.filter(pk=cycle.method.pk).update(award_rules=rules)
    cycle = Cycle.objects.get(pk=cycle.pk)
    created = allocate(cycle, by=world.cast.secretariat)
    flags = [(p.unit.code, p.award_code) for p in created if p.award_code.startswith("CO_")]
    assert flags == [
        ("yen-bai", "CO_CP"),
        ("bac-giang", "CO_BCA"),
        ("quang-ninh", "CO_BCA"),
        ("hoa-binh", "CO_BCA"),
    ]  # 1 + 3 flags: 50% of 8 members, the Government flag counting (as Cụm 8 in 2020)
    refused = next(
        d
        for d in cycle.rankings.first().allocation["decisions"]
        if d["unit"] == "tuyen-quang" and d["award"] == "CO_BCA"
    )
    assert "hạn mức chung “Tổng số Cờ thi đua”" in refused["reason"]
