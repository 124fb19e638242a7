"""The method page says every quota of the award rules in words, a shared cap included."""

from __future__ import annotations

from thidua.cycle.method_words import award_rows
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
