"""A block (Khối thi đua) of Ministry units runs its year beside the provinces' cluster of the same
number: pages under /khoi-thi-dua/<year>/<number>/, the API under /api/v1/blocks/<year>/<number>/,
and the old /cum-thi-dua/ and /api/v1/clusters/ addresses still reach the cluster."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.cycle.conftest import example
from thidua.cycle.models import Covenant, Cycle, Inspection, InspectionTeam, Ranking, ResultSheet
from thidua.cycle.scoring import set_method
from thidua.org.loaders import movement
from thidua.org.models import Cluster, Membership, Unit, User
from thidua.org.year_keys import BlockNumber

pytestmark = pytest.mark.django_db
S = Cycle.Stage

BLOCK_UNITS = (
    "a05",
    "k01",
    "cuc-ke-hoach-va-tai-chinh",
    "k02",
    "truong-dai-hoc-phong-chay-chua-chay",
)
BLOCK = "/khoi-thi-dua/2025/3/thi-dua/"
CLUSTER = "/cum-thi-dua/2025/3/thi-dua/"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def block(reference):
    """Khối 3 / 2025 (illustrative composition) beside the demo's Cụm 3 / 2025, whose year is open."""
    block = Cluster.objects.create(
        movement=movement(), year=2025, kind=Cluster.Kind.BLOCK, number=3
    )
    for code in BLOCK_UNITS:
        role = {"a05": Membership.Role.LEADER, "k01": Membership.Role.DEPUTY}.get(
            code, Membership.Role.MEMBER
        )
        block.add_member(Unit.objects.get(code=code), role=role)
    return Cluster.objects.with_members().get(pk=block.pk)


def results_for(codes: tuple[str, ...]) -> dict[str, dict]:
    """The example's illustrative results (dữ liệu minh họa), one row per block member."""
    rows = example("results.json")["units"]
    return {code: copy.deepcopy(rows[i]) for i, code in enumerate(codes)}


