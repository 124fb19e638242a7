"""The JSON API, /api/v1/: thin routers over the same access helpers and models as the pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError

from thidua.api.auth import BearerToken, SessionAuth
from thidua.api.blocks import mount_block_years
from thidua.api.errors import COMMON_ERRORS, field_errors
from thidua.api.parsers import StrictJSONParser, UnreadableBody
from thidua.api.renderers import Utf8JSONRenderer
from thidua.api.schemas import ClusterDetailOut, ClusterOut, UnitDetailOut, UnitOut
from thidua.honours.eligibility import NoRuleSet
from thidua.lib.workflow import WorkflowError
from thidua.org.access import get_cluster_for_user, get_unit_for_user
from thidua.org.models import Cluster, Membership, Unit

api = NinjaAPI(
    title="Thi Đua API",
    version="1",
    description=(
        "API của hệ thống quản lý phong trào thi đua “Vì an ninh Tổ quốc”. "
        "Xác thực bằng phiên đăng nhập (kèm X-CSRFToken cho thao tác ghi) hoặc "
        "`Authorization: Bearer <mã truy cập>`. Lỗi trả về JSON có trường `detail` bằng tiếng Việt."
    ),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
    parser=StrictJSONParser(),
    docs_decorator=login_required,
)


@api.exception_handler(Http404)
def not_found(request, exc):
    message = str(exc) or "Không tìm thấy."
    if message.startswith("No ") and message.endswith("matches the given query."):
        message = "Không tìm thấy."  # get_object_or_404's English words ("No X matches …")
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    message = str(exc) or "Bạn không có quyền thực hiện thao tác này."
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(WorkflowError)
def refused_for_state(request, exc):
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(DjangoValidationError)
def invalid_for_model(request, exc):
    if hasattr(exc, "error_dict"):
        # An error may say where inside its field it is (`loc`, e.g. a rule set's JSON path).
        errors = [
            {"loc": getattr(error, "loc", None) or [field], "message": message}
            for field, items in exc.error_dict.items()
            for error in items
            for message in error
        ]
    else:
        errors = [{"loc": [], "message": m} for m in exc.messages]
    return api.create_response(
        request, {"detail": "Dữ liệu gửi lên không hợp lệ.", "errors": errors}, status=422
    )


@api.exception_handler(NoRuleSet)
def year_without_rules(request, exc):
    # Every endpoint taking a year: one before the first rule set is the caller's mistake.
    return api.create_response(
        request,
        {
            "detail": "Dữ liệu gửi lên không hợp lệ.",
            "errors": [{"loc": ["year"], "message": str(exc)}],
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Cần đăng nhập hoặc cung cấp mã truy cập (Bearer token) hợp lệ."},
        status=401,
    )


@api.exception_handler(HttpError)
def refused_by_framework(request, exc):
    # django-ninja answers an unreadable body with 400 "Cannot parse request body": the API's
    # answer to a body it cannot use is 422, with the reason the parser found.
    cause = exc.__cause__
    if exc.status_code == 400:
        reason = (
            cause.message if isinstance(cause, UnreadableBody) else "Nội dung JSON không hợp lệ."
        )
        return api.create_response(
            request,
            {
                "detail": f"Dữ liệu gửi lên không hợp lệ: {reason}",
                "errors": [{"loc": [], "message": reason}],
            },
            status=422,
        )
    messages = {
        401: "Cần đăng nhập hoặc cung cấp mã truy cập (Bearer token) hợp lệ.",
        403: "Bạn không có quyền thực hiện thao tác này.",
        405: "Phương thức không được hỗ trợ.",
        429: "Quá nhiều yêu cầu, xin thử lại sau.",
    }
    message = messages.get(exc.status_code, "Yêu cầu không thực hiện được.")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    size = f" (tối đa {limit / (1024 * 1024):.1f} MB)" if limit else ""
    return api.create_response(request, {"detail": f"Nội dung gửi lên quá lớn{size}."}, status=413)


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_many_parts(request, exc):
    return api.create_response(
        request, {"detail": "Biểu mẫu gửi lên có quá nhiều trường hoặc tệp."}, status=413
    )


@api.exception_handler(MultiPartParserError)
def unreadable_form(request, exc):
    reason = "Biểu mẫu tải tệp (multipart) không đọc được."
    return api.create_response(
        request,
        {
            "detail": f"Dữ liệu gửi lên không hợp lệ: {reason}",
            "errors": [{"loc": [], "message": reason}],
        },
        status=422,
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(
        request,
        {"detail": "Dữ liệu gửi lên không hợp lệ.", "errors": field_errors(exc.errors)},
        status=422,
    )


def _membership_out(m: Membership) -> dict:
    return {
        "year": m.year,
        "cluster_number": m.cluster.number,
        "cluster_kind": m.cluster.kind,
        "unit": m.unit,
        "role": m.role,
        "role_label": m.role_word,
    }


def _cluster_out(cluster: Cluster) -> dict:
    return {
        "year": cluster.year,
        "number": cluster.number,
        "kind": cluster.kind,
        "title": cluster.title,
        "leader": cluster.leader,
        "deputy": cluster.deputy,
        "member_count": len(cluster.memberships.all()),
    }


@api.get(
    "/units",
    response={200: list[UnitOut], **COMMON_ERRORS},
    tags=["Đơn vị"],
    summary="Danh sách đơn vị (tìm có hoặc không dấu, lọc theo năm)",
)
def list_units(request, q: str = "", year: int | None = Query(None, ge=1990, le=2100)):
    units = Unit.objects.select_related("successor").prefetch_related("aliases").ordered()
    if q:
        units = units.search(q)
    if year:
        units = units.valid_in_year(year)
    return list(units)


@api.get(
    "/units/{code}",
    response={200: UnitDetailOut, **COMMON_ERRORS},
    tags=["Đơn vị"],
    summary="Một đơn vị, kèm lịch sử sáp nhập và các cụm thi đua đã tham gia",
)
def get_unit(request, code: str):
    unit, _ = get_unit_for_user(request.user, code)
    lineage = unit.lineage()
    visible = Cluster.objects.visible_to(request.user)
    memberships = (
        Membership.objects.filter(unit__in=lineage, cluster__in=visible)
        .select_related("cluster", "unit")
        .order_by("-year")
    )
    unit.lineage_units = list(
        Unit.objects.filter(pk__in=[u.pk for u in lineage])
        .select_related("successor")
        .prefetch_related("aliases")
        .ordered()
    )
    unit.successor_units = unit.successors()
    unit.membership_rows = [_membership_out(m) for m in memberships]
    return unit


@api.get(
    "/clusters",
    response={200: list[ClusterOut], **COMMON_ERRORS},
    tags=["Cụm thi đua"],
    summary="Các cụm thi đua người dùng được xem, theo năm",
)
def list_clusters(request, year: int | None = Query(None, ge=1990, le=2100)):
    clusters = (
        Cluster.objects.visible_to(request.user).with_members().order_by("-year", "kind", "number")
    )
    if year:
        clusters = clusters.filter(year=year)
    return [_cluster_out(c) for c in clusters]


@api.get(
    "/clusters/{year}/{number}",
    response={200: ClusterDetailOut, **COMMON_ERRORS},
    tags=["Cụm thi đua"],
    summary="Một cụm thi đua trong một năm: thành viên, Cụm trưởng, Cụm phó, bàn giao",
)
def get_cluster(request, year: int, number: int):
    return _cluster_detail(request, year, number, Cluster.Kind.CLUSTER)


@api.get(
    "/blocks/{year}/{number}",
    response={200: ClusterDetailOut, **COMMON_ERRORS},
    tags=["Cụm thi đua"],
    summary="Một khối thi đua (các đơn vị thuộc Bộ) trong một năm: thành viên, Khối trưởng, bàn giao",
)
def get_block(request, year: int, number: int):
    return _cluster_detail(request, year, number, Cluster.Kind.BLOCK)


def _cluster_detail(request, year: int, number: int, kind: str) -> dict:
    cluster, _ = get_cluster_for_user(request.user, year, number, kind)
    handover = getattr(cluster, "handover", None)
    return {
        **_cluster_out(cluster),
        "movement": cluster.movement.name,
        "host": cluster.host,
        "conference_date": cluster.conference_date,
        "members": [
            {"unit": m.unit, "role": m.role, "role_label": m.role_word} for m in cluster.members()
        ],
        "handover": handover,
        "published": cluster.published,
        "problems": cluster.problems(),
    }


# The year's workflow, one router per area (same access helpers as the pages).
from thidua.api.routers import (  # noqa: E402
    cycle_closing,
    cycle_outcome,
    cycle_plan,
    cycle_plan_commitments,
    cycle_reading,
    cycle_results,
    cycle_vote,
    cycle_workflow,
    documents,
    honours,
    honours_reports,
    honours_teams,
    # The writes (and the rule sets beside their publication) are operations of the honours router,
    # in a module of their own (Django matches a path once, so GET and POST /people share a
    # router): importing it adds them, after the reads.
    honours_writes,  # noqa: F401
)
from thidua.api.routers import decisions as decisions_router  # noqa: E402
from thidua.api.routers import review as review_router  # noqa: E402

api.add_router("/clusters/", cycle_plan.router)
api.add_router("/clusters/", cycle_plan_commitments.router)
api.add_router("/clusters/", cycle_results.router)
api.add_router("/clusters/", cycle_reading.router)
api.add_router("/clusters/", cycle_workflow.router)
api.add_router("/clusters/", cycle_vote.router)
api.add_router("/clusters/", cycle_closing.router)
api.add_router("/clusters/", cycle_outcome.router)
api.add_router("/clusters/", review_router.router)
api.add_router("/clusters/", documents.router)
# Blocks (Khối thi đua) run the same year: /blocks/<year>/<number>/… (thidua/api/blocks.py).
mount_block_years(
    api,
    cycle_plan.router,
    cycle_plan_commitments.router,
    cycle_results.router,
    cycle_reading.router,
    cycle_workflow.router,
    cycle_vote.router,
    cycle_closing.router,
    cycle_outcome.router,
    review_router.router,
    documents.router,
)
api.add_router("/", honours.router)
api.add_router("/", decisions_router.router)
api.add_router("/", honours_reports.router)
api.add_router("/", honours_teams.router)
