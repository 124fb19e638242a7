"""Which documents exist, in which formats, under which file names; one call renders one of them.

Used alike by the pages, the API and `manage.py documents`, so the three always hand out the same
bytes under the same names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from thidua.cycle.models import Cycle
from thidua.documents.context import DocumentContext, build_context


@dataclass(frozen=True)
class Kind:
    code: str
    title: str  # what the documents page calls it
    description: str
    formats: tuple[str, ...]
    slug: str  # file name stem, before "-cum-3-2021"

    def said_for(self, kind_word: str) -> Kind:
        """The title and description in the words of the group's kind ("Khối" for a block)."""
        word = re.compile(r"Cụm(?!\w)")
        return replace(
            self,
            title=word.sub(kind_word, self.title),
            description=word.sub(kind_word, self.description),
        )


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            "report",
            "Báo cáo tổng kết",
            "Báo cáo tổng kết phong trào thi đua “Vì an ninh Tổ quốc” của Cụm: đăng ký, các đợt thi "
            "đua, chỉ tiêu, khen thưởng, xếp hạng, suy tôn, đề nghị khen thưởng, Cụm trưởng năm sau.",
            ("docx", "pdf"),
            "bao-cao-tong-ket",
        ),
        Kind(
            "minutes",
            "Biên bản họp Cụm",
            "Biên bản Hội nghị tổng kết: thành phần, chương trình, thống nhất xếp hạng, kết quả "
            "biểu quyết suy tôn, đề nghị khen thưởng, bàn giao Cụm trưởng.",
            ("docx", "pdf"),
            "bien-ban-hop-cum",
        ),
        Kind(
            "submission",
            "Tờ trình đề nghị khen thưởng",
            "Tờ trình Hội đồng Thi đua - Khen thưởng Bộ Công an, kèm danh sách tập thể đề nghị "
            "khen thưởng.",
            ("docx", "pdf"),
            "to-trinh-de-nghi-khen-thuong",
        ),
        Kind(
            "scores",
            "Bảng tổng hợp điểm",
            "Điểm từng nhóm tiêu chí, tổng điểm và xếp hạng của các đơn vị (đơn vị vi phạm điểm "
            "liệt tách riêng).",
            ("xlsx", "pdf"),
            "bang-tong-hop-diem",
        ),
    )
}

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def exists(kind: str, ext: str) -> bool:
    return kind in KINDS and ext in KINDS[kind].formats


def filename(cycle: Cycle, kind: str, ext: str) -> str:
    """ASCII file name: "bao-cao-tong-ket-cum-3-2021.docx" (khối: "khoi-…")."""
    cluster = cycle.cluster
    prefix = "khoi" if cluster.kind == cluster.Kind.BLOCK else "cum"
    return f"{KINDS[kind].slug}-{prefix}-{cluster.number}-{cluster.year}.{ext}"


def render(ctx: DocumentContext, kind: str, ext: str) -> bytes:
    """The bytes of one document, from the store of rendered documents when one with the same
    fingerprint (everything it shows, and the code that lays it out) was made before."""
    if not exists(kind, ext):
        raise KeyError(f"{kind}.{ext}")
    from thidua.documents import store

    return store.rendered(ctx, kind, ext, lambda: render_now(ctx, kind, ext))


def render_now(ctx: DocumentContext, kind: str, ext: str) -> bytes:
    """The bytes of one document, rendered now. The caller checked `exists(kind, ext)`."""
    if ext == "xlsx":
        from thidua.documents import xlsx

        return xlsx.render(ctx)
    from thidua.documents.compose import BUILDERS

    doc = BUILDERS[kind](ctx)
    if ext == "docx":
        from thidua.documents import docx

        return docx.render(doc)
    from thidua.documents import pdf

    return pdf.render(doc)


def render_for_cycle(cycle: Cycle, kind: str, ext: str) -> bytes:
    return render(build_context(cycle), kind, ext)