def test_block_year_runs_plan_results_ranking_beside_the_cluster_of_the_same_number(block, cast):
    cluster_cycle = Cycle.objects.get(
        cluster__year=2025, cluster__number=3, cluster__kind="cluster"
    )
    cluster_stage = cluster_cycle.stage
    secretariat = make_user("tt.a05", User.Role.SECRETARIAT, "a05")
    officers = {c: make_user(f"cb.{c}", User.Role.UNIT_OFFICER, c) for c in BLOCK_UNITS}
    inspectors = {c: make_user(f"kt.{c}", User.Role.INSPECTOR, c) for c in ("a05", "k01")}
    rows = results_for(BLOCK_UNITS)
    boss = client_of(secretariat)

    # Plan: the block's secretariat opens the block's year from the block's address.
    assert boss.post(BLOCK + "mo/").status_code == 302
    cycle = Cycle.objects.get(cluster=block)
    assert Cycle.objects.filter(cluster__year=2025, cluster__number=3).count() == 2
    scale = {**example("scale.json"), "year": 2025}
    scale.pop("approved", None)
    set_method(
        cycle,
        by=secretariat,
        scale=scale,
        award_rules={**example("awards.json"), "year": 2025},
        targets={c: r["targets"] for c, r in rows.items() if r.get("targets")},
        operating_rules="Quy chế hoạt động của Khối (minh họa).",
    )
    Covenant.write(
        cycle, by=secretariat, text="Giao ước thi đua (minh họa).", signing_place="Hà Nội"
    )
    method_page = boss.get(BLOCK + "phuong-phap/")
    assert method_page.status_code == 200
    assert boss.post(BLOCK + "chuyen-giai-doan/", {"to": S.IN_PROGRESS}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == S.IN_PROGRESS

    # Results: every member reports through the API's block address.
    for code in BLOCK_UNITS:
        api = client_of(officers[code])
        base = f"/api/v1/blocks/2025/3/units/{code}/results"
        read = api.get(base)
        assert read.status_code == 200, read.content
        saved = api.put(
            base,
            json.dumps(
                {
                    "values": rows[code]["results"],
                    "remarks": rows[code].get("remarks", {}),
                    "version": read.json()["version"],
                }
            ),
            content_type="application/json",
        )
        assert saved.status_code == 200, saved.content
        sent = api.post(
            base + "/submit",
            json.dumps({"confirm_warnings": True}),
            content_type="application/json",
        )
        assert sent.status_code == 200, sent.content
    assert ResultSheet.objects.filter(cycle=cycle, state="submitted").count() == 5
    assert not ResultSheet.objects.filter(cycle=cluster_cycle, unit__code__in=BLOCK_UNITS)
    sheet_page = client_of(officers["k01"]).get(BLOCK + "so-lieu/k01/")
    assert sheet_page.status_code == 200 and "Bộ Tư lệnh Cảnh vệ" in sheet_page.content.decode()

    # Inspection, then the ranking.
    units = {u.code: u for u in cycle.members()}
    for name, (lead, member, inspected) in {
        "Đoàn kiểm tra số 1": (
            "a05",
            "cuc-ke-hoach-va-tai-chinh",
            BLOCK_UNITS[1:2] + BLOCK_UNITS[3:],
        ),
        "Đoàn kiểm tra số 2": (
            "k01",
            "k02",
            BLOCK_UNITS[0:1] + BLOCK_UNITS[2:3],
        ),
    }.items():
        InspectionTeam.form(
            cycle,
            by=secretariat,
            name=name,
            leader_unit=units[lead],
            member_units=[units[member]],
            inspected_units=[units[c] for c in inspected],
        )
    assert boss.post(BLOCK + "chuyen-giai-doan/", {"to": S.INSPECTION}).status_code == 302
    for inspection in Inspection.objects.filter(cycle=cycle).select_related("team", "unit"):
        reported = ResultSheet.objects.get(cycle=cycle, unit=inspection.unit)
        inspector = inspectors[inspection.team.leader_unit.code]
        inspection.save_scores(by=inspector, values=reported.values, remarks=reported.remarks)
        inspection.submit(by=inspector)
    assert boss.post(BLOCK + "chuyen-giai-doan/", {"to": S.RANKING}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == S.RANKING
    assert Ranking.objects.filter(cycle=cycle).exists()

    # The ranking, page and API, is the block's; the cluster's year did not move.
    page = client_of(officers["k02"]).get(BLOCK + "xep-hang/")
    assert page.status_code == 200
    html = page.content.decode()
    for code in BLOCK_UNITS:
        assert Unit.objects.get(code=code).name in html
    assert "Khối thi đua số 3" in html
    assert "/cum-thi-dua/2025/3/" not in html  # every link of the block's page stays in the block
    ranked = client_of(officers["k01"]).get("/api/v1/blocks/2025/3/ranking")
    assert ranked.status_code == 200, ranked.content
    ranked_codes = [e["unit"]["code"] for e in ranked.json()["units"]]
    ranked_codes += [e["unit"]["code"] for e in ranked.json()["excluded"]]
    assert sorted(ranked_codes) == sorted(BLOCK_UNITS)
    cluster_cycle.refresh_from_db()
    assert cluster_cycle.stage == cluster_stage
    # The Ministry's board and the list of the year lead to each, by its own address.
    approver = client_of(cast.approver)
    board = approver.get("/bang-dieu-khien/?nam=2025").content.decode()
    assert "/khoi-thi-dua/2025/3/" in board and "/cum-thi-dua/2025/3/" in board
    listing = approver.get("/cum-thi-dua/?year=2025").content.decode()
    assert "/khoi-thi-dua/2025/3/" in listing and "/cum-thi-dua/2025/3/" in listing
    home = client_of(officers["k02"]).get("/").content.decode()  # its to-do list and its years
    assert "/khoi-thi-dua/2025/3/" in home and "/cum-thi-dua/2025/3/" not in home
    # A block officer is not a member of Cụm 3: the cluster's year at the old address is not theirs.
    assert client_of(officers["k01"]).get(CLUSTER + "xep-hang/").status_code == 404
    assert client_of(officers["k01"]).get("/api/v1/clusters/2025/3/ranking").status_code == 404


def test_old_cluster_addresses_still_reach_the_cluster_and_blocks_have_their_own(block, cast):
    assert reverse("cycle_ranking", args=[2025, 3]) == CLUSTER + "xep-hang/"
    assert reverse("cycle_ranking", args=[2025, BlockNumber(3)]) == BLOCK + "xep-hang/"
    assert block.number == 3 and isinstance(block.number, BlockNumber)
    assert block.get_absolute_url() == "/khoi-thi-dua/2025/3/"
    cluster = Cluster.objects.get(year=2025, number=3, kind=Cluster.Kind.CLUSTER)
    assert cluster.get_absolute_url() == "/cum-thi-dua/2025/3/"
    admin = User.objects.create_superuser("qt", password="x" * 16)
    client = client_of(admin)
    old = client.get("/cum-thi-dua/2025/3/thi-dua/")
    assert old.status_code == 200 and "Cao Bằng" in old.content.decode()
    assert client.get("/api/v1/clusters/2025/3").json()["kind"] == "cluster"
    detail = client.get("/api/v1/blocks/2025/3").json()
    assert detail["kind"] == "block"
    assert {m["unit"]["code"] for m in detail["members"]} == set(BLOCK_UNITS)
    # The block has not opened its year: its own address says so, the cluster's is untouched.
    unopened = client.get(BLOCK).content.decode()
    assert "Khối thi đua số 3" in unopened and "Cao Bằng" not in unopened
    assert client.get("/api/v1/blocks/2025/3/ranking").status_code == 404


def test_the_block_page_lists_its_ministry_units_and_its_year_links(block):
    admin = User.objects.create_superuser("qt", password="x" * 16)
    page = client_of(admin).get("/khoi-thi-dua/2025/3/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Khối thi đua số 3" in html
    assert "Bộ Tư lệnh Cảnh vệ" in html and "Trường Đại học Phòng cháy chữa cháy" in html
    assert "/cum-thi-dua/2025/3/" not in html


def test_a_blocks_year_is_seen_by_its_members_and_the_ministry_only(block, cast):
    """The ladder of a block's address: provinces' users do not see it (404), its own units and
    the Ministry's approver do; a block unit's officer is no Ministry-wide reader."""
    member = make_user("cb.k01", User.Role.UNIT_OFFICER, "k01")
    other_ministry_unit = make_user("cb.c08", User.Role.UNIT_OFFICER, "c08")
    for user, status in (
        (cast.officer_a, 404),
        (cast.secretariat, 404),
        (cast.inspector, 404),
        (other_ministry_unit, 404),
        (member, 200),
        (cast.approver, 200),
    ):
        client = client_of(user)
        assert client.get("/api/v1/blocks/2025/3").status_code == status, user
        assert client.get("/khoi-thi-dua/2025/3/").status_code == status, user
    assert client_of(member).get("/cum-thi-dua/2025/3/").status_code == 404
    assert Client().get("/api/v1/blocks/2025/3").status_code == 401


def test_a_block_the_ministry_publishes_gets_its_own_page(reference, cast):
    units = {u.code: u for u in Unit.objects.filter(code__in=BLOCK_UNITS)}
    client = client_of(cast.approver)
    published = client.post(
        "/cum-thi-dua/cong-bo/",
        {
            "year": 2026,
            "kind": Cluster.Kind.BLOCK,
            "number": 3,
            "leader": units["a05"].pk,
            "deputy": units["k01"].pk,
            "members": [units[c].pk for c in BLOCK_UNITS[2:]],
            "reason": "Quyết định phân khối thi đua năm 2026 (minh họa).",
        },
    )
    assert published.status_code == 302
    assert published["Location"] == "/khoi-thi-dua/2026/3/"
    page = client.get(published["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Khối thi đua số 3" in html
    for unit in units.values():
        assert unit.name in html
    assert "/khoi-thi-dua/2026/3/thanh-phan/" in html  # its actions stay on the block
    assert "/cum-thi-dua/2026/3/" not in html
    assert client.get("/cum-thi-dua/2026/3/").status_code == 404  # no cluster of that number


def build_block_year(block: Cluster) -> dict[str, User]:
    """The block's year up to the published ranking, by the model's steps (for the browser test)."""
    secretariat = make_user("tt.a05", User.Role.SECRETARIAT, "a05")
    officers = {c: make_user(f"cb.{c}", User.Role.UNIT_OFFICER, c) for c in BLOCK_UNITS}
    inspector = make_user("kt.k01", User.Role.INSPECTOR, "k01")
    rows = results_for(BLOCK_UNITS)
    cycle = Cycle.open(block, by=secretariat, demo_note="Dữ liệu minh họa")
    scale = {**example("scale.json"), "year": block.year}
    scale.pop("approved", None)
    set_method(
        cycle,
        by=secretariat,
        scale=scale,
        award_rules={**example("awards.json"), "year": block.year},
        targets={c: r["targets"] for c, r in rows.items() if r.get("targets")},
        operating_rules="Quy chế hoạt động của Khối (minh họa).",
    )
    Covenant.write(cycle, by=secretariat, text="Giao ước (minh họa).", signing_place="Hà Nội")
    cycle.advance(S.IN_PROGRESS, by=secretariat)
    units = {u.code: u for u in cycle.members()}
    for code in BLOCK_UNITS:
        sheet = ResultSheet.for_unit(cycle, units[code])
        sheet.save_values(
            by=officers[code], values=rows[code]["results"], remarks=rows[code].get("remarks", {})
        )
        sheet.submit(by=officers[code], confirmed="Dữ liệu minh họa.")
    InspectionTeam.form(
        cycle,
        by=secretariat,
        name="Đoàn kiểm tra số 1",
        leader_unit=units["k01"],
        member_units=[units["k02"]],
        inspected_units=[units[c] for c in ("a05", "cuc-ke-hoach-va-tai-chinh")],
    )
    InspectionTeam.form(
        cycle,
        by=secretariat,
        name="Đoàn kiểm tra số 2",
        leader_unit=units["a05"],
        member_units=[units["cuc-ke-hoach-va-tai-chinh"]],
        inspected_units=[units[c] for c in BLOCK_UNITS[1:2] + BLOCK_UNITS[3:]],
    )
    inspectors = {"k01": inspector, "a05": make_user("kt.a05", User.Role.INSPECTOR, "a05")}
    cycle.advance(S.INSPECTION, by=secretariat)
    for inspection in Inspection.objects.filter(cycle=cycle).select_related("team", "unit"):
        reported = ResultSheet.objects.get(cycle=cycle, unit=inspection.unit)
        by = inspectors[inspection.team.leader_unit.code]
        inspection.save_scores(by=by, values=reported.values, remarks=reported.remarks)
        inspection.submit(by=by)
    cycle.advance(S.RANKING, by=secretariat)
    return {"secretariat": secretariat, **officers}


def crumbs(html: str) -> str:
    """The page's breadcrumbs (the site menu names "Cụm thi đua" on every page)."""
    start = html.index('<nav class="breadcrumbs"')
    return html[start : html.index("</nav>", start)]


def test_a_blocks_pages_say_khoi_truong_and_khoi_pho_and_a_clusters_pages_are_unchanged(block):
    """The words of the year's kind come from the Cluster (kind_name, leader_word, deputy_word):
    a block's breadcrumbs, headers and badges say Khối thi đua, Khối trưởng, Khối phó."""
    admin = User.objects.create_superuser("qt", password="x" * 16)
    client = client_of(admin)
    handover = reverse("cycle_handover", args=[2025, BlockNumber(3)])
    html = client.get("/khoi-thi-dua/2025/3/").content.decode()  # members, handover form
    assert "Khối trưởng" in html and "Khối phó" in html, "the block's page"
    assert "Cụm trưởng" not in html and "Cụm phó" not in html, "the block's page"
    assert "Khối thi đua</a>" in crumbs(html) and "Cụm" not in crumbs(html)
    html = client.get(BLOCK).content.decode()  # its year, not yet open
    assert "Khối chưa mở năm thi đua 2025" in html and "Cụm trưởng" not in html
    assert "Khối thi đua</a>" in crumbs(html) and "Cụm" not in crumbs(html)
    secretariat = make_user("tt.a05", User.Role.SECRETARIAT, "a05")
    assert client_of(secretariat).post(BLOCK + "mo/").status_code == 302
    for url in (BLOCK, handover):  # the open year's overview and its handover page
        html = client.get(url).content.decode()
        assert "Khối trưởng" in html and "Khối phó" in html, url
        assert "Cụm trưởng" not in html and "Cụm phó" not in html, url
        assert "Khối thi đua</a>" in crumbs(html) and "Cụm" not in crumbs(html), url
    for url in ("/cum-thi-dua/2025/3/", CLUSTER, reverse("cycle_handover", args=[2025, 3])):
        html = client.get(url).content.decode()
        if url != CLUSTER:  # the overview of a year under way names no leader
            assert "Cụm trưởng" in html and "Cụm phó" in html, url
        assert "Cụm thi đua</a>" in crumbs(html) and "Khối" not in crumbs(html), url
        assert "Khối trưởng" not in html and "Khối phó" not in html, url
