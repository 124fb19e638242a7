"""API writes of the commendation records: what an integrating system can change, and what it
cannot, through /api/v1/ — the same rules, model steps and audit trail as the pages."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.files import tiny_pdf
from tests.honours.conftest import CAND, CSTDCS, CSTT, DVQT, XS, award_to, person, unit
from thidua.api.models import ApiToken
from thidua.audit.log import verify_chain
from thidua.audit.models import AuditRecord
from thidua.honours.models import (
    Commendation,
    Discipline,
    Initiative,
    Person,
    PersonRating,
    Posting,
    RuleSetVersion,
    UnitRating,
)

pytestmark = pytest.mark.django_db


class Api:
    """An integrating system calling with a user's bearer token."""

    def __init__(self, user) -> None:
        _, token = ApiToken.issue(user, "kiểm thử ghi")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, url: str, params: dict | None = None):
        return self.client.get(f"/api/v1{url}", params or {})

    def send(self, method: str, url: str, body: dict | None = None):
        return getattr(self.client, method)(
            f"/api/v1{url}", json.dumps(body or {}), content_type="application/json"
        )

    def post(self, url: str, body: dict | None = None):
        return self.send("post", url, body)

    def put(self, url: str, body: dict | None = None):
        return self.send("put", url, body)

    def delete(self, url: str):
        return self.client.delete(f"/api/v1{url}")


def decision(**fields) -> dict:
    return {
        "award_code": CSTT,
        "year": 2024,
        "decision_no": "15/QĐ-CAT",
        "decision_date": "2024-12-20",
        "issuer": "Giám đốc Công an tỉnh Bắc Giang",
        **fields,
    }


def audit_rows() -> int:
    return AuditRecord.objects.count()


def locs(response) -> dict[str, str]:
    return {".".join(e["loc"]): e["message"] for e in response.json()["errors"]}


# -- commendations -------------------------------------------------------------------------------


