"""API: a cluster-year's official documents (mounted under /api/v1/clusters/).

GET /{year}/{number}/documents/{kind}.{ext} — kind: report | minutes | submission | scores;
ext: docx | pdf (report, minutes, submission), xlsx | pdf (scores). Same access as the pages.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router

from thidua.api.errors import WRITE_ERRORS
from thidua.documents import generate
from thidua.documents.access import context_for, get_documents_for_user
from thidua.documents.context import NotReady
from thidua.lib.workflow import WorkflowError

router = Router(tags=["Văn bản"])

_FORMATS = "; ".join(f"{k.code}: {', '.join(k.formats)}" for k in generate.KINDS.values())
_BINARY = {
    "200": {
        "description": "Tệp văn bản (tải về).",
        "content": {
            ctype: {"schema": {"type": "string", "format": "binary"}}
            for ctype in generate.CONTENT_TYPES.values()
        },
    }
}


@router.get(
    "/{year}/{number}/documents/{kind}.{ext}",
    response=WRITE_ERRORS,
    summary="Tải một văn bản tổng kết của cụm (DOCX, PDF, XLSX)",
    description=(
        "Báo cáo tổng kết (report), biên bản họp Cụm (minutes), tờ trình đề nghị khen thưởng "
        f"(submission), bảng tổng hợp điểm (scores). Định dạng: {_FORMATS}. "
        "409 khi năm thi đua chưa có bảng xếp hạng."
    ),
    openapi_extra={"responses": _BINARY},
)
def download_document(request, year: int, number: int, kind: str, ext: str):
    access = get_documents_for_user(request.user, year, number)
    if kind not in generate.KINDS:
        raise Http404(f"Không có loại văn bản “{kind}”. Các loại: {', '.join(generate.KINDS)}.")
    if not generate.exists(kind, ext):
        formats = ", ".join(generate.KINDS[kind].formats)
        raise Http404(f"Văn bản “{kind}” không có định dạng “{ext}” (có: {formats}).")
    try:
        context = context_for(access)
    except NotReady as exc:
        raise WorkflowError(exc.message) from None
    response = HttpResponse(
        generate.render(context, kind, ext), content_type=generate.CONTENT_TYPES[ext]
    )
    name = generate.filename(access.cycle, kind, ext)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
