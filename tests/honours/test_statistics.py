"""Commendation statistics by form, level, collective/individual, unit and year, read from the
register (page with filters and its workbook)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from thidua.honours.models import Commendation
from thidua.honours.statistics import Filters, statistics

from .conftest import award_to, person, unit

pytestmark = pytest.mark.django_db
YEAR = 2016  # no demo record is of this year


def _register():
    """Three collectives and four individuals of Bắc Giang and Quảng Ninh, one revoked."""
    bg, qn = unit("bac-giang"), unit("quang-ninh")
    a = person("bac-giang", name="Hoàng Thị Thống")
    b = person("bac-giang", name="Vũ Văn Kê")
    c = person("quang-ninh", name="Đỗ Minh Số")
    award_to(bg, "don_vi_quyet_thang", YEAR)
    award_to(qn, "don_vi_tien_tien", YEAR)
    award_to(qn, "bang_khen_bo_cong_an", YEAR)
    award_to(a, "chien_si_thi_dua_co_so", YEAR)
    award_to(b, "chien_si_tien_tien", YEAR)
    award_to(c, "chien_si_tien_tien", YEAR)
    award_to(c, "bang_khen_bo_cong_an", YEAR)
    award_to(b, "giay_khen", YEAR).revoke(
        by=None,
        decision_no="9/QĐ-HUY",
        decision_date=dt.date(2017, 2, 1),
        ground=next(iter(Commendation._meta.get_field("revocation_ground").choices))[0],
        reason="Thành tích không đúng",
    )


def test_counts_by_year_form_level_and_unit_leave_revoked_rows_out(reference):
    _register()
    stats = statistics(Commendation.objects.all(), Filters(year_from=YEAR, year_to=YEAR))
    assert (stats.total.collectives, stats.total.individuals) == (3, 4)
    assert [(p.label, p.collectives, p.individuals) for p in stats.by_year] == [
        (f"Năm {YEAR}", 3, 4)
    ]
    forms = {p.label: (p.collectives, p.individuals) for p in stats.by_form}
    assert forms == {
        "Chiến sĩ tiên tiến": (0, 2),
        "Chiến sĩ thi đua cơ sở": (0, 1),
        "Bằng khen của Bộ trưởng Bộ Công an": (1, 1),
        "Đơn vị tiên tiến": (1, 0),
        "Đơn vị quyết thắng": (1, 0),
    }
    levels = {p.label: (p.collectives, p.individuals) for p in stats.by_level}
    assert levels == {"Thủ trưởng đơn vị": (2, 3), "Bộ Công an": (1, 1)}
    units = {p.label: (p.collectives, p.individuals) for p in stats.by_unit}
    assert units == {"Công an tỉnh Bắc Giang": (1, 2), "Công an tỉnh Quảng Ninh": (2, 2)}


def test_filters_by_unit_form_level_and_recipient(reference):
    _register()
    base = {"year_from": YEAR, "year_to": YEAR}
    rows = Commendation.objects.all()
    assert statistics(rows, Filters(**base, unit=unit("bac-giang"))).total.total == 3
    assert statistics(rows, Filters(**base, award="chien_si_tien_tien")).total.individuals == 2
    assert statistics(rows, Filters(**base, level="bo_cong_an")).total.total == 2
    only = statistics(rows, Filters(**base, recipient=Commendation.Recipient.COLLECTIVE))
    assert (only.total.collectives, only.total.individuals) == (3, 0)


def test_page_says_how_many_collectives_and_individuals_and_exports_the_same(cast):
    _register()
    client = cast.client(cast.approver)
    page = client.get("/khen-thuong/thong-ke/", {"year_from": YEAR, "year_to": YEAR})
    assert page.status_code == 200
    assert "3 tập thể và 4 cá nhân" in page.content.decode()
    response = client.get(
        "/khen-thuong/thong-ke/", {"year_from": YEAR, "year_to": YEAR, "xuat": "excel"}
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Theo năm", "Theo hình thức", "Theo cấp", "Theo đơn vị", "Chi tiết"]
    assert wb["Theo năm"]["A1"].value == f"Thống kê khen thưởng (năm {YEAR})"
    rows = [[c.value for c in r] for r in wb["Theo đơn vị"].iter_rows(min_row=4)]
    assert rows == [
        ["Công an tỉnh Bắc Giang", 1, 2, 3],
        ["Công an tỉnh Quảng Ninh", 2, 2, 4],
        ["Tổng cộng", 3, 4, 7],
    ]


def test_a_unit_officer_counts_collectives_everywhere_and_individuals_of_their_line(cast):
    _register()
    response = cast.client(cast.officer_b).get(
        "/khen-thuong/thong-ke/", {"year_from": YEAR, "year_to": YEAR}
    )
    # Gia Lai's officer sees the three collective rows, none of the individual ones.
    assert "3 tập thể và 0 cá nhân" in response.content.decode()


def test_bad_filters_are_refused_in_vietnamese(cast):
    response = cast.client(cast.approver).get(
        "/khen-thuong/thong-ke/", {"year_from": "abc", "award": "khong_co"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Năm phải là số." in body
    assert "Hãy chọn một lựa chọn hợp lệ" in body or "không nằm trong" in body or "hợp lệ" in body


def test_records_written_by_a_signed_decision_are_counted(world):
    """The demo signs Cluster 3 / 2021's published recipients: six Ministry flags by 401/QĐ-BCA."""
    from thidua.cycle.outcome.decisions import build_demo_decisions  # as load_demo makes them

    build_demo_decisions(world.cycle2021)
    stats = statistics(
        Commendation.objects.filter(decision_line__isnull=False),
        Filters(year_from=2021, year_to=2021, award="co_thi_dua_bo_cong_an"),
    )
    assert (stats.total.collectives, stats.total.individuals) == (6, 0)
    assert {p.label for p in stats.by_unit} >= {"Công an tỉnh Bắc Giang", "Công an tỉnh Quảng Ninh"}
    assert [p.label for p in stats.by_level] == ["Bộ Công an"]


def test_counts_are_written_the_vietnamese_way():
    from thidua.honours.statistics import Pair

    pair = Pair("Cụm 3 năm 2021", collectives=3356, individuals=7918)
    assert pair.text == {"collectives": "3.356", "individuals": "7.918", "total": "11.274"}


@pytest.mark.parametrize("typed", ["Lai Châu", "lai chau", "LAI CHÂU", "Công an tỉnh Lai Châu"])
def test_the_unit_filter_is_a_name_search_with_or_without_accents(cast, typed):
    _register()
    lc = person("lai-chau", name="Lò Văn Châu")
    award_to(lc, "chien_si_tien_tien", YEAR)
    award_to(unit("lai-chau"), "don_vi_tien_tien", YEAR)
    page = cast.client(cast.approver).get(
        "/khen-thuong/thong-ke/", {"year_from": YEAR, "year_to": YEAR, "unit": typed}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "1 tập thể và 1 cá nhân" in body
    assert "Công an tỉnh Lai Châu" in body and "Công an tỉnh Bắc Giang" not in body


def test_a_unit_name_that_matches_nothing_is_refused_in_vietnamese(cast):
    response = cast.client(cast.approver).get("/khen-thuong/thong-ke/", {"unit": "Sao Hỏa"})
    assert response.status_code == 422
    assert "Không có đơn vị nào có tên “Sao Hỏa”." in response.content.decode()
