"""The plan of a cluster's year through /api/v1/ (Bearer tokens): the year's stage and its gates, the
method, targets and rules, the covenant, registrations and drives — the same rules as the pages,
every write audited, stale edits refused with 409, bad input listed field by field in Vietnamese.

Cluster 3 / 2025 (demo) is in progress with its method locked; Cluster 4 / 2025 has not opened its
year; Cluster 3 / 2021 is closed.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from tests.conftest import make_user
from tests.cycle.conftest import example
from thidua.api.models import ApiToken
from thidua.audit.models import AuditRecord
from thidua.cycle import gates
from thidua.cycle.models import (
    Covenant,
    CovenantSignature,
    Cycle,
    Drive,
    MethodVersion,
    Registration,
    ScoreSheet,
)
from thidua.cycle.models.plan import method_token
from thidua.org.models import Cluster, User

pytestmark = pytest.mark.django_db

Y2025 = "/api/v1/clusters/2025/3"
Y2021 = "/api/v1/clusters/2021/3"


def bearer(user: User | str) -> dict:
    if isinstance(user, str):
        user = User.objects.get(username=user)
    _, token = ApiToken.issue(user, "kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send(method: str, url: str, body, auth: dict):
    return getattr(Client(), method)(url, json.dumps(body), content_type="application/json", **auth)


def get(url: str, auth: dict):
    return Client().get(url, **auth)


def latest_method(cycle: Cycle) -> MethodVersion:
    return MethodVersion.objects.filter(cycle=cycle).order_by("-number").first()


def audits(action: str, model) -> int:
    return AuditRecord.objects.filter(action=action, model=model._meta.label_lower).count()


@pytest.fixture
def y2025(world):
    """The demo's 2025 year of Cluster 3 (in progress, method locked) and its people."""
    return {
        "cycle": Cycle.objects.get(pk=world.cycle2025.pk),
        "secretariat": bearer("thuongtruc.caobang"),
        "laocai": User.objects.get(username="canbo.lao-cai-2025"),
        "tuyenquang": User.objects.get(username="canbo.tuyen-quang-2025"),
    }


def planning(cycle: Cycle) -> Cycle:
    """The year taken back to planning with its method unlocked (as the plan pages' tests do)."""
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.PLANNING, method_locked_at=None)
    return Cycle.objects.get(pk=cycle.pk)


# -- the year: its stage, its gates, opening and advancing -------------------------------------------


def test_the_secretariat_sees_what_the_next_stage_still_needs_and_members_see_the_stage(y2025):
    body = get(f"{Y2025}/cycle", y2025["secretariat"]).json()
    assert (body["stage"], body["stage_label"]) == ("in_progress", "Thực hiện, báo cáo kết quả")
    assert body["next_stage"] == {"value": "inspection", "label": "Kiểm tra chéo"}
    assert body["blockers"] == gates.problems_before(y2025["cycle"], "inspection")
    assert any(b.startswith("Chưa gửi số liệu:") for b in body["blockers"])
    assert body["can_advance"] is False
    assert [s["value"] for s in body["stages"] if s["done"]] == ["planning"]
    assert (body["method_version"], body["method_locked"]) == (1, True)

    officer = get(f"{Y2025}/cycle", bearer(y2025["laocai"])).json()
    assert officer["stage"] == "in_progress" and officer["blockers"] is None
    assert officer["can_advance"] is False


def test_advancing_past_an_unmet_gate_is_409_with_every_reason_and_nothing_changes(y2025):
    cycle = y2025["cycle"]
    before = audits("advance", Cycle)
    refused = send("post", f"{Y2025}/cycle/advance", {"to": "inspection"}, y2025["secretariat"])
    assert refused.status_code == 409
    body = refused.json()
    assert body["detail"].startswith("Chưa thể chuyển sang “Kiểm tra chéo”:")
    assert body["reasons"] == gates.problems_before(cycle, "inspection") and body["reasons"]
    skipping = send("post", f"{Y2025}/cycle/advance", {"to": "ranking"}, y2025["secretariat"])
    assert skipping.status_code == 409
    assert "Chỉ chuyển được sang giai đoạn kế tiếp" in skipping.json()["detail"]
    assert skipping.json()["reasons"] == []
    cycle.refresh_from_db()
    assert cycle.stage == Cycle.Stage.IN_PROGRESS and audits("advance", Cycle) == before

    unknown = send("post", f"{Y2025}/cycle/advance", {"to": "xong"}, y2025["secretariat"])
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["to"]
    officer = send("post", f"{Y2025}/cycle/advance", {"to": "inspection"}, bearer(y2025["laocai"]))
    assert officer.status_code == 403 and "Thường trực Cụm" in officer.json()["detail"]


