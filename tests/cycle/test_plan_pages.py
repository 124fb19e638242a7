"""The plan of a cluster's year (steps 1–4) through its pages: method, covenant, registrations, drives.

Cluster 3 / 2021 is closed (read-only). Cluster 3 / 2025 is taken back to planning with its method
unlocked; every member has signed and registered (the demo), which the tests undo where they need
a gap.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import make_user
from tests.cycle.conftest import example
from thidua.audit.models import AuditRecord
from thidua.cycle.models import (
    CovenantSignature,
    Cycle,
    Drive,
    MethodVersion,
    Registration,
    ScoreSheet,
)
from thidua.cycle.models.plan import method_token
from thidua.org.models import Unit, User

pytestmark = pytest.mark.django_db


def url(name: str, year: int = 2025, *args) -> str:
    return reverse(name, args=[year, 3, *args])


@pytest.fixture
def y2025(world):
    """The 2025 year back in planning (method not yet locked), its secretariat and two officers."""
    Cycle.objects.filter(pk=world.cycle2025.pk).update(
        stage=Cycle.Stage.PLANNING, method_locked_at=None
    )
    cycle = Cycle.objects.get(pk=world.cycle2025.pk)
    secretariat = User.objects.get(username="thuongtruc.caobang")
    return {
        "cycle": cycle,
        "secretariat": world.cast.client(secretariat),
        "secretariat_user": secretariat,
        "laocai": User.objects.get(username="canbo.lao-cai-2025"),
        "tuyenquang": User.objects.get(username="canbo.tuyen-quang-2025"),
        "client": world.cast.client,
        "members": cycle.members(),
    }


def token(cycle: Cycle) -> str:
    return method_token(MethodVersion.objects.filter(cycle=cycle).order_by("-number").first())


def upload(name: str, doc) -> SimpleUploadedFile:
    body = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


# -- the method ------------------------------------------------------------------------------------


def test_members_read_the_scale_with_each_rule_in_words_awards_targets_vote_and_history(world):
    response = world.cast.client(world.cast.officer_a).get(url("cycle_method", 2021))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tỷ lệ điều tra khám phá án hình sự" in page
    assert (
        "≥ 76%: tối đa 10 điểm; chưa đạt: tính tuyến tính, ≤ 50%: 0 điểm; "
        "thưởng 0,1 điểm mỗi 1% vượt chỉ tiêu, tối đa 2 điểm" in page
    )
    assert "Theo mức: ≥ 95%: 6 điểm; ≥ 90%: 5 điểm; ≥ 85%: 3 điểm; ≥ 80%: 1 điểm" in page
    assert "Trừ 1 điểm mỗi trường hợp, trừ tối đa 5 điểm" in page
    assert "không được xét Cờ thi đua của Chính phủ, Cờ thi đua của Bộ Công an" in page
    assert "Điểm nhóm “Đấu tranh phòng, chống tội phạm” cao hơn" in page  # tie-break 1
    assert "Tối đa 75% số đơn vị trong Cụm (75% × 8, làm tròn xuống: 6)" in page
    assert "tổng điểm từ 90" in page
    assert "từ 6/8 đơn vị" in page and "từ 5/8 đơn vị" in page  # quorum 2/3, more than half
    assert "520.000 hồ sơ" in page  # Yên Bái's own ID-card plan
    assert "Đã khóa" in page and "Lịch sử phiên bản" in page
    assert "Sửa<span" not in page and "Tải lên thang điểm" not in page  # members only read


def test_secretariat_uploads_a_scale_with_errors_and_sees_every_problem_with_its_path(y2025):
    cycle = y2025["cycle"]
    before = token(cycle)
    scale = copy.deepcopy(cycle.method.scale)
    scale["groups"][0]["criteria"][1]["max_points"] = -1
    scale["groups"][1]["criteria"][0]["rule"]["kind"] = "tuyen_tinh"
    scale["groups"][2]["criteria"][0]["nam"] = "gõ nhầm khóa"
    scale["tie_breaks"].append("criterion:KHONG_CO")
    response = y2025["secretariat"].post(
        url("cycle_method_upload"),
        {"token": before, "scale_file": upload("thang-diem.json", scale)},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Tệp thang điểm có 4 lỗi, chưa được áp dụng" in page
    for path, message in [
        ("groups[0].criteria[1].max_points", "phải là số không nhỏ hơn 0"),
        ("groups[1].criteria[0].rule.kind", "loại quy tắc phải là một trong"),
        ("groups[2].criteria[0].nam", "khóa không được hỗ trợ"),
        ("tie_breaks[4]", "không có tiêu chí mã &#x27;KHONG_CO&#x27;"),
    ]:
        assert path in page and message[1:] in page, path
    assert "Nhóm 2 “Đấu tranh phòng, chống tội phạm” › tiêu chí 1" in page  # where, in words
    assert token(cycle) == before  # nothing applied


def test_an_upload_that_is_not_json_says_where_it_breaks(y2025):
    response = y2025["secretariat"].post(
        url("cycle_method_upload"),
        {"token": token(y2025["cycle"]), "award_file": upload("kt.json", b'{"awards": [1,,]}')},
    )
    assert response.status_code == 422
    assert "không phải JSON hợp lệ: dòng 1, cột 15 — thiếu giá trị" in response.content.decode()


def test_secretariat_uploads_valid_scale_and_award_rules_and_they_are_in_force(y2025):
    cycle = y2025["cycle"]
    scale, awards = copy.deepcopy(cycle.method.scale), example("awards.json")
    scale["version"] = "2025.2"
    awards["awards"][1]["min_total"] = 92
    response = y2025["secretariat"].post(
        url("cycle_method_upload"),
        {
            "token": token(cycle),
            "scale_file": upload("thang-diem.json", scale),
            "award_file": upload("khen-thuong.json", awards),
        },
    )
    assert response.status_code == 302
    method = MethodVersion.objects.get(cycle=cycle)  # before the lock: still version 1
    assert method.scale["version"] == "2025.2"
    assert method.award_rules["awards"][1]["min_total"] == 92
    assert AuditRecord.objects.for_object(method).first().action == "update"
    page = y2025["secretariat"].get(url("cycle_method")).content.decode()
    assert "tổng điểm từ 92" in page and "bản 2025.2" in page


def test_locked_method_change_needs_a_reason_and_makes_version_2(y2025):
    cycle = y2025["cycle"]
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.IN_PROGRESS)
    cycle.lock_method(by=y2025["secretariat_user"])  # as the first submitted sheet does
    data = {"token": token(cycle), "vote_quorum": "3/4", "vote_threshold": "1/2"}
    refused = y2025["secretariat"].post(url("cycle_method_rules"), data)
    assert refused.status_code == 422
    assert "Phương pháp chấm đã khóa: phải nêu lý do thay đổi." in refused.content.decode()
    assert cycle.methods.count() == 1
    response = y2025["secretariat"].post(
        url("cycle_method_rules"), {**data, "reason": "Hội nghị Cụm thống nhất nâng tỷ lệ có mặt"}
    )
    assert response.status_code == 302
    latest = cycle.methods.order_by("-number").first()
    assert (latest.number, latest.vote_quorum) == (2, "3/4")
    assert latest.reason == "Hội nghị Cụm thống nhất nâng tỷ lệ có mặt"
    # every submitted self-assessment was rescored with version 2
    sheets = ScoreSheet.objects.filter(cycle=cycle, stage=ScoreSheet.Stage.SELF)
    assert sheets.exists() and {s.method.number for s in sheets} == {2}
    page = y2025["secretariat"].get(url("cycle_method")).content.decode()
    assert "Hội nghị Cụm thống nhất nâng tỷ lệ có mặt" in page and "Đã khóa" in page


def test_a_method_form_loaded_before_someone_elses_change_is_refused_with_409(y2025):
    cycle = y2025["cycle"]
    stale = token(cycle)
    rules = {"vote_quorum": "2/3", "vote_threshold": "1/2"}
    first = y2025["secretariat"].post(
        url("cycle_method_rules"), {**rules, "token": stale, "operating_rules": "Bản A"}
    )
    assert first.status_code == 302
    second = y2025["secretariat"].post(
        url("cycle_method_rules"), {**rules, "token": stale, "operating_rules": "Bản B"}
    )
    assert second.status_code == 409
    assert "đã được người khác cập nhật" in second.content.decode()
    assert cycle.methods.get().operating_rules == "Bản A"


def test_vote_rules_must_be_fractions_between_0_and_1(y2025):
    response = y2025["secretariat"].post(
        url("cycle_method_rules"),
        {"token": token(y2025["cycle"]), "vote_quorum": "hai phần ba", "vote_threshold": "3/2"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "“hai phần ba” không phải một tỷ lệ" in page
    assert "Tỷ lệ phải lớn hơn 0 và không quá 1." in page


def _cell(response, unit: str, code: str) -> str:
    return response.context["form"].cells[(unit, code)]


def test_secretariat_edits_targets_in_a_table_with_vietnamese_numbers(y2025):
    client, cycle = y2025["secretariat"], y2025["cycle"]
    page = client.get(url("cycle_method_targets"))
    data = {
        name: page.context["form"][name].value() or ""
        for name in page.context["form"].cells.values()
    }
    data.update(
        token=token(cycle),
        **{
            _cell(page, "lai-chau", "DA1"): "410.000",
            _cell(page, "lai-chau", "TP1"): "80,5",
            _cell(page, "son-la", "TP1"): "bảy mươi",
            _cell(page, "son-la", "TP4"): "60",  # the scale scores 0 at 70
        },
    )
    refused = client.post(url("cycle_method_targets"), data)
    text = refused.content.decode()
    assert refused.status_code == 422
    assert "Chỉ tiêu “bảy mươi” không phải là số" in text
    assert "Chỉ tiêu phải lớn hơn mốc 0 điểm (70)." in text
    assert "Sơn La — TP1" in text  # the summary names the cell
    assert cycle.methods.get().targets["lai-chau"] == {"DA1": 560000}  # nothing half-saved
    data[_cell(page, "son-la", "TP1")], data[_cell(page, "son-la", "TP4")] = "", ""
    assert client.post(url("cycle_method_targets"), data).status_code == 302
    targets = cycle.methods.get().targets
    assert targets["lai-chau"] == {"DA1": 410000, "TP1": "80.5"}
    assert "TP1" not in targets.get("son-la", {})


def test_secretariat_renames_a_criterion_and_its_group_and_total_follow_the_new_maximum(y2025):
    client, cycle = y2025["secretariat"], y2025["cycle"]
    response = client.post(
        url("cycle_method_criterion", 2025, "TP5"),
        {"token": token(cycle), "name": "Đấu tranh tội phạm ma túy, kinh tế", "max_points": "5"},
    )
    assert response.status_code == 302
    scale = cycle.methods.get().scale
    group = scale["groups"][1]
    assert group["criteria"][4]["name"] == "Đấu tranh tội phạm ma túy, kinh tế"
    assert (group["max_points"], scale["total_points"]) == (31, 101)


def test_a_criterion_change_the_scale_refuses_is_shown_at_its_field(y2025):
    response = y2025["secretariat"].post(
        url("cycle_method_criterion", 2025, "TP2"),  # steps give up to 6 points
        {"token": token(y2025["cycle"]), "name": "Án rất nghiêm trọng", "max_points": "5"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "Vượt điểm tối đa của tiêu chí (5)." in errors["max_points"][0]


def test_secretariat_adds_a_criterion_in_a_group_and_removes_it_again(y2025):
    client, cycle = y2025["secretariat"], y2025["cycle"]
    missing = client.post(
        url("cycle_method_criterion_new", 2025, "XDLL"),
        {"token": token(cycle), "kind": "deduction", "code": "XD_TRU2", "name": "Vi phạm"},
    )
    assert missing.status_code == 422
    assert set(missing.context["form"].errors) == {"per_event", "limit"}
    duplicate = client.post(
        url("cycle_method_criterion_new", 2025, "XDLL"),
        {
            "token": token(cycle),
            "kind": "judged",
            "code": "XD1",
            "name": "Trùng",
            "max_points": "2",
        },
    )
    assert "Thang điểm đã có tiêu chí mã XD1." in duplicate.context["form"].errors["code"]
    added = client.post(
        url("cycle_method_criterion_new", 2025, "XDLL"),
        {
            "token": token(cycle),
            "kind": "target",
            "code": "XD4",
            "name": "Tỷ lệ cán bộ được tập huấn nghiệp vụ",
            "max_points": "2",
            "target": "90",
            "zero_at": "50",
            "unit": "%",
        },
    )
    assert added.status_code == 302
    scale = cycle.methods.get().scale
    assert scale["groups"][3]["criteria"][-1] == {
        "code": "XD4",
        "name": "Tỷ lệ cán bộ được tập huấn nghiệp vụ",
        "max_points": 2,
        "rule": {
            "kind": "target",
            "direction": "higher",
            "method": "linear",
            "target": 90,
            "zero_at": 50,
            "unit": "%",
        },
    }
    assert scale["total_points"] == 102
    page = client.get(url("cycle_method")).content.decode()
    assert "≥ 90%: tối đa 2 điểm; chưa đạt: tính tuyến tính, ≤ 50%: 0 điểm" in page
    removed = client.post(
        url("cycle_method_criterion_delete", 2025, "XD4"), {"token": token(cycle)}
    )
    assert removed.status_code == 302
    assert cycle.methods.get().scale["total_points"] == 100


def test_removing_a_criterion_takes_its_unit_targets_with_it(y2025):
    client, cycle = y2025["secretariat"], y2025["cycle"]
    assert any("DA1" in row for row in cycle.method.targets.values())
    response = client.post(
        url("cycle_method_criterion_delete", 2025, "DA1"), {"token": token(cycle)}
    )
    assert response.status_code == 302
    method = cycle.methods.get()
    assert not any("DA1" in row for row in method.targets.values())


def test_a_newly_opened_year_adopts_its_first_method_by_upload(year):
    cycle = Cycle.open(year["cluster"], by=year["secretariat"])
    client = year["cast"].client(year["secretariat"])
    page = client.get(url("cycle_method", 2021)).content.decode()
    assert "Chưa ban hành phương pháp chấm" in page
    assert client.get(url("cycle_method_targets", 2021)).status_code == 404  # no scale yet
    response = client.post(
        url("cycle_method_upload", 2021),
        {
            "token": "none",
            "scale_file": upload("thang-diem.json", year["scale"]),
            "award_file": upload("khen-thuong.json", year["awards"]),
        },
    )
    assert response.status_code == 302
    method = cycle.methods.get()
    assert (method.number, method.created_by) == (1, year["secretariat"])
    assert AuditRecord.objects.for_object(method).first().action == "create"


def test_a_locked_change_the_submitted_results_cannot_be_scored_by_is_refused_whole(y2025):
    cycle = y2025["cycle"]
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.IN_PROGRESS)
    cycle.lock_method(by=y2025["secretariat_user"])
    response = y2025["secretariat"].post(
        url("cycle_method_criterion_delete", 2025, "TP1"),
        {"token": token(cycle), "reason": "Bỏ tiêu chí"},
    )
    assert response.status_code == 409
    assert "số liệu đơn vị đã gửi không chấm được theo thang điểm mới" in response.content.decode()
    assert cycle.methods.count() == 1  # no version 2, nothing rescored


def test_download_gives_the_scale_in_force_as_a_json_attachment(world):
    response = world.cast.client(world.cast.viewer).get(
        url("cycle_method_download", 2021, "thang-diem")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="thang-diem-2021-cum-3-phien-ban-1.json"'
    )
    assert json.loads(response.content) == world.cycle2021.method.scale


# -- the covenant ----------------------------------------------------------------------------------


def test_covenant_shows_who_signed_and_when_and_who_has_not(y2025):
    cycle = y2025["cycle"]
    CovenantSignature.objects.filter(
        covenant__cycle=cycle, unit__code__in=["lai-chau", "tuyen-quang-2025"]
    ).delete()
    total = len(y2025["members"])
    page = y2025["client"](y2025["laocai"]).get(url("cycle_covenant")).content.decode()
    assert f"{total - 2}/{total} đơn vị đã ký giao ước" in page
    assert page.count("Chưa ký") == 2
    assert "Cán bộ thi đua Lào Cai" in page  # who signed for Lào Cai


def test_unit_officer_signs_for_their_unit_and_the_signature_records_who_and_when(y2025):
    cycle, officer = y2025["cycle"], y2025["tuyenquang"]
    CovenantSignature.objects.filter(covenant__cycle=cycle, unit=officer.unit).delete()
    client = y2025["client"](officer)
    assert "Ký giao ước cho Tuyên Quang" in client.get(url("cycle_covenant")).content.decode()
    response = client.post(url("cycle_covenant_sign"), {"unit": officer.unit.code})
    assert response.status_code == 302
    signature = CovenantSignature.objects.get(covenant__cycle=cycle, unit=officer.unit)
    assert signature.signed_by == officer
    assert AuditRecord.objects.for_object(signature).first().action == "sign"
    again = client.post(url("cycle_covenant_sign"), {"unit": officer.unit.code})
    assert again.status_code == 409 and "đã ký giao ước" in again.content.decode()


def test_unit_officer_cannot_sign_for_another_unit(y2025):
    cycle = y2025["cycle"]
    CovenantSignature.objects.filter(covenant__cycle=cycle, unit__code="lai-chau").delete()
    response = y2025["client"](y2025["laocai"]).post(
        url("cycle_covenant_sign"), {"unit": "lai-chau"}
    )
    assert response.status_code == 403
    assert not CovenantSignature.objects.filter(
        covenant__cycle=cycle, unit__code="lai-chau"
    ).exists()


def test_secretariat_writes_the_covenant_and_the_text_freezes_once_a_unit_signed(y2025):
    cycle, client = y2025["cycle"], y2025["secretariat"]
    covenant = cycle.covenant
    CovenantSignature.objects.filter(covenant=covenant).delete()
    edit = {
        "version": covenant.version,
        "text": "Giao ước thi đua năm 2025 (bản sửa)",
        "signing_place": "Cao Bằng",
        "signing_date": "14/03/2025",
    }
    assert client.post(url("cycle_covenant"), edit).status_code == 302
    covenant.refresh_from_db()
    assert covenant.text == "Giao ước thi đua năm 2025 (bản sửa)"
    assert covenant.signing_date.isoformat() == "2025-03-14"
    client.post(url("cycle_covenant_sign"), {"unit": "cao-bang"})
    page = client.get(url("cycle_covenant")).content.decode()
    assert "Đã có đơn vị ký: nội dung không thể sửa." in page
    later = {**edit, "version": covenant.version, "text": "Đổi nội dung", "signing_place": "Hà Nội"}
    assert client.post(url("cycle_covenant"), later).status_code == 302
    covenant.refresh_from_db()
    assert (covenant.text, covenant.signing_place) == (
        "Giao ước thi đua năm 2025 (bản sửa)",
        "Hà Nội",
    )


def test_covenant_date_and_text_errors_are_field_precise(y2025):
    CovenantSignature.objects.filter(covenant__cycle=y2025["cycle"]).delete()
    response = y2025["secretariat"].post(
        url("cycle_covenant"),
        {"version": y2025["cycle"].covenant.version, "text": " ", "signing_date": "31/02/2025"},
    )
    errors = response.context["form"].errors
    assert response.status_code == 422
    assert errors["text"] == ["Nội dung giao ước không được để trống."]
    assert errors["signing_date"][0].startswith("Ngày không hợp lệ")


def test_second_secretary_saving_an_old_covenant_is_told_and_nothing_is_overwritten(y2025):
    cycle, client = y2025["cycle"], y2025["secretariat"]
    CovenantSignature.objects.filter(covenant__cycle=cycle).delete()
    loaded = cycle.covenant.version
    client.post(url("cycle_covenant"), {"version": loaded, "text": "Bản của người thứ nhất"})
    response = client.post(url("cycle_covenant"), {"version": loaded, "text": "Bản thứ hai"})
    assert response.status_code == 409
    assert "Giao ước đã được người khác cập nhật" in response.content.decode()
    cycle.covenant.refresh_from_db()
    assert cycle.covenant.text == "Bản của người thứ nhất"


# -- registrations ---------------------------------------------------------------------------------


def test_registration_rate_counts_units_not_yet_registered(y2025):
    cycle, client = y2025["cycle"], y2025["secretariat"]
    total = len(y2025["members"])
    assert "100% đăng ký" in client.get(url("cycle_registrations")).content.decode()
    Registration.objects.filter(cycle=cycle, unit__code="lai-chau").delete()
    page = client.get(url("cycle_registrations")).content.decode()
    percent = f"{(total - 1) * 100 / total:.1f}".replace(".", ",").replace(",0", "")
    assert f"{total - 1}/{total} đơn vị đã đăng ký ({percent}%)" in page
    assert "Còn 1 đơn vị chưa đăng ký:" in page and "Công an tỉnh Lai Châu" in page


def test_unit_officer_registers_their_unit_with_numbers_written_the_vietnamese_way(y2025):
    cycle, officer = y2025["cycle"], y2025["tuyenquang"]
    Registration.objects.filter(cycle=cycle, unit=officer.unit).delete()
    client = y2025["client"](officer)
    form = client.get(url("cycle_registration_edit", 2025, officer.unit.code))
    assert form.context["form"]["version"].value() == 0
    response = client.post(
        url("cycle_registration_edit", 2025, officer.unit.code),
        {
            "version": 0,
            "collective_titles": ["co_thi_dua_bo_cong_an", "don_vi_quyet_thang"],
            "count_chien_si_tien_tien": "1.250",
            "count_chien_si_thi_dua_co_so": "180",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(cycle=cycle, unit=officer.unit)
    assert registration.individual_counts == {
        "chien_si_tien_tien": 1250,
        "chien_si_thi_dua_co_so": 180,
    }
    assert registration.registered_by == officer


def test_unit_officer_cannot_edit_another_units_registration(y2025):
    client = y2025["client"](y2025["laocai"])
    target = url("cycle_registration_edit", 2025, "tuyen-quang-2025")
    assert client.get(target).status_code == 403
    before = Registration.objects.get(cycle=y2025["cycle"], unit__code="tuyen-quang-2025")
    response = client.post(
        target, {"version": before.version, "collective_titles": ["don_vi_tien_tien"]}
    )
    assert response.status_code == 403
    before.refresh_from_db()
    assert before.collective_titles == ["co_thi_dua_bo_cong_an", "don_vi_quyet_thang"]
    page = client.get(url("cycle_registrations")).content.decode()
    assert url("cycle_registration_edit", 2025, "lao-cai-2025") in page
    assert target not in page


def test_registration_errors_are_field_precise_and_nothing_is_saved(y2025):
    officer = y2025["laocai"]
    client = y2025["client"](officer)
    before = Registration.objects.get(cycle=y2025["cycle"], unit=officer.unit)
    response = client.post(
        url("cycle_registration_edit", 2025, officer.unit.code),
        {
            "version": before.version,
            "count_chien_si_tien_tien": "100",
            "count_chien_si_thi_dua_co_so": "120",
            "count_chien_si_thi_dua_toan_quoc": "hai",
            "count_chien_si_thi_dua_toan_luc_luong": "-1",
        },
    )
    errors = response.context["form"].errors
    assert response.status_code == 422
    assert "Không thể vượt số Chiến sĩ tiên tiến" in errors["count_chien_si_thi_dua_co_so"][0]
    assert "“hai” không phải là số" in errors["count_chien_si_thi_dua_toan_quoc"][0]
    assert "không được âm" in errors["count_chien_si_thi_dua_toan_luc_luong"][0]
    huge = client.post(
        url("cycle_registration_edit", 2025, officer.unit.code),
        {"version": before.version, "count_chien_si_tien_tien": "1.000.000"},
    )
    assert huge.status_code == 422
    assert huge.context["form"].errors["count_chien_si_tien_tien"] == [
        "Số Chiến sĩ tiên tiến không được vượt quá 999.999 người."
    ]
    empty = client.post(url("cycle_registration_edit", 2025, officer.unit.code), {"version": 1})
    assert empty.context["form"].errors["collective_titles"] == ["Chưa đăng ký danh hiệu nào."]
    before.refresh_from_db()
    assert before.individual_counts == {"chien_si_tien_tien": 1200, "chien_si_thi_dua_co_so": 150}


def test_the_second_of_two_concurrent_registration_edits_gets_409(y2025):
    officer = y2025["laocai"]
    client = y2025["client"](officer)
    target = url("cycle_registration_edit", 2025, officer.unit.code)
    loaded = Registration.objects.get(cycle=y2025["cycle"], unit=officer.unit).version
    first = {"version": loaded, "collective_titles": ["don_vi_quyet_thang"]}
    assert client.post(target, first).status_code == 302
    second = client.post(target, {"version": loaded, "collective_titles": ["don_vi_tien_tien"]})
    assert second.status_code == 409
    assert "Bản đăng ký đã được người khác cập nhật" in second.content.decode()


PAGES = ("cycle_registrations", "cycle_covenant", "cycle_method", "cycle_drives")


def test_plan_pages_queries_do_not_grow_with_the_number_of_units(
    y2025, django_assert_max_num_queries
):
    cycle, client = y2025["cycle"], y2025["secretariat"]
    counts = {}
    for name in PAGES:
        with django_assert_max_num_queries(16) as before:
            client.get(url(name))
        counts[name] = len(before.captured_queries)
    for unit in Unit.objects.filter(code__in=["ha-noi", "hai-phong", "hue"]):
        cycle.cluster.add_member(unit)
        Registration.objects.create(
            cycle=cycle,
            unit=unit,
            collective_titles=["don_vi_tien_tien"],
            registered_by=y2025["secretariat_user"],
        )
        cycle.covenant.sign(unit=unit, by=y2025["secretariat_user"])
    for name in PAGES:
        with django_assert_max_num_queries(counts[name]):
            page = client.get(url(name))
        if name != "cycle_drives":
            assert "Hải Phòng" in page.content.decode(), name


# -- drives ----------------------------------------------------------------------------------------


def test_secretariat_adds_a_drive_with_dates_as_dd_mm_yyyy_and_edits_it(y2025):
    client, cycle = y2025["secretariat"], y2025["cycle"]
    data = {
        "version": 0,
        "kind": "peak",
        "name": "Cao điểm tấn công, trấn áp tội phạm dịp Tết Nguyên đán Ất Tỵ",
        "starts_on": "15/01/2025",
        "ends_on": "15/02/2025",
        "targets": "Tỷ lệ điều tra khám phá án đạt trên 80%",
    }
    assert client.post(url("cycle_drive_new"), data).status_code == 302
    drive = Drive.objects.get(cycle=cycle)
    assert (drive.starts_on.isoformat(), drive.created_by) == (
        "2025-01-15",
        y2025["secretariat_user"],
    )
    form = client.get(url("cycle_drive_edit", 2025, drive.pk))
    assert 'value="15/01/2025"' in form.content.decode()
    response = client.post(
        url("cycle_drive_edit", 2025, drive.pk),
        {**data, "version": drive.version, "results": "Khám phá 92% số vụ"},
    )
    assert response.status_code == 302
    drive.refresh_from_db()
    assert drive.results == "Khám phá 92% số vụ"
    listing = y2025["client"](y2025["laocai"]).get(url("cycle_drives")).content.decode()
    assert "15/01/2025 – 15/02/2025" in listing and "Đã kết thúc" in listing
    assert "Thêm đợt thi đua" not in listing


def test_drive_dates_out_of_order_or_outside_the_year_are_refused_field_by_field(y2025):
    client = y2025["secretariat"]
    base = {"version": 0, "kind": "short", "name": "Đợt thi đua ngắn ngày"}
    reversed_ = client.post(
        url("cycle_drive_new"), {**base, "starts_on": "30/06/2025", "ends_on": "01/06/2025"}
    )
    assert reversed_.status_code == 422
    assert reversed_.context["form"].errors["ends_on"] == ["Ngày kết thúc phải sau ngày bắt đầu."]
    wrong_year = client.post(
        url("cycle_drive_new"), {**base, "starts_on": "01/06/2019", "ends_on": "2019-06-30"}
    )
    assert wrong_year.status_code == 422
    assert wrong_year.context["form"].errors["starts_on"] == [
        "Đợt thi đua phải thuộc năm thi đua 2025."
    ]
    bad = client.post(url("cycle_drive_new"), {**base, "starts_on": "1 tháng 6", "ends_on": ""})
    assert bad.context["form"].errors["starts_on"][0].startswith("Ngày không hợp lệ")
    assert not Drive.objects.filter(cycle=y2025["cycle"]).exists()


def test_a_stale_drive_edit_is_refused_with_409(y2025):
    client, cycle = y2025["secretariat"], y2025["cycle"]
    data = {
        "kind": "thematic",
        "name": "Chuyên đề",
        "starts_on": "01/03/2025",
        "ends_on": "31/03/2025",
    }
    client.post(url("cycle_drive_new"), {**data, "version": 0})
    drive = Drive.objects.get(cycle=cycle)
    loaded = drive.version
    client.post(
        url("cycle_drive_edit", 2025, drive.pk), {**data, "version": loaded, "results": "A"}
    )
    response = client.post(
        url("cycle_drive_edit", 2025, drive.pk), {**data, "version": loaded, "results": "B"}
    )
    assert response.status_code == 409
    drive.refresh_from_db()
    assert drive.results == "A"


def test_a_drive_of_another_year_is_not_found(y2025, world):
    other = Drive.objects.create(
        cycle=world.cycle2021,
        kind="peak",
        name="Đợt 2021",
        starts_on="2021-03-01",
        ends_on="2021-03-31",
        created_by=world.cast.secretariat,
    )
    assert y2025["secretariat"].get(url("cycle_drive_edit", 2025, other.pk)).status_code == 404


def test_an_officer_of_a_unit_outside_the_cluster_is_told_nothing(y2025):
    stranger = make_user("canbo.khac", User.Role.UNIT_OFFICER, "gia-lai")
    client = y2025["client"](stranger)
    for name in ("cycle_method", "cycle_covenant", "cycle_registrations", "cycle_drives"):
        assert client.get(url(name)).status_code == 404
