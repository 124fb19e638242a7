"""The year's official documents: a page listing them and their downloads (DOCX, PDF, XLSX)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from thidua.documents import generate
from thidua.documents.access import context_for, documents_ready, get_documents_for_user
from thidua.documents.context import NotReady

FORMAT_LABELS = {"docx": "Word (DOCX)", "pdf": "PDF", "xlsx": "Excel (XLSX)"}


def cycle_documents(request: HttpRequest, year: int, number: int) -> HttpResponse:
    access = get_documents_for_user(request.user, year, number)
    cycle = access.cycle
    documents = [
        {
            "kind": kind.said_for(cycle.cluster.kind_word),
            "downloads": [
                {
                    "ext": ext,
                    "label": FORMAT_LABELS[ext],
                    "url": reverse("cycle_document", args=[year, number, kind.code, ext]),
                    "filename": generate.filename(cycle, kind.code, ext),
                }
                for ext in kind.formats
            ],
        }
        for kind in generate.KINDS.values()
    ]
    return render(
        request,
        "cycle/documents/list.html",
        {
            "access": access,
            "cycle": cycle,
            "ready": documents_ready(access),
            "documents": documents,
        },
    )


def cycle_document(
    request: HttpRequest, year: int, number: int, kind: str, ext: str
) -> HttpResponse:
    access = get_documents_for_user(request.user, year, number)
    if not generate.exists(kind, ext):
        raise Http404("Không có văn bản này (loại hoặc định dạng không hợp lệ).")
    try:
        context = context_for(access)
    except NotReady as exc:
        messages.error(request, exc.message)
        return redirect(reverse("cycle_documents", args=[year, number]))
    response = HttpResponse(
        generate.render(context, kind, ext), content_type=generate.CONTENT_TYPES[ext]
    )
    name = generate.filename(access.cycle, kind, ext)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
