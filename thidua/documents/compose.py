"""The words of the four year-end documents, written once from a DocumentContext.

report (Báo cáo tổng kết), minutes (Biên bản họp Cụm), submission (Tờ trình đề nghị khen thưởng)
and scores (Bảng tổng hợp điểm, the PDF companion of the XLSX). Every figure comes from the context;
where the year carries a demo note the document says so in a boxed line under its title.
"""

from __future__ import annotations

from thidua.cycle.models import Proposal
from thidua.documents import numbers as vn
from thidua.documents.context import (
    AWARD_BOARD,
    EMULATION_OFFICE,
    PARENT_BODY,
    DocumentContext,
    UnitRow,
)
from thidua.documents.layout import Column, OfficialDocument, Row, Run, Signature, Table

MOVEMENT = "“Vì an ninh Tổ quốc”"
BLANK = "……"


def curly(text: str) -> str:
    """Straight double quotes from data files become the typographic “…” of the documents."""
    parts = text.split('"')
    if len(parts) % 2 == 0:
        return text
    return "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]


def _movement_year(ctx: DocumentContext) -> str:
    return f"phong trào thi đua {MOVEMENT} năm {ctx.year}"


def _members_phrase(ctx: DocumentContext) -> str:
    """ "Công an 8 tỉnh" when every member is a provincial police department, else "8 đơn vị"."""
    names = [u.name for u in ctx.members]
    if names and all(n.startswith("Công an tỉnh ") for n in names):
        return f"Công an {ctx.member_count} tỉnh"
    if names and all(n.startswith("Công an ") for n in names):
        return f"Công an {ctx.member_count} tỉnh, thành phố"
    return f"{ctx.member_count} đơn vị"


def _collective(ctx: DocumentContext) -> str:
    names = [u.name for u in ctx.members]
    if names and all(n.startswith("Công an tỉnh ") for n in names):
        return "Công an các tỉnh"
    if names and all(n.startswith("Công an ") for n in names):
        return "Công an các tỉnh, thành phố"
    return "Các đơn vị"


def _short_list(ctx: DocumentContext, units) -> str:
    """ "Công an các tỉnh: Bắc Giang, Quảng Ninh" or the one unit's full name."""
    units = list(units)
    if len(units) == 1:
        return units[0].name
    prefix = _collective(ctx)
    if prefix == "Các đơn vị":
        return ", ".join(u.name for u in units)
    return f"{prefix}: " + ", ".join(u.short_name for u in units)


def _base(ctx: DocumentContext, kind: str, code: str, doc_type: str, summary: str):
    return OfficialDocument(
        kind=kind,
        parent_body=PARENT_BODY,
        body=ctx.issuer,
        number=f"Số: …/{code}-{ctx.symbol}" if code else "",
        place_date=ctx.place_date,
        doc_type=doc_type,
        summary=summary,
        note=ctx.demo_note,
        subject=f"{doc_type.capitalize()} {summary[:1].lower()}{summary[1:]} — {ctx.title}",
    )


def _leader_signature(ctx: DocumentContext) -> Signature:
    return Signature(
        (f"TM. {ctx.issuer}", "CỤM TRƯỞNG", ctx.signer_title.upper()), name="………………………………"
    )


def _archive(ctx: DocumentContext) -> str:
    return f"Lưu: VT, {ctx.symbol}."


def _ranking_table(ctx: DocumentContext) -> Table:
    """Rank, unit, total; units excluded by a veto apart at the end. Ties are explained below it."""
    columns = (
        Column("Xếp hạng", 22, "center"),
        Column("Đơn vị", 88, "left"),
        Column("Tổng điểm", 30, "center"),
    )
    rows = [Row((str(r.rank), _marked(ctx, r), vn.fixed(r.total))) for r in ctx.ranked]
    if ctx.excluded:
        rows.append(Row(("Không xếp hạng (vi phạm điểm liệt)",), kind="section"))
        rows += [Row(("—", _marked(ctx, r), vn.fixed(r.total))) for r in ctx.excluded]
    return Table(columns, tuple(rows))


def noted_rows(ctx: DocumentContext) -> list[UnitRow]:
    """Rows carrying a note (a tie decided by a tie-break, a veto), in table order."""
    return [r for r in ctx.rows if r.note]


def marker(ctx: DocumentContext, row: UnitRow) -> str:
    """ "(1)", "(2)"… for the rows with a note, in table order; "" for the others."""
    for number, noted in enumerate(noted_rows(ctx), start=1):
        if noted is row:
            return f"({number})"
    return ""


