"""The decision document (Quyết định khen thưởng), NĐ 30/2020 layout, with its annex of recipients.

Written once from a Decision into an OfficialDocument (layout.py) and rendered by docx.py and
pdf.py like the year-end documents. Everything printed comes from the decision and its lines: the
number and date once signed ("Số: …" on a draft), the signer's office and name, the legal basis,
one article conferring the forms with counts, the reward money article when amounts are known,
and the annex table (collectives, then individuals) after the signature.
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.utils import timezone

from thidua.documents import numbers as vn
from thidua.documents.context import EMULATION_OFFICE
from thidua.documents.layout import Column, OfficialDocument, Row, Run, Signature, Table
from thidua.honours.models import Decision, DecisionLine
from thidua.honours.models.decisions import AUTHORITY_HEADER, Authority
from thidua.honours.money import cash_decree_on

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)
PLACE = "Hà Nội"
DRAFT_NOTE = "DỰ THẢO — chưa ký ban hành."
ILLUSTRATIVE_NOTE = (
    "Dữ liệu minh họa: danh sách tập thể được khen thưởng là thông tin đã công bố; số, ngày "
    "quyết định và người ký do nhóm phát triển đặt để trình diễn."
)


def filename(decision: Decision, ext: str) -> str:
    """ASCII: "quyet-dinh-401-qd-bca-2022.pdf" (a draft: "du-thao-quyet-dinh-12.pdf")."""
    if decision.seq is None:
        return f"du-thao-quyet-dinh-{decision.pk}.{ext}"
    return f"quyet-dinh-{decision.seq}-qd-{decision.authority.lower()}-{decision.number_year}.{ext}"


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{vn.number(value, 0)} đồng"


def _money_basis(decision: Decision) -> str:
    """The law and the decree on reward money in force on the decision's date (a draft: today),
    from the dated data of honours/data/base_salary.json."""
    decree = cash_decree_on(decision.date or timezone.localdate())
    law = "Luật Thi đua, khen thưởng"
    return f"{law} và {decree.decree}" if decree else law


def _groups(lines: list[DecisionLine]) -> OrderedDict[str, list[DecisionLine]]:
    groups: OrderedDict[str, list[DecisionLine]] = OrderedDict()
    for line in lines:
        groups.setdefault(line.award_name, []).append(line)
    return groups


def _count_phrase(rows: list[DecisionLine]) -> str:
    collectives = sum(1 for r in rows if not r.person_id)
    people = len(rows) - collectives
    parts = []
    if collectives:
        parts.append(f"{vn.two_digits(collectives)} tập thể")
    if people:
        parts.append(f"{vn.two_digits(people)} cá nhân")
    return " và ".join(parts)


def build(decision: Decision) -> OfficialDocument:
    lines = list(decision.lines.select_related("unit", "person", "commendation"))
    authority = Authority(decision.authority)
    body, office = AUTHORITY_HEADER[authority]
    number = (
        f"Số: {decision.seq}/QĐ-{decision.authority}"
        if decision.seq
        else f"Số:      /QĐ-{decision.authority}"
    )
    day = decision.date
    notes = []
    if decision.state == Decision.State.DRAFT:
        notes.append(DRAFT_NOTE)
    if decision.state == Decision.State.REVOKED:
        notes.append(
            f"Quyết định đã bị hủy bỏ theo Quyết định số {decision.revocation_decision_no} ngày "
            f"{vn.short_date(decision.revocation_date)}."
        )
    if decision.illustrative:
        notes.append(ILLUSTRATIVE_NOTE)
    doc = OfficialDocument(
        kind="decision",
        parent_body="",
        body=body,
        number=number,
        place_date=vn.place_date(PLACE, day) if day else f"{PLACE}, ngày      tháng      năm",
        doc_type="QUYẾT ĐỊNH",
        summary=decision.summary,
        note=" ".join(notes),
        subject=f"Quyết định {decision.number_label} — {decision.summary}",
    )
    doc.para(Run(office, bold=True), style="center")
    for basis in filter(None, (b.strip() for b in decision.legal_basis.splitlines())):
        doc.para(Run(basis, italic=True))
    doc.para(Run("QUYẾT ĐỊNH:", bold=True), style="center")

    groups = _groups(lines)
    article = 1
    if len(groups) == 1:
        award, rows = next(iter(groups.items()))
        doc.para(
            Run(f"Điều {article}. ", bold=True),
            f"Tặng {award} cho {_count_phrase(rows)} đã có thành tích xuất sắc trong phong trào "
            f"thi đua “Vì an ninh Tổ quốc” năm {decision.year} (có danh sách kèm theo).",
        )
    else:
        doc.para(
            Run(f"Điều {article}. ", bold=True),
            f"Tặng danh hiệu thi đua, hình thức khen thưởng cho {_count_phrase(lines)} đã có "
            f"thành tích xuất sắc trong phong trào thi đua “Vì an ninh Tổ quốc” năm "
            f"{decision.year} (có danh sách kèm theo), gồm:",
        )
        doc.items([f"{award}: {_count_phrase(rows)}" for award, rows in groups.items()])
    amounts = [line.amount for line in lines if line.amount is not None]
    if amounts:
        article += 1
        total = sum(amounts, Decimal(0))
        doc.para(
            Run(f"Điều {article}. ", bold=True),
            f"Tiền thưởng kèm theo thực hiện theo quy định của {_money_basis(decision)}; "
            f"tổng số tiền thưởng: {_money(total)}.",
        )
    article += 1
    doc.para(
        Run(f"Điều {article}. ", bold=True),
        f"Quyết định này có hiệu lực kể từ ngày ký. Cục trưởng {EMULATION_OFFICE.split(',')[0]}, "
        f"thủ trưởng các đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách "
        f"nhiệm thi hành Quyết định này./.",
    )
    doc.recipients = ("Như Điều " + str(article) + ";", f"{EMULATION_OFFICE};", "Lưu: VT, X03.")
    signer_lines = [decision.signer_title.upper()] if decision.signer_title else [office]
    doc.signatures = (Signature(tuple(signer_lines), name=decision.signer_name or "………………………"),)

    doc.begin_appendix()
    doc.heading("DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG", 3)
    when = f"ngày {vn.short_date(day)}" if day else "ngày …/…/……"
    doc.para(
        f"(Kèm theo Quyết định số {decision.seq or '…'}/QĐ-{decision.authority} {when} của "
        f"{decision.signer_title or office.capitalize()})",
        style="center-italic",
    )
    with_money = bool(amounts)
    columns = [
        Column("STT", 12, "center"),
        Column("Tên tập thể, cá nhân", 58 if with_money else 70, "left"),
        Column("Đơn vị", 35 if with_money else 45, "left"),
        Column("Hình thức khen thưởng", 38, "left"),
    ]
    if with_money:
        columns.append(Column("Tiền thưởng (đồng)", 22, "right"))
    number_ = 0
    for title, wanted in (("I. Tập thể", False), ("II. Cá nhân", True)):
        rows = [line for line in lines if bool(line.person_id) == wanted]
        if not rows:
            continue
        doc.heading(title, 2)
        table_rows = []
        for line in rows:
            number_ += 1
            name = line.person.full_name if line.person_id else line.unit.name
            if line.revoked:
                name += " (đã hủy bỏ)"
            unit = line.unit.short_name if line.person_id else ""
            cells = [str(number_), name, unit, line.award_name]
            if with_money:
                cells.append(vn.number(line.amount, 0) if line.amount is not None else "")
            table_rows.append(Row(tuple(cells)))
        doc.table(Table(tuple(columns), tuple(table_rows)))
    return doc


def render(decision: Decision, ext: str) -> bytes:
    if ext not in CONTENT_TYPES:
        raise KeyError(ext)
    doc = build(decision)
    if ext == "docx":
        from thidua.documents import docx

        return docx.render(doc)
    from thidua.documents import pdf

    return pdf.render(doc)
