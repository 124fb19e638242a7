"""A block (Khối thi đua) is never called a Cụm: sentences built inside template tags, the role
labels of its composition page, the rows of lists that mix clusters and blocks (the year's list,
the Ministry's board, a unit's history, a leader's home page) and the Excel list all follow the
group's kind; a cluster's pages keep Cụm.

The inspection teams' Excel list names the team's officers (Cán bộ kiểm tra) as the page does."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import make_user
from thidua.cycle.models import InspectionTeam
from thidua.org import publishing
from thidua.org.loaders import movement
from thidua.org.models import Cluster, Membership, Unit, User
from thidua.org.year_keys import BlockNumber

pytestmark = pytest.mark.django_db

BLOCK_UNITS = ("a05", "k01", "cuc-ke-hoach-va-tai-chinh", "k02")
BLOCK = "/khoi-thi-dua/2025/3/"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def main_of(html: str) -> str:
    """The page's own content, without the site menu (which names "Cụm thi đua" everywhere)."""
    start = html.index("<main")
    return html[start : html.index("</main>", start)]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def block(reference) -> Cluster:
    """Khối 3 / 2025 (illustrative composition): A05 leads it, K01 is its deputy."""
    block = Cluster.objects.create(
        movement=movement(), year=2025, kind=Cluster.Kind.BLOCK, number=3
    )
    for code in BLOCK_UNITS:
        role = {"a05": Membership.Role.LEADER, "k01": Membership.Role.DEPUTY}.get(
            code, Membership.Role.MEMBER
        )
        block.add_member(Unit.objects.get(code=code), role=role)
    return Cluster.objects.with_members().get(pk=block.pk)


@pytest.fixture
def opened(block) -> User:
    """The block's year opened by its secretariat (planning: no method yet)."""
    secretariat = make_user("tt.a05", User.Role.SECRETARIAT, "a05")
    assert client_of(secretariat).post(BLOCK + "thi-dua/mo/").status_code == 302
    return secretariat


def test_sentences_built_inside_template_tags_say_khoi_on_a_blocks_year(opened):
    client = client_of(make_user("cb.k02", User.Role.UNIT_OFFICER, "k02"))  # a member's officer
    pages = {
        ("cycle_method",): "Thường trực Khối chưa ban hành thang điểm và quy chế khen thưởng",
        ("cycle_result_sheet", "k02"): "Thường trực Khối chưa ban hành thang điểm năm nay",
        ("cycle_proposals",): "theo quy chế của Khối; Thường trực Khối điều chỉnh",
        ("cycle_results",): "Bộ theo dõi toàn Khối",
    }
    for (name, *extra), sentence in pages.items():
        response = client.get(reverse(name, args=[2025, BlockNumber(3), *extra]))
        assert response.status_code == 200, name
        main = main_of(response.content.decode())
        assert sentence in text_of(main), name
        assert "Cụm" not in text_of(main), (name, text_of(main)[:600])


def test_the_same_sentences_still_say_cum_on_a_clusters_year(reference):
    """Cụm 3 / 2025 of the demo: its method is issued, so its proposals page is the one to read."""
    approver = User.objects.get(username="bo.pheduyet")
    main = main_of(
        client_of(approver).get(reverse("cycle_proposals", args=[2025, 3])).content.decode()
    )
    assert "theo quy chế của Cụm; Thường trực Cụm điều chỉnh" in text_of(main)
    assert "Khối" not in text_of(main)


def test_the_composition_page_names_a_blocks_leader_and_deputy_khoi_truong_and_khoi_pho(block):
    approver = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    client = client_of(approver)
    main = text_of(main_of(client.get(BLOCK + "thanh-phan/").content.decode()))
    leader, deputy = block.leader.short_name, block.deputy.short_name
    assert f"{leader} (Khối trưởng)" in main and f"{deputy} (Khối phó)" in main
    assert "Cụm" not in main
    # A cluster's composition page keeps Cụm trưởng.
    cluster = text_of(main_of(client.get("/cum-thi-dua/2025/3/thanh-phan/").content.decode()))
    assert "(Cụm trưởng)" in cluster and "Khối" not in cluster  # it has no deputy
    # Removing the leader is refused in the block's words.
    with pytest.raises(ValidationError) as refused:
        publishing.change_composition(
            block, by=approver, remove=[block.leader], reason="Văn bản của Bộ (thử)"
        )
    assert "đang là Khối trưởng: chọn đơn vị khác làm Khối trưởng" in str(refused.value)