def test_a_secretariat_opens_its_year_adopts_a_method_writes_the_covenant_and_moves_on(reference):
    cluster = Cluster.objects.get(year=2025, number=4)
    auth = bearer(make_user("thuongtruc.phutho", User.Role.SECRETARIAT, "phu-tho-2025"))
    base = "/api/v1/clusters/2025/4"
    not_open = get(f"{base}/cycle", auth)
    assert not_open.status_code == 404
    assert not_open.json()["detail"] == "Cụm chưa mở năm thi đua trên hệ thống."

    opened = send("post", f"{base}/cycle", {}, auth)
    assert opened.status_code == 201, opened.content
    assert opened.json()["stage"] == "planning"
    cycle = Cycle.objects.get(cluster=cluster)
    assert AuditRecord.objects.for_object(cycle).first().action == "open"
    again = send("post", f"{base}/cycle", {}, auth)
    assert again.status_code == 409 and "đã được mở" in again.json()["detail"]

    refused = send("post", f"{base}/cycle/advance", {"to": "in_progress"}, auth)
    assert refused.status_code == 409
    assert refused.json()["reasons"] == [
        "Chưa ban hành thang điểm.",
        "Chưa ban hành quy chế xét khen thưởng.",
        "Chưa có nội dung giao ước thi đua.",
    ]
    assert get(f"{base}/method", auth).status_code == 404

    method = send(
        "put",
        f"{base}/method",
        {"scale": example("scale.json"), "award_rules": example("awards.json"), "token": "none"},
        auth,
    )
    assert method.status_code == 200, method.content
    assert method.json()["number"] == 1 and method.json()["locked"] is False
    assert AuditRecord.objects.for_object(cycle.methods.get()).first().action == "create"
    covenant = send(
        "put",
        f"{base}/covenant",
        {"text": "Các đơn vị thi đua hoàn thành xuất sắc nhiệm vụ.", "version": 0},
        auth,
    )
    assert covenant.status_code == 200, covenant.content
    assert covenant.json()["version"] == 1 and covenant.json()["rate"].startswith("0/")

    moved = send("post", f"{base}/cycle/advance", {"to": "in_progress"}, auth)
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "in_progress"
    assert AuditRecord.objects.for_object(cycle).first().action == "advance"


def test_only_the_clusters_secretariat_opens_a_year(reference):
    officer = make_user("canbo.phutho", User.Role.UNIT_OFFICER, "phu-tho-2025")
    response = send("post", "/api/v1/clusters/2025/4/cycle", {}, bearer(officer))
    assert response.status_code == 403
    assert not Cycle.objects.filter(cluster__year=2025, cluster__number=4).exists()


# -- the method: documents, targets, rules ------------------------------------------------------------


