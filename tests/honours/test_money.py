"""Reward money: catalogue multiple × the base salary in force on the decision's date, rounded up to
tens of thousands of đồng; totals per decision, unit and year; the fund page and its workbook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from thidua.honours import money
from thidua.honours.models.common import catalogue

from .conftest import award_to, person, unit

D = dt.date


def test_the_base_salary_is_the_rate_in_force_on_the_day():
    assert money.base_salary_on(D(2024, 6, 30)).amount == 1_800_000
    assert money.base_salary_on(D(2024, 7, 1)).amount == 2_340_000
    assert money.base_salary_on(D(2025, 12, 20)).basis == "Nghị định 73/2024/NĐ-CP"
    assert money.base_salary_on(D(2021, 12, 3)).amount == 1_490_000


def test_amount_is_the_multiple_of_the_base_salary_rounded_up_to_tens_of_thousands():
    # Chiến sĩ thi đua cơ sở: 1 × 2.340.000
    assert money.reward_amount("chien_si_thi_dua_co_so", D(2024, 12, 20)) == 2_340_000
    # Chiến sĩ tiên tiến: 0,3 × 2.340.000 = 702.000 → 710.000
    assert money.reward_amount("chien_si_tien_tien", D(2024, 12, 20)) == 710_000
    # Đơn vị tiên tiến in 2019: 0,8 × 1.490.000 = 1.192.000 → 1.200.000
    assert money.reward_amount("don_vi_tien_tien", D(2019, 12, 20)) == 1_200_000
    # Cờ thi đua của Bộ Công an the day before the 2024 rise: 8 × 1.800.000
    assert money.reward_amount("co_thi_dua_bo_cong_an", D(2024, 6, 30)) == 14_400_000
    assert money.vnd(money.reward_amount("co_thi_dua_chinh_phu", D(2025, 1, 1))) == "28.080.000 đ"


def test_a_form_without_a_multiple_has_no_amount_and_an_unknown_code_is_refused():
    assert catalogue().get("giay_khen").cash_multiple is None
    assert money.reward_amount("giay_khen", D(2024, 12, 20)) is None
    assert money.vnd(None) == "–"
    with pytest.raises(money.MoneyError, match="Không có hình thức khen thưởng mã “khong_co”"):
        money.reward_amount("khong_co", D(2024, 12, 20))


def test_a_day_before_the_first_rate_is_refused_in_vietnamese():
    with pytest.raises(money.MoneyError, match="Chưa có mức lương cơ sở cho ngày 30/06/2017"):
        money.reward_amount("chien_si_thi_dua_co_so", D(2017, 6, 30))


def test_bad_salary_data_is_refused_with_every_problem_named():
    with pytest.raises(money.MoneyError) as caught:
        money.parse_table(
            {
                "rates": [
                    {"from": "2024-07-01", "amount": 2340000, "basis": "NĐ 73/2024"},
                    {"from": "2023-07-01", "amount": 1800000, "basis": "NĐ 24/2023"},
                    {"from": "2025-13-01", "amount": 1, "basis": "x"},
                    {"from": "2026-01-01", "amount": -5, "basis": "x"},
                ],
                "rounding": {"step": 0},
            }
        )
    message = str(caught.value)
    assert "Dòng 3: ngày hiệu lực “2025-13-01” không hợp lệ." in message
    assert "Dòng 4: mức lương cơ sở phải là số nguyên dương" in message
    assert "không sau 01/07/2024" in message
    assert "Bước làm tròn" in message


@given(
    code=st.sampled_from([k.code for k in catalogue() if k.cash_multiple is not None]),
    day=st.dates(min_value=D(2017, 7, 1), max_value=D(2030, 12, 31)),
)
def test_property_the_amount_is_the_least_multiple_of_ten_thousand_not_below_the_exact_product(
    code, day
):
    table = money.salary_table()
    exact = catalogue().get(code).cash_multiple * table.on(day).amount
    amount = money.reward_amount(code, day)
    assert amount % table.rounding_step == 0
    assert exact <= amount < exact + table.rounding_step


@pytest.mark.django_db
def test_fund_totals_per_decision_unit_and_year_skip_revoked_rows(reference):
    bg, qn = unit("bac-giang"), unit("quang-ninh")
    a = person("bac-giang", name="Lương Thị Quỹ")
    b = person("quang-ninh", name="Trịnh Văn Thưởng")
    rows = [
        award_to(
            a, "chien_si_tien_tien", 2019, decision_no="77/QĐ-QUY", decision_date=D(2019, 12, 20)
        ),
        award_to(
            b, "chien_si_tien_tien", 2019, decision_no="77/QĐ-QUY", decision_date=D(2019, 12, 20)
        ),
        award_to(bg, "giay_khen", 2019, decision_no="77/QĐ-QUY", decision_date=D(2019, 12, 20)),
        award_to(
            qn, "don_vi_quyet_thang", 2024, decision_no="78/QĐ-QUY", decision_date=D(2024, 12, 20)
        ),
    ]
    gone = award_to(
        a, "chien_si_thi_dua_co_so", 2024, decision_no="79/QĐ-QUY", decision_date=D(2024, 12, 20)
    )
    gone.revoke(
        by=None,
        decision_no="1/QĐ-HUY",
        decision_date=D(2025, 1, 5),
        ground=catalogue_ground(),
        reason="Khai man",
    )
    fund = money.fund([*rows, gone])
    per_decision = {key[0]: t for key, t in fund.by_decision.items()}
    # 0,3 × 1.490.000 = 447.000 → 450.000, twice; the Giấy khen has no multiple
    assert per_decision["77/QĐ-QUY"].amount == 900_000
    assert per_decision["77/QĐ-QUY"].without_amount == 1
    # 1,5 × 2.340.000 = 3.510.000
    assert per_decision["78/QĐ-QUY"].amount == 3_510_000
    assert "79/QĐ-QUY" not in per_decision
    assert fund.by_year[2019].amount == 900_000 and fund.by_year[2024].amount == 3_510_000
    assert fund.by_unit[bg.name].amount == 450_000 and fund.by_unit[bg.name].count == 2
    assert fund.by_unit[qn.name].amount == 450_000 + 3_510_000
    assert fund.total.amount == Decimal(4_410_000) and fund.total.count == 4


def catalogue_ground() -> str:
    return next(iter(catalogue().revocation_grounds))


@pytest.mark.django_db
def test_fund_page_and_workbook_show_the_same_totals(cast):
    a = person("bac-giang", name="Lương Thị Quỹ")
    award_to(
        a, "chien_si_thi_dua_co_so", 2018, decision_no="5/QĐ-TRANG", decision_date=D(2018, 12, 1)
    )
    client = cast.client(cast.approver)
    query = {"year_from": 2018, "year_to": 2018, "unit": "bac-giang"}
    page = client.get("/khen-thuong/quy-thuong/", query)
    assert page.status_code == 200
    body = page.content.decode()
    # 1 × 1.390.000 (from 01/07/2018)
    assert "1.390.000 đ" in body and "Số 5/QĐ-TRANG" in body
    response = client.get("/khen-thuong/quy-thuong/", {**query, "xuat": "excel"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Theo năm", "Theo đơn vị", "Theo quyết định", "Chi tiết"]
    years = [[c.value for c in row] for row in wb["Theo năm"].iter_rows(min_row=4)]
    assert years[-1] == ["Tổng cộng", 1, 0, 1_390_000]
    detail = [[c.value for c in row] for row in wb["Chi tiết"].iter_rows(min_row=4)]
    assert detail[0][1] == "5/QĐ-TRANG" and detail[0][4] == "Lương Thị Quỹ"
    assert detail[0][-3:] == [1.0, 1_390_000, 1_390_000]


@pytest.mark.django_db
def test_fund_filters_refuse_bad_input_in_vietnamese(cast):
    client = cast.client(cast.approver)
    response = client.get(
        "/khen-thuong/quy-thuong/", {"year_from": 2024, "year_to": 2020, "unit": "khong-co"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Năm kết thúc (2020) trước năm bắt đầu (2024)." in body
    assert "Không có đơn vị nào có tên “khong-co”." in body


@pytest.mark.django_db
def test_the_fund_counts_the_records_a_signed_decision_wrote(world):
    """The demo's signed 401/QĐ-BCA of 20/01/2022: six Cờ thi đua của Bộ Công an (8 × 1.490.000)
    and one Bằng khen (no multiple in the catalogue)."""
    from thidua.cycle.outcome.decisions import build_demo_decisions  # as load_demo makes them
    from thidua.honours.models import Commendation, Decision

    build_demo_decisions(world.cycle2021)
    decision = Decision.objects.get(cluster=world.cycle2021.cluster, authority="BCA")
    rows = Commendation.objects.filter(decision_line__decision=decision).select_related(
        "unit", "person__current_unit"
    )
    fund = money.fund(rows)
    (total,) = fund.by_decision.values()
    assert total.label == "Số 401/QĐ-BCA"
    assert (total.count, total.without_amount) == (7, 1)
    assert total.amount == 6 * 11_920_000
    assert [
        money.reward_amount(line.award_code, decision.date) for line in decision.lines.all()
    ].count(11_920_000) == 6


@pytest.mark.django_db
def test_fill_amounts_sets_the_lines_without_one_and_keeps_the_others(world):
    from thidua.honours.models import DecisionLine

    bg = world.unit("bac-giang")
    lines = [
        DecisionLine(award_code="co_thi_dua_bo_cong_an", unit=bg),
        DecisionLine(award_code="giay_khen", unit=bg),
        DecisionLine(award_code="don_vi_quyet_thang", unit=bg, amount=Decimal(1_000_000)),
    ]
    total = money.fill_amounts(lines, D(2025, 1, 20))
    assert [line.amount for line in lines] == [18_720_000, None, 1_000_000]
    assert total == 19_720_000


records = st.lists(
    st.tuples(
        st.sampled_from(["chien_si_tien_tien", "co_thi_dua_bo_cong_an", "giay_khen"]),
        st.integers(2018, 2025),
        st.sampled_from(["1/QĐ-A", "2/QĐ-B", "3/QĐ-C"]),
        st.sampled_from(["bac-giang", "quang-ninh", "yen-bai"]),
        st.booleans(),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(rows=records)
def test_property_every_total_adds_up_to_the_grand_total(reference, rows):
    """Unsaved register rows (real model objects): per year, unit and decision the totals add up
    to the grand total; revoked rows count nowhere."""
    from thidua.honours.models import Commendation
    from thidua.org.models import Unit

    units = {
        u.code: u for u in Unit.objects.filter(code__in=["bac-giang", "quang-ninh", "yen-bai"])
    }
    made = [
        Commendation(
            recipient_kind="tap_the",
            unit=units[code],
            award_code=award,
            year=year,
            decision_no=number,
            decision_date=D(year + 1, 1, 15),
            issuer="Bộ Công an",
            revoked=revoked,
        )
        for award, year, number, code, revoked in rows
    ]
    fund = money.fund(made)
    live = [c for c in made if not c.revoked]
    assert fund.total.count == len(live)
    for part in (fund.by_year, fund.by_unit, fund.by_decision):
        assert sum(t.amount for t in part.values()) == fund.total.amount
        assert sum(t.count for t in part.values()) == fund.total.count
        assert sum(t.without_amount for t in part.values()) == fund.total.without_amount
    expected = sum(
        (money.reward_amount(c.award_code, c.decision_date) or 0 for c in live), Decimal(0)
    )
    assert fund.total.amount == expected