def handover_for(block: Cluster) -> None:
    block.record_handover(
        next_leader=Unit.objects.get(code="k01"),
        next_deputy=Unit.objects.get(code="k02"),
        by=None,
    )


def row_of(html: str, href: str) -> str:
    """The table row that links to `href`."""
    at = html.index(f'href="{href}"')
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


def test_the_years_list_has_neutral_headers_and_a_blocks_row_says_khoi(block):
    handover_for(block)
    approver = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    html = client_of(approver).get(reverse("cluster_list"), {"year": 2025}).content.decode()
    table = html[html.index('id="clusters"') : html.index("</table>")]
    head = table[: table.index("</thead>")]
    assert "Cụm trưởng" not in head and "Cụm phó" not in head
    assert "Đơn vị trưởng cụm, khối" in head and "<th>Cụm, khối</th>" in head
    row = text_of(row_of(table, BLOCK))
    assert "Khối trưởng" in row and "Khối phó" in row and "Cụm" not in row, row
    # The list's Excel: the same neutral headers, the block's next year in its own words.
    response = client_of(approver).get(reverse("cluster_list_excel"), {"year": 2025})
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[3] if c.value is not None]
    assert header[1] == "Cụm, khối" and "Đơn vị trưởng cụm, khối" in header
    assert not any("Cụm trưởng" in h for h in header)
    rows = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    (mine,) = [r for r in rows if r[1] == block.title]
    assert mine[-1].startswith("Khối trưởng ") and ", Khối phó " in mine[-1]


def test_the_ministrys_board_has_a_neutral_leader_header_and_no_cum_in_a_blocks_row(block):
    approver = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    html = client_of(approver).get(reverse("ministry_dashboard"), {"nam": 2025}).content.decode()
    table = html[html.index('id="clusters-table"') :]
    table = table[: table.index("</table>")]
    head = table[: table.index("</thead>")]
    assert "Cụm trưởng" not in head and "Đơn vị trưởng cụm, khối" in head
    row = text_of(row_of(table, BLOCK))
    assert "Khối thi đua số 3" in row and "Cụm" not in row, row


def test_a_block_leaders_home_page_and_unit_history_say_khoi_truong(block):
    secretariat = make_user("tt.a05", User.Role.SECRETARIAT, "a05")
    client = client_of(secretariat)
    home = text_of(main_of(client.get("/").content.decode()))
    assert "Khối trưởng" in home and "Cụm trưởng" not in home and "Cụm phó" not in home
    history = main_of(client.get(reverse("unit_detail", args=["a05"])).content.decode())
    row = text_of(row_of(history, BLOCK))
    assert "Khối trưởng" in row and "Cụm" not in row, row
    deputy = main_of(client.get(reverse("unit_detail", args=["k01"])).content.decode())
    assert "Khối phó" in text_of(row_of(deputy, BLOCK))


def test_the_api_labels_a_blocks_roles_khoi_truong_and_khoi_pho(block):
    approver = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    response = client_of(approver).get("/api/v1/blocks/2025/3")
    assert response.status_code == 200, response.content[:300]
    labels = {m["role"]: m["role_label"] for m in response.json()["members"]}
    assert labels["leader"] == "Khối trưởng" and labels["deputy"] == "Khối phó"
    labels = {
        m["role"]: m["role_label"]
        for m in client_of(approver).get("/api/v1/clusters/2025/3").json()["members"]
    }
    assert labels["leader"] == "Cụm trưởng"  # Cụm 3 / 2025 has no deputy