def _marked(ctx: DocumentContext, row: UnitRow) -> str:
    mark = marker(ctx, row)
    return f"{row.name} {mark}" if mark else row.name


def _notes(doc: OfficialDocument, ctx: DocumentContext) -> None:
    for number, row in enumerate(noted_rows(ctx), start=1):
        doc.para(Run(f"({number}) {row.name}: {row.note.rstrip('.')}.", italic=True), style="note")


def _no_quorum_sentence(ctx: DocumentContext) -> str:
    vote = ctx.vote
    return (
        f"Biểu quyết suy tôn {vote.candidate.name}: {vote.present}/{vote.member_count} đơn vị tham "
        f"gia, không đủ số tối thiểu {vote.need_present} đơn vị nên biểu quyết không hợp lệ; phiếu "
        f"không được kiểm, số phiếu không được công bố; {vote.candidate.name} chưa được suy tôn."
    )


def _vote_sentence(ctx: DocumentContext) -> str:
    vote = ctx.vote
    if vote is None:
        return "Cụm chưa tổ chức biểu quyết suy tôn."
    if not vote.closed:
        return f"Biểu quyết suy tôn {vote.candidate.name} đang diễn ra."
    if not vote.quorum_met:
        return _no_quorum_sentence(ctx)
    text = (
        f"Hội nghị đã biểu quyết bằng phiếu kín đề nghị suy tôn {vote.candidate.name} dẫn đầu "
        f"{_movement_year(ctx)} của {ctx.title}: {vote.present}/{vote.member_count} đơn vị tham gia "
        f"biểu quyết (yêu cầu tối thiểu {vote.need_present}); {vote.yes} phiếu đồng ý, {vote.no} "
        f"phiếu không đồng ý, {vote.abstain} không biểu quyết (cần ít nhất {vote.need_yes} phiếu đồng ý)."
    )
    if vote.passed:
        return text + f" Kết quả: {vote.candidate.name} được suy tôn dẫn đầu {ctx.title}."
    return text + f" Kết quả: {vote.candidate.name} không được suy tôn."


def _handover_sentence(ctx: DocumentContext) -> str:
    if ctx.next_leader is None:
        return f"Cụm chưa thống nhất đơn vị Cụm trưởng, Cụm phó năm {ctx.year + 1}."
    text = f"{ctx.next_leader.name} làm Cụm trưởng"
    if ctx.next_deputy is not None:
        text += f", {ctx.next_deputy.name} làm Cụm phó"
    return f"Thống nhất {text} {ctx.title} năm {ctx.year + 1}."


def _award_items(ctx: DocumentContext) -> list[str]:
    items = []
    for award, rows in ctx.proposals_by_award():
        names = _short_list(ctx, [p.unit for p in rows])
        count = vn.two_digits(len(rows))
        items.append(f"{award} ({count} tập thể): {names}")
    return items


# -- 1. Báo cáo tổng kết --------------------------------------------------------------------------


