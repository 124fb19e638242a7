"""The decision's money article cites the decree on reward money in force on the decision's date
(NĐ 98/2023 until 30/6/2025, NĐ 152/2025 from 01/7/2025), read from dated data, not hard-coded."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from tests.honours.test_decisions import CAND, draft, officer, sign
from thidua.documents import decision as document
from thidua.honours import money

pytestmark = pytest.mark.django_db


def money_article(decision) -> str:
    data = document.render(decision, "docx")
    words = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    return next(w for w in words if "Tiền thưởng kèm theo" in w)


def test_a_decision_signed_in_2025_before_july_cites_nd_98_and_one_signed_in_2026_nd_152(world):
    early = draft(world, [officer(world)], award=CAND)
    sign(world, early, 1, day=dt.date(2025, 3, 1))
    late = draft(world, [officer(world, "QD-002", "Phạm Thị Hòa")], award=CAND)
    sign(world, late, 1, day=dt.date(2026, 2, 2))

    article = money_article(early)
    assert "Nghị định số 98/2023/NĐ-CP" in article and "152/2025" not in article
    assert "tổng số tiền thưởng: 7.020.000 đồng" in article  # 3 × 2.340.000
    article = money_article(late)
    assert "Nghị định số 152/2025/NĐ-CP" in article and "98/2023" not in article


def test_the_decree_on_reward_money_follows_the_date():
    assert money.cash_decree_on(dt.date(2020, 5, 1)).decree == "Nghị định số 91/2017/NĐ-CP"
    assert money.cash_decree_on(dt.date(2024, 1, 1)).decree == "Nghị định số 98/2023/NĐ-CP"
    assert money.cash_decree_on(dt.date(2025, 6, 30)).decree == "Nghị định số 98/2023/NĐ-CP"
    assert money.cash_decree_on(dt.date(2025, 7, 1)).decree == "Nghị định số 152/2025/NĐ-CP"
    assert money.cash_decree_on(dt.date(2017, 1, 1)) is None


def test_decrees_out_of_order_are_refused_in_vietnamese():
    raw = {
        "rates": [{"from": "2024-07-01", "amount": 2340000, "basis": "NĐ 73/2024"}],
        "decrees": [
            {"from": "2025-07-01", "decree": "Nghị định số 152/2025/NĐ-CP"},
            {"from": "2024-01-01", "decree": "Nghị định số 98/2023/NĐ-CP"},
        ],
    }
    with pytest.raises(money.MoneyError, match="không sau"):
        money.parse_table(raw)
