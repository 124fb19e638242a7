"""Nobody judges their own unit, and each unit's raw data stays its own (issue 13).

Cluster 3 / 2021 is moved back to the cross-inspection stage inside each test. Yên Bái is the
leader (the cast's secretariat); Team 1 (Bắc Giang leads, Quảng Ninh sits on it) inspects Yên Bái,
Thái Nguyên, Hòa Bình and Phú Thọ; Team 2 (Yên Bái, Thái Nguyên) the four others. The cluster has
no deputy in 2021, so the Ministry stands in for the secretariat on Yên Bái's matters; a test
names a deputy to see the decision pass to it instead.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.cycle.test_inspection_pages import posted
from thidua.cycle.models import Cycle, Dispute, Inspection, ResultSheet
from thidua.org.models import Membership, User

pytestmark = pytest.mark.django_db
API = "/api/v1/clusters/2021/3"


def url(name: str, *args) -> str:
    return reverse(name, args=[2021, 3, *args])


def being_scored(world, code: str) -> Inspection:
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)
    inspection = world.inspection(code)
    Inspection.objects.filter(pk=inspection.pk).update(
        state=Inspection.State.DRAFT, values={}, remarks={}, version=1, submitted_at=None
    )
    inspection.refresh_from_db()
    return inspection


def form_data(world, code: str, version: int = 1) -> dict:
    """The unit's own figures, posted back as the team's verified values."""
    report = ResultSheet.objects.get(cycle=world.cycle2021, unit__code=code)
    return posted(report.values, report.remarks, version)


def bearer(user) -> dict:
    from thidua.api.models import ApiToken

    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'kiểm thử')[1]}"}


def api_put(user, path: str, body: dict):
    return Client().put(
        API + path, json.dumps(body), content_type="application/json", **bearer(user)
    )


def api_post(user, path: str, body: dict):
    return Client().post(
        API + path, json.dumps(body), content_type="application/json", **bearer(user)
    )


def open_dispute(world, code: str, by) -> Dispute:
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.RANKING)
    return Dispute.objects.create(
        cycle=world.cycle2021,
        unit=world.unit(code),
        criterion="TP1",
        statement="Đề nghị xem lại tỷ lệ khám phá án.",
        raised_by=by,
    )


# -- inspections ------------------------------------------------------------------------------


def test_secretariat_cannot_read_for_edit_edit_or_submit_the_inspection_of_its_own_unit(world):
    inspection = being_scored(world, "yen-bai")
    secretariat = world.cast.client(world.cast.secretariat)
    target = url("cycle_inspection", inspection.pk)

    page = secretariat.get(target)
    assert page.status_code == 403
    assert "chỉ xem được khi đoàn đã gửi kết quả" in page.content.decode()
    assert secretariat.post(target, form_data(world, "yen-bai")).status_code == 403
    assert secretariat.post(url("cycle_inspection_submit", inspection.pk), {}).status_code == 403

    path = f"/inspections/{inspection.pk}"
    assert Client().get(API + path, **bearer(world.cast.secretariat)).status_code == 403
    body = {"values": {"TP1": "99,9"}, "remarks": {"TP1": "Tự sửa"}, "version": 1}
    refused = api_put(world.cast.secretariat, path, body)
    assert refused.status_code == 403 and "đơn vị bạn" in refused.json()["detail"]
    assert api_post(world.cast.secretariat, path + "/submit", {}).status_code == 403

    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.DRAFT and inspection.values == {}
    assert inspection.version == 1
    # Its own unit's inspection is not offered in the lists either, while it is being scored.
    listed = Client().get(API + "/inspections", **bearer(world.cast.secretariat)).json()
    assert inspection.pk not in [i["id"] for i in listed]
    teams = secretariat.get(url("cycle_teams")).content.decode()
    assert target not in teams


def test_secretariat_still_enters_a_teams_sheet_for_another_unit(world):
    inspection = being_scored(world, "hoa-binh")
    secretariat = world.cast.client(world.cast.secretariat)
    target = url("cycle_inspection", inspection.pk)
    assert 'id="inspection-form"' in secretariat.get(target).content.decode()
    assert secretariat.post(target, form_data(world, "hoa-binh")).status_code == 302
    inspection.refresh_from_db()
    assert inspection.version == 2


def test_no_role_scores_its_own_unit_even_when_put_on_the_team(world):
    """A team wrongly holding the inspected unit (written around the form's check) still cannot
    make that unit's inspector, or an administrator from that unit, score it."""
    inspection = being_scored(world, "bac-giang")
    inspection.team.member_units.add(world.unit("bac-giang"))
    inspector = make_user("kt.bg", User.Role.INSPECTOR, "bac-giang")
    admin = make_user("qt.bg", User.Role.UNIT_OFFICER, "bac-giang", is_superuser=True)
    for user in (inspector, admin):
        client = world.cast.client(user)
        assert client.get(url("cycle_inspection", inspection.pk)).status_code == 403
        assert client.post(url("cycle_inspection", inspection.pk), {}).status_code == 403
        body = {"values": {}, "remarks": {}, "version": 1}
        assert api_put(user, f"/inspections/{inspection.pk}", body).status_code == 403
        assert inspection.may_score(user) is False


def test_an_inspectors_task_list_never_offers_its_own_unit(world):
    from thidua.cycle.todo import tasks_for

    inspection = being_scored(world, "bac-giang")
    being_scored(world, "quang-ninh")
    inspection.team.member_units.add(world.unit("bac-giang"))  # written around the form's check
    inspector = make_user("kt.bg2", User.Role.INSPECTOR, "bac-giang")
    titles = [t.text for t in tasks_for(inspector)]
    assert "Chấm kiểm tra chéo Công an tỉnh Quảng Ninh" in titles
    assert "Chấm kiểm tra chéo Công an tỉnh Bắc Giang" not in titles


def test_the_ministry_stands_in_when_the_leaders_unit_is_inspected_and_there_is_no_deputy(world):
    inspection = being_scored(world, "yen-bai")
    approver = world.cast.client(world.cast.approver)
    target = url("cycle_inspection", inspection.pk)
    assert 'id="inspection-form"' in approver.get(target).content.decode()
    assert approver.post(target, form_data(world, "yen-bai")).status_code == 302
    inspection.refresh_from_db()
    assert inspection.version == 2
    # …and the Ministry still may not enter another unit's sheet (that is the secretariat's).
    other = being_scored(world, "hoa-binh")
    assert approver.post(url("cycle_inspection", other.pk), {}).status_code == 403
    # The secretariat's page says who acts instead of it, where it would have acted.
    teams = world.cast.client(world.cast.secretariat).get(url("cycle_teams")).content.decode()
    note = teams.split('id="khong-tu-cham"')[1].split("</div></div>")[0]
    assert "Yên Bái là đơn vị Cụm trưởng" in note
    assert "Bộ Công an (cán bộ phê duyệt của Bộ)" in note


# -- disputes ---------------------------------------------------------------------------------


def test_nobody_resolves_a_dispute_raised_by_their_own_unit(world):
    dispute = open_dispute(world, "yen-bai", world.cast.secretariat)
    secretariat = world.cast.client(world.cast.secretariat)
    data = {f"kn{dispute.pk}-decision": "accept", f"kn{dispute.pk}-corrected_value": "99,9"}
    data[f"kn{dispute.pk}-resolution"] = "Đồng ý."
    assert secretariat.post(url("cycle_dispute_resolve", dispute.pk), data).status_code == 403
    body = {"decision": "accept", "resolution": "Đồng ý.", "corrected_value": 99.9}
    refused = api_post(world.cast.secretariat, f"/disputes/{dispute.pk}/resolve", body)
    assert refused.status_code == 403
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.OPEN and dispute.corrected_value is None

    page = secretariat.get(url("cycle_disputes")).content.decode()
    card = page.split(f'id="kn-{dispute.pk}"')[1].split("</section>")[0]
    assert "cycle_dispute_resolve" not in card and "Ghi nhận kết luận" not in card
    assert "Thường trực Cụm không giải quyết khiếu nại này" in card
    assert "Bộ Công an" in card
    listed = Client().get(API + "/disputes", **bearer(world.cast.secretariat)).json()
    (row,) = [d for d in listed["disputes"] if d["id"] == dispute.pk]
    assert row["can_resolve"] is False

    # The Ministry decides it (the cluster has no deputy).
    done = api_post(
        world.cast.approver, f"/disputes/{dispute.pk}/resolve", {**body, "decision": "reject"}
    )
    assert done.status_code == 200, done.content
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.REJECTED and dispute.resolved_by == world.cast.approver


def test_a_unit_officer_promoted_to_secretariat_elsewhere_still_cannot_resolve_its_units_dispute(
    world,
):
    """Any role: the Bắc Giang officer's dispute is refused to a Bắc Giang account of any kind."""
    dispute = open_dispute(world, "bac-giang", world.cast.officer_a)
    admin = make_user("qt.bacgiang", User.Role.SECRETARIAT, "bac-giang", is_superuser=True)
    client = world.cast.client(admin)
    assert client.post(url("cycle_dispute_resolve", dispute.pk), {}).status_code == 403
    assert dispute.may_resolve(admin) is False
    assert dispute.may_resolve(world.cast.secretariat) is True


def test_the_deputy_decides_the_leaders_matters_when_the_cluster_has_one(world):
    cluster = world.cycle2021.cluster
    cluster.set_role(world.unit("thai-nguyen"), Membership.Role.DEPUTY)
    deputy = make_user("thuongtruc.tn", User.Role.SECRETARIAT, "thai-nguyen")
    dispute = open_dispute(world, "yen-bai", world.cast.secretariat)
    body = {"decision": "reject", "resolution": "Số liệu đoàn kiểm tra là đúng."}

    # The Ministry does not: the deputy does.
    assert api_post(world.cast.approver, f"/disputes/{dispute.pk}/resolve", body).status_code == 403
    page = world.cast.client(deputy).get(url("cycle_disputes")).content.decode()
    assert f'id="kn-{dispute.pk}"' in page and "Ghi nhận kết luận" in page
    done = api_post(deputy, f"/disputes/{dispute.pk}/resolve", body)
    assert done.status_code == 200, done.content
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.REJECTED and dispute.resolved_by == deputy

    # The deputy decides nothing else: another unit's dispute stays the secretariat's.
    other = open_dispute(world, "bac-giang", world.cast.officer_a)
    assert api_post(deputy, f"/disputes/{other.pk}/resolve", body).status_code == 404

    inspection = being_scored(world, "yen-bai")
    assert inspection.may_score(deputy) and not inspection.may_score(world.cast.approver)
    secretariat_page = world.cast.client(world.cast.secretariat).get(url("cycle_teams"))
    assert "đơn vị Cụm phó (Thái Nguyên)" in secretariat_page.content.decode()


def test_a_merged_units_officer_is_concerned_by_its_successor(world):
    from thidua.cycle.impartiality import unit_concerns
    from thidua.org.models import Unit

    merged = Unit.objects.filter(successor__isnull=False).select_related("successor").first()
    assert unit_concerns(merged, merged.successor) and unit_concerns(merged.successor, merged)
    assert not unit_concerns(world.unit("yen-bai"), world.unit("hoa-binh"))


# -- each unit's data stays its own -----------------------------------------------------------


def evidence_on(world, code: str):
    from tests.cycle.ladder_results import _evidence

    return _evidence(world, code)[-1]


def test_after_the_ranking_members_see_points_and_explanations_never_others_sheets_or_files(
    world,
):
    viewer = world.cast.client(world.cast.viewer)  # Thái Nguyên
    evidence = evidence_on(world, "bac-giang")
    assert world.cycle2021.stage == Cycle.Stage.CLOSED
    assert viewer.get(url("cycle_unit_score", "bac-giang")).status_code == 200
    assert viewer.get(url("cycle_result_sheet", "bac-giang")).status_code == 404
    assert viewer.get(url("cycle_evidence_download", "bac-giang", evidence)).status_code == 404
    assert viewer.get(url("cycle_excel_results_template", "bac-giang")).status_code == 404
    own = viewer.get(url("cycle_result_sheet", "thai-nguyen"))
    assert own.status_code == 200
    listed = viewer.get(url("cycle_results")).content.decode()
    assert url("cycle_result_sheet", "bac-giang") not in listed
    assert "không xem được số liệu, minh chứng của nhau" in listed


def test_an_inspector_opens_the_inspected_units_files_only_during_the_inspection(world):
    inspector = world.cast.client(world.cast.inspector)  # Quảng Ninh, Team 1: inspects Yên Bái
    evidence = evidence_on(world, "yen-bai")
    download = url("cycle_evidence_download", "yen-bai", evidence)
    assert inspector.get(download).status_code == 404  # the year is closed
    page = inspector.get(url("cycle_inspection", world.inspection("yen-bai").pk)).content.decode()
    assert download not in page and "Báo cáo tỷ lệ khám phá án.pdf" in page

    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.INSPECTION)
    assert inspector.get(download).status_code == 200
    assert inspector.get(url("cycle_result_sheet", "yen-bai")).status_code == 200
    # Never a unit it does not inspect (Bắc Giang is Team 2's).
    other = evidence_on(world, "bac-giang")
    assert inspector.get(url("cycle_evidence_download", "bac-giang", other)).status_code == 404


def test_the_pages_promise_what_is_enforced(world):
    officer = world.cast.client(world.cast.officer_a)
    Cycle.objects.filter(pk=world.cycle2021.pk).update(stage=Cycle.Stage.IN_PROGRESS)
    ResultSheet.objects.filter(cycle=world.cycle2021, unit__code="bac-giang").update(
        state=ResultSheet.State.DRAFT
    )
    page = officer.get(url("cycle_result_sheet", "bac-giang")).content.decode()
    assert "kể cả sau khi công bố xếp hạng" in page