def report(ctx: DocumentContext) -> OfficialDocument:
    doc = _base(ctx, "report", "BC", "BÁO CÁO", f"Tổng kết {_movement_year(ctx)}")
    member_names = ", ".join(u.short_name for u in ctx.members)
    doc.para(
        f"Thực hiện Kế hoạch phát động {_movement_year(ctx)} của Bộ Công an và Quy chế hoạt động "
        f"của Cụm, {_members_phrase(ctx)} trong {ctx.title} ({member_names}) đã tổ chức triển khai "
        f"phong trào thi đua gắn với thực hiện nhiệm vụ chính trị. {ctx.title} báo cáo tổng kết "
        "như sau:"
    )

    doc.heading("I. CÔNG TÁC TRIỂN KHAI PHONG TRÀO THI ĐUA")
    doc.heading("1. Giao ước, đăng ký danh hiệu thi đua", 2)
    leaders = f"Cụm trưởng năm {ctx.year}: {ctx.leader.name if ctx.leader else 'chưa có'}"
    if ctx.deputy:
        leaders += f"; Cụm phó: {ctx.deputy.name}"
    doc.para(leaders + ".")
    if ctx.covenant_signed:
        where = f" tại {ctx.covenant_place}" if ctx.covenant_place else ""
        when = f" ngày {vn.short_date(ctx.covenant_date)}" if ctx.covenant_date else ""
        doc.para(
            f"Giao ước thi đua năm {ctx.year} được {ctx.covenant_signed}/{ctx.member_count} đơn vị "
            f"ký kết{where}{when}."
        )
    registration = (
        f"Có {ctx.registered}/{ctx.member_count} đơn vị ({vn.percent(ctx.registration_rate)}) "
        "đăng ký danh hiệu thi đua"
    )
    details = []
    if ctx.registration_titles:
        details.append(
            "tập thể: "
            + ", ".join(f"{label} {count} đơn vị" for label, count in ctx.registration_titles)
        )
    if ctx.registration_individuals:
        details.append(
            "cá nhân: "
            + ", ".join(
                f"{label} {vn.number(count)} lượt" for label, count in ctx.registration_individuals
            )
        )
    doc.para(registration + ("; trong đó " + "; ".join(details) if details else "") + ".")

    doc.heading("2. Các đợt thi đua ngắn ngày, cao điểm, chuyên đề", 2)
    if ctx.drives:
        doc.para(f"Trong năm, Cụm đã phát động {len(ctx.drives)} đợt thi đua:")
        lines = []
        for drive in ctx.drives:
            line = (
                f"{drive.name} ({drive.get_kind_display().lower()}, từ {vn.short_date(drive.starts_on)} "
                f"đến {vn.short_date(drive.ends_on)})"
            )
            if drive.results:
                line += f": {drive.results.rstrip('.')}"
            lines.append(line)
        doc.items(lines)
    else:
        doc.para(
            "Trong năm, hệ thống không ghi nhận đợt thi đua ngắn ngày, cao điểm hoặc chuyên đề "
            "nào do Cụm phát động."
        )

    doc.heading("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CÔNG TÁC")
    if ctx.indicators:
        counted = (
            f"{len(ctx.rows)}/{ctx.member_count}"
            if len(ctx.rows) < ctx.member_count
            else str(len(ctx.rows))
        )
        doc.para(
            f"Tổng hợp số liệu của {counted} đơn vị sau kiểm tra chéo (bình quân các đơn vị, "
            "so với chỉ tiêu Bộ giao):"
        )
        for indicator in ctx.indicators:
            doc.item(indicator.sentence)
    else:
        doc.para("Chưa có số liệu tổng hợp của các đơn vị.")

    doc.heading("III. CÔNG TÁC KHEN THƯỞNG")
    if ctx.published_commendations:
        counts = ctx.published_commendations
        doc.para(
            f"Trong năm {ctx.year}, đã có {vn.number(counts.get('collectives', 0))} lượt tập thể, "
            f"{vn.number(counts.get('individuals', 0))} lượt cá nhân thuộc {_members_phrase(ctx)} "
            "trong Cụm được Nhà nước, Chính phủ, Bộ Công an và cấp ủy, chính quyền địa phương "
            "khen thưởng (số liệu đã công bố)."
        )
    else:
        doc.para(
            f"Số lượt tập thể, cá nhân được khen thưởng trong năm {ctx.year} chưa được cập nhật "
            "trên hệ thống."
        )

    doc.heading("IV. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG")
    teams = f"{len(ctx.teams)} đoàn kiểm tra chéo" if ctx.teams else "kiểm tra chéo"
    doc.para(
        f"Căn cứ thang điểm của Cụm, kết quả tự chấm của các đơn vị và kết quả của {teams}, "
        f"{ctx.title} tổng hợp điểm, xếp hạng như sau (chi tiết tại Bảng tổng hợp điểm kèm theo):"
    )
    doc.table(_ranking_table(ctx))
    _notes(doc, ctx)

    doc.heading("V. SUY TÔN ĐƠN VỊ DẪN ĐẦU VÀ ĐỀ NGHỊ KHEN THƯỞNG")
    doc.heading("1. Suy tôn đơn vị dẫn đầu", 2)
    doc.para(_vote_sentence(ctx))
    doc.heading("2. Đề nghị khen thưởng", 2)
    if ctx.proposals:
        doc.para(f"{ctx.title} đề nghị khen thưởng và kết quả xét duyệt của Bộ Công an như sau:")
        doc.table(_proposal_state_table(ctx))
    else:
        doc.para("Cụm chưa lập đề nghị khen thưởng.")

    doc.heading(f"VI. CỤM TRƯỞNG, CỤM PHÓ NĂM {ctx.year + 1}")
    doc.para(_handover_sentence(ctx))
    if ctx.handover_reason:
        doc.para(Run(f"Ghi chú: {ctx.handover_reason}", italic=True))

    doc.para(f"Trên đây là báo cáo tổng kết {_movement_year(ctx)} của {ctx.title}, Bộ Công an./.")
    doc.recipients = (
        f"{EMULATION_OFFICE} (để báo cáo);",
        f"{_collective(ctx)} trong {ctx.title};",
        _archive(ctx),
    )
    doc.signatures = (_leader_signature(ctx),)
    return doc


