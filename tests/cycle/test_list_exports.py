"""Every list the UI shows exports to Excel: inspection teams, disputes, award proposals, drives
(Cluster 3 / 2021), units and clusters. Each export holds exactly the rows its page shows to the
same user, in the house style: title, who exported it, a bold frozen header, real numbers and dates.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thidua.cycle.models import Dispute, Drive, InspectionTeam
from thidua.org.models import Cluster, Unit

pytestmark = pytest.mark.django_db


def sheet_of(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def header(ws) -> list:
    return [c.value for c in ws[3] if c.value is not None]


def rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]


def column(ws, name: str) -> list:
    index = header(ws).index(name)
    return [r[index] for r in rows(ws)]


def assert_house_style(ws) -> None:
    assert ws["A1"].font.bold and "Xuất ngày" in ws["A2"].value
    assert all(c.font.bold for c in ws[3] if c.value is not None)
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref.startswith("A3:")


def url(name: str) -> str:
    return reverse(name, args=[2021, 3])


def test_the_teams_export_lists_every_inspected_unit_with_its_team(world):
    ws = sheet_of(world.cast.client(world.cast.viewer).get(url("cycle_excel_teams")))
    assert_house_style(ws)
    assert header(ws) == [
        "Đoàn kiểm tra",
        "Trưởng đoàn",
        "Đơn vị thành viên",
        "Cán bộ kiểm tra",
        "Đơn vị được kiểm tra",
        "Trạng thái",
        "Gửi lúc",
    ]
    teams = InspectionTeam.objects.filter(cycle=world.cycle2021).prefetch_related("inspections")
    expected = sorted((t.name, i.unit.name) for t in teams for i in t.inspections.all())
    listed = zip(column(ws, "Đoàn kiểm tra"), column(ws, "Đơn vị được kiểm tra"), strict=True)
    assert sorted(listed) == expected
    assert len(expected) == len(world.cycle2021.members())
    sent = [v for v in column(ws, "Gửi lúc") if v is not None]
    assert sent and all(isinstance(v, dt.datetime) for v in sent)


def _dispute(world, unit_code: str, statement: str) -> Dispute:
    return Dispute.objects.create(
        cycle=world.cycle2021,
        unit=world.unit(unit_code),
        criterion="TP1",
        statement=statement,
        raised_by=world.cast.officer_a,
    )


def test_the_disputes_export_shows_each_user_the_disputes_their_page_shows(world):
    _dispute(world, "bac-giang", "Số liệu tỷ lệ khám phá án chưa đúng")
    _dispute(world, "hoa-binh", '=HYPERLINK("http://x") đề nghị xem lại')
    secretariat = sheet_of(
        world.cast.client(world.cast.secretariat).get(url("cycle_excel_disputes"))
    )
    assert_house_style(secretariat)
    assert sorted(column(secretariat, "Đơn vị")) == sorted(
        [world.unit("bac-giang").name, world.unit("hoa-binh").name]
    )
    assert set(column(secretariat, "Trạng thái")) == {"Chờ giải quyết"}
    assert set(column(secretariat, "Mã tiêu chí")) == {"TP1"}
    # Text that looks like a formula stays text.
    statements = column(secretariat, "Nội dung khiếu nại")
    assert '=HYPERLINK("http://x") đề nghị xem lại' in statements
    cells = [c for row in secretariat.iter_rows(min_row=4) for c in row]
    assert all(c.data_type != "f" for c in cells)
    # Bắc Giang's officer sees Bắc Giang's dispute only (as on the page), Thái Nguyên's viewer none.
    own = sheet_of(world.cast.client(world.cast.officer_a).get(url("cycle_excel_disputes")))
    assert column(own, "Đơn vị") == [world.unit("bac-giang").name]
    page = world.cast.client(world.cast.officer_a).get(url("cycle_disputes")).content.decode()
    assert "Số liệu tỷ lệ khám phá án chưa đúng" in page and "HYPERLINK" not in page
    viewer = sheet_of(world.cast.client(world.cast.viewer).get(url("cycle_excel_disputes")))
    assert rows(viewer) == []


def test_control_characters_pasted_into_a_statement_do_not_break_the_export(world):
    _dispute(world, "bac-giang", "Số liệu\x07 dán từ\x1b Word chưa đúng")
    ws = sheet_of(world.cast.client(world.cast.secretariat).get(url("cycle_excel_disputes")))
    assert column(ws, "Nội dung khiếu nại") == ["Số liệu dán từ Word chưa đúng"]


def test_the_proposals_export_carries_state_and_the_ministrys_decision(world):
    ws = sheet_of(world.cast.client(world.cast.approver).get(url("cycle_excel_proposals")))
    assert_house_style(ws)
    proposals = list(world.cycle2021.proposals.select_related("unit").order_by("rank", "pk"))
    assert column(ws, "Đơn vị") == [p.unit.name for p in proposals]
    assert column(ws, "Trạng thái") == [p.get_state_display() for p in proposals]
    assert column(ws, "Ý kiến của Bộ") == [p.decision_reason or None for p in proposals]
    totals = column(ws, "Tổng điểm")
    assert all(isinstance(t, float) for t in totals if t is not None)
    assert [t for t in totals if t is not None] == [float(p.total) for p in proposals if p.total]
    decided = [p for p in proposals if p.decided_at]
    if decided:
        assert isinstance(column(ws, "Ngày quyết định")[proposals.index(decided[0])], dt.datetime)


def test_the_drives_export_lists_the_years_drives_with_real_dates(world):
    Drive.objects.create(
        cycle=world.cycle2021,
        kind=Drive.Kind.PEAK,
        name="Cao điểm tấn công trấn áp tội phạm dịp Tết",
        starts_on=dt.date(2021, 1, 15),
        ends_on=dt.date(2021, 2, 28),
        targets="Giảm 5% tội phạm",
        created_by=world.cast.secretariat,
    )
    ws = sheet_of(world.cast.client(world.cast.officer_a).get(url("cycle_excel_drives")))
    assert_house_style(ws)
    # the demo's 2021 drives are listed too
    (row,) = [r for r in rows(ws) if r[0] == "Cao điểm tấn công trấn áp tội phạm dịp Tết"]
    assert row[:5] == [
        "Cao điểm tấn công trấn áp tội phạm dịp Tết",
        "Đợt cao điểm",
        "Đã kết thúc",
        dt.datetime(2021, 1, 15),
        dt.datetime(2021, 2, 28),
    ]
    assert ws["D4"].number_format == "dd/mm/yyyy"


@pytest.mark.parametrize(
    ("page", "export"),
    [
        ("cycle_teams", "cycle_excel_teams"),
        ("cycle_disputes", "cycle_excel_disputes"),
        ("cycle_proposals", "cycle_excel_proposals"),
        ("cycle_drives", "cycle_excel_drives"),
    ],
)
def test_each_page_has_a_visible_export_link(world, page, export):
    html = world.cast.client(world.cast.viewer).get(url(page)).content.decode()
    assert f'href="{url(export)}" download>Xuất Excel</a>' in html


def test_the_units_export_honours_the_search_and_year_filters(world):
    client = world.cast.client(world.cast.officer_b)
    everything = sheet_of(client.get(reverse("unit_list_excel")))
    assert_house_style(everything)
    assert len(rows(everything)) == Unit.objects.count()
    filtered = sheet_of(client.get(reverse("unit_list_excel"), {"q": "hoa binh", "year": 2021}))
    expected = Unit.objects.ordered().search("hoa binh").valid_in_year(2021)
    assert column(filtered, "Mã đơn vị") == [u.code for u in expected]
    assert "hoa-binh" in column(filtered, "Mã đơn vị")
    assert "tìm đơn vị: hoa binh" in filtered["A1"].value and "năm: 2021" in filtered["A1"].value
    # The page links the export with the same filters.
    page = client.get(reverse("unit_list"), {"q": "hoa binh", "year": 2021}).content.decode()
    assert f'href="{reverse("unit_list_excel")}?q=hoa+binh&amp;year=2021"' in page


def test_the_clusters_export_shows_the_users_clusters_for_the_chosen_year(world):
    officer = world.cast.client(world.cast.officer_a)
    ws = sheet_of(officer.get(reverse("cluster_list_excel"), {"year": 2021}))
    assert_house_style(ws)
    visible = Cluster.objects.visible_to(world.cast.officer_a).filter(year=2021)
    assert sorted(column(ws, "Cụm, khối")) == sorted(c.title for c in visible)
    assert set(column(ws, "Năm")) == {2021}
    cluster3 = Cluster.objects.with_members().get(year=2021, number=3)
    row = rows(ws)[column(ws, "Cụm, khối").index(cluster3.title)]
    assert row[2] == len(cluster3.members()) and row[4] == cluster3.leader.short_name
    # The Ministry sees every cluster; the page links the export.
    everything = sheet_of(world.cast.client(world.cast.approver).get(reverse("cluster_list_excel")))
    assert len(rows(everything)) == Cluster.objects.count()
    page = officer.get(reverse("cluster_list"), {"year": 2021}).content.decode()
    assert f'href="{reverse("cluster_list_excel")}?year=2021" download>Xuất Excel</a>' in page
