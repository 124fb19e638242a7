"""Every error a user or an API client sees: Vietnamese, in the application's own layout.

Pages that gather every app (above the apps, like the home page): Django's handlers for 400, 403, 404
and 500, its CSRF failure view, and a middleware for the 405 a view or the API answers to a method
it does not take (Django's is a blank page, django-ninja's a plain "Method not allowed"). Under
/api/ every one of them is JSON, ``{"detail": "<Vietnamese>"}``, like the API's own errors.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

BAD_REQUEST = (
    "Yêu cầu không hợp lệ",
    "Hệ thống không xử lý được yêu cầu này (biểu mẫu quá nhiều trường hoặc quá lớn, hoặc dữ liệu "
    "gửi lên không đúng). Không có gì được lưu. Hãy tải lại trang và thử lại; nếu cần nhập nhiều "
    "dữ liệu, hãy dùng chức năng nhập từ tệp Excel.",
)
FORBIDDEN = ("Không có quyền thực hiện", "Bạn không có quyền thực hiện thao tác này.")
NOT_FOUND = (
    "Không tìm thấy trang",
    "Trang bạn tìm không tồn tại hoặc nằm ngoài phạm vi đơn vị, cụm thi đua của bạn.",
)
NOT_ALLOWED = (
    "Thao tác không được hỗ trợ",
    "Địa chỉ này không nhận thao tác bạn vừa gửi (ví dụ mở trực tiếp một nút bấm). Không có gì "
    "được lưu. Hãy quay lại trang trước và dùng các nút trên trang.",
)
CSRF = (
    "Phiên làm việc đã hết hạn",
    "Trang bạn vừa gửi đã cũ (bạn đã đăng nhập lại, đăng xuất ở cửa sổ khác hoặc để trang mở quá "
    "lâu), nên hệ thống không nhận để bảo vệ tài khoản của bạn. Không có gì được lưu. Hãy tải lại "
    "trang rồi thực hiện lại thao tác.",
)
SERVER_ERROR = (
    "Lỗi hệ thống",
    "Hệ thống gặp sự cố khi xử lý yêu cầu. Dữ liệu của bạn chưa bị thay đổi. Vui lòng thử lại "
    "hoặc báo quản trị viên.",
)
API_DETAIL = {
    400: "Yêu cầu không hợp lệ.",
    403: "Không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy địa chỉ hoặc đối tượng này.",
    405: "Phương thức không được hỗ trợ.",
    500: "Lỗi hệ thống; dữ liệu chưa bị thay đổi.",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, detail: str | None = None) -> HttpResponse:
    body = json.dumps({"detail": detail or API_DETAIL[status]}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def page(
    request: HttpRequest | None, status: int, heading: str, message: str, **extra
) -> HttpResponse:
    """The error in the site's layout (with the user's menu when the request allows it)."""
    context = {"heading": heading, "message": message, "status": status, **extra}
    try:
        body = loader.render_to_string("error.html", context, request=request)
    except Exception:  # the layout itself failed (database down…): the plain page still answers
        log.exception("error page for %s could not be rendered in the layout", status)
        body = loader.render_to_string("500.html")
    return HttpResponse(body, status=status)


def _answer(request: HttpRequest, status: int, texts: tuple[str, str]) -> HttpResponse:
    if is_api(request):
        return api_error(status)
    return page(request, status, *texts)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 400, BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A refusal that carries its own Vietnamese reason (PermissionDenied("…")) shows it.
    reason = str(exception or "").strip()
    if is_api(request):
        return api_error(403, reason or None)
    return page(request, 403, FORBIDDEN[0], reason or FORBIDDEN[1])


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404, NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(500)
    return page(None, 500, *SERVER_ERROR)  # no request: nothing that may have failed runs again


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api(request):
        return api_error(
            403, "Yêu cầu thiếu mã bảo vệ CSRF hoặc mã đã hết hạn; tải lại và thử lại."
        )
    # Back to the page the stale form was on (same site only), where a reload gives a fresh one.
    referer = request.headers.get("Referer", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return page(request, 403, *CSRF, back=referer if referer and allowed else request.path)


class MethodNotAllowedPages:
    """A 405 answered by a view (require_POST…) or by the API router becomes the Vietnamese page
    (or JSON under /api/), keeping the Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        answer = _answer(request, 405, NOT_ALLOWED)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