def _proposal_state_table(ctx: DocumentContext) -> Table:
    columns = (
        Column("STT", 12, "center"),
        Column("Đơn vị", 58, "left"),
        Column("Hình thức đề nghị", 60, "left"),
        Column("Kết quả xét duyệt", 35, "left"),
    )
    rows = []
    for number, p in enumerate(
        (p for _, group in ctx.proposals_by_award(live_only=False) for p in group), start=1
    ):
        state = p.state_label
        if p.state == Proposal.State.DRAFT:
            state = "Chưa trình Bộ"
        rows.append(Row((str(number), p.unit.name, p.award_name, state)))
    return Table(columns, tuple(rows))


# -- 2. Biên bản họp Cụm ----------------------------------------------------------------------------


def minutes(ctx: DocumentContext) -> OfficialDocument:
    doc = _base(
        ctx,
        "minutes",
        "BB",
        "BIÊN BẢN",
        f"Hội nghị tổng kết {_movement_year(ctx)} của {ctx.title}",
    )
    doc.para(
        Run("Thời gian: ", bold=True),
        f"{BLANK} giờ {BLANK} phút, {vn.date_words(ctx.date)}.",
        style="plain",
    )
    venue = ctx.venue.name if ctx.venue else BLANK
    doc.para(Run("Địa điểm: ", bold=True), f"{venue}, tỉnh {ctx.place}.", style="plain")
    present = list(ctx.vote.voters) if ctx.vote and ctx.vote.voters else list(ctx.members)
    absent = [u for u in ctx.members if u not in present]
    doc.para(
        Run("Thành phần: ", bold=True),
        f"lãnh đạo, đại diện {len(present)}/{ctx.member_count} đơn vị thành viên {ctx.title}:",
        style="plain",
    )
    doc.items([unit.name for unit in present])
    if absent:
        doc.para(f"Vắng mặt: {', '.join(u.name for u in absent)}.", style="plain")
    chair = ctx.signer_title
    doc.para(
        Run("Chủ trì: ", bold=True),
        f"đồng chí {chair}, đơn vị Cụm trưởng.",
        style="plain",
    )
    leader = ctx.leader.name if ctx.leader else "đơn vị Cụm trưởng"
    doc.para(Run("Thư ký: ", bold=True), f"đại diện Thường trực Cụm ({leader}).", style="plain")

    doc.heading("I. CHƯƠNG TRÌNH HỘI NGHỊ")
    agenda = [
        f"Thông qua Báo cáo tổng kết {_movement_year(ctx)} của Cụm;",
        "Thống nhất kết quả chấm điểm, xếp hạng các đơn vị;",
        "Biểu quyết suy tôn đơn vị dẫn đầu phong trào thi đua của Cụm;",
        "Thống nhất đề nghị khen thưởng;",
        f"Thống nhất đơn vị Cụm trưởng, Cụm phó năm {ctx.year + 1}.",
    ]
    for number, line in enumerate(agenda, start=1):
        doc.para(f"{number}. {line}", style="plain")

    doc.heading("II. NỘI DUNG VÀ KẾT QUẢ")
    doc.heading("1. Báo cáo tổng kết", 2)
    doc.para(
        f"Hội nghị nghe Thường trực Cụm trình bày dự thảo Báo cáo tổng kết {_movement_year(ctx)}; "
        "các đơn vị thảo luận, góp ý và thống nhất thông qua."
    )
    doc.heading("2. Kết quả chấm điểm, xếp hạng", 2)
    doc.para(
        "Hội nghị thống nhất kết quả chấm điểm, xếp hạng theo thang điểm của Cụm (số liệu đã qua "
        "kiểm tra chéo) như sau:"
    )
    doc.table(_ranking_table(ctx))
    _notes(doc, ctx)
    doc.heading("3. Biểu quyết suy tôn", 2)
    vote = ctx.vote
    if vote is None or not vote.closed or not vote.quorum_met:
        doc.para(_vote_sentence(ctx))
    else:
        doc.para(
            f"Đơn vị được đề nghị suy tôn: {vote.candidate.name}. Hình thức biểu quyết: phiếu kín."
        )
        share = vn.percent(vn.ratio(vote.yes, vote.member_count))
        quorum = "đủ điều kiện biểu quyết" if vote.quorum_met else "không đủ điều kiện biểu quyết"
        doc.items(
            [
                f"Số đơn vị thành viên: {vote.member_count}",
                f"Số đơn vị tham gia biểu quyết: {vote.present}/{vote.member_count} (yêu cầu tối "
                f"thiểu {vote.quorum} số thành viên, tức {vote.need_present} đơn vị): {quorum}",
                f"Đồng ý: {vote.yes} phiếu; không đồng ý: {vote.no} phiếu; không biểu quyết: "
                f"{vote.abstain}",
                f"Tỷ lệ đồng ý: {vote.yes}/{vote.member_count} tổng số thành viên ({share}); yêu "
                f"cầu trên {vote.threshold} tổng số thành viên, tức ít nhất {vote.need_yes} phiếu",
            ]
        )
        verdict = "được suy tôn" if vote.passed else "không được suy tôn"
        doc.para(
            Run("Kết quả: ", bold=True),
            f"{vote.candidate.name} {verdict} dẫn đầu {_movement_year(ctx)} của {ctx.title}.",
        )
    doc.heading("4. Đề nghị khen thưởng", 2)
    items = _award_items(ctx)
    if items:
        doc.para(
            f"Hội nghị thống nhất đề nghị Bộ Công an xét khen thưởng {len(ctx.live_proposals())} tập thể:"
        )
        doc.items(items)
    else:
        doc.para("Hội nghị chưa thống nhất đề nghị khen thưởng.")
    doc.heading(f"5. Cụm trưởng, Cụm phó năm {ctx.year + 1}", 2)
    doc.para(f"Hội nghị {_handover_sentence(ctx)[:1].lower()}{_handover_sentence(ctx)[1:]}")
    if ctx.handover_reason:
        doc.para(Run(f"Ghi chú: {ctx.handover_reason}", italic=True))
    doc.para(
        f"Hội nghị kết thúc hồi {BLANK} giờ {BLANK} phút cùng ngày. Biên bản đã được đọc lại "
        f"trước Hội nghị, được lập thành {BLANK} bản có giá trị như nhau./."
    )
    doc.signatures = (
        Signature(("THƯ KÝ",), name="………………………………"),
        Signature(
            ("CHỦ TRÌ", f"CỤM TRƯỞNG {ctx.issuer}", ctx.signer_title.upper()),
            name="………………………………",
        ),
    )
    doc.recipients = (
        f"{EMULATION_OFFICE};",
        f"{_collective(ctx)} trong {ctx.title};",
        _archive(ctx),
    )
    return doc


