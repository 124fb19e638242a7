"""A new draft cites, by default, the law and the decree in force the day it is drafted — never a
decree that did not exist yet or had already been replaced (issue 16)."""

import datetime as dt

from tests.honours.test_decisions import draft, officer
from thidua.honours.signing import default_legal_basis


def test_each_period_cites_its_own_law_and_decree():
    in_2021 = default_legal_basis(dt.date(2021, 12, 20))
    assert "26 tháng 11 năm 2003" in in_2021 and "91/2017/NĐ-CP" in in_2021
    assert "2022" not in in_2021 and "152/2025" not in in_2021

    early_2025 = default_legal_basis(dt.date(2025, 3, 1))
    assert "15 tháng 6 năm 2022" in early_2025 and "98/2023/NĐ-CP" in early_2025
    assert "152/2025" not in early_2025

    late_2025 = default_legal_basis(dt.date(2025, 7, 1))
    assert "152/2025/NĐ-CP" in late_2025 and "98/2023" not in late_2025


def test_a_draft_written_without_bases_gets_those_of_its_day(world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2025, 3, 1))
    decision = draft(world, [officer(world)])
    assert "98/2023/NĐ-CP" in decision.legal_basis
    assert "152/2025" not in decision.legal_basis