def test_the_secretariat_sets_a_units_target_and_that_units_score_changes(y2025):
    cycle, auth = y2025["cycle"], y2025["secretariat"]
    sheet = ScoreSheet.objects.get(cycle=cycle, unit__code="cao-bang", stage=ScoreSheet.Stage.SELF)
    read = get(f"{Y2025}/method/targets", auth).json()
    assert "DA1" in {c["code"] for c in read["criteria"]}
    row = next(u for u in read["units"] if u["unit"]["code"] == "cao-bang")
    assert row["targets"] == {"DA1": 520000}
    targets = {u["unit"]["code"]: u["targets"] for u in read["units"] if u["targets"]}
    targets["cao-bang"] = {"DA1": "1.040.000"}  # twice the target, written the Vietnamese way

    no_reason = send(
        "put", f"{Y2025}/method/targets", {"targets": targets, "token": read["token"]}, auth
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [
        {
            "loc": ["reason"],
            "message": "Phương pháp chấm đã khóa (đã bắt đầu chấm điểm): phải nêu lý do thay đổi.",
        }
    ]
    assert cycle.methods.count() == 1

    saved = send(
        "put",
        f"{Y2025}/method/targets",
        {"targets": targets, "token": read["token"], "reason": "Hội nghị Cụm điều chỉnh chỉ tiêu"},
        auth,
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["number"] == 2
    method = latest_method(cycle)
    assert method.targets["cao-bang"] == {"DA1": 1040000}
    assert method.targets["lai-chau"] == {"DA1": 560000}  # the others kept
    rescored = ScoreSheet.objects.get(
        cycle=cycle, unit__code="cao-bang", stage=ScoreSheet.Stage.SELF
    )
    assert rescored.method.number == 2 and rescored.total < sheet.total
    record = AuditRecord.objects.for_object(method).first()
    assert (record.action, record.reason) == ("new_version", "Hội nghị Cụm điều chỉnh chỉ tiêu")


def test_bad_target_cells_are_422_cell_by_cell_and_nothing_is_saved(y2025):
    cycle, auth = y2025["cycle"], y2025["secretariat"]
    before = method_token(cycle.method)
    response = send(
        "put",
        f"{Y2025}/method/targets",
        {
            "targets": {
                "son-la": {"TP1": "bảy mươi", "TP4": 60, "ANQG1": 5, "KHONG_CO": 1},
                "ha-noi": {"DA1": 1},
                "lai-chau": {"DA1": "1e9999"},  # once a server error: 10 000 digits
            },
            "token": before,
            "reason": "Thử",
        },
        auth,
    )
    assert response.status_code == 422
    errors = {tuple(e["loc"]): (e["message"], e["where"]) for e in response.json()["errors"]}
    assert errors[("targets", "ha-noi")][0] == "Không phải đơn vị thành viên của Cụm."
    assert errors[("targets", "son-la", "KHONG_CO")][0] == "Thang điểm không có tiêu chí này."
    assert "không giao chỉ tiêu riêng" in errors[("targets", "son-la", "ANQG1")][0]
    assert errors[("targets", "son-la", "TP1")] == (
        "Chỉ tiêu “bảy mươi” không phải là số (dùng dấu phẩy cho phần thập phân, ví dụ 92,5).",
        "Sơn La — TP1",
    )
    assert errors[("targets", "son-la", "TP4")][0] == "Chỉ tiêu phải lớn hơn mốc 0 điểm (70)."
    assert errors[("targets", "lai-chau", "DA1")][0] == (
        "Chỉ tiêu không dùng được: số quá lớn (giới hạn 1.000.000.000.000)."
    )
    assert cycle.methods.count() == 1 and method_token(latest_method(cycle)) == before


def test_a_bad_scale_is_422_with_every_problem_at_its_path_in_vietnamese_and_nothing_is_saved(
    y2025,
):
    cycle, auth = y2025["cycle"], y2025["secretariat"]
    before = method_token(cycle.method)
    scale = copy.deepcopy(cycle.method.scale)
    scale["groups"][0]["criteria"][1]["max_points"] = -1
    scale["groups"][1]["criteria"][0]["rule"]["kind"] = "tuyen_tinh"
    scale["groups"][2]["criteria"][0]["nam"] = "gõ nhầm khóa"
    scale["tie_breaks"].append("criterion:KHONG_CO")
    response = send(
        "put", f"{Y2025}/method", {"scale": scale, "token": before, "reason": "Thử"}, auth
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Dữ liệu gửi lên không hợp lệ."
    errors = {tuple(e["loc"]): e for e in body["errors"]}
    assert set(errors) == {
        ("scale", "groups", "0", "criteria", "1", "max_points"),
        ("scale", "groups", "1", "criteria", "0", "rule", "kind"),
        ("scale", "groups", "2", "criteria", "0", "nam"),
        ("scale", "tie_breaks", "4"),
    }
    kind = errors[("scale", "groups", "1", "criteria", "0", "rule", "kind")]
    assert "loại quy tắc phải là một trong" in kind["message"]
    assert kind["where"].startswith("Nhóm 2 “Đấu tranh phòng, chống tội phạm” › tiêu chí 1")
    assert (
        "khóa không được hỗ trợ"
        in errors[("scale", "groups", "2", "criteria", "0", "nam")]["message"]
    )
    assert cycle.methods.count() == 1 and method_token(latest_method(cycle)) == before

    nothing = send("put", f"{Y2025}/method", {"token": before}, auth)
    assert nothing.status_code == 422
    assert "ít nhất một tài liệu" in nothing.json()["errors"][0]["message"]
    not_an_object = send("put", f"{Y2025}/method", {"scale": [1, 2], "token": before}, auth)
    assert not_an_object.status_code == 422
    assert not_an_object.json()["errors"][0]["loc"] == ["scale"]


def test_new_award_rules_on_a_locked_method_make_version_2_and_everyone_reads_it(y2025):
    cycle, auth = y2025["cycle"], y2025["secretariat"]
    read = get(f"{Y2025}/method", bearer(y2025["laocai"])).json()
    assert read["number"] == 1 and read["can_change"] is False and read["locked"] is True
    assert read["scale"] == cycle.method.scale and read["vote"]["quorum"].startswith("Có mặt")
    awards = copy.deepcopy(read["award_rules"])
    awards["awards"][1]["min_total"] = 92
    response = send(
        "put",
        f"{Y2025}/method",
        {"award_rules": awards, "token": read["token"], "reason": "Nâng mức điểm xét Cờ"},
        auth,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == 2 and body["award_rules"]["awards"][1]["min_total"] == 92
    assert body["scale"] == read["scale"]  # the scale is kept
    assert [h["number"] for h in body["history"]] == [2, 1]
    assert body["history"][0]["reason"] == "Nâng mức điểm xét Cờ"
    assert audits("new_version", MethodVersion) >= 1


def test_a_method_change_sent_with_an_old_token_is_409_and_the_first_writer_keeps_theirs(y2025):
    cycle, auth = planning(y2025["cycle"]), y2025["secretariat"]
    stale = get(f"{Y2025}/method/rules", auth).json()["token"]
    rules = {"vote_quorum": "2/3", "vote_threshold": "1/2"}
    first = send(
        "put", f"{Y2025}/method/rules", {**rules, "operating_rules": "Bản A", "token": stale}, auth
    )
    assert first.status_code == 200, first.content
    assert first.json()["operating_rules"] == "Bản A" and first.json()["token"] != stale
    second = send(
        "put", f"{Y2025}/method/rules", {**rules, "operating_rules": "Bản B", "token": stale}, auth
    )
    assert second.status_code == 409
    assert "đã được người khác cập nhật" in second.json()["detail"]
    assert cycle.methods.get().operating_rules == "Bản A"
    assert AuditRecord.objects.for_object(cycle.methods.get()).first().action == "update"


def test_vote_shares_must_be_short_fractions_between_0_and_1(y2025):
    cycle, auth = planning(y2025["cycle"]), y2025["secretariat"]
    before = method_token(cycle.method)
    response = send(
        "put",
        f"{Y2025}/method/rules",
        {
            "operating_rules": "",
            "vote_quorum": "hai phần ba",
            "vote_threshold": "3/2",
            "token": before,
        },
        auth,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "loc": ["vote_quorum"],
            "message": "“hai phần ba” không phải một tỷ lệ (ví dụ: 2/3 hoặc 0,5).",
            "where": "",
        },
        {"loc": ["vote_threshold"], "message": "Tỷ lệ phải lớn hơn 0 và không quá 1.", "where": ""},
    ]
    assert method_token(latest_method(cycle)) == before


def test_the_method_of_a_closed_year_cannot_change(world):
    auth = bearer(world.cast.secretariat)
    token = get(f"{Y2021}/method/rules", auth).json()["token"]
    response = send(
        "put",
        f"{Y2021}/method/rules",
        {
            "operating_rules": "",
            "vote_quorum": "3/4",
            "vote_threshold": "1/2",
            "token": token,
            "reason": "Thử",
        },
        auth,
    )
    assert response.status_code == 409 and "Năm thi đua đã kết thúc" in response.json()["detail"]
    assert world.cycle2021.methods.count() == 1


def test_officers_read_the_method_but_cannot_change_it(y2025):
    auth = bearer(y2025["laocai"])
    token = get(f"{Y2025}/method/rules", auth).json()["token"]
    response = send(
        "put",
        f"{Y2025}/method/rules",
        {"operating_rules": "", "vote_quorum": "1/2", "vote_threshold": "1/2", "token": token},
        auth,
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Chỉ Thường trực Cụm")


# -- covenant ----------------------------------------------------------------------------------------


def test_a_unit_officer_signs_the_covenant_for_their_own_unit_but_not_for_another(y2025):
    cycle, officer = planning(y2025["cycle"]), y2025["tuyenquang"]
    CovenantSignature.objects.filter(
        covenant__cycle=cycle, unit__code__in=[officer.unit.code, "lai-chau"]
    ).delete()
    auth = bearer(officer)
    read = get(f"{Y2025}/covenant", auth).json()
    rows = {r["unit"]["code"]: r for r in read["signatures"]}
    assert rows[officer.unit.code]["can_sign"] is True and rows["lai-chau"]["can_sign"] is False
    assert read["rate"] == "4/6 đơn vị đã ký giao ước (66,7%)"

    other = send("post", f"{Y2025}/covenant/signatures", {"unit": "lai-chau"}, auth)
    assert other.status_code == 403
    assert other.json()["detail"] == "Bạn chỉ được ký giao ước cho đơn vị của mình."
    assert not CovenantSignature.objects.filter(covenant__cycle=cycle, unit__code="lai-chau")

    signed = send("post", f"{Y2025}/covenant/signatures", None, auth)  # own unit by default
    assert signed.status_code == 201, signed.content
    assert signed.json()["unit"]["code"] == officer.unit.code
    assert signed.json()["rate"] == "5/6 đơn vị đã ký giao ước (83,3%)"
    signature = CovenantSignature.objects.get(covenant__cycle=cycle, unit=officer.unit)
    assert signature.signed_by == officer
    assert AuditRecord.objects.for_object(signature).first().action == "sign"
    again = send("post", f"{Y2025}/covenant/signatures", {}, auth)
    assert again.status_code == 409 and "đã ký giao ước" in again.json()["detail"]

    viewer = make_user("xem.laichau", User.Role.VIEWER, "lai-chau")
    refused = send("post", f"{Y2025}/covenant/signatures", {}, bearer(viewer))
    assert refused.status_code == 403


def test_the_covenant_text_is_frozen_once_signed_and_a_stale_version_is_409(y2025):
    cycle, auth = planning(y2025["cycle"]), y2025["secretariat"]
    read = get(f"{Y2025}/covenant", auth).json()
    assert read["frozen"] is True and read["can_write"] is True
    changed = send(
        "put", f"{Y2025}/covenant", {"text": "Nội dung khác", "version": read["version"]}, auth
    )
    assert changed.status_code == 409 and "không thể sửa nội dung" in changed.json()["detail"]
    moved = send(
        "put",
        f"{Y2025}/covenant",
        {
            "text": read["text"],
            "signing_place": "Lào Cai",
            "signing_date": "2025-03-15",
            "version": read["version"],
        },
        auth,
    )
    assert moved.status_code == 200, moved.content
    assert (
        moved.json()["signing_place"] == "Lào Cai"
        and moved.json()["version"] == read["version"] + 1
    )
    stale = send(
        "put",
        f"{Y2025}/covenant",
        {"text": read["text"], "signing_place": "Sơn La", "version": read["version"]},
        auth,
    )
    assert stale.status_code == 409 and "đã được người khác cập nhật" in stale.json()["detail"]
    covenant = Covenant.objects.get(cycle=cycle)
    assert covenant.signing_place == "Lào Cai"
    assert AuditRecord.objects.for_object(covenant).first().action == "update"


# -- registrations -----------------------------------------------------------------------------------


def test_a_unit_officer_registers_their_unit_and_a_stale_second_save_is_409(y2025):
    cycle, officer = planning(y2025["cycle"]), y2025["laocai"]
    auth = bearer(officer)
    url = f"{Y2025}/registrations/{officer.unit.code}"
    read = get(url, auth).json()
    assert read["registered"] is True and read["can_edit"] is True
    body = {
        "collective_titles": ["co_thi_dua_bo_cong_an"],
        "individual_counts": {"chien_si_tien_tien": 1200, "chien_si_thi_dua_co_so": 150},
        "version": read["version"],
    }
    saved = send("put", url, body, auth)
    assert saved.status_code == 200, saved.content
    assert saved.json()["collective_labels"] == ["Cờ thi đua của Bộ Công an"]
    assert saved.json()["version"] == read["version"] + 1
    registration = Registration.objects.get(cycle=cycle, unit=officer.unit)
    assert registration.individual_counts["chien_si_tien_tien"] == 1200
    assert AuditRecord.objects.for_object(registration).first().action == "update"

    stale = send("put", url, {**body, "collective_titles": ["don_vi_tien_tien"]}, auth)
    assert stale.status_code == 409
    registration.refresh_from_db()
    assert registration.collective_titles == ["co_thi_dua_bo_cong_an"]

    listing = get(f"{Y2025}/registrations", bearer(y2025["tuyenquang"])).json()
    rows = {r["unit"]["code"]: r for r in listing["units"]}
    assert rows[officer.unit.code]["individual_counts"]["chien_si_thi_dua_co_so"] == 150
    assert rows[officer.unit.code]["can_edit"] is False
    assert rows[y2025["tuyenquang"].unit.code]["can_edit"] is True
    assert listing["rate"] == "100% đăng ký"


def test_an_officer_cannot_register_for_another_unit(y2025):
    cycle = planning(y2025["cycle"])
    response = send(
        "put",
        f"{Y2025}/registrations/lai-chau",
        {"collective_titles": ["don_vi_tien_tien"], "version": 1},
        bearer(y2025["laocai"]),
    )
    assert response.status_code == 403
    assert Registration.objects.get(cycle=cycle, unit__code="lai-chau").collective_titles != [
        "don_vi_tien_tien"
    ]


def test_registration_errors_are_named_per_field_and_nothing_is_saved(y2025):
    cycle, officer = planning(y2025["cycle"]), y2025["laocai"]
    Registration.objects.filter(cycle=cycle, unit=officer.unit).delete()
    url = f"{Y2025}/registrations/{officer.unit.code}"
    response = send(
        "put",
        url,
        {
            "collective_titles": ["co_vang"],
            "individual_counts": {"chien_si_tien_tien": 10, "chien_si_thi_dua_co_so": 20},
            "version": 0,
        },
        bearer(officer),
    )
    assert response.status_code == 422
    errors = {e["loc"][0]: e["message"] for e in response.json()["errors"]}
    assert errors["collective_titles"] == "Danh hiệu tập thể không có trong danh mục: co_vang."
    assert "không thể vượt số Chiến sĩ tiên tiến" in errors["individual_counts"]
    assert not Registration.objects.filter(cycle=cycle, unit=officer.unit).exists()
    not_a_number = send(
        "put",
        url,
        {"individual_counts": {"chien_si_tien_tien": "nhiều"}, "version": 0},
        bearer(officer),
    )
    assert not_a_number.status_code == 422
    too_many = send(
        "put",
        url,
        {"individual_counts": {"chien_si_tien_tien": 10**30}, "version": 0},
        bearer(officer),
    )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["message"] == (
        "Chiến sĩ tiên tiến: không được vượt quá 999.999 người."
    )
    assert not Registration.objects.filter(cycle=cycle, unit=officer.unit).exists()
    assert not_a_number.json()["errors"][0]["loc"] == ["individual_counts", "chien_si_tien_tien"]


# -- drives ------------------------------------------------------------------------------------------


DRIVE = {
    "kind": "short",
    "name": "Đợt thi đua cao điểm bảo đảm an ninh, trật tự dịp Quốc khánh",
    "starts_on": "2025-08-15",
    "ends_on": "2025-09-05",
    "targets": "Giảm 10% tai nạn giao thông",
}


def test_the_secretariat_adds_a_drive_records_its_results_and_members_read_it(y2025):
    cycle, auth = y2025["cycle"], y2025["secretariat"]
    before = Drive.objects.filter(cycle=cycle).count()
    created = send("post", f"{Y2025}/drives", DRIVE, auth)
    assert created.status_code == 201, created.content
    drive = Drive.objects.get(pk=created.json()["id"])
    assert AuditRecord.objects.for_object(drive).first().action == "create"
    url = f"{Y2025}/drives/{drive.pk}"
    updated = send(
        "put", url, {**DRIVE, "results": "Giảm 12%", "version": created.json()["version"]}, auth
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["results"] == "Giảm 12%" and updated.json()["version"] == 2
    assert AuditRecord.objects.for_object(drive).first().action == "update"
    stale = send("put", url, {**DRIVE, "results": "Giảm 5%", "version": 1}, auth)
    assert stale.status_code == 409
    drive.refresh_from_db()
    assert drive.results == "Giảm 12%"

    officer = bearer(y2025["laocai"])
    listing = get(f"{Y2025}/drives", officer).json()
    assert any(d["id"] == drive.pk and d["can_edit"] is False for d in listing)
    assert get(url, officer).json()["kind_label"] == "Đợt thi đua ngắn ngày"
    assert send("post", f"{Y2025}/drives", DRIVE, officer).status_code == 403
    assert send("put", url, {**DRIVE, "version": 2}, officer).status_code == 403
    assert Drive.objects.filter(cycle=cycle).count() == before + 1  # the officer added none


def test_drive_dates_out_of_order_or_outside_the_year_are_422_by_field(y2025):
    cycle, auth = y2025["cycle"], y2025["secretariat"]
    count = Drive.objects.filter(cycle=cycle).count()
    reversed_ = send(
        "post",
        f"{Y2025}/drives",
        {**DRIVE, "starts_on": "2025-06-30", "ends_on": "2025-06-01"},
        auth,
    )
    assert reversed_.status_code == 422
    assert reversed_.json()["errors"] == [
        {"loc": ["ends_on"], "message": "Ngày kết thúc phải sau ngày bắt đầu."}
    ]
    wrong_year = send(
        "post",
        f"{Y2025}/drives",
        {**DRIVE, "starts_on": "2019-06-01", "ends_on": "2019-06-30"},
        auth,
    )
    assert wrong_year.status_code == 422
    assert wrong_year.json()["errors"] == [
        {"loc": ["starts_on"], "message": "Đợt thi đua phải thuộc năm thi đua 2025."}
    ]
    bad_date = send("post", f"{Y2025}/drives", {**DRIVE, "starts_on": "1 tháng 6"}, auth)
    assert bad_date.status_code == 422 and bad_date.json()["errors"][0]["loc"] == ["starts_on"]
    assert Drive.objects.filter(cycle=cycle).count() == count


def test_a_drive_of_another_year_is_not_found(world, y2025):
    drive = Drive.objects.create(
        cycle=world.cycle2021,
        kind=Drive.Kind.PEAK,
        name="Đợt cao điểm 2021",
        starts_on="2021-01-15",
        ends_on="2021-02-28",
        created_by=world.cast.secretariat,
    )
    response = get(f"{Y2025}/drives/{drive.pk}", y2025["secretariat"])
    assert (
        response.status_code == 404 and response.json()["detail"] == "Không tìm thấy đợt thi đua."
    )


# -- the contract ------------------------------------------------------------------------------------


def test_the_openapi_documents_every_error_each_plan_operation_can_return(reference):
    from thidua.api.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    mine = {
        p: ops
        for p, ops in paths.items()
        if p.startswith("/api/v1/clusters/{year}/{number}/")
        and p.split("/")[6] in ("cycle", "method", "covenant", "registrations", "drives")
    }
    assert len([op for ops in mine.values() for op in ops]) == 19
    for path, operations in mine.items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"401", "403", "404", "422"} <= codes, (method, path)
            if method != "get":
                assert "409" in codes, (method, path)
            assert operation["summary"] and operation["tags"], (method, path)