# -- 3. Tờ trình đề nghị khen thưởng ---------------------------------------------------------------


def submission(ctx: DocumentContext) -> OfficialDocument:
    doc = _base(ctx, "submission", "TTr", "TỜ TRÌNH", f"Đề nghị khen thưởng {_movement_year(ctx)}")
    doc.addressee = f"Kính gửi: {AWARD_BOARD}"
    doc.para("Căn cứ Luật Thi đua, khen thưởng và các văn bản hướng dẫn thi hành;")
    if ctx.award_rules_name:
        rules = curly(ctx.award_rules_name)
        doc.para(f"Căn cứ {rules[:1].lower()}{rules[1:]};")
    doc.para(
        f"Căn cứ kết quả chấm điểm, xếp hạng và Biên bản Hội nghị tổng kết {_movement_year(ctx)} "
        f"ngày {vn.short_date(ctx.date)} của {ctx.title},"
    )
    live = ctx.live_proposals()
    doc.para(
        f"{ctx.title} kính trình {AWARD_BOARD} xem xét, đề nghị cấp có thẩm quyền khen thưởng "
        f"{vn.two_digits(len(live))} tập thể có thành tích xuất sắc trong {_movement_year(ctx)}, "
        "cụ thể:"
    )
    doc.items(
        [f"{award}: {vn.two_digits(len(rows))} tập thể" for award, rows in ctx.proposals_by_award()]
    )
    doc.para("(Có danh sách kèm theo)", style="center")
    if ctx.honoured is not None:
        doc.para(
            f"{ctx.honoured.name} được Hội nghị suy tôn dẫn đầu {_movement_year(ctx)} của "
            f"{ctx.title} ({ctx.vote.yes}/{ctx.vote.member_count} phiếu đồng ý)."
        )
    doc.para(f"{ctx.title} kính trình {AWARD_BOARD} xem xét, quyết định./.")
    doc.recipients = (
        "Như trên;",
        f"{EMULATION_OFFICE};",
        _archive(ctx),
    )
    doc.signatures = (_leader_signature(ctx),)

    doc.begin_appendix()
    doc.heading("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", 3)
    doc.para(
        f"(Kèm theo Tờ trình số …/TTr-{ctx.symbol} ngày {vn.short_date(ctx.date)} của {ctx.title})",
        style="center-italic",
    )
    doc.heading("I. Tập thể", 2)
    columns = (
        Column("STT", 13, "center"),
        Column("Tên tập thể", 50, "left"),
        Column("Hình thức đề nghị", 52, "left"),
        Column("Tổng điểm", 20, "center"),
        Column("Ghi chú", 30, "left"),
    )
    rows: list[Row] = []
    number = 0
    for group_no, (award, group) in enumerate(ctx.proposals_by_award(), start=1):
        rows.append(Row((f"{group_no}. {award} ({vn.two_digits(len(group))} tập thể)",), "section"))
        for p in group:
            number += 1
            rows.append(Row((str(number), p.unit.name, p.award_name, vn.fixed(p.total), p.note)))
    doc.table(Table(columns, tuple(rows)))
    doc.heading("II. Cá nhân", 2)
    doc.para("Không có cá nhân đề nghị khen thưởng trong Tờ trình này.")
    return doc


