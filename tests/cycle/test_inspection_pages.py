"""Cross-inspection and disputes through the pages.

Cluster 3 / 2021 is moved back to the inspection stage inside a test where it needs one: Team 1
(Bắc Giang leads, Quảng Ninh sits on it) inspects Yên Bái, Thái Nguyên, Hòa Bình and Phú Thọ;
Team 2 (Yên Bái, Thái Nguyên) inspects the other four. The cast's inspector is from Quảng Ninh.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cycle.test_results_pages import client_for
from thidua.cycle.models import Cycle, Dispute, Inspection, InspectionTeam, ResultSheet
from thidua.cycle.results.forms import NO, REMARK_SUFFIX, YES, show_value

pytestmark = pytest.mark.django_db
TEAM_1 = ("yen-bai", "thai-nguyen", "hoa-binh", "phu-tho")


def at_stage(cycle: Cycle, stage: str) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(stage=stage)
    cycle.refresh_from_db()


def reopen(inspection: Inspection) -> Inspection:
    """Back to a draft nobody has touched, as before the team started."""
    Inspection.objects.filter(pk=inspection.pk).update(
        state=Inspection.State.DRAFT, values={}, remarks={}, version=1, submitted_at=None
    )
    inspection.refresh_from_db()
    return inspection


def url(name: str, *args) -> str:
    return reverse(name, args=[2021, 3, *args])


def posted(values: dict, remarks: dict, version: int, **changes) -> dict:
    data = {"version": version}
    for code, value in values.items():
        data[code] = (YES if value else NO) if isinstance(value, bool) else show_value(value)
    for code, text in remarks.items():
        data[code + REMARK_SUFFIX] = text
    data.update(changes)
    return data


def test_inspector_sees_only_assigned_units(world):
    inspector = world.cast.client(world.cast.inspector)
    page = inspector.get(url("cycle_teams")).content.decode()
    mine = page.split('id="my-inspections"')[1].split("</section>")[0]
    for code in TEAM_1:
        assert url("cycle_inspection", world.inspection(code).pk) in mine
    assert "Bắc Giang" not in mine
    # Team 2's inspections are listed for everyone to follow, but not opened by this inspector.
    other = world.inspection("bac-giang")
    assert url("cycle_inspection", other.pk) not in page
    assert inspector.get(url("cycle_inspection", other.pk)).status_code == 404
    assert inspector.get(url("cycle_inspection", world.inspection("yen-bai").pk)).status_code == 200


def test_inspector_adjusts_a_value_only_with_a_remark_then_submits_and_sees_the_flags(world):
    at_stage(world.cycle2021, Cycle.Stage.INSPECTION)
    inspection = reopen(world.inspection("yen-bai"))
    report = ResultSheet.objects.get(cycle=world.cycle2021, unit__code="yen-bai")
    inspector = world.cast.client(world.cast.inspector)
    target = url("cycle_inspection", inspection.pk)

    page = inspector.get(target).content.decode()
    assert "điền sẵn số liệu đơn vị báo cáo" in page
    assert 'name="TP1" value="92,1"' in page  # the unit's figure, ready to be verified

    data = posted(report.values, report.remarks, 1, TP1="80")
    response = inspector.post(target, data)
    assert response.status_code == 422
    assert "đã điều chỉnh so với số liệu đơn vị báo cáo" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.values == {} and inspection.version == 1

    data[f"TP1{REMARK_SUFFIX}"] = "Hồ sơ 12 vụ chưa đủ căn cứ tính là khám phá."
    assert inspector.post(target, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.values["TP1"] == "80" and inspection.version == 2

    response = inspector.post(url("cycle_inspection_submit", inspection.pk), {"version": 2})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.SUBMITTED
    page = inspector.get(target).content.decode()
    assert "Điểm đoàn kiểm tra chấm" in page and "Đã điều chỉnh" in page
    flags = page.split('id="chenh-lech"')[1].split("</section>")[0]
    assert "TP1" in flags and "vượt ngưỡng" in flags  # 92,1% reported, 80% verified
    assert 'name="TP1"' not in page  # read-only once submitted


def test_a_second_save_from_a_stale_inspection_page_is_refused(world):
    at_stage(world.cycle2021, Cycle.Stage.INSPECTION)
    inspection = reopen(world.inspection("hoa-binh"))
    report = ResultSheet.objects.get(cycle=world.cycle2021, unit__code="hoa-binh")
    inspector = world.cast.client(world.cast.inspector)
    data = posted(report.values, report.remarks, 1)
    target = url("cycle_inspection", inspection.pk)
    assert inspector.post(target, data).status_code == 302
    response = inspector.post(target, data)
    assert response.status_code == 409
    assert "đã được người khác cập nhật" in response.content.decode()


def test_secretariat_forms_a_team_and_sees_who_is_not_yet_covered(world):
    secretariat = client_for("thuongtruc.caobang")
    teams = reverse("cycle_teams", args=[2025, 3])
    page = secretariat.get(teams).content.decode()
    uncovered = page.split('id="uncovered"')[1].split("</div></div>")[0]
    assert "Cao Bằng" in uncovered and "(6)" in uncovered  # the leader is inspected too

    new = reverse("cycle_team_new", args=[2025, 3])
    unit = world.unit
    response = secretariat.post(
        new,
        {
            "name": "Đoàn kiểm tra số 1",
            "leader_unit": unit("cao-bang").pk,
            "member_units": [unit("son-la").pk],
            "inspected_units": [unit("cao-bang").pk, unit("dien-bien").pk],
        },
    )
    assert response.status_code == 422
    assert "không được tự kiểm tra chính mình" in response.content.decode()
    response = secretariat.post(
        new,
        {
            "name": "Đoàn kiểm tra số 1",
            "leader_unit": unit("cao-bang").pk,
            "member_units": [unit("son-la").pk],
            "inspected_units": [unit("dien-bien").pk, unit("lao-cai-2025").pk],
        },
    )
    assert response.status_code == 302
    team = InspectionTeam.objects.get(cycle=world.cycle2025)
    assert sorted(team.inspections.values_list("unit__code", flat=True)) == [
        "dien-bien",
        "lao-cai-2025",
    ]
    uncovered = secretariat.get(teams).content.decode().split('id="uncovered"')[1]
    assert "(4)" in uncovered.split("</div></div>")[0]
    assert client_for("canbo.laocai").post(new, {}).status_code == 403


def test_teams_page_needs_the_same_queries_for_any_number_of_teams(
    world, django_assert_max_num_queries
):
    secretariat = world.cast.client(world.cast.secretariat)
    with django_assert_max_num_queries(16):
        secretariat.get(url("cycle_teams"))
    with CaptureQueriesContext(connection) as two_teams:
        secretariat.get(url("cycle_teams"))
    two_teams = len(two_teams)  # read now: the next request resets the connection's query log
    Inspection.objects.filter(team__cycle=world.cycle2021, team__name__endswith="2").delete()
    InspectionTeam.objects.filter(cycle=world.cycle2021, name__endswith="2").delete()
    with CaptureQueriesContext(connection) as one_team:
        secretariat.get(url("cycle_teams"))
    assert two_teams == len(one_team)


def test_unit_raises_a_dispute_and_the_secretariat_resolves_it_with_a_reason(world):
    at_stage(world.cycle2021, Cycle.Stage.RANKING)
    officer = world.cast.client(world.cast.officer_a)
    response = officer.post(url("cycle_dispute_new"), {"criterion": "TP1", "statement": ""})
    assert response.status_code == 422 and "Nêu nội dung khiếu nại" in response.content.decode()
    response = officer.post(
        url("cycle_dispute_new"),
        {"criterion": "TP1", "statement": "Đoàn chưa tính 3 vụ đã khởi tố trong tháng 11."},
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get(cycle=world.cycle2021)
    assert (dispute.unit.code, dispute.raised_by) == ("bac-giang", world.cast.officer_a)
    assert "Đoàn chưa tính 3 vụ" in officer.get(url("cycle_disputes")).content.decode()
    # Another unit's officer does not see it; only the secretariat resolves it.
    assert (
        "Đoàn chưa tính 3 vụ"
        not in world.cast.client(world.cast.viewer).get(url("cycle_disputes")).content.decode()
    )
    resolve = url("cycle_dispute_resolve", dispute.pk)
    assert officer.post(resolve, {}).status_code == 403

    secretariat = world.cast.client(world.cast.secretariat)
    prefix = f"kn{dispute.pk}"
    response = secretariat.post(
        resolve, {f"{prefix}-decision": "accept", f"{prefix}-resolution": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Phải nêu lý do kết luận" in page and "phải nhập giá trị đúng" in page
    rankings = world.cycle2021.rankings.count()
    response = secretariat.post(
        resolve,
        {
            f"{prefix}-decision": "accept",
            f"{prefix}-corrected_value": "95,4",
            f"{prefix}-resolution": "Hồ sơ khởi tố 3 vụ hợp lệ.",
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.ACCEPTED
    assert world.inspection("bac-giang").values["TP1"] == "95.4"  # corrected, then rescored
    assert world.cycle2021.rankings.count() == rankings + 1


def test_only_a_units_own_officer_raises_a_dispute_and_only_in_its_stages(world):
    assert world.cast.client(world.cast.inspector).get(url("cycle_dispute_new")).status_code == 403
    officer = world.cast.client(world.cast.officer_a)
    response = officer.post(url("cycle_dispute_new"), {"criterion": "TP1", "statement": "Xem lại."})
    assert response.status_code == 409  # the 2021 year is closed
    assert not Dispute.objects.filter(cycle=world.cycle2021).exists()


def test_the_team_sees_the_units_figure_with_the_word_it_was_written_with(world):
    """A unit that reported "hơn 92,1%" is shown to the inspection team as written, not as 92,1%."""
    at_stage(world.cycle2021, Cycle.Stage.INSPECTION)
    inspection = reopen(world.inspection("yen-bai"))
    ResultSheet.objects.filter(cycle=world.cycle2021, unit__code="yen-bai").update(
        qualifiers={"TP1": "hơn"}
    )
    page = world.cast.client(world.cast.inspector).get(url("cycle_inspection", inspection.pk))
    assert "hơn 92,1" in page.content.decode()
