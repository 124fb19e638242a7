"""One language and no technical page: whatever the browser asks for and whatever goes wrong, the
user reads Vietnamese in the site's layout, and an API client gets JSON with a Vietnamese detail."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from thidua.api.models import ApiToken
from thidua.org.models import User

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
LAYOUT = 'class="page-title"'  # the site's own header: the page is drawn in the app's layout
TECHNICAL = re.compile(
    r"DEBUG|Forbidden \(403\)|Bad Request|Method Not Allowed|Not Found|Server Error|"
    r"CSRF verification|Traceback|This field",
    re.I,
)


def client_for(username: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(User.objects.get(username=username))
    return client


def without_tokens(html: str) -> str:
    return re.sub(r'(csrf[^"]*"\s+(?:content|value)=")[^"]+', r"\1", html)


def assert_vietnamese_page(response, status: int, *phrases: str) -> None:
    text = response.content.decode()
    assert response.status_code == status, text[:500]
    assert response["Content-Type"].startswith("text/html")
    assert LAYOUT in text, text[:500]
    assert not TECHNICAL.search(text), TECHNICAL.search(text)
    for phrase in phrases:
        assert phrase in text


def assert_api_json(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    detail = json.loads(response.content)["detail"]
    assert re.search(r"[ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]", detail, re.I), detail
    return detail


# -- one language ---------------------------------------------------------------------------------


def test_a_browser_preferring_english_gets_the_same_vietnamese_page_figures_included():
    secretariat = client_for("bo.pheduyet")
    url = reverse("cycle_ranking", args=[2021, 3])
    vietnamese = secretariat.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    english = secretariat.get(url, **ENGLISH)
    assert english.status_code == 200
    assert "en" not in english.get("Content-Language", "")
    assert without_tokens(english.content.decode()) == without_tokens(vietnamese.content.decode())
    # Figures are written the Vietnamese way: decimal comma, never a decimal point.
    assert not re.search(r">\s*\d{1,3}\.\d{1,2}\s*<", english.content.decode())


def test_djangos_own_messages_are_vietnamese_for_an_english_browser():
    # The year filter is a plain IntegerField: its message is Django's own, translated.
    response = client_for("canbo.laocai").get(reverse("unit_list"), {"year": "1800"}, **ENGLISH)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value" not in text
    assert "1990" in text and "Đảm bảo" in text


# -- Django's own pages ---------------------------------------------------------------------------


def test_a_stale_form_after_signing_in_again_gets_a_vietnamese_page_not_djangos_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a", "password": "b"}, **ENGLISH)
    assert_vietnamese_page(response, 403, "Phiên làm việc đã hết hạn", "Tải lại trang")


def test_a_form_with_too_many_fields_gets_a_vietnamese_page_not_bad_request():
    officer = client_for("canbo.laocai")
    url = reverse("cycle_result_sheet", args=[2025, 3, "lao-cai-2025"])
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10)}
    response = officer.post(url, fields)
    assert_vietnamese_page(response, 400, "Yêu cầu không hợp lệ", "Không có gì được lưu")


def test_a_method_a_page_does_not_take_gets_a_vietnamese_page_not_a_blank_one():
    response = client_for("canbo.laocai").get(reverse("logout"))
    assert_vietnamese_page(response, 405, "Thao tác không được hỗ trợ")
    assert "POST" in response["Allow"]


def test_an_unknown_page_is_the_vietnamese_not_found_page():
    response = client_for("canbo.laocai").get("/khong-co-trang-nay/")
    assert_vietnamese_page(response, 404, "Không tìm thấy trang")


@pytest.fixture
def bearer() -> dict:
    _, token = ApiToken.issue(User.objects.get(username="canbo.laocai"), "kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_an_unknown_api_path_is_json_with_a_vietnamese_detail(bearer):
    assert_api_json(Client().get("/api/v1/khong-co/", **bearer), 404)
    assert_api_json(Client().get("/api/khong-co/", **bearer), 404)


def test_a_method_the_api_does_not_take_is_json_with_a_vietnamese_detail(bearer):
    response = Client().delete("/api/v1/units", **bearer)
    assert_api_json(response, 405)
    assert "GET" in response["Allow"]


def test_an_object_the_api_cannot_find_is_named_in_vietnamese_not_djangos_english():
    _, token = ApiToken.issue(User.objects.get(username="thuongtruc.caobang"), "kiểm thử")
    response = Client().get(
        "/api/v1/clusters/2025/3/units/lao-cai-2025/results/readings/999999",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    detail = assert_api_json(response, 404)
    assert "matches the given query" not in detail


def test_a_server_error_is_vietnamese_in_the_layout_and_json_under_the_api(rf):
    from thidua.errors import server_error

    page = server_error(rf.get("/cum-thi-dua/2025/3/thi-dua/"))
    text = page.content.decode()
    assert page.status_code == 500 and LAYOUT in text and "Lỗi hệ thống" in text
    assert not TECHNICAL.search(text)
    assert_api_json(server_error(rf.get("/api/v1/units")), 500)