def test_the_teams_excel_names_each_teams_officers_in_vietnamese_order(world):
    """Cụm 3 / 2021's first team: two officers of its leading unit named on it, listed as the
    team's page lists them (InspectionTeam.officers: by unit, then by given name as a Vietnamese
    list of people is, "Trần Văn Bình" before "Nguyễn Thị Đào")."""
    team = InspectionTeam.objects.filter(cycle=world.cycle2021).order_by("pk").first()
    unit = team.leader_unit
    team.members.set(
        [
            make_user("kt.dao", User.Role.INSPECTOR, unit.code, full_name="Nguyễn Thị Đào"),
            make_user("kt.binh", User.Role.INSPECTOR, unit.code, full_name="Trần Văn Bình"),
        ]
    )
    response = world.cast.client(world.cast.secretariat).get(
        reverse("cycle_excel_teams", args=[2021, 3])
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[3] if c.value is not None]
    assert "Cán bộ kiểm tra" in header
    at = header.index("Cán bộ kiểm tra")
    rows = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    officers = {r[0]: r[at] for r in rows}
    expected = f"Trần Văn Bình ({unit.short_name}); Nguyễn Thị Đào ({unit.short_name})"
    assert officers[team.name] == expected
    others = {r[0] for r in rows} - {team.name}
    assert others and all(officers[name] in (None, "") for name in others)


def test_a_blocks_handover_and_deadlines_are_confirmed_in_the_blocks_words(block):
    secretariat = make_user("tt.a05", User.Role.SECRETARIAT, "a05")
    client = client_of(secretariat)
    # Without its year in the system, the block's page records next year's leader and deputy.
    response = client.post(
        BLOCK + "ban-giao/",
        {
            "next_leader": Unit.objects.get(code="k01").pk,
            "next_deputy": Unit.objects.get(code="k02").pk,
            "reason": "",
        },
        follow=True,
    )
    page = text_of(main_of(response.content.decode()))
    assert "Đã ghi nhận Khối trưởng, Khối phó năm sau." in text_of(response.content.decode())
    assert "Cụm" not in page
    # With its year open, the block's own deadlines are saved "của Khối".
    assert client.post(BLOCK + "thi-dua/mo/").status_code == 302
    response = client.post(
        reverse("cluster_deadlines", args=[2025, BlockNumber(3)]), {}, follow=True
    )
    html = response.content.decode()
    assert "Đã lưu thời hạn của Khối" in html and "Cụm" not in text_of(main_of(html))


def test_the_overview_says_whose_move_it_is_in_the_words_of_the_years_kind(world):
    """Cụm 3 / 2021's proposals in review, read as a block's year (kind changed in memory only)."""
    from thidua.cycle.models import Cycle, Proposal
    from thidua.cycle.views.overview import review_step

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.APPROVAL)
    proposals = world.cycle2021.proposals.order_by("pk")
    proposals.update(state=Proposal.State.APPROVED)
    Proposal.objects.filter(pk=proposals.first().pk).update(state=Proposal.State.DRAFT)
    cycle = Cycle.objects.select_related("cluster").get(pk=world.cycle2021.pk)
    assert review_step(cycle).startswith("Bước tiếp theo là của Cụm: còn 1 đề nghị")
    cycle.cluster.kind = Cluster.Kind.BLOCK
    assert review_step(cycle).startswith(
        "Bước tiếp theo là của Khối: còn 1 đề nghị chưa trình Bộ — Thường trực Khối trình Bộ"
    )
    proposals.update(state=Proposal.State.APPROVED)
    assert review_step(cycle) == (
        "Bộ đã quyết định mọi đề nghị: bước tiếp theo là của Khối — Thường trực Khối ghi nhận "
        "Khối trưởng, Khối phó năm sau và kết thúc năm thi đua."
    )