def test_officer_records_a_commendation_for_their_units_person_and_the_eligibility_answer_changes(
    cast,
):
    p = person(
        "bac-giang", ratings={2024: XS}, titles={CSTDCS: [2022, 2024]}, initiatives=[(2024, "bo")]
    )
    api = Api(cast.officer_a)
    question = {"person": p.pk, "award": CAND, "year": 2024}

    def consecutive_rule() -> str:
        verdict = api.get("/eligibility", question).json()
        return next(c["status"] for c in verdict["conditions"] if c["rule_id"] == "R04")

    assert consecutive_rule() == "not_met"  # the 2023 title is missing
    response = api.post(
        "/commendations",
        decision(person=p.pk, award_code=CSTDCS, year=2023, decision_date="2023-12-25"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person_id"], body["award_code"], body["year"], body["version"]) == (
        p.pk,
        CSTDCS,
        2023,
        1,
    )
    assert consecutive_rule() == "met"
    row = Commendation.objects.get(pk=body["id"])
    assert row.created_by == cast.officer_a
    (entry,) = AuditRecord.objects.for_object(row)
    assert (entry.action, entry.actor) == ("create", cast.officer_a)


def test_nobody_records_a_commendation_for_a_person_of_another_unit(cast):
    p = person("bac-giang")
    other, inspector = Api(cast.officer_b), Api(cast.inspector)
    before = (Commendation.objects.count(), audit_rows())
    response = other.post("/commendations", decision(person=p.pk))
    assert response.status_code == 404 and "đơn vị khác" in response.json()["detail"]
    # A role that never edits is refused before anything is looked up.
    response = inspector.post("/commendations", decision(person=p.pk))
    assert response.status_code == 403 and "cán bộ thi đua" in response.json()["detail"]
    # A collective award of a unit outside the officer's line: refused by the model step.
    response = other.post(
        "/commendations", decision(unit="bac-giang", award_code=DVQT, decision_no="2/QĐ")
    )
    assert response.status_code == 403 and "đơn vị khác" in response.json()["detail"]
    assert (Commendation.objects.count(), audit_rows()) == before


def test_a_bad_body_is_422_in_vietnamese_with_field_paths_and_nothing_is_written(cast):
    p = person("bac-giang")
    api = Api(cast.officer_a)
    before = (Commendation.objects.count(), audit_rows())
    response = api.post(
        "/commendations",
        {"person": p.pk, "award_code": CSTT, "year": 1900, "decision_date": "32/13/2024"},
    )
    assert response.status_code == 422
    errors = locs(response)
    assert errors == {
        "year": "Giá trị quá nhỏ.",
        "decision_no": "Thiếu trường bắt buộc.",
        "decision_date": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
        "issuer": "Thiếu trường bắt buộc.",
    }
    # Past the types, the model's rules speak, still naming the field.
    response = api.post("/commendations", decision(person=p.pk, award_code="khong-co"))
    assert response.status_code == 422
    assert locs(response) == {
        "award_code": "Không có trong danh mục danh hiệu, hình thức khen thưởng."
    }
    response = api.post("/commendations", decision(person=p.pk, decision_date="2023-01-05"))
    assert "trước năm thành tích 2024" in locs(response)["decision_date"]
    response = api.post("/commendations", decision(person=p.pk, unit="bac-giang"))
    assert locs(response) == {"person": "Ghi person (cá nhân) hoặc unit (tập thể), một trong hai."}
    response = api.post("/commendations", decision(unit="khong-co-don-vi", award_code=DVQT))
    assert locs(response) == {"unit": "Không có đơn vị mã “khong-co-don-vi”."}
    assert (Commendation.objects.count(), audit_rows()) == before


def test_an_annual_title_given_twice_in_a_year_is_refused_on_the_year(cast):
    p = person("bac-giang", titles={CSTT: [2024]})
    response = Api(cast.officer_a).post("/commendations", decision(person=p.pk))
    assert response.status_code == 422
    assert "chỉ tặng một lần mỗi năm" in locs(response)["year"]


def test_editing_with_a_stale_version_is_409_and_changes_nothing(cast):
    c = award_to(person("bac-giang"), CSTT, 2024, decision_no="1/QĐ")
    api = Api(cast.officer_a)
    first = api.put(f"/commendations/{c.pk}", decision(version=1, decision_no="1/QĐ-sửa"))
    assert first.status_code == 200 and first.json()["version"] == 2
    rows = audit_rows()
    second = api.put(f"/commendations/{c.pk}", decision(version=1, decision_no="1/QĐ-khác"))
    assert second.status_code == 409
    assert "người khác cập nhật" in second.json()["detail"]
    c.refresh_from_db()
    assert (c.decision_no, c.version, audit_rows()) == ("1/QĐ-sửa", 2, rows)
    update = AuditRecord.objects.for_object(c).get(action="update")
    assert (update.before["decision_no"], update.after["decision_no"]) == ("1/QĐ", "1/QĐ-sửa")


def test_a_collective_record_is_changed_only_by_its_units_line(cast):
    c = award_to(unit("bac-giang"), DVQT, 2023, decision_no="7/QĐ")
    body = decision(version=1, award_code=DVQT, year=2023, decision_no="7/QĐ")
    assert Api(cast.officer_b).get(f"/commendations/{c.pk}").status_code == 200  # public
    response = Api(cast.officer_b).put(f"/commendations/{c.pk}", body)
    assert response.status_code == 403 and "không có quyền sửa" in response.json()["detail"]
    assert Api(cast.approver).put(f"/commendations/{c.pk}", body).status_code == 200


def test_revoking_keeps_the_record_audited_with_its_reason_and_freezes_it(cast):
    p = person("bac-giang", ratings={2024: XS})
    c = award_to(p, CSTT, 2024, decision_no="3/QĐ")
    api = Api(cast.officer_a)
    url = f"/commendations/{c.pk}/revoke"
    revocation = {
        "version": 1,
        "decision_no": "9/QĐ",
        "decision_date": "2025-03-01",
        "ground": "gian_doi_ke_khai",
        "reason": "Gian dối khi kê khai",
    }
    bad = api.post(url, {**revocation, "reason": "   ", "ground": "khong-co"})
    assert bad.status_code == 422 and set(locs(bad)) == {"ground"}
    bad = api.post(url, {**revocation, "reason": "  "})
    assert locs(bad) == {"reason": "Phải nêu lý do hủy bỏ, thu hồi."}
    assert not Commendation.objects.get(pk=c.pk).revoked
    response = api.post(url, revocation)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["revoked"] and body["revocation_reason"] == "Gian dối khi kê khai"
    entry = AuditRecord.objects.for_object(c).get(action="revoke")
    assert (entry.actor, entry.reason) == (cast.officer_a, "Gian dối khi kê khai")
    again = api.put(f"/commendations/{c.pk}", decision(version=2, decision_no="3/QĐ"))
    assert again.status_code == 409 and "đã bị hủy bỏ" in again.json()["detail"]
    assert api.post(url, {**revocation, "version": 2}).status_code == 409


def test_a_scanned_decision_is_attached_checked_and_downloaded_in_scope(cast, media):
    c = award_to(person("bac-giang"), CSTT, 2024)
    api = Api(cast.officer_a)
    url = f"/api/v1/commendations/{c.pk}/attachments"
    pdf = tiny_pdf("Quyết định")

    response = api.client.post(
        url, {"file": SimpleUploadedFile("Quyết định.pdf", pdf, "application/pdf")}
    )
    assert response.status_code == 201, response.content
    found = response.json()
    assert found["content_type"] == "application/pdf" and found["size"] == len(pdf)
    download = api.get(f"/commendations/{c.pk}/attachments/{found['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert api.get(f"/commendations/{c.pk}").json()["attachments"][0]["id"] == found["id"]
    fake = api.client.post(url, {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary")})
    assert fake.status_code == 422 and "không phải PDF" in locs(fake)["file"]
    empty = api.client.post(url, {})
    assert empty.status_code == 422 and locs(empty) == {"file": "Chọn tệp để tải lên."}
    other = Api(cast.officer_b)
    assert other.get(f"/commendations/{c.pk}/attachments/{found['id']}").status_code == 404
    assert c.attachments.count() == 1


# -- people --------------------------------------------------------------------------------------


def test_an_officer_creates_a_person_in_nfc_and_the_record_is_audited(cast):
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị Hoà ")
    api = Api(cast.officer_a)
    response = api.post(
        "/people",
        {
            "officer_code": "kt-901",
            "full_name": decomposed,
            "rank": "Thiếu tá",
            "unit": "bac-giang",
            "department": unicodedata.normalize("NFD", "Phòng  Cảnh sát hình sự"),
            "start": "2018-06-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Nguyễn Thị Hòa" and body["officer_code"] == "KT-901"
    assert body["postings"][0]["department"] == "Phòng Cảnh sát hình sự"
    assert unicodedata.is_normalized("NFC", body["postings"][0]["department"])
    p = Person.objects.get(pk=body["id"])
    assert [r.action for r in AuditRecord.objects.for_object(p)] == ["create"]
    assert AuditRecord.objects.for_object(p.postings.get()).get().actor == cast.officer_a
    # The same officer code again: refused on the field, nothing written.
    before = (Person.objects.count(), audit_rows())
    again = api.post(
        "/people",
        {"officer_code": "KT-901", "full_name": "Khác", "unit": "bac-giang", "start": "2020-01-01"},
    )
    assert again.status_code == 422 and "đã có" in locs(again)["officer_code"]
    assert (Person.objects.count(), audit_rows()) == before


def test_people_are_created_only_in_the_officers_own_line(cast):
    body = {"officer_code": "KT-902", "full_name": "Lê Văn Xa", "start": "2020-01-01"}
    response = Api(cast.officer_a).post("/people", {**body, "unit": "gia-lai"})
    assert response.status_code == 403 and "Gia Lai" in response.json()["detail"]
    assert Api(cast.viewer).post("/people", {**body, "unit": "thai-nguyen"}).status_code == 403
    assert not Person.objects.filter(officer_code="KT-902").exists()
    assert Api(cast.approver).post("/people", {**body, "unit": "gia-lai"}).status_code == 201


def test_two_writers_of_one_person_the_second_is_told(cast):
    p = person("bac-giang", name="Phạm Văn Một")
    a, ministry = Api(cast.officer_a), Api(cast.approver)
    read = a.get(f"/people/{p.pk}").json()
    edit = {
        "version": read["version"],
        "full_name": read["full_name"],
        "rank": "Trung tá",
        "position": "Đội trưởng",
        "records_from": 2016,
        "discipline_checked": True,
        "note": "",
    }
    assert ministry.put(f"/people/{p.pk}", {**edit, "rank": "Thượng tá"}).status_code == 200
    response = a.put(f"/people/{p.pk}", edit)
    assert response.status_code == 409
    p.refresh_from_db()
    assert (p.rank, p.version) == ("Thượng tá", 2)
    assert Api(cast.officer_b).put(f"/people/{p.pk}", edit).status_code == 404
    missing = a.put(f"/people/{p.pk}", {"version": 2, "full_name": ""})
    assert missing.status_code == 422 and locs(missing) == {
        "discipline_checked": "Thiếu trường bắt buộc."
    }
    blank = a.put(f"/people/{p.pk}", {**edit, "version": 2, "full_name": " "})
    assert locs(blank) == {"full_name": "Phải nhập họ và tên."}


def test_a_persons_record_is_built_entry_by_entry_as_on_the_page(cast):
    p = person("bac-giang", since=dt.date(2015, 1, 1))
    api = Api(cast.officer_a)
    url = f"/people/{p.pk}"
    transfer = api.post(
        f"{url}/postings", {"unit": "bac-giang", "department": "Đội 2", "start": "2024-03-01"}
    )
    assert transfer.status_code == 201, transfer.content
    postings = transfer.json()["postings"]
    assert [(x["start"], x["end"]) for x in postings] == [
        ("2015-01-01", "2024-02-29"),
        ("2024-03-01", None),
    ]
    assert api.post(f"{url}/ratings", {"year": 2024, "rating": XS}).status_code == 201
    initiative = api.post(
        f"{url}/initiatives", {"year": 2024, "title": "Sáng  kiến số hoá", "scope": "bo"}
    )
    assert initiative.json()["initiatives"][0]["title"] == "Sáng kiến số hóa"
    discipline = api.post(f"{url}/disciplines", {"start": "2024-05-01"})
    assert discipline.status_code == 422 and "hình thức kỷ luật" in locs(discipline)["form"]
    discipline = api.post(f"{url}/disciplines", {"awaiting_review": True, "start": "2024-05-01"})
    assert discipline.status_code == 201
    assert (
        PersonRating.objects.filter(person=p).count(),
        Initiative.objects.filter(person=p).count(),
        Discipline.objects.filter(person=p).count(),
        Posting.objects.filter(person=p).count(),
    ) == (1, 1, 1, 2)
    # Each entry audited by the officer, the closed posting too.
    actions = AuditRecord.objects.filter(
        actor=cast.officer_a, model__startswith="honours."
    ).values_list("model", "action")
    assert sorted(actions) == sorted(
        [
            ("honours.posting", "update"),
            ("honours.posting", "create"),
            ("honours.personrating", "create"),
            ("honours.initiative", "create"),
            ("honours.discipline", "create"),
        ]
    )
    # Removing an entry made by mistake; never the only posting.
    rating = p.ratings.get()
    assert api.delete(f"{url}/ratings/{rating.pk}").json()["ratings"] == []
    assert AuditRecord.objects.for_object(rating).order_by("seq").last().action == "delete"
    assert api.delete(f"{url}/ratings/{rating.pk}").status_code == 404
    first = p.postings.order_by("start").first()
    assert api.delete(f"{url}/postings/{first.pk}").status_code == 200
    last = p.postings.get()
    refused = api.delete(f"{url}/postings/{last.pk}")
    assert refused.status_code == 409 and "duy nhất" in refused.json()["detail"]


def test_a_transfer_out_of_the_officers_line_is_refused_whole(cast):
    p = person("bac-giang")
    api = Api(cast.officer_a)
    before = (Posting.objects.filter(person=p).count(), audit_rows())
    response = api.post(f"/people/{p.pk}/postings", {"unit": "gia-lai", "start": "2024-03-01"})
    assert response.status_code == 403
    assert (Posting.objects.filter(person=p).count(), audit_rows()) == before
    assert p.postings.get().end is None  # the open posting was not closed either
    response = Api(cast.officer_a).post(
        f"/people/{p.pk}/postings", {"unit": "bac-giang", "start": "2014-03-01"}
    )
    assert response.status_code == 422 and "Trùng thời gian" in locs(response)["start"]
    response = Api(cast.officer_a).post(f"/people/{p.pk}/ratings", {"year": 2024, "rating": "A"})
    assert locs(response) == {"rating": "Giá trị không nằm trong danh sách cho phép."}


def test_the_api_and_the_page_write_the_same_audit_row(cast):
    p = person("bac-giang")
    page = cast.client(cast.officer_a)
    page.post(f"/khen-thuong/can-bo/{p.pk}/xep-loai/them/", {"year": 2023, "rating": XS})
    Api(cast.officer_a).post(f"/people/{p.pk}/ratings", {"year": 2024, "rating": XS})
    by_page, by_api = (AuditRecord.objects.for_object(r).get() for r in p.ratings.order_by("year"))
    assert (by_page.action, by_page.model, by_page.actor) == (
        by_api.action,
        by_api.model,
        by_api.actor,
    )
    assert set(by_page.after) == set(by_api.after)
    assert verify_chain().ok


# -- unit ratings and rule sets -----------------------------------------------------------------


def test_a_units_rating_is_recorded_by_its_line_and_read_by_everyone(cast):
    api = Api(cast.officer_a)
    response = api.post("/units/bac-giang/ratings", {"year": 2023, "rating": XS})
    assert response.status_code == 200 and response.json()["label"].startswith("Hoàn thành xuất")
    api.post("/units/bac-giang/ratings", {"year": 2023, "rating": "hoan_thanh_tot"})
    row = UnitRating.objects.get(unit__code="bac-giang", year=2023)
    assert [r.action for r in AuditRecord.objects.for_object(row).order_by("seq")] == [
        "create",
        "update",
    ]
    readers = Api(cast.officer_b).get("/units/bac-giang/ratings").json()
    assert [(r["year"], r["rating"]) for r in readers] == [(2023, "hoan_thanh_tot")]
    refused = Api(cast.officer_b).post("/units/bac-giang/ratings", {"year": 2023, "rating": XS})
    assert refused.status_code == 403
    late = api.post("/units/bac-giang/ratings", {"year": 2026, "rating": XS})
    assert late.status_code == 422 and "không tồn tại trong năm 2026" in locs(late)["unit"]
    assert UnitRating.objects.get(pk=row.pk).rating == "hoan_thanh_tot"


def test_only_the_ministry_approver_publishes_a_rule_set_and_everyone_reads_it(cast):
    data = {"id": "bo-api-2027", "title": "Bộ quy tắc 2027", "extends": "nd-152-2025", "rules": []}
    body = {"effective_from": "2027-01-01", "reason": "Thông tư  mới", "data": data}
    refused = Api(cast.officer_a).post("/rulesets", body)
    assert refused.status_code == 403 and "phê duyệt của Bộ" in refused.json()["detail"]
    ministry = Api(cast.approver)
    bad = ministry.post("/rulesets", {**body, "data": {**data, "id": "nd-152-2025"}})
    assert bad.status_code == 422 and "đã có" in locs(bad)["data.id"]
    # Malformed sets are told what is wrong and where (`loc`: the spot in the JSON), never a
    # server error.
    for broken, where in (
        ({**data, "extends": ["nd-152-2025"]}, ["data", "extends"]),
        ({**data, "remove": [["R01"]]}, ["data", "remove"]),
        ({**data, "rules": [{"id": ["R01"]}]}, ["data", "rules", "0", "id"]),
        ({**data, "rules": "R01"}, ["data", "rules"]),
    ):
        bad = ministry.post("/rulesets", {**body, "data": broken})
        assert bad.status_code == 422, bad.content
        assert any(e["loc"] == where for e in bad.json()["errors"]), bad.json()
    assert not RuleSetVersion.objects.exists()
    response = ministry.post("/rulesets", body)
    assert response.status_code == 201, response.content
    published = response.json()
    assert published["origin"] == "published" and published["reason"] == "Thông tư mới"
    assert published["effective_from"] == "2027-01-01" and published["rules"]
    version = RuleSetVersion.objects.get()
    assert AuditRecord.objects.for_object(version).get().action == "publish"
    reader = Api(cast.viewer)
    assert "bo-api-2027" in [s["id"] for s in reader.get("/rulesets").json()]
    assert [s["id"] for s in reader.get("/rulesets", {"year": 2027}).json()] == ["bo-api-2027"]
    assert reader.get("/rulesets/bo-api-2027").json()["published_by"] == "Nguyễn Văn Bình"
    assert reader.get("/rulesets/khong-co").status_code == 404
    verdict = ministry.get("/eligibility", {"unit": "bac-ninh-2025", "award": DVQT, "year": 2027})
    assert verdict.json()["ruleset"] == "bo-api-2027"