# -- 4. Bảng tổng hợp điểm (PDF; the XLSX is built in xlsx.py from the same rows) ---------------


def score_columns(ctx: DocumentContext, width_mm: float) -> tuple[Column, ...]:
    head = [Column("STT", 11, "center"), Column("Đơn vị", 52, "left")]
    tail = [
        Column("Tổng điểm", 21, "center"),
        Column("Xếp hạng", 17, "center"),
        Column("Ghi chú", 17, "center"),
    ]
    rest = width_mm - sum(c.width_mm for c in [*head, *tail])
    each = rest / max(len(ctx.groups), 1)
    groups = [Column(group_title(g), each, "center") for g in ctx.groups]
    return (*head, *groups, *tail)


def group_title(group) -> str:
    if group.max_points is None:
        return group.name
    return f"{group.name} ({vn.number(group.max_points)} điểm)"


def score_cells(ctx: DocumentContext, number: int, row: UnitRow) -> tuple[str, ...]:
    return (
        str(number),
        row.name,
        *(vn.fixed(p) for p in row.groups),
        vn.fixed(row.total),
        str(row.rank) if row.rank else "—",
        marker(ctx, row),
    )


def scores(ctx: DocumentContext) -> OfficialDocument:
    movement = _movement_year(ctx)
    doc = _base(
        ctx, "scores", "", "BẢNG TỔNG HỢP ĐIỂM, XẾP HẠNG", movement[:1].upper() + movement[1:]
    )
    doc.landscape = True
    doc.subtitle = (
        f"(Kèm theo Báo cáo số …/BC-{ctx.symbol} ngày {vn.short_date(ctx.date)} của {ctx.title})"
    )
    columns = score_columns(ctx, doc.text_width_mm)
    rows = [Row(score_cells(ctx, n, row)) for n, row in enumerate(ctx.ranked, start=1)]
    if ctx.excluded:
        rows.append(Row(("Đơn vị không xếp hạng (vi phạm điểm liệt)",), kind="section"))
        start = len(ctx.ranked) + 1
        rows += [Row(score_cells(ctx, n, row)) for n, row in enumerate(ctx.excluded, start=start)]
    doc.table(Table(columns, tuple(rows)))
    # Notes sit beside the signature, so the table stays on one landscape page.
    doc.closing_notes = (
        *(f"({n}) {r.name}: {r.note.rstrip('.')}." for n, r in enumerate(noted_rows(ctx), 1)),
        SCORE_FOOTNOTE,
    )
    doc.signatures = (_leader_signature(ctx),)
    return doc


SCORE_FOOTNOTE = (
    "Điểm tổng hợp sau kiểm tra chéo. Điểm nhóm có thể vượt điểm tối đa của nhóm do điểm cộng "
    "theo thang điểm; đơn vị bằng tổng điểm được xếp theo tiêu chí phụ của thang điểm."
)


BUILDERS = {"report": report, "minutes": minutes, "submission": submission, "scores": scores}
