"""The honours pages: who sees what, the "why not" page, suggestions, the steps through forms,
and query counts that do not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.honours.conftest import CAND, CSTDCS, CSTT, TOT, XS, award_to, person, unit
from thidua.honours.models import Commendation, Person, RuleSetVersion

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.content.decode()


def test_another_units_person_is_not_found_but_the_ministry_sees_it(cast):
    p = person("bac-giang", name="Trần Văn Riêng")
    url = p.get_absolute_url()
    page(cast.client(cast.officer_b), url, 404)
    page(cast.client(cast.viewer), url, 404)
    assert "Trần Văn Riêng" in page(cast.client(cast.approver), url)
    assert "Trần Văn Riêng" in page(cast.client(cast.officer_a), url)
    assert "Trần Văn Riêng" not in page(cast.client(cast.officer_b), "/khen-thuong/can-bo/")


def test_a_viewer_reads_but_cannot_edit(cast):
    from tests.conftest import make_user
    from thidua.org.models import User

    p = person("bac-giang")
    viewer = make_user("xem.bacgiang", User.Role.VIEWER, "bac-giang")
    client = cast.client(viewer)
    html = page(client, p.get_absolute_url())
    assert "Sửa hồ sơ" not in html and "Ghi xếp loại" not in html
    page(client, f"/khen-thuong/can-bo/{p.pk}/sua/", 403)
    assert (
        client.post(
            f"/khen-thuong/can-bo/{p.pk}/xep-loai/them/", {"year": 2024, "rating": XS}
        ).status_code
        == 403
    )
    page(client, "/khen-thuong/can-bo/them/", 403)
    assert not p.ratings.exists()


def test_individual_commendations_follow_the_person_collective_ones_are_public(cast):
    mine = award_to(person("bac-giang", name="Cá Nhân Kín"), CSTT, 2024)
    theirs = award_to(unit("bac-giang"), "don_vi_tien_tien", 2024)
    b = cast.client(cast.officer_b)
    page(b, mine.get_absolute_url(), 404)
    assert "Công an tỉnh Bắc Giang" in page(b, theirs.get_absolute_url())
    listing = page(b, "/khen-thuong/quyet-dinh/?year=2024")
    assert "Cá Nhân Kín" not in listing and "Đơn vị tiên tiến" in listing
    # …but the other unit may not change the collective record.
    page(b, f"/khen-thuong/quyet-dinh/{theirs.pk}/sua/", 403)


def test_why_not_page_names_the_failing_condition_and_its_basis(cast):
    p = person(
        "bac-giang", ratings={2024: XS}, titles={CSTDCS: [2022, 2024]}, initiatives=[(2024, "bo")]
    )
    url = f"/khen-thuong/xet-dieu-kien/?person={p.pk}&award={CAND}&year=2024"
    html = page(cast.client(cast.officer_a), url)
    assert "Không đủ điều kiện" in html and 'id="why-not"' in html
    assert "thiếu năm 2023" in html and "Luật Thi đua, khen thưởng 2022, Điều 22" in html
    assert "luat-2022-nd-98-2023" in html
    page(cast.client(cast.officer_b), url, 404)


def test_eligibility_page_for_a_unit_is_for_its_line_and_the_ministry(cast):
    url = "/khen-thuong/xet-dieu-kien/?unit=bac-giang&award=don_vi_quyet_thang&year=2024"
    assert "Chưa đủ dữ liệu" in page(cast.client(cast.approver), url)
    page(cast.client(cast.officer_b), url, 404)
    page(
        cast.client(cast.officer_a),
        "/khen-thuong/xet-dieu-kien/?unit=bac-giang&award=x&year=2024",
        422,
    )


def test_suggestions_list_who_is_eligible_now_with_the_lower_titles_relied_on(cast):
    star = person(
        "bac-giang",
        name="Ngôi Sao",
        ratings={2024: XS, 2025: XS},
        titles={CSTT: [2024], CSTDCS: [2023, 2024]},
        initiatives=[(2024, "bo")],
    )
    person("bac-giang", name="Bình Thường", ratings={2025: TOT})
    # Bắc Giang merged into Bắc Ninh on 1/7/2025: on 31/12/2025 its people are Bắc Ninh's.
    html = page(cast.client(cast.officer_a), "/khen-thuong/don-vi/bac-giang/goi-y/?year=2025")
    assert "Ngôi Sao" not in html and "Công an tỉnh Bắc Ninh" in html
    html = page(cast.client(cast.officer_a), "/khen-thuong/don-vi/bac-ninh-2025/goi-y/?year=2025")
    assert "Ngôi Sao" in html and "Chiến sĩ thi đua toàn lực lượng CAND" in html
    assert "Bình Thường" in html  # eligible for Chiến sĩ tiên tiến
    assert f"person={star.pk}&amp;award={CAND}" in html
    page(cast.client(cast.officer_b), "/khen-thuong/don-vi/bac-ninh-2025/goi-y/?year=2025", 404)


def test_unit_history_shows_predecessors_titles_across_the_merger(cast):
    award_to(unit("hoa-binh"), "don_vi_quyet_thang", 2024, decision_no="98/QĐ-BCA")
    html = page(cast.client(cast.officer_b), "/khen-thuong/don-vi/phu-tho-2025/")
    assert "98/QĐ-BCA" not in html  # the decision number is on the record page
    assert "Đơn vị quyết thắng" in html and "Công an tỉnh Hòa Bình" in html
    assert "Cá nhân (số lượt)" not in html  # people's counts only for the line


def test_recording_and_revoking_through_the_pages(cast):
    client = cast.client(cast.officer_a)
    response = client.post(
        "/khen-thuong/can-bo/them/",
        {
            "officer_code": "kt-77",
            "full_name": "Mai  Văn Lưu",
            "unit": unit("bac-giang").pk,
            "start": "01/02/2019",
            "discipline_checked": "on",
        },
    )
    p = Person.objects.get(officer_code="KT-77")
    assert response.status_code == 302 and p.full_name == "Mai Văn Lưu"
    response = client.post(
        "/khen-thuong/quyet-dinh/them/",
        {
            "recipient_kind": "ca_nhan",
            "person": p.pk,
            "award_code": CSTT,
            "year": 2024,
            "decision_no": "5/QĐ",
            "decision_date": "20/12/2024",
            "issuer": "Giám đốc Công an tỉnh Bắc Giang",
        },
    )
    c = Commendation.objects.get(person=p)
    assert response.status_code == 302
    bad = client.post(
        f"/khen-thuong/quyet-dinh/{c.pk}/huy-bo/",
        {
            "version": 1,
            "decision_no": "",
            "decision_date": "1/3/2025",
            "ground": "gian_doi_ke_khai",
            "reason": "",
        },
    )
    assert bad.status_code == 422 and "Lý do" in bad.content.decode()
    ok = client.post(
        f"/khen-thuong/quyet-dinh/{c.pk}/huy-bo/",
        {
            "version": 1,
            "decision_no": "9/QĐ",
            "decision_date": "01/03/2025",
            "ground": "gian_doi_ke_khai",
            "reason": "Gian dối",
        },
    )
    assert ok.status_code == 302
    html = page(client, c.get_absolute_url())
    assert "Đã hủy bỏ, thu hồi theo QĐ số 9/QĐ" in html and "Hủy bỏ, thu hồi" in html
    stale = client.post(
        f"/khen-thuong/quyet-dinh/{c.pk}/sua/",
        {
            "version": 1,
            "award_code": CSTT,
            "year": 2024,
            "decision_no": "x",
            "decision_date": "20/12/2024",
            "issuer": "y",
        },
    )
    assert stale.status_code == 409


def test_adding_person_entries_with_a_mistake_shows_the_form_again(cast):
    p = person("bac-giang")
    client = cast.client(cast.officer_a)
    response = client.post(f"/khen-thuong/can-bo/{p.pk}/ky-luat/them/", {"start": "01/02/2024"})
    assert response.status_code == 422 and "Chọn hình thức kỷ luật" in response.content.decode()
    response = client.post(
        f"/khen-thuong/can-bo/{p.pk}/xep-loai/them/", {"year": 2024, "rating": XS}
    )
    assert response.status_code == 302 and p.ratings.get().rating == XS
    rating = p.ratings.get()
    assert client.post(f"/khen-thuong/can-bo/{p.pk}/xep-loai/{rating.pk}/xoa/").status_code == 302
    assert not p.ratings.exists()


def test_only_the_ministry_approver_publishes_a_rule_set_through_the_page(cast):
    page(cast.client(cast.officer_a), "/khen-thuong/quy-tac/ban-hanh/", 403)
    client = cast.client(cast.approver)
    form = page(client, "/khen-thuong/quy-tac/ban-hanh/")
    assert "nd-152-2025-sua-doi-" in form
    response = client.post(
        "/khen-thuong/quy-tac/ban-hanh/",
        {"effective_from": "01/01/2027", "reason": "Thử", "data": "{ không phải json"},
    )
    assert response.status_code == 422 and "JSON không hợp lệ ở dòng 1" in response.content.decode()
    data = {"id": "bo-2027", "title": "Bộ quy tắc 2027", "extends": "nd-152-2025", "rules": []}
    response = client.post(
        "/khen-thuong/quy-tac/ban-hanh/",
        {"effective_from": "01/01/2027", "reason": "Thông tư mới", "data": json.dumps(data)},
    )
    assert response.status_code == 302
    version = RuleSetVersion.objects.get()
    assert (
        version.effective_from == dt.date(2027, 1, 1)
        and version.data["effective_from"] == "2027-01-01"
    )
    listing = page(client, "/khen-thuong/quy-tac/")
    assert "bo-2027" in listing and "Bộ ban hành" in listing


def test_list_pages_keep_their_query_count_as_rows_grow(cast, django_assert_max_num_queries):
    client = cast.client(cast.approver)
    for i in range(3):
        award_to(person("bac-giang", name=f"Người {i}"), CSTT, 2024)
    for url in (
        "/khen-thuong/can-bo/",
        "/khen-thuong/quyet-dinh/",
        "/khen-thuong/don-vi/bac-giang/",
    ):
        with django_assert_max_num_queries(14):
            page(client, url)
    for i in range(20):
        award_to(person("bac-giang", name=f"Thêm {i}"), CSTT, 2024)
    for url in (
        "/khen-thuong/can-bo/",
        "/khen-thuong/quyet-dinh/",
        "/khen-thuong/don-vi/bac-giang/",
    ):
        with django_assert_max_num_queries(14):
            page(client, url)