def test_a_blocks_unopened_year_and_its_covenant_are_refused_in_the_blocks_words(block):
    approver = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    response = client_of(approver).get("/api/v1/blocks/2025/3/cycle")
    assert response.status_code == 404
    assert response.json()["detail"] == "Khối chưa mở năm thi đua trên hệ thống."
    secretariat = make_user("tt.a05", User.Role.SECRETARIAT, "a05")
    client = client_of(secretariat)
    assert client.post(BLOCK + "thi-dua/mo/").status_code == 302
    officer = client_of(make_user("cb.k02", User.Role.UNIT_OFFICER, "k02"))
    response = officer.post(
        reverse("cycle_covenant_sign", args=[2025, BlockNumber(3)]), {"unit": "k02"}, follow=True
    )
    assert "Thường trực Khối chưa soạn nội dung giao ước: chưa thể ký." in response.content.decode()


def test_the_publish_form_names_the_leader_for_both_kinds_and_refuses_in_the_kinds_words(
    reference,
):
    approver = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    client = client_of(approver)
    form = text_of(main_of(client.get("/cum-thi-dua/cong-bo/").content.decode()))
    assert "Đơn vị trưởng (Cụm trưởng, Khối trưởng)" in form
    assert "Đơn vị phó (Cụm phó, Khối phó)" in form
    a05 = Unit.objects.get(code="a05")
    response = client.post(
        "/cum-thi-dua/cong-bo/",
        {"year": 2026, "kind": "block", "number": 3, "leader": a05.pk, "deputy": a05.pk},
    )
    assert response.status_code == 422
    assert "Khối phó phải là đơn vị khác Khối trưởng." in response.content.decode()
    assert "Cụm phó phải" not in response.content.decode()


def test_who_decides_a_block_leaders_matters_and_the_blocks_quotas_and_deadlines_say_khoi(
    opened, block
):
    import datetime as dt
    from decimal import Decimal

    from thidua.cycle.impartiality import arbiter_for, handover_sentence
    from thidua.cycle.models import Cycle
    from thidua.cycle.plan.method_words import quota_words
    from thidua.engine.awards import AwardRule
    from thidua.notifications.models import set_cluster_calendar, set_national_calendar

    a05, k01 = block.leader, block.deputy
    assert arbiter_for(block, Unit.objects.get(code="k02")).label == "Thường trực Khối"
    assert arbiter_for(block, a05).label == f"đơn vị Khối phó ({k01.short_name})"
    sentence = handover_sentence(block, a05, "chấm điểm")
    assert sentence.startswith(f"{a05.short_name} là đơn vị Khối trưởng:")
    assert "Thường trực Khối không chấm điểm" in sentence and "Cụm" not in sentence
    award = AwardRule(code="CO", name="Cờ thi đua", max_percent=Decimal(20))
    assert "20% số đơn vị trong Khối" in quota_words(award, 5, kind=block.kind_word)
    assert "20% số đơn vị trong Cụm" in quota_words(award, 5)  # a cluster's, unchanged
    approver = make_user("pd.khoi", User.Role.MINISTRY_APPROVER, "x03")
    set_national_calendar(2025, {"planning": dt.date(2025, 3, 31)}, by=approver)
    cycle = Cycle.objects.select_related("cluster").get(cluster=block)
    with pytest.raises(ValidationError) as refused:
        set_cluster_calendar(cycle, {"planning": dt.date(2025, 4, 30)}, by=opened)
    assert "Hạn của Khối cho bước" in str(refused.value)


def test_a_blocks_members_and_what_it_lacks_are_said_in_its_words(block):
    roles = {m.unit.code: m.role_word for m in block.members()}
    assert roles["a05"] == "Khối trưởng" and roles["k01"] == "Khối phó"
    assert roles["k02"] == "Thành viên"
    assert str(block.members()[0]).endswith("— Khối trưởng")
    empty = Cluster.objects.create(
        movement=movement(), year=2025, kind=Cluster.Kind.BLOCK, number=9
    )
    assert empty.problems() == ["Chưa có đơn vị Khối trưởng.", "Chưa có đơn vị Khối phó."]
    cluster = Cluster.objects.create(movement=movement(), year=2025, number=9)
    assert cluster.problems() == ["Chưa có đơn vị Cụm trưởng.", "Chưa có đơn vị Cụm phó."]
