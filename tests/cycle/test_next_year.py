"""The next year: the Ministry publishes clusters (from a handover in one click, from scratch, a
change of composition with its reason), the new secretariat adopts last year's method as a draft,
and each unit's page compares its years."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Cycle
from thidua.cycle.plan import next_year
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Cluster, Unit, User

pytestmark = pytest.mark.django_db


def _cluster(year: int, number: int) -> Cluster:
    return Cluster.objects.with_members().get(year=year, number=number, kind=Cluster.Kind.CLUSTER)


def _names(cluster: Cluster) -> set[str]:
    return {m.unit.short_name for m in cluster.members()}


def test_the_ministry_publishes_2023_from_the_gia_lai_handover_in_one_click(cast):
    assert not Cluster.objects.filter(year=2023, number=6).exists()
    client = cast.client(cast.approver)
    detail = client.get("/cum-thi-dua/2022/6/")
    assert "Công bố năm 2023 theo bàn giao" in detail.content.decode()
    response = client.post("/cum-thi-dua/2022/6/cong-bo-nam-sau/")
    assert response.status_code == 302 and response["Location"] == "/cum-thi-dua/2023/6/"
    new = _cluster(2023, 6)
    assert new.leader.short_name == "Bình Phước" and new.deputy.short_name == "Kon Tum"
    assert new.host.short_name == "Bình Phước"
    assert _names(new) == _names(_cluster(2022, 6))
    record = AuditRecord.objects.filter(action="publish", object_pk=str(new.pk)).get()
    assert "bàn giao" in record.reason and record.after["leader"] == new.leader.code
    # The new leader's secretariat can now open 2023.
    secretariat = make_user("tt.binhphuoc", User.Role.SECRETARIAT, new.leader.code)
    assert secretariat.is_secretariat_of(new)
    # A second click creates nothing and says why.
    again = client.post("/cum-thi-dua/2022/6/cong-bo-nam-sau/", follow=True)
    assert "đã được công bố" in again.content.decode()
    assert Cluster.objects.filter(year=2023, number=6).count() == 1


def test_only_the_ministry_publishes_and_a_cluster_without_handover_cannot_be_carried(cast):
    assert (
        cast.client(cast.officer_b).post("/cum-thi-dua/2022/6/cong-bo-nam-sau/").status_code == 403
    )
    assert (
        cast.client(cast.secretariat).post("/cum-thi-dua/2022/6/cong-bo-nam-sau/").status_code
        == 404
    )
    response = cast.client(cast.approver).post("/cum-thi-dua/2024/6/cong-bo-nam-sau/", follow=True)
    assert "chưa ghi nhận bàn giao Cụm trưởng, Cụm phó năm sau" in response.content.decode()
    assert not Cluster.objects.filter(year=2025, number=6).exists()


def test_a_handover_without_deputy_publishes_a_cluster_that_still_lacks_one(cast):
    cast.client(cast.approver).post("/cum-thi-dua/2023/7/cong-bo-nam-sau/")
    new = _cluster(2024, 7)
    assert new.leader.short_name == "Bình Thuận" and new.deputy is None
    assert "Chưa có đơn vị Cụm phó." in new.problems()


def test_a_change_of_composition_needs_a_reason_and_is_audited(cast):
    client = cast.client(cast.approver)
    url = "/cum-thi-dua/2024/6/thanh-phan/"
    assert client.get(url).status_code == 200
    quang_tri = Unit.objects.valid_in_year(2024).get(code="quang-tri")
    ha_tinh = Unit.objects.get(code="ha-tinh")
    refused = client.post(url, {"add": [quang_tri.pk], "remove": [ha_tinh.pk], "reason": "  "})
    assert refused.status_code == 422
    assert "Phải nêu lý do thay đổi thành phần cụm." in refused.content.decode()
    assert "Quảng Trị" not in _names(_cluster(2024, 6))
    reason = "Quyết định điều chỉnh cụm thi đua của Bộ (minh họa)"
    done = client.post(url, {"add": [quang_tri.pk], "remove": [ha_tinh.pk], "reason": reason})
    assert done.status_code == 302
    after = _names(_cluster(2024, 6))
    assert "Quảng Trị" in after and "Hà Tĩnh" not in after
    record = AuditRecord.objects.get(action="change_composition")
    assert record.reason == reason
    assert "ha-tinh" in record.before["members"] and "ha-tinh" not in record.after["members"]
    assert "quang-tri" in record.after["members"]


def test_the_leader_cannot_be_removed_and_a_unit_of_another_cluster_cannot_be_added(cast):
    from thidua.org import publishing

    cluster = _cluster(2024, 6)
    with pytest.raises(Exception) as caught:
        publishing.change_composition(
            cluster, by=cast.approver, remove=[cluster.leader], reason="Thử"
        )
    assert "đang là Cụm trưởng" in str(caught.value)
    response = cast.client(cast.viewer).get("/cum-thi-dua/2021/3/thanh-phan/")
    assert response.status_code == 403


def test_publishing_a_block_from_scratch_and_a_duplicate_is_refused(cast):
    client = cast.client(cast.approver)
    units = {code: Unit.objects.get(code=code) for code in ("hoa-binh", "quang-ninh")}
    units["phu-tho"] = units["hoa-binh"].current()  # the Phú Thọ of after the 2025 merger
    data = {
        "year": 2026,
        "kind": "block",
        "number": 1,
        "name": "Khối thi đua số 1",
        "leader": units["quang-ninh"].pk,
        "deputy": units["phu-tho"].pk,
        "members": [units["hoa-binh"].pk],
        "reason": "Văn bản minh họa",
    }
    gone = client.post("/cum-thi-dua/cong-bo/", data)
    # Hòa Bình was merged into Phú Thọ on 1 July 2025: it does not exist in 2026.
    assert gone.status_code == 422
    assert "Không tồn tại trong năm 2026: Công an tỉnh Hòa Bình." in gone.content.decode()
    data["members"] = []
    assert client.post("/cum-thi-dua/cong-bo/", data).status_code == 302
    block = Cluster.objects.with_members().get(year=2026, kind="block", number=1)
    assert block.leader == units["quang-ninh"] and block.deputy == units["phu-tho"]
    twice = client.post("/cum-thi-dua/cong-bo/", data)
    assert twice.status_code == 422
    assert "Khối thi đua số 1 năm 2026 đã được công bố." in twice.content.decode()
    assert cast.client(cast.secretariat).get("/cum-thi-dua/cong-bo/").status_code == 403


def test_the_new_secretariat_adopts_last_years_method_as_a_draft(cast, world):
    cast.client(cast.approver).post("/cum-thi-dua/2021/3/cong-bo-nam-sau/")
    cluster = _cluster(2022, 3)
    assert cluster.leader.code == "thai-nguyen" and cluster.deputy.code == "bac-giang"
    secretariat = make_user("tt.thainguyen", User.Role.SECRETARIAT, "thai-nguyen")
    cycle = Cycle.open(cluster, by=secretariat)
    client = cast.client(secretariat)
    page = client.get("/cum-thi-dua/2022/3/thi-dua/phuong-phap/ke-thua/")
    assert page.status_code == 200 and "Phương pháp chấm năm 2021" in page.content.decode()
    # Another member reads the draft but may not adopt it.
    assert (
        cast.client(cast.officer_a)
        .post("/cum-thi-dua/2022/3/thi-dua/phuong-phap/ke-thua/")
        .status_code
        == 403
    )
    response = client.post("/cum-thi-dua/2022/3/thi-dua/phuong-phap/ke-thua/")
    assert response.status_code == 302
    cycle = Cycle.objects.get(pk=cycle.pk)
    method, old = cycle.method, world.cycle2021.method
    assert method.number == 1
    assert method.scale["groups"] == old.scale["groups"]
    assert method.award_rules.get("rules") == old.award_rules.get("rules")
    assert method.scale.get("year") in (None, 2022)
    assert "2021" not in method.scale.get("name", "")
    members = {u.code for u in cycle.members()}
    assert set(method.targets) <= members
    assert AuditRecord.objects.filter(action="create", model="cycle.methodversion").exists()
    # Once scoring starts the method is locked: no second adoption.
    cycle.lock_method(by=secretariat)
    with pytest.raises(WorkflowError, match="đã khóa"):
        next_year.adopt_method(cycle, by=secretariat)


def test_a_unit_page_compares_its_years_with_a_chart(cast, world):
    rows, chart = next_year.unit_years(cast.approver, world.unit("bac-giang"), 2021)
    this = rows[-1]
    assert this.year == 2021 and this.source == "hệ thống" and this.rank is not None
    assert this.of == 8 or this.of >= this.rank
    assert chart["type"] == "line" and chart["data"]["labels"][-1] == "2021"
    assert chart["options"]["scales"]["y"]["reverse"] is True
    response = cast.client(cast.officer_a).get(
        "/cum-thi-dua/2021/3/thi-dua/don-vi/bac-giang/qua-cac-nam/"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Hạng qua các năm" in body
    assert 'data-chart="chart-unit-years"' in body and "chart.umd.min.js" in body
    assert (
        cast.client(cast.officer_a)
        .get("/cum-thi-dua/2021/3/thi-dua/don-vi/gia-lai/qua-cac-nam/")
        .status_code
        == 404
    )


def test_the_register_s_titles_appear_in_the_years_of_the_unit(cast, world):
    import datetime as dt

    from thidua.honours.models import Commendation

    Commendation.create(
        by=None,
        unit=world.unit("bac-giang"),
        award_code="bang_khen_bo_cong_an",
        year=2021,
        decision_no="99/QĐ-NAM",
        decision_date=dt.date(2022, 1, 10),
        issuer="Bộ trưởng Bộ Công an",
    )
    rows, _ = next_year.unit_years(cast.approver, world.unit("bac-giang"), 2021)
    assert "Bằng khen của Bộ trưởng Bộ Công an" in rows[-1].awards


def test_the_method_page_offers_the_draft_and_the_dashboard_links_each_units_years(cast, world):
    cast.client(cast.approver).post("/cum-thi-dua/2021/3/cong-bo-nam-sau/")
    secretariat = make_user("tt.thainguyen2", User.Role.SECRETARIAT, "thai-nguyen")
    Cycle.open(_cluster(2022, 3), by=secretariat)
    page = cast.client(secretariat).get("/cum-thi-dua/2022/3/thi-dua/phuong-phap/")
    assert 'href="/cum-thi-dua/2022/3/thi-dua/phuong-phap/ke-thua/"' in page.content.decode()
    board = cast.client(cast.approver).get("/cum-thi-dua/2021/3/thi-dua/bang-dieu-khien/")
    assert (
        'href="/cum-thi-dua/2021/3/thi-dua/don-vi/bac-giang/qua-cac-nam/"' in board.content.decode()
    )


def test_the_cluster_list_offers_publication_to_the_ministry_only(cast):
    assert 'id="publish"' in cast.client(cast.approver).get("/cum-thi-dua/").content.decode()
    assert 'id="publish"' not in cast.client(cast.secretariat).get("/cum-thi-dua/").content.decode()
